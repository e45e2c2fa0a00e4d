#include "gpiqa/util/forward_substitution.hpp"

#include <algorithm>
#include <cmath>

namespace gpiqa::util {
namespace {

namespace ei = Eigen::internal;
using Packet = ei::packet_traits<double>::type;
constexpr Eigen::Index kLanes = ei::packet_traits<double>::size;
constexpr Eigen::Index kBlock = 8;

// a b + c as the SIMD lanes compute it: fused where the CPU fuses.
double multiply_add(double a, double b, double c) {
#ifdef __FMA__
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

}  // namespace

void forward_substitute(const Eigen::Ref<const Eigen::MatrixXd>& L, Eigen::Ref<Eigen::MatrixXd> Z) {
  const Eigen::Index n = L.rows(), B = Z.cols();
  const Eigen::Index tail =
      n - n % kLanes;  // rows from here on are updated one by one, all others in packets
  for (Eigen::Index l0 = 0; l0 < n; l0 += kBlock) {
    const Eigen::Index l1 = std::min(l0 + kBlock, n), width = l1 - l0;
    // the block's own rows, in order
    for (Eigen::Index b = 0; b < B; ++b) {
      double* z = Z.col(b).data();
      for (Eigen::Index l = l0; l < l1; ++l) {
        z[l] /= L(l, l);
        for (Eigen::Index i = l + 1; i < l1; ++i) z[i] = multiply_add(-L(i, l), z[l], z[i]);
      }
    }
    // the rows below: l1 is a multiple of kBlock (or n), so rows before `tail` go in packets and the rest one
    // by one, for every block alike
    Eigen::Index i = l1;
    for (; i < tail; i += kLanes) {
      Packet minus_l[kBlock];
      for (Eigen::Index k = 0; k < width; ++k)
        minus_l[k] = ei::pnegate(ei::ploadu<Packet>(L.data() + (l0 + k) * L.outerStride() + i));
      for (Eigen::Index b = 0; b < B; ++b) {
        double* z = Z.col(b).data();
        Packet zi = ei::ploadu<Packet>(z + i);
        for (Eigen::Index k = 0; k < width; ++k) zi = ei::pmadd(minus_l[k], ei::pset1<Packet>(z[l0 + k]), zi);
        ei::pstoreu(z + i, zi);
      }
    }
    for (; i < n; ++i)
      for (Eigen::Index b = 0; b < B; ++b) {
        double* z = Z.col(b).data();
        double zi = z[i];
        for (Eigen::Index k = 0; k < width; ++k) zi = multiply_add(-L(i, l0 + k), z[l0 + k], zi);
        z[i] = zi;
      }
  }
}

}  // namespace gpiqa::util
