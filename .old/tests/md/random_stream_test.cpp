// The counter-based random stream: the same (seed, task key, step) gives the same numbers, changing any of
// them changes the numbers, and the normals have zero mean and unit variance.
#include "gpiqa/md/random_stream.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace gpiqa::md {
namespace {

TEST(RandomStream, DeterministicPerCounterAndKey) {
  const RandomStream a(7, 3), b(7, 3), c(8, 3), d(7, 4);
  std::vector<double> x(10), y(10), z(10), w(10), later(10);
  a.normals(100, RandomPurpose::kThermostat, x);
  b.normals(100, RandomPurpose::kThermostat, y);
  c.normals(100, RandomPurpose::kThermostat, z);
  d.normals(100, RandomPurpose::kThermostat, w);
  a.normals(101, RandomPurpose::kThermostat, later);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
  EXPECT_NE(x, w);
  EXPECT_NE(x, later);
}

TEST(RandomStream, NormalsHaveUnitVariance) {
  const RandomStream a(1, 2);
  std::vector<double> x(4096);
  double sum = 0, sum2 = 0;
  for (std::uint64_t step = 0; step < 50; ++step) {
    a.normals(step, RandomPurpose::kThermostat, x);
    for (double v : x) sum += v, sum2 += v * v;
  }
  const double n = 50.0 * 4096;
  EXPECT_NEAR(sum / n, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(sum2 / n, 1.0, 5 * std::sqrt(2 / n));
}

}  // namespace
}  // namespace gpiqa::md
