// The vectorised cos and sin of the periodic kernel terms: within 2 ulp of std::cos and std::sin over a
// million values (the phi range, many periods, near multiples of pi/2 where one of them is tiny, beyond the
// reduction's range), std's values for signed zeros, infinities and NaN, and a value's results do not depend
// on where it sits or how many values there are.
#include "gpiqa/util/vector_sincos.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "support/ulp.hpp"

namespace gpiqa::util {
namespace {

using test::ulp_distance;

TEST(VectorSincos, WithinTwoUlpOfStd) {
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> phi(-std::numbers::pi, std::numbers::pi);
  std::uniform_real_distribution<double> wide(-1000.0, 1000.0);
  std::uniform_real_distribution<double> log_magnitude(-40.0, 14.0);
  const std::size_t n = 1000000;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (i % 3) {
      case 0:
        x[i] = phi(rng);
        break;  // what the ALF gives
      case 1:
        x[i] = wide(rng);
        break;  // many periods
      default:
        x[i] = (i % 2 ? 1 : -1) * std::exp(log_magnitude(rng));  // tiny to beyond 2^19 pi/2
    }
  }
  // the doubles nearest k pi/2 and their neighbours: one of cos and sin is tiny there, so the reduction's
  // error shows in full
  for (std::size_t k = 0; k < 3000; ++k) {
    const double m = std::nearbyint(static_cast<double>(k) * std::numbers::pi / 2 * 1e6) / 1e6;  // spread
    const double near = static_cast<double>(k % 1000) * (std::numbers::pi / 2);
    x[k] = k < 2000 ? (k % 2 ? std::nextafter(near, 1e9) : near) : -m;
  }
  std::vector<double> c(n), s(n);
  vector_sincos(x.data(), c.data(), s.data(), n);
  double worst_cos = 0, worst_sin = 0;
  std::size_t at_cos = 0, at_sin = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dc = ulp_distance(c[i], std::cos(x[i])), ds = ulp_distance(s[i], std::sin(x[i]));
    if (dc > worst_cos) worst_cos = dc, at_cos = i;
    if (ds > worst_sin) worst_sin = ds, at_sin = i;
  }
  EXPECT_LE(worst_cos, 2.0) << "cos(" << x[at_cos] << ")";
  EXPECT_LE(worst_sin, 2.0) << "sin(" << x[at_sin] << ")";
  std::cout << "largest difference from std: cos " << worst_cos << " ulp, sin " << worst_sin << " ulp\n";
}

TEST(VectorSincos, SpecialValuesAsStd) {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> x = {0.0, -0.0, 1e-310, -1e-310, 1e-20, -1e-20,
                                 1e6, -1e6, 1e300,  -1e300,  inf,   -inf};
  std::vector<double> c(x.size()), s(x.size());
  vector_sincos(x.data(), c.data(), s.data(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isinf(x[i])) {
      EXPECT_TRUE(std::isnan(c[i]) && std::isnan(s[i])) << x[i];
      continue;
    }
    EXPECT_LE(ulp_distance(c[i], std::cos(x[i])), 1.0) << "cos(" << x[i] << ") = " << c[i];
    EXPECT_LE(ulp_distance(s[i], std::sin(x[i])), 1.0) << "sin(" << x[i] << ") = " << s[i];
    EXPECT_EQ(std::signbit(s[i]), std::signbit(std::sin(x[i]))) << "sin(" << x[i] << ")";
  }
  double cn = 0, sn = 0;
  vector_sincos(&nan, &cn, &sn, 1);
  EXPECT_TRUE(std::isnan(cn) && std::isnan(sn));
}

TEST(VectorSincos, AValueGivesTheSameBitsWhereverItSits) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uniform(-7.0, 7.0);
  std::vector<double> x(37);
  for (double& v : x) v = uniform(rng);
  x[11] = 1e7;  // one lane through std
  std::vector<double> c(x.size()), s(x.size());
  vector_sincos(x.data(), c.data(), s.data(), x.size());
  for (std::size_t first = 0; first < 9; ++first)
    for (std::size_t count = 1; first + count <= x.size(); count += 5) {
      std::vector<double> pc(count), ps(count);
      vector_sincos(x.data() + first, pc.data(), ps.data(), count);
      for (std::size_t k = 0; k < count; ++k) {
        EXPECT_EQ(std::bit_cast<std::uint64_t>(pc[k]), std::bit_cast<std::uint64_t>(c[first + k]))
            << "cos of value " << first + k << " in " << count << " from " << first;
        EXPECT_EQ(std::bit_cast<std::uint64_t>(ps[k]), std::bit_cast<std::uint64_t>(s[first + k]))
            << "sin of value " << first + k << " in " << count << " from " << first;
      }
    }
}

}  // namespace
}  // namespace gpiqa::util
