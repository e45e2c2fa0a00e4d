#pragma once
// atan2 of many (y, x) pairs in SIMD packets: the ALF features' angles (model/alf.cpp), two per neighbour
// of every atom at every step, which libm's scalar atan2 made a tenth of a bundled aspirin step.
//
//   t = min(|x|, |y|) / max(|x|, |y|) in [0, 1]; above 1/2 the reduction atan(t) = pi/4 + atan(u),
//   u = (num - den) / (num + den) (num - den exact there), so that one division gives u with |u| <= 1/2
//   either way; atan(u) = u + u z P(z), z = u^2, P of degree 12: the polynomial through the Chebyshev nodes
//   of (atan(sqrt z) / sqrt z - 1) / z on [0, 1/4] (computed in 60-digit arithmetic with mpmath; its error
//   in the result is below 1e-17 relative); then pi/2 - . where |y| > |x|, pi - . where x is negative (or
//   -0), and y's sign. pi/4, pi/2 and pi are added in two parts (high and low) so that their rounding does
//   not add to the result's.
//
// Within 2 ulp of std::atan2 (tests/util/vector_atan2_test.cpp measures the largest difference over a
// million random pairs and the special values), with std::atan2's results for signed zeros, infinities and
// NaN. Every pair takes the same operations whatever its position and the count (the last packet is padded),
// so a value does not depend on its neighbours; the multiply-adds are fused where the build has FMA, so the
// last bit may differ between the native and portable builds, as the kernel's exponential does.
#include <cstddef>

namespace gpiqa::util {

/// out[i] = atan2(y[i], x[i]) for i < count (out may alias neither y nor x).
void vector_atan2(const double* y, const double* x, double* out, std::size_t count);

}  // namespace gpiqa::util
