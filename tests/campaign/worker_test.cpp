// A worker rank (campaign/worker.hpp) against a scripted coordinator, with made-up results (no MPI, no MD):
// it asks before every bundle, runs exactly the bundles it is given, sends each task's result the moment the
// task ends (not when the bundle does: the coordinator records as results arrive), and ends when told there
// is no more work. Told to stop now, or stopped by a signal of its own, it sends its running tasks as
// interrupted and keeps asking until told to stop, so the coordinator is never left waiting for it.
#include "gpiqa/campaign/worker.hpp"

#include <gtest/gtest.h>

#include "fake_transport.hpp"

namespace gpiqa::campaign {
namespace {

using test::FakeRunner;
using test::ScriptedCoordinator;
using Kind = ToCoordinator::Kind;

std::vector<Task> tasks(int n) {
  std::vector<Task> t(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) t[static_cast<std::size_t>(i)].id = i;
  return t;
}

ToWorker bundle(std::vector<std::int64_t> ids) {
  return {ToWorker::Kind::kBundle, std::move(ids)};
}

std::vector<Kind> kinds(const std::vector<ToCoordinator>& messages) {
  std::vector<Kind> k;
  for (const ToCoordinator& m : messages) k.push_back(m.kind);
  return k;
}

TEST(Worker, AsksRunsWhatItIsGivenSendsEachResultAsItsTaskEndsAndStopsWhenTold) {
  const std::vector<Task> all = tasks(6);
  ScriptedCoordinator coordinator(2, {bundle({4, 1}), bundle({5})});
  FakeRunner runner(2);
  std::vector<std::size_t> sent_before_task;  // messages the coordinator had when each task began
  runner.before_each = [&] { sent_before_task.push_back(coordinator.received.size()); };
  work(coordinator, runner, all, {});
  EXPECT_EQ(runner.bundles, (std::vector<std::vector<std::int64_t>>{{4, 1}, {5}}));
  EXPECT_EQ(kinds(coordinator.received), (std::vector<Kind>{Kind::kRequest, Kind::kResult, Kind::kResult,
                                                            Kind::kRequest, Kind::kResult, Kind::kRequest}))
      << "one request per reply, the last answered with stop";
  EXPECT_EQ(sent_before_task, (std::vector<std::size_t>{1, 2, 4}))
      << "task 4's result went before task 1 ran";
  const TaskResult& r = coordinator.received[1].result;
  const TaskResult expected = test::made_up_result(all[4], 2);
  EXPECT_EQ(r.row.task_id, 4);
  EXPECT_EQ(r.row.rank, 2);
  EXPECT_EQ(r.row.host, "host2");
  EXPECT_EQ(r.row.outcome.conserved_drift, expected.row.outcome.conserved_drift) << "exact through the wire";
  EXPECT_EQ(r.steps_this_run, expected.steps_this_run);
  for (const ToCoordinator& m : coordinator.received) EXPECT_EQ(m.from, 2);
}

TEST(Worker, ToldToStopNowItSendsItsTasksInterruptedAndKeepsAskingUntilStopped) {
  const std::vector<Task> all = tasks(6);
  // "stop now" arrives at the second poll: task 0 ran, 1 and 2 did not; the next bundle stops at once
  ScriptedCoordinator coordinator(1, {bundle({0, 1, 2}), bundle({3})}, {2});
  FakeRunner runner(1);
  work(coordinator, runner, all, {});
  EXPECT_EQ(kinds(coordinator.received),
            (std::vector<Kind>{Kind::kRequest, Kind::kResult, Kind::kInterrupted, Kind::kInterrupted,
                               Kind::kRequest, Kind::kInterrupted, Kind::kRequest}));
  EXPECT_EQ(coordinator.received[2].result.row.task_id, 1);
  EXPECT_EQ(coordinator.received[3].result.row.task_id, 2);
  EXPECT_EQ(coordinator.received[5].result.row.task_id, 3) << "the stop holds for the rest of the run";
}

TEST(Worker, ASignalOfItsOwnStopsItsTasksButNotItsAsking) {
  const std::vector<Task> all = tasks(3);
  ScriptedCoordinator coordinator(3, {bundle({0, 1}), bundle({2})});
  FakeRunner runner(3);
  bool signalled = false;
  runner.before_each = [&] { signalled = signalled || coordinator.received.size() >= 2; };
  work(coordinator, runner, all, [&] { return signalled; });
  EXPECT_EQ(kinds(coordinator.received),
            (std::vector<Kind>{Kind::kRequest, Kind::kResult, Kind::kInterrupted, Kind::kRequest,
                               Kind::kInterrupted, Kind::kRequest}));
}

TEST(Worker, NoWorkAtAllIsOneRequestAndTheEnd) {
  ScriptedCoordinator coordinator(1, {});
  FakeRunner runner(1);
  work(coordinator, runner, tasks(2), {});
  EXPECT_EQ(kinds(coordinator.received), std::vector<Kind>{Kind::kRequest});
  EXPECT_TRUE(runner.bundles.empty());
}

}  // namespace
}  // namespace gpiqa::campaign
