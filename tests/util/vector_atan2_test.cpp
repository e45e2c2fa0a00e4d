// The vectorised atan2 of the ALF features: within 2 ulp of std::atan2 over a million random pairs spread
// over every quadrant, octant boundary and magnitude; std::atan2's values for signed zeros, infinities and
// NaN; and a pair's result does not depend on where it sits or how many pairs there are.
#include "gpiqa/util/vector_atan2.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "support/ulp.hpp"

namespace gpiqa::util {
namespace {

using test::ulp_distance;

TEST(VectorAtan2, WithinTwoUlpOfStdAtan2) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> angle(-std::numbers::pi, std::numbers::pi);
  std::uniform_real_distribution<double> log_radius(-30.0, 30.0);
  std::uniform_real_distribution<double> uniform(-2.0, 2.0);
  const std::size_t n = 1000000;
  std::vector<double> y(n), x(n), out(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 2 == 0) {  // every direction, radii over 26 decades
      const double r = std::exp(log_radius(rng)), t = angle(rng);
      y[i] = r * std::sin(t), x[i] = r * std::cos(t);
    } else {  // coordinates as a geometry gives them
      y[i] = uniform(rng), x[i] = uniform(rng);
    }
  }
  // the reduction's boundaries: |y| / |x| near tan(pi/8), 1 and its inverse
  for (std::size_t i = 0; i < 4000; ++i) {
    const double t = (i % 2 ? std::numbers::sqrt2 - 1 : 1.0) * (1 + (static_cast<double>(i) - 2000) * 1e-15);
    y[i] = (i % 4 < 2 ? t : 1.0) * (i % 3 ? 1 : -1), x[i] = (i % 4 < 2 ? 1.0 : t) * (i % 5 ? 1 : -1);
  }
  vector_atan2(y.data(), x.data(), out.data(), n);
  double worst = 0;
  std::size_t at = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = ulp_distance(out[i], std::atan2(y[i], x[i]));
    if (d > worst) worst = d, at = i;
  }
  EXPECT_LE(worst, 2.0) << "atan2(" << y[at] << ", " << x[at] << ")";
  std::cout << "largest difference from std::atan2: " << worst << " ulp\n";
}

TEST(VectorAtan2, SpecialValuesAsStdAtan2) {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> values = {0.0, -0.0, 1.0, -1.0, 1e-310, -1e-310, 1e308, -1e308, inf, -inf};
  std::vector<double> y, x;
  for (double a : values)
    for (double b : values) y.push_back(a), x.push_back(b);
  std::vector<double> out(y.size());
  vector_atan2(y.data(), x.data(), out.data(), y.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double expected = std::atan2(y[i], x[i]);
    EXPECT_LE(ulp_distance(out[i], expected), 1.0) << "atan2(" << y[i] << ", " << x[i] << ") = " << out[i];
    EXPECT_EQ(std::signbit(out[i]), std::signbit(expected)) << "atan2(" << y[i] << ", " << x[i] << ")";
  }
  const double nans[][2] = {{nan, 1.0}, {1.0, nan}, {nan, nan}, {nan, inf}};
  for (const auto& p : nans) {
    double r = 0;
    vector_atan2(&p[0], &p[1], &r, 1);
    EXPECT_TRUE(std::isnan(r)) << "atan2(" << p[0] << ", " << p[1] << ")";
  }
}

TEST(VectorAtan2, APairGivesTheSameBitsWhereverItSits) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> uniform(-3.0, 3.0);
  std::vector<double> y(37), x(37);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = uniform(rng), x[i] = uniform(rng);
  std::vector<double> all(y.size());
  vector_atan2(y.data(), x.data(), all.data(), y.size());
  for (std::size_t first = 0; first < 9; ++first)
    for (std::size_t count = 1; first + count <= y.size(); count += 5) {
      std::vector<double> part(count);
      vector_atan2(y.data() + first, x.data() + first, part.data(), count);
      for (std::size_t k = 0; k < count; ++k)
        EXPECT_EQ(std::bit_cast<std::uint64_t>(part[k]), std::bit_cast<std::uint64_t>(all[first + k]))
            << "pair " << first + k << " in " << count << " from " << first;
    }
}

}  // namespace
}  // namespace gpiqa::util
