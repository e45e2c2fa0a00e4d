// The coordinator (campaign/coordinator.hpp) with scripted workers and made-up results (no MPI, no MD):
// bundles go out longest-expected-first and each pending task exactly once; a partly recorded campaign runs
// only what is left and keeps what was there; a stop request hands out nothing more, stops busy workers and
// ends with exit code 3; a worker lost part way through a bundle leaves its finished tasks recorded and the
// rest pending, is never written to again, is named, and the others finish the queue (no hang); a coordinator
// that works runs bundles itself and serves its workers between them.
#include "gpiqa/campaign/coordinator.hpp"

#include <filesystem>
#include <fstream>
#include <numeric>

#include <gtest/gtest.h>

#include "fake_transport.hpp"
#include "gpiqa/io/results_file.hpp"
#include "support/test_data.hpp"

namespace gpiqa::campaign {
namespace {

namespace fs = std::filesystem;
using test::FakeRunner;
using test::ScriptedWorkers;
using Behaviour = ScriptedWorkers::Behaviour;

const std::string kRepo = GPIQA_SOURCE_DIR;

// 2 variants x 2 temperatures x 3 seeds of water: 12 tasks, GP bundles of 3.
struct Campaign {
  CampaignSpec spec;
  std::vector<Task> tasks;
  std::vector<io::TaskRow> rows;
  RunOptions options;
};

Campaign campaign(const std::string& tag) {
  Campaign c;
  c.spec = parse_campaign(
      "name: coordinated\n"
      "molecules:\n  water: {geometry: " +
          kRepo + "/molecules/water.xyz, models: " + kRepo +
          "/models/water}\n"
          "models:\n  as-trained: {mean: file}\n  MIN: {mean: min}\n"
          "temperatures_K: [300, 600]\nseeds: 3\nmd: {duration_ps: 0.05, bundle: 3}\n",
      "coordinated.yaml");
  c.tasks = expand_tasks(c.spec, {1.0});
  for (Task& t : c.tasks) t.expected_cost = static_cast<double>((t.id * 5) % 12);  // a cost of its own each
  for (const Task& t : c.tasks) c.rows.push_back(pending_row(c.spec, t));
  c.options.output = gpiqa::test::temp_dir(tag) + "/results.h5";
  io::ResultsHeader h;
  h.campaign_name = c.spec.name;
  h.campaign_fingerprint = "fingerprint";
  h.created = "2025-01-31T09:00:00Z";
  io::create_results(c.options.output, h, c.rows);
  fs::create_directories(checkpoint_dir_for(c.options.output));
  return c;
}

double cost_of(const Campaign& c, const std::vector<std::int64_t>& bundle) {
  double sum = 0;
  for (std::int64_t id : bundle) sum += c.tasks[static_cast<std::size_t>(id)].expected_cost;
  return sum;
}

// A coordinator's whole run; the results file is closed again when this returns.
struct Ran {
  int code = -1;
  std::vector<int> lost;
  std::set<std::int64_t> lost_tasks;
};
Ran coordinate(const Campaign& c, Transport& transport, BundleRunner* own = nullptr,
               std::function<bool()> stop = {}) {
  Coordinator coordinator(c.spec, c.options, transport, c.tasks, c.rows, own, std::move(stop));
  Ran ran;
  ran.code = coordinator.run();
  ran.lost = coordinator.lost_workers();
  ran.lost_tasks = coordinator.lost_tasks();
  return ran;
}

std::size_t recorded_count(const std::string& path) {
  std::size_t n = 0;
  for (const io::TaskRow& r : io::read_results_rows(path)) n += io::is_recorded(r);
  return n;
}

TEST(Coordinator, HandsOutEveryPendingTaskOnceLongestExpectedFirstAndRecordsEachResult) {
  Campaign c = campaign("coordinator-order");
  ScriptedWorkers workers({{}, {}}, c.tasks);
  const Ran ran = coordinate(c, workers);
  EXPECT_EQ(ran.code, 0);
  const auto bundles = workers.bundles();
  ASSERT_EQ(bundles.size(), 4u);
  for (std::size_t i = 1; i < bundles.size(); ++i)
    EXPECT_GE(cost_of(c, bundles[i - 1]), cost_of(c, bundles[i]))
        << "bundle " << i << " costs more than the one before";
  std::vector<std::int64_t> ids;
  for (const auto& b : bundles) ids.insert(ids.end(), b.begin(), b.end());
  std::sort(ids.begin(), ids.end());
  std::vector<std::int64_t> all(12);
  std::iota(all.begin(), all.end(), 0);
  EXPECT_EQ(ids, all) << "every task once";
  EXPECT_EQ(workers.stopped, (std::set<int>{1, 2})) << "each worker told there is no more work";
  const std::vector<io::TaskRow> rows = io::read_results_rows(c.options.output);
  for (const io::TaskRow& r : rows) {
    const TaskResult expected = test::made_up_result(c.tasks[static_cast<std::size_t>(r.task_id)], r.rank);
    EXPECT_EQ(r.outcome.status, expected.row.outcome.status) << r.task_id;
    EXPECT_EQ(r.outcome.conserved_drift, expected.row.outcome.conserved_drift) << r.task_id;
    EXPECT_EQ(r.label, c.rows[static_cast<std::size_t>(r.task_id)].label)
        << "the identity is the coordinator's";
    EXPECT_EQ(r.host, "host" + std::to_string(r.rank));
  }
}

TEST(Coordinator, APartlyRecordedCampaignRunsOnlyWhatIsLeftAndKeepsWhatWasThere) {
  Campaign c = campaign("coordinator-resume");
  io::TaskRow before = c.rows[4];
  before.outcome.status = stability::Status::kCollapsed;
  before.outcome.conserved_drift = -1.25;
  before.rank = 9;
  io::record_results(c.options.output, {before}, {});
  c.rows[4] = before;
  // a checkpoint of a task still to run, and of the task the coordinator will record
  std::ofstream(checkpoint_path(checkpoint_dir_for(c.options.output), 7)) << "state";
  ScriptedWorkers workers({{}}, c.tasks);
  const Ran ran = coordinate(c, workers);
  EXPECT_EQ(ran.code, 0);
  std::size_t handed = 0;
  for (const auto& b : workers.bundles()) {
    handed += b.size();
    EXPECT_EQ(std::count(b.begin(), b.end(), 4), 0) << "the recorded task does not run again";
  }
  EXPECT_EQ(handed, 11u);
  const io::TaskRow kept = io::read_results_rows(c.options.output)[4];
  EXPECT_EQ(kept.outcome.status, stability::Status::kCollapsed);
  EXPECT_EQ(kept.outcome.conserved_drift, -1.25);
  EXPECT_EQ(kept.rank, 9);
  EXPECT_EQ(recorded_count(c.options.output), 12u);
  EXPECT_FALSE(fs::exists(checkpoint_path(checkpoint_dir_for(c.options.output), 7)))
      << "a recorded task's checkpoint is spent";
}

TEST(Coordinator, AStopRequestHandsOutNothingMoreStopsBusyWorkersAndEndsInterrupted) {
  Campaign c = campaign("coordinator-stop");
  ScriptedWorkers workers({{Behaviour::kHold}, {}}, c.tasks);
  // the stop arrives once worker 2's first result is in
  const Ran ran = coordinate(c, workers, nullptr, [&] { return workers.results_polled > 0; });
  EXPECT_EQ(ran.code, kExitInterrupted);
  const auto bundles = workers.bundles();
  ASSERT_EQ(bundles.size(), 2u) << "one bundle each, then nothing";
  bool stop_now_to_1 = false;
  for (const auto& [w, m] : workers.sent)
    stop_now_to_1 = stop_now_to_1 || (w == 1 && m.kind == ToWorker::Kind::kStopNow);
  EXPECT_TRUE(stop_now_to_1) << "the busy worker is told to stop now";
  EXPECT_EQ(workers.stopped, (std::set<int>{1, 2}));
  const std::vector<io::TaskRow> rows = io::read_results_rows(c.options.output);
  for (std::int64_t id : bundles[0]) EXPECT_FALSE(io::is_recorded(rows[static_cast<std::size_t>(id)])) << id;
  for (std::int64_t id : bundles[1]) EXPECT_TRUE(io::is_recorded(rows[static_cast<std::size_t>(id)])) << id;
}

TEST(Coordinator, AWorkerLostMidBundleIsNamedItsFinishedTasksKeptAndTheRestFinishedByTheOthers) {
  Campaign c = campaign("coordinator-lost");
  for (const Task& t : c.tasks)
    std::ofstream(checkpoint_path(checkpoint_dir_for(c.options.output), t.id)) << "state";
  ScriptedWorkers workers({{Behaviour::kDieAfter, 1}, {}}, c.tasks);
  const Ran ran = coordinate(c, workers);
  EXPECT_EQ(ran.code, kExitInterrupted) << "not every task is recorded: run it again";
  EXPECT_EQ(ran.lost, std::vector<int>{1});
  const std::vector<std::int64_t> first = workers.bundles()[0];  // worker 1 asked first
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(ran.lost_tasks, (std::set<std::int64_t>{first[1], first[2]}));
  int after_loss_to_1 = 0;
  bool lost = false;
  for (const auto& [w, m] : workers.sent) {
    if (w == 1 && lost) ++after_loss_to_1;
    if (w == 1 && m.kind == ToWorker::Kind::kBundle) lost = true;
  }
  EXPECT_EQ(after_loss_to_1, 0) << "nothing is sent to a lost worker";
  const std::vector<io::TaskRow> rows = io::read_results_rows(c.options.output);
  EXPECT_TRUE(io::is_recorded(rows[static_cast<std::size_t>(first[0])])) << "what it sent before it died";
  EXPECT_EQ(rows[static_cast<std::size_t>(first[0])].rank, 1);
  EXPECT_FALSE(io::is_recorded(rows[static_cast<std::size_t>(first[1])]));
  EXPECT_FALSE(io::is_recorded(rows[static_cast<std::size_t>(first[2])]));
  EXPECT_EQ(recorded_count(c.options.output), 10u) << "worker 2 ran every other bundle";
  EXPECT_EQ(workers.stopped, std::set<int>{2});
  for (const io::TaskRow& r : rows)
    EXPECT_EQ(fs::exists(checkpoint_path(checkpoint_dir_for(c.options.output), r.task_id)),
              !io::is_recorded(r))
        << "a lost task keeps its checkpoint to resume from; a recorded one's is spent: " << r.task_id;
}

// No worker left and the coordinator does not work: it must end, not wait for a queue nobody will run.
TEST(Coordinator, WithEveryWorkerLostAndNoneOfItsOwnTheRunEnds) {
  Campaign c = campaign("coordinator-all-lost");
  ScriptedWorkers workers({{Behaviour::kDieAfter, 0}}, c.tasks);
  const Ran ran = coordinate(c, workers);
  EXPECT_EQ(ran.code, kExitInterrupted);
  EXPECT_EQ(ran.lost, std::vector<int>{1});
  EXPECT_EQ(recorded_count(c.options.output), 0u);
}

TEST(Coordinator, ACoordinatorThatWorksRunsBundlesItselfAndServesItsWorkersBetweenSteps) {
  Campaign c = campaign("coordinator-works");
  ScriptedWorkers workers({{}}, c.tasks);
  FakeRunner own(0);
  std::vector<std::vector<std::size_t>>
      handed_during;  // per own bundle: the worker's bundles, before each task
  own.before_each = [&] {
    if (handed_during.size() < own.bundles.size()) handed_during.emplace_back();
    handed_during.back().push_back(workers.bundles().size());
  };
  const Ran ran = coordinate(c, workers, &own);
  EXPECT_EQ(ran.code, 0);
  ASSERT_FALSE(own.bundles.empty());
  std::size_t by_self = 0;
  for (const auto& b : own.bundles) by_self += b.size();
  std::size_t by_worker = 0;
  for (const auto& b : workers.bundles()) by_worker += b.size();
  EXPECT_EQ(by_self + by_worker, 12u) << "every task once, between the two";
  EXPECT_GT(by_worker, 0u);
  std::set<std::int64_t> ranks;
  for (const io::TaskRow& r : io::read_results_rows(c.options.output)) ranks.insert(r.rank);
  EXPECT_EQ(ranks, (std::set<std::int64_t>{0, 1}));
  bool served_within_a_bundle = false;
  for (const auto& counts : handed_during) served_within_a_bundle |= counts.front() < counts.back();
  EXPECT_TRUE(served_within_a_bundle) << "the worker was given work while rank 0 ran a bundle";
}

}  // namespace
}  // namespace gpiqa::campaign
