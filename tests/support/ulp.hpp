#pragma once
// Distance in units in the last place between two finite doubles (0 when equal, counting across zero), for
// the tests of the vectorised elementary functions.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace gpiqa::test {

inline double ulp_distance(double a, double b) {
  if (a == b) return 0;
  const auto ordered = [](double v) {
    const auto bits = std::bit_cast<std::int64_t>(v);
    return bits < 0 ? std::numeric_limits<std::int64_t>::min() - bits : bits;
  };
  return std::abs(static_cast<double>(ordered(a) - ordered(b)));
}

}  // namespace gpiqa::test
