// The ETA of a long campaign: counted in work, not tasks; from the recent rate, not the average since the
// start; expecting failed runs to end early as the finished ones of their kind did, and bounded by every
// pending task running to the end.
#include "gpiqa/campaign/progress_estimate.hpp"

#include <gtest/gtest.h>

namespace gpiqa::campaign {
namespace {

using Group = ProgressEstimate::Group;

TEST(ProgressEstimate, UnknownUntilWorkIsDoneThenRemainingWorkOverTheRate) {
  ProgressEstimate e;
  for (int i = 0; i < 4; ++i) e.add_pending({0, 0}, 10.0);
  EXPECT_LT(e.eta_s(100).first, 0) << "no rate yet";
  EXPECT_DOUBLE_EQ(e.remaining_bound(), 40);
  // one task ran to its end in 100 s: 0.1 work per second, 30 work left, all of it expected (share 1)
  e.task_ended({0, 0}, 10.0, 1.0, 1.0, false, 100);
  const auto [eta, bound] = e.eta_s(100);
  EXPECT_DOUBLE_EQ(e.rate(100), 0.1);
  EXPECT_DOUBLE_EQ(eta, 300);
  EXPECT_DOUBLE_EQ(bound, 300);
}

// Tasks of different molecules cost different amounts: a campaign whose expensive tasks ran first (longest
// first) must not extrapolate their wall time per task to the cheap ones.
TEST(ProgressEstimate, CountsWorkNotTasks) {
  ProgressEstimate e;
  e.add_pending({0, 0}, 100.0);
  for (int i = 0; i < 10; ++i) e.add_pending({1, 0}, 1.0);
  e.task_ended({0, 0}, 100.0, 1.0, 1.0, false, 1000);  // 100 work in 1000 s
  EXPECT_DOUBLE_EQ(e.eta_s(1000).first, 100) << "10 cheap tasks of 1 work left at 0.1 work/s";
}

// Runs that fail stop early. The expected work of a pending task is its budget times the share its own
// group's finished tasks used; the bound is its whole budget.
TEST(ProgressEstimate, ExpectsEachGroupToUseTheShareItsFinishedTasksUsed) {
  ProgressEstimate e;
  for (int i = 0; i < 3; ++i) e.add_pending({0, 0}, 10.0);  // MIN: fails early
  for (int i = 0; i < 3; ++i) e.add_pending({0, 1}, 10.0);  // MF5: survives
  e.add_pending({0, 2}, 10.0);                              // a group with nothing finished yet
  e.task_ended({0, 0}, 10.0, 0.01, 0.01, false, 1);
  e.task_ended({0, 1}, 10.0, 1.0, 1.0, false, 11);
  // left: 2 MIN (share 0.01), 2 MF5 (share 1), 1 of the third group (share of all finished: 10.1 / 20)
  EXPECT_DOUBLE_EQ(e.remaining_bound(), 50);
  EXPECT_NEAR(e.remaining_expected(), 2 * 10 * 0.01 + 2 * 10 + 10 * (10.1 / 20), 1e-12);
  const auto [eta, bound] = e.eta_s(11);
  EXPECT_LT(eta, bound);
  EXPECT_NEAR(bound / eta, 50 / e.remaining_expected(), 1e-12);
}

// An interrupted task did work (it counts toward the rate) but is still to run (its budget stays).
TEST(ProgressEstimate, AnInterruptedTaskCountsTowardTheRateAndStaysPending) {
  ProgressEstimate e;
  e.add_pending({0, 0}, 10.0);
  e.add_pending({0, 0}, 10.0);
  e.task_ended({0, 0}, 10.0, 0.5, 0.0, true, 50);
  EXPECT_DOUBLE_EQ(e.remaining_bound(), 20);
  EXPECT_DOUBLE_EQ(e.rate(50), 0.1);
}

// The rate follows the machine: after a slow first hour (the machine shared), a fast second hour gives the
// second hour's rate, not the average of both.
TEST(ProgressEstimate, TheRateIsTheRecentOneNotTheAverageSinceTheStart) {
  ProgressEstimate e(3600);
  for (int i = 0; i < 200; ++i) e.add_pending({0, 0}, 1.0);
  double t = 0;
  for (int i = 0; i < 20; ++i) e.task_ended({0, 0}, 1.0, 1.0, 1.0, false, t += 180);  // 1/180 per s
  for (int i = 0; i < 60; ++i) e.task_ended({0, 0}, 1.0, 1.0, 1.0, false, t += 60);   // 1/60 per s
  EXPECT_NEAR(e.rate(t), 1.0 / 60, 1e-3 / 60);
  EXPECT_NEAR(e.eta_s(t).first, 120 * 60, 1.0);
}

// Few, long tasks: the window stretches back over the last ten pieces of work rather than seeing one.
TEST(ProgressEstimate, FewLongTasksStretchTheWindowOverTheLastTen) {
  ProgressEstimate e(3600);
  for (int i = 0; i < 30; ++i) e.add_pending({0, 0}, 1.0);
  for (int i = 1; i <= 12; ++i) e.task_ended({0, 0}, 1.0, 1.0, 1.0, false, 7200.0 * i);
  EXPECT_NEAR(e.rate(7200.0 * 12), 1.0 / 7200, 1e-12) << "ten pieces over the ten intervals before them";
}

}  // namespace
}  // namespace gpiqa::campaign
