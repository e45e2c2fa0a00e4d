// The /tasks row (io/results_row.hpp): a pending copy keeps the task's identity and clears every result
// (what a rebuild writes for a task whose frames were lost, so it runs again), and same_row tells rows apart
// by every column (recovery rewrites any row the journal and the file disagree on).
#include "gpiqa/io/results_row.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "support/results_rows.hpp"

namespace gpiqa::io {
namespace {

TEST(ResultsRow, APendingCopyKeepsTheIdentityAndClearsEveryResult) {
  TaskRow done = test::finished(test::pending_rows(3)[2], 1e-5);
  done.start_energy_target_kcal_mol = 40;
  const TaskRow p = pending_copy(done);
  EXPECT_EQ(p.task_id, 2);
  EXPECT_EQ(p.label, done.label);
  EXPECT_EQ(p.seed, 3);
  EXPECT_EQ(p.temperature_K, 300);
  EXPECT_EQ(p.start_energy_target_kcal_mol, 40);
  EXPECT_FALSE(is_recorded(p));
  EXPECT_FALSE(same_row(p, test::pending_rows(3)[2])) << "the target energy is part of the identity";
  EXPECT_EQ(p.rank, -1);
  EXPECT_EQ(p.host, "");
  EXPECT_TRUE(std::isnan(p.outcome.time_to_failure_ps));
  EXPECT_EQ(p.outcome.failure_step, -1);
  EXPECT_TRUE(is_recorded(done));
}

TEST(ResultsRow, SameRowSeesEveryColumnAndTakesNaNAsEqual) {
  const TaskRow a = test::finished(test::pending_rows(2)[1], 1.0 / 3.0);
  EXPECT_TRUE(same_row(a, a));
  TaskRow b = a;
  b.outcome.mean_temperature_K = std::numeric_limits<double>::quiet_NaN();
  TaskRow c = b;
  EXPECT_TRUE(same_row(b, c)) << "NaN equals NaN";
  int columns = 0, told_apart = 0;
  for_each_column(a, [&](const stability::FieldInfo&, const auto&) { ++columns; });
  for (int k = 0; k < columns; ++k) {
    TaskRow changed = a;
    int i = 0;
    for_each_column(changed, [&](const stability::FieldInfo&, auto& v) {
      using T = std::decay_t<decltype(v)>;
      if (i++ != k) return;
      if constexpr (std::is_same_v<T, double>)
        v = std::isfinite(v) ? std::nextafter(v, std::numeric_limits<double>::infinity()) : 1.0;
      else if constexpr (std::is_same_v<T, std::int64_t>)
        v += 1;
      else if constexpr (std::is_same_v<T, stability::Status>)
        v = stability::Status::kFailed;
      else
        v += "x";
    });
    told_apart += !same_row(a, changed);
  }
  EXPECT_EQ(told_apart, columns) << "a change in any one column, however small, is seen";
  TaskRow zero = a, negative_zero = a;
  zero.outcome.simulated_ps = 0.0;
  negative_zero.outcome.simulated_ps = -0.0;
  EXPECT_FALSE(same_row(zero, negative_zero));
}

}  // namespace
}  // namespace gpiqa::io
