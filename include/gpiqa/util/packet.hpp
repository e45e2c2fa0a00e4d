#pragma once
// Eigen's packet primitives for doubles, as the vectorised code (util/vector_atan2, util/vector_sincos,
// model/kernel_products) names them: the native SIMD vector of this build (8 doubles with AVX-512, 4 with
// AVX, 2 with SSE2), with pmadd a fused multiply-add wherever the CPU has one.
#include <Eigen/Core>

namespace gpiqa::util::simd {

namespace ei = Eigen::internal;
using Packet = ei::packet_traits<double>::type;
inline constexpr int kLanes = ei::packet_traits<double>::size;

}  // namespace gpiqa::util::simd
