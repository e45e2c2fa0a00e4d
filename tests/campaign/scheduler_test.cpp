// A campaign run on one rank through the scheduler's glue (campaign/scheduler.hpp run_campaign over a
// transport of one rank; no MPI): a fresh campaign records every task and leaves neither journal nor
// checkpoints; run again it has nothing to do; a partly recorded campaign resumes to the same numbers as a
// straight run; and a results file of another campaign or shard is refused before anything is written.
#include "gpiqa/campaign/scheduler.hpp"

#include <bit>
#include <filesystem>

#include <gtest/gtest.h>

#include "fake_transport.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/util/error.hpp"
#include "support/test_data.hpp"

namespace gpiqa::campaign {
namespace {

namespace fs = std::filesystem;

const std::string kRepo = GPIQA_SOURCE_DIR;

CampaignSpec water(int seeds) {
  return parse_campaign(
      "name: scheduled\n"
      "molecules:\n  water: {geometry: " +
          kRepo + "/molecules/water.xyz, models: " + kRepo +
          "/models/water}\n"
          "models:\n  as-trained: {mean: file}\n  MIN: {mean: min}\n"
          "temperatures_K: [300, 1500]\nseeds: " +
          std::to_string(seeds) +
          "\nmd: {duration_ps: 0.05, bundle: 2}\n"
          "start: {displace_angstrom: 0.1}\n",
      "scheduled.yaml");
}

RunOptions options(const std::string& output) {
  RunOptions o;
  o.output = output;
  o.progress_interval_s = 1e9;
  return o;
}

int run(const CampaignSpec& spec, const RunOptions& o, RunReport* report = nullptr) {
  test::SingleRank one;
  return run_campaign(spec, o, one, report);
}

// Every column that is the result (not where or how fast it ran), bit for bit.
void expect_same_results(const std::vector<io::TaskRow>& a, const std::vector<io::TaskRow>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::vector<std::pair<std::string, std::string>> ca, cb;
    auto cells = [](const io::TaskRow& r, auto& out) {
      io::for_each_column(r, [&](const stability::FieldInfo& field, const auto& v) {
        using T = std::decay_t<decltype(v)>;
        const std::string name = field.name;
        if (name == "wall_seconds" || name == "steps_per_second" || name == "rank" || name == "host") return;
        if constexpr (std::is_same_v<T, double>)
          out.emplace_back(name, std::isnan(v) ? "nan" : std::to_string(std::bit_cast<std::uint64_t>(v)));
        else if constexpr (std::is_same_v<T, stability::Status>)
          out.emplace_back(name, stability::to_string(v));
        else if constexpr (std::is_same_v<T, std::int64_t>)
          out.emplace_back(name, std::to_string(v));
        else
          out.emplace_back(name, v);
      });
    };
    cells(a[i], ca);
    cells(b[i], cb);
    EXPECT_EQ(ca, cb) << "task " << i;
  }
}

TEST(Scheduler, AFreshCampaignRecordsEveryTaskAndLeavesNoJournalNorCheckpoints) {
  const std::string out = gpiqa::test::temp_dir("scheduler-fresh") + "/results.h5";
  RunReport report;
  EXPECT_EQ(run(water(2), options(out), &report), 0);
  EXPECT_FALSE(report.nothing_to_do);
  const std::vector<io::TaskRow> rows = io::read_results_rows(out);
  ASSERT_EQ(rows.size(), 8u);
  for (const io::TaskRow& r : rows) {
    EXPECT_TRUE(io::is_recorded(r)) << r.label;
    EXPECT_EQ(r.rank, 0);
    EXPECT_GT(r.outcome.steps, 0) << r.label;
  }
  EXPECT_FALSE(fs::exists(out + ".journal")) << "retired with the campaign's last task";
  EXPECT_FALSE(fs::exists(checkpoint_dir_for(out)));
  report = RunReport();
  EXPECT_EQ(run(water(2), options(out), &report), 0);
  EXPECT_TRUE(report.nothing_to_do) << "run again, every task is there";
}

TEST(Scheduler, APartlyRecordedCampaignResumesToTheNumbersOfAStraightRun) {
  const std::string dir = gpiqa::test::temp_dir("scheduler-resume");
  const CampaignSpec spec = water(2);
  ASSERT_EQ(run(spec, options(dir + "/straight.h5")), 0);
  const std::vector<io::TaskRow> straight = io::read_results_rows(dir + "/straight.h5");
  // what a run stopped part way leaves: the header, three tasks recorded, the rest pending
  std::vector<io::TaskRow> pending;
  for (const io::TaskRow& r : straight) pending.push_back(io::pending_copy(r));
  io::create_results(dir + "/resumed.h5", io::read_results_header(dir + "/straight.h5"), pending);
  io::record_results(dir + "/resumed.h5", {straight[1], straight[4], straight[6]}, {});
  ASSERT_EQ(run(spec, options(dir + "/resumed.h5")), 0);
  const std::vector<io::TaskRow> resumed = io::read_results_rows(dir + "/resumed.h5");
  expect_same_results(resumed, straight);
}

TEST(Scheduler, AResultsFileOfAnotherCampaignOrShardIsRefusedUntouched) {
  const std::string dir = gpiqa::test::temp_dir("scheduler-refused");
  ASSERT_EQ(run(water(1), options(dir + "/a.h5")), 0);
  const auto size = fs::file_size(dir + "/a.h5");
  const auto written = fs::last_write_time(dir + "/a.h5");
  try {
    run(water(2), options(dir + "/a.h5"));
    ADD_FAILURE() << "another campaign's file was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("refusing to mix results"), std::string::npos) << e.what();
  }
  RunOptions shard = options(dir + "/a.h5");
  shard.shard_index = 1, shard.shard_count = 2;
  try {
    run(water(1), shard);
    ADD_FAILURE() << "another shard's file was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("belongs to shard 0/1, not 1/2"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fs::file_size(dir + "/a.h5"), size);
  EXPECT_EQ(fs::last_write_time(dir + "/a.h5"), written);
}

TEST(Scheduler, ShardFilesAreNamedBesideTheOutput) {
  EXPECT_EQ(shard_path("results/study.h5", 2, 8), "results/study.shard-2-of-8.h5");
  EXPECT_EQ(shard_path("study.h5", 0, 1), "study.shard-0-of-1.h5");
}

}  // namespace
}  // namespace gpiqa::campaign
