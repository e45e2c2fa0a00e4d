// gpiqa run --shard I/N: with --output the shard writes exactly that file (any name, any directory), and the
// shard files merge into the table and frames of a single run; another shard refuses a shard's file.
// Without --output the shard file is NAME.shard-I-of-N.h5 beside the campaign's output.file. Runs on the
// committed default water models, so it needs no ../shared/data.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpiqa/io/results_file.hpp"
#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

namespace fs = std::filesystem;

std::string write_campaign(const std::string& dir) {
  std::ofstream(dir + "/campaign.yaml") << "name: shards\n"
                                           "molecules:\n"
                                           "  water: {builtin: water}\n"
                                           "models: {as-trained: {mean: file}, MIN: {mean: min}}\n"
                                           "temperatures_K: [300, 1000]\n"
                                           "seeds: 2\n"
                                           "md: {timestep_fs: 0.5, duration_ps: 0.2}\n"
                                           "start: {displace_angstrom: 0.05}\n"
                                           "output: {file: out/results.h5, frames_every: 100}\n";
  return dir + "/campaign.yaml";
}

// The columns that do not depend on where and how fast a task ran.
void expect_same_tables(const std::string& a, const std::string& b) {
  const auto ra = io::read_results_rows(a), rb = io::read_results_rows(b);
  ASSERT_EQ(ra.size(), rb.size());
  for (std::size_t i = 0; i < ra.size(); ++i) {
    SCOPED_TRACE(ra[i].label);
    EXPECT_NE(ra[i].outcome.status, stability::Status::kPending);
    EXPECT_EQ(ra[i].outcome.status, rb[i].outcome.status);
    EXPECT_EQ(ra[i].outcome.steps, rb[i].outcome.steps);
    EXPECT_EQ(ra[i].outcome.mean_temperature_K, rb[i].outcome.mean_temperature_K);
    EXPECT_EQ(ra[i].outcome.max_force, rb[i].outcome.max_force);
    const io::FrameBuffer fa = io::read_task_frames(a, ra[i].task_id),
                          fb = io::read_task_frames(b, rb[i].task_id);
    EXPECT_GT(fa.size(), 1u);
    EXPECT_EQ(fa.positions_angstrom, fb.positions_angstrom);
  }
}

TEST(RunShard, OutputIsTheShardFileAndShardsMergeIntoTheSingleRunTable) {
  const std::string dir = temp_dir("shard-output");
  const std::string c = write_campaign(dir);
  const ProcessResult single = run_gpiqa("run " + c + " --output " + dir + "/single.h5");
  ASSERT_EQ(single.exit_code, 0) << single.err;
  // Names that have nothing to do with the campaign's output.file, in directories that do not exist yet.
  const std::vector<std::string> shards = {dir + "/a/first.h5", dir + "/b/second.h5"};
  for (int i = 0; i < 2; ++i) {
    const ProcessResult r =
        run_gpiqa("run " + c + " --shard " + std::to_string(i) + "/2 --output " + shards[i]);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(fs::exists(shards[i]));
    const io::ResultsHeader h = io::read_results_header(shards[i]);
    EXPECT_EQ(h.shard_index, i);
    EXPECT_EQ(h.shard_count, 2);
  }
  for (const char* derived : {"/a/first.shard-0-of-2.h5", "/b/second.shard-1-of-2.h5", "/out"})
    EXPECT_FALSE(fs::exists(dir + derived)) << derived;

  // A shard's file belongs to that shard: another shard refuses it and leaves it as it was.
  const auto before = fs::last_write_time(shards[0]);
  const ProcessResult wrong = run_gpiqa("run " + c + " --shard 1/2 --output " + shards[0]);
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("belongs to shard 0/2, not 1/2"), std::string::npos) << wrong.err;
  EXPECT_EQ(fs::last_write_time(shards[0]), before);

  const ProcessResult merged =
      run_gpiqa("merge " + shards[1] + " " + shards[0] + " -o " + dir + "/merged.h5");
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  expect_same_tables(dir + "/single.h5", dir + "/merged.h5");
}

TEST(RunShard, WithoutOutputTheShardFileSitsBesideTheCampaignOutput) {
  const std::string dir = temp_dir("shard-derived");
  const std::string c = write_campaign(dir);
  const ProcessResult r = run_gpiqa("run " + c + " --shard 1/2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir + "/out/results.shard-1-of-2.h5"));
  EXPECT_FALSE(fs::exists(dir + "/out/results.h5")) << "the campaign's own file is the merge's";
  EXPECT_EQ(io::read_results_header(dir + "/out/results.shard-1-of-2.h5").shard_index, 1);
}

}  // namespace
}  // namespace gpiqa::test
