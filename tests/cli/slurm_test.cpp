// gpiqa slurm and the merge job its script runs, when the campaign's output file already exists: the script
// is generated with a warning naming the file, and its merge step (gpiqa merge --update) succeeds after the
// array has run, keeping the tasks the file had recorded, instead of failing with "already exists". An
// existing output that is not this campaign's results file is refused when the script is made (the merge job
// would fail after the whole array), unless --force. Runs on the committed default water models (no
// ../shared/data needed); the shards run as singleton MPI processes, as the array tasks would.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "gpiqa/io/results_file.hpp"
#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

namespace fs = std::filesystem;

std::string write_campaign(const std::string& dir) {
  std::ofstream(dir + "/campaign.yaml") << "name: slurm-merge\n"
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

// The merge job's commands, from the heredoc of the generated script.
std::string merge_commands(const std::string& script) {
  const std::string open = "<<'GPIQA_MERGE'\n", close = "\nGPIQA_MERGE\n";
  const auto begin = script.find(open);
  const auto end = script.find(close, begin);
  if (begin == std::string::npos || end == std::string::npos) return "";
  return script.substr(begin + open.size(), end - begin - open.size());
}

int run_bash(const std::string& commands, const std::string& dir) {
  std::ofstream(dir + "/merge.sh") << commands << "\n";
  return std::system(("bash " + dir + "/merge.sh >" + dir + "/merge.out 2>" + dir + "/merge.err").c_str());
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Array task I as the script runs it (without srun): `gpiqa run CAMPAIGN --output SHARD --shard I/N`.
void run_shard(const std::string& campaign, const std::string& dir, int index) {
  const ProcessResult r =
      run_gpiqa("run " + campaign + " --output " + dir + "/out/results.shard-" + std::to_string(index) +
                "-of-2.h5 --shard " + std::to_string(index) + "/2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

void expect_all_recorded_as_in(const std::string& merged, const std::string& single) {
  const auto a = io::read_results_rows(merged), b = io::read_results_rows(single);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(a[i].label);
    EXPECT_NE(a[i].outcome.status, stability::Status::kPending);
    EXPECT_EQ(a[i].outcome.status, b[i].outcome.status);
    EXPECT_EQ(a[i].outcome.steps, b[i].outcome.steps);
    EXPECT_EQ(a[i].outcome.max_force, b[i].outcome.max_force);
    EXPECT_EQ(io::read_task_frames(merged, a[i].task_id).positions_angstrom,
              io::read_task_frames(single, b[i].task_id).positions_angstrom);
  }
  EXPECT_EQ(io::read_results_header(merged).shard_count, 1);
}

TEST(SlurmScript, ExistingResultsFileOfTheCampaignWarnsAndTheMergeJobKeepsItsTasks) {
  const std::string dir = temp_dir("slurm-existing");
  const std::string c = write_campaign(dir);
  const std::string output = dir + "/out/results.h5";
  ASSERT_EQ(run_gpiqa("run " + c).exit_code, 0);  // a single run wrote the campaign's output first
  fs::copy_file(output, dir + "/single.h5");

  const ProcessResult made = run_gpiqa("slurm " + c + " --array 2 --time 00:10:00");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_NE(made.err.find("warning: " + output + ": already holds 8 of 8 tasks"), std::string::npos)
      << made.err;
  const std::string merge = merge_commands(made.out);
  ASSERT_NE(merge.find(" merge --update "), std::string::npos) << made.out;

  // Shard 0 ran to the end; shard 1 was killed at its first write, leaving its tasks pending in its file.
  run_shard(c, dir, 0);
  setenv("GPIQA_TEST_WRITE_KILL_AT", "1", 1);
  run_gpiqa("run " + c + " --output " + dir + "/out/results.shard-1-of-2.h5 --shard 1/2");
  unsetenv("GPIQA_TEST_WRITE_KILL_AT");
  std::size_t shard_pending = 0;
  for (const io::TaskRow& r : io::read_results_rows(dir + "/out/results.shard-1-of-2.h5"))
    shard_pending += r.task_id % 2 == 1 && r.outcome.status == stability::Status::kPending;
  ASSERT_GT(shard_pending, 0u) << "the kill left no task of shard 1 pending";

  // A plain merge still refuses an existing output, and says what would work.
  const ProcessResult plain = run_gpiqa("merge " + dir + "/out/results.shard-0-of-2.h5 " + dir +
                                        "/out/results.shard-1-of-2.h5 -o " + output);
  expect_one_error_line(plain, "already exists (use --update");

  // The script's merge job succeeds; the tasks shard 1 lacks come from the existing file.
  ASSERT_EQ(run_bash(merge, dir), 0) << slurp(dir + "/merge.err");
  EXPECT_NE(slurp(dir + "/merge.out").find("kept from the existing file"), std::string::npos)
      << slurp(dir + "/merge.out");
  expect_all_recorded_as_in(output, dir + "/single.h5");

  // A resubmission's merge job, after the array found nothing left to do, succeeds again.
  run_shard(c, dir, 1);
  ASSERT_EQ(run_bash(merge, dir), 0) << slurp(dir + "/merge.err");
  expect_all_recorded_as_in(output, dir + "/single.h5");
}

TEST(SlurmScript, ExistingOutputThatIsNotTheCampaignsResultsFileIsRefusedUnlessForce) {
  const std::string dir = temp_dir("slurm-foreign");
  const std::string c = write_campaign(dir);
  fs::create_directories(dir + "/out");
  std::ofstream(dir + "/out/results.h5") << "my notes, not HDF5\n";

  const ProcessResult refused = run_gpiqa("slurm " + c + " --array 2 --time 00:10:00");
  expect_one_error_line(refused, dir + "/out/results.h5: exists and is not a gpiqa results file");
  EXPECT_TRUE(refused.out.empty()) << "no script for a merge that would fail";
  EXPECT_EQ(slurp(dir + "/out/results.h5"), "my notes, not HDF5\n");

  const ProcessResult forced = run_gpiqa("slurm " + c + " --array 2 --time 00:10:00 --force");
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(merge_commands(forced.out).find(" merge --force "), std::string::npos) << forced.out;
  EXPECT_EQ(slurp(dir + "/out/results.h5"), "my notes, not HDF5\n") << "generating a script changes nothing";

  // The merge into a foreign file refuses it too, naming it, when run with --update.
  run_shard(c, dir, 0);
  run_shard(c, dir, 1);
  const ProcessResult update = run_gpiqa("merge --update " + dir + "/out/results.shard-0-of-2.h5 " + dir +
                                         "/out/results.shard-1-of-2.h5 -o " + dir + "/out/results.h5");
  expect_one_error_line(update, "exists and is not a gpiqa results file");
  EXPECT_EQ(slurp(dir + "/out/results.h5"), "my notes, not HDF5\n");
}

TEST(SlurmScript, NoExistingOutputGivesAScriptWithoutWarning) {
  const std::string dir = temp_dir("slurm-fresh");
  const std::string c = write_campaign(dir);
  const ProcessResult r = run_gpiqa("slurm " + c + " --array 2 --time 00:10:00");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(merge_commands(r.out).find(" merge --update "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace gpiqa::test
