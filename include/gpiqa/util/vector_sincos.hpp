#pragma once
// cos and sin of many values in SIMD packets: the periodic kernel terms' cos x and sin x of every query
// (model/kernel_products.cpp), one pair per phi feature of every atom at every step, which libm's scalar
// sincos made a few per cent of a bundled aspirin step.
//
//   j = rint(x 2/pi), r = x - j pi/2 with pi/2 in four parts (the first three of 33 bits, so that j times
//   each is exact for |j| < 2^19 and the first difference is exact too: Cody & Waite 1980), |r| <= pi/4;
//   z = r^2,  sin r = r + r z S(z),  cos r = w + (((1 - w) - z/2) + z^2 C(z)),  w = 1 - z/2 (the rounding
//   of w carried along, as fdlibm's __kernel_cos does); S and C of degree 6: the polynomials through the
//   Chebyshev nodes of (sin(sqrt z)/sqrt z - 1)/z and (cos(sqrt z) - 1 + z/2)/z^2 on [0, (pi/4)^2],
//   computed in 60-digit arithmetic with mpmath (their error in the results is below 1e-17 relative);
//   then the quadrant j mod 4 swaps and negates the two. Values with |x| above 2^19 pi/2 (and infinities
//   and NaN) take std::cos and std::sin lane by lane.
//
// Within 2 ulp of std::cos and std::sin (tests/util/vector_sincos_test.cpp measures the largest difference
// over a million values, near multiples of pi/2 too), with sin(-0) = -0. Every value takes the same
// operations whatever its position and the count (the last packet is padded), so a result does not depend on
// its neighbours; the multiply-adds are fused where the build has FMA, so the last bit may differ between the
// native and portable builds, as the kernel's exponential does.
#include <cstddef>

namespace gpiqa::util {

/// cos_out[i] = cos(x[i]), sin_out[i] = sin(x[i]) for i < count (the outputs may alias neither x nor each
/// other).
void vector_sincos(const double* x, double* cos_out, double* sin_out, std::size_t count);

}  // namespace gpiqa::util
