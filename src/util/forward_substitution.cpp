#include "gpiqa/util/forward_substitution.hpp"

#include <algorithm>
#include <cmath>

namespace gpiqa::util {
namespace {

namespace ei = Eigen::internal;
using Packet = ei::packet_traits<double>::type;
constexpr Eigen::Index kLanes = ei::packet_traits<double>::size;
constexpr Eigen::Index kBlock = 16;  // columns of L applied together (a multiple of every build's kLanes)

// a b + c as the SIMD lanes compute it: fused where the CPU fuses.
double multiply_add(double a, double b, double c) {
#ifdef __FMA__
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

// Z[i, b] += -L[i, l] Z[l, b] for l = l0 .. l0 + width - 1 in that order, for RT packets of rows from i0 and
// BT right-hand sides from b0: a register tile of RT x BT packets, each column of L loaded once for the BT
// right-hand sides and each Z[l, b] once for the RT packets.
template <int RT, int BT>
void update_tile(const double* L, Eigen::Index ldl, double* Z, Eigen::Index ldz, Eigen::Index l0,
                 Eigen::Index width, Eigen::Index i0, Eigen::Index b0) {
  Packet acc[RT][BT];
  for (int r = 0; r < RT; ++r)
    for (int c = 0; c < BT; ++c) acc[r][c] = ei::ploadu<Packet>(Z + (b0 + c) * ldz + i0 + r * kLanes);
  for (Eigen::Index k = 0; k < width; ++k) {
    Packet minus_l[RT];
    for (int r = 0; r < RT; ++r)
      minus_l[r] = ei::pnegate(ei::ploadu<Packet>(L + (l0 + k) * ldl + i0 + r * kLanes));
    for (int c = 0; c < BT; ++c) {
      const Packet z = ei::pset1<Packet>(Z[(b0 + c) * ldz + l0 + k]);
      for (int r = 0; r < RT; ++r) acc[r][c] = ei::pmadd(minus_l[r], z, acc[r][c]);
    }
  }
  for (int r = 0; r < RT; ++r)
    for (int c = 0; c < BT; ++c) ei::pstoreu(Z + (b0 + c) * ldz + i0 + r * kLanes, acc[r][c]);
}

// Packets of rows [i0, i1) for right-hand sides [b0, b0 + BT): RT packets at a time, then one by one.
template <int RT, int BT>
void update_rows(const double* L, Eigen::Index ldl, double* Z, Eigen::Index ldz, Eigen::Index l0,
                 Eigen::Index width, Eigen::Index i0, Eigen::Index i1, Eigen::Index b0) {
  Eigen::Index i = i0;
  for (; i + RT * kLanes <= i1; i += RT * kLanes) update_tile<RT, BT>(L, ldl, Z, ldz, l0, width, i, b0);
  for (; i < i1; i += kLanes) update_tile<1, BT>(L, ldl, Z, ldz, l0, width, i, b0);
}

}  // namespace

void forward_substitute(const Eigen::Ref<const Eigen::MatrixXd>& L, Eigen::Ref<Eigen::MatrixXd> Z) {
  const Eigen::Index n = L.rows(), B = Z.cols();
  const Eigen::Index ldl = L.outerStride(), ldz = Z.outerStride();
  double* z0 = Z.data();
  const Eigen::Index tail =
      n - n % kLanes;  // rows from here on are updated one by one, all others in packets
  for (Eigen::Index l0 = 0; l0 < n; l0 += kBlock) {
    const Eigen::Index l1 = std::min(l0 + kBlock, n), width = l1 - l0;
    // the block's own rows, in order (the right-hand sides inside, so that their divisions overlap)
    for (Eigen::Index l = l0; l < l1; ++l) {
      const double diagonal = L(l, l);
      for (Eigen::Index b = 0; b < B; ++b) {
        double* z = z0 + b * ldz;
        z[l] /= diagonal;
        for (Eigen::Index i = l + 1; i < l1; ++i) z[i] = multiply_add(-L(i, l), z[l], z[i]);
      }
    }
    // the rows below: l1 is a multiple of kBlock (or n), so rows before `tail` go in packets and the rest one
    // by one, for every block alike; tiles of 8 right-hand sides x 3 packets of rows, then smaller
    if (l1 < tail) {
      Eigen::Index b = 0;
      for (; b + 8 <= B; b += 8) update_rows<3, 8>(L.data(), ldl, z0, ldz, l0, width, l1, tail, b);
      for (; b + 4 <= B; b += 4) update_rows<4, 4>(L.data(), ldl, z0, ldz, l0, width, l1, tail, b);
      for (; b < B; ++b) update_rows<8, 1>(L.data(), ldl, z0, ldz, l0, width, l1, tail, b);
    }
    for (Eigen::Index i = std::max(l1, tail); i < n; ++i)
      for (Eigen::Index b = 0; b < B; ++b) {
        double* z = z0 + b * ldz;
        double zi = z[i];
        for (Eigen::Index k = 0; k < width; ++k) zi = multiply_add(-L(i, l0 + k), z[l0 + k], zi);
        z[i] = zi;
      }
  }
}

}  // namespace gpiqa::util
