#include "gpiqa/util/vector_sincos.hpp"

#include <algorithm>
#include <cmath>

#include "gpiqa/util/packet.hpp"

// GCC 12 reports the undefined pass-through operand of _mm512_roundscale_pd (Eigen's print) as uninitialised.
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace gpiqa::util {
namespace {

namespace ei = simd::ei;
using simd::Packet;
constexpr std::size_t kLanes = simd::kLanes;

// S(z) and C(z) of the header, lowest power first
constexpr double kS[] = {-0.16666666666666666,   0.008333333333333331,    -0.00019841269841265065,
                         2.7557319219339167e-06, -2.5052106232447578e-08, 1.6058531618986147e-10,
                         -7.586697117706918e-13};
constexpr double kC[] = {0.041666666666666664,    -0.0013888888888888887, 2.4801587301584645e-05,
                         -2.7557319221402824e-07, 2.087675579108042e-09,  -1.1470460887609959e-11,
                         4.7458719020432915e-14};
constexpr int kDegree = 6;
constexpr double kTwoOverPi = 0.6366197723675814;
// pi/2 = kPiOver2[0] + ... + kPiOver2[3], the first three of 33 significant bits
constexpr double kPiOver2[] = {1.5707963267341256, 6.077100506303966e-11, 2.0222662487111665e-21,
                               8.4784276603689e-32};
// |j| < 2^19 below this, so that j kPiOver2[0..2] are exact
constexpr double kReducible = 823549.6;  // 2^19 pi/2, rounded down

// cos and sin of one packet; lanes outside +-kReducible are left to the caller (their results are garbage)
void sincos_packet(const Packet x, Packet& c, Packet& s) {
  const Packet zero = ei::pset1<Packet>(0.0), one = ei::pset1<Packet>(1.0);
  const Packet sign = ei::pset1<Packet>(-0.0);  // the sign bit alone
  const Packet j = ei::print(ei::pmul(x, ei::pset1<Packet>(kTwoOverPi)));
  // r = x - j pi/2: the first difference is exact (Sterbenz), each product of j with the 33-bit parts too
  Packet r = ei::psub(x, ei::pmul(j, ei::pset1<Packet>(kPiOver2[0])));
  r = ei::psub(r, ei::pmul(j, ei::pset1<Packet>(kPiOver2[1])));
  r = ei::pmadd(ei::pnegate(j), ei::pset1<Packet>(kPiOver2[2]), r);
  r = ei::pmadd(ei::pnegate(j), ei::pset1<Packet>(kPiOver2[3]), r);
  const Packet z = ei::pmul(r, r);
  Packet ps = ei::pset1<Packet>(kS[kDegree]), pc = ei::pset1<Packet>(kC[kDegree]);
  for (int k = kDegree - 1; k >= 0; --k) {
    ps = ei::pmadd(ps, z, ei::pset1<Packet>(kS[k]));
    pc = ei::pmadd(pc, z, ei::pset1<Packet>(kC[k]));
  }
  const Packet sin_r = ei::pmadd(ei::pmul(r, z), ps, r);
  const Packet hz = ei::pmul(z, ei::pset1<Packet>(0.5));
  const Packet w = ei::psub(one, hz);
  const Packet cos_r = ei::padd(w, ei::pmadd(ei::pmul(z, z), pc, ei::psub(ei::psub(one, w), hz)));
  // the quadrant q = j mod 4: sin x = sin r, cos r, -sin r, -cos r and cos x = cos r, -sin r, -cos r, sin r
  const Packet q =
      ei::psub(j, ei::pmul(ei::pfloor(ei::pmul(j, ei::pset1<Packet>(0.25))), ei::pset1<Packet>(4.0)));
  const Packet q1 = ei::pcmp_eq(q, one), q2 = ei::pcmp_eq(q, ei::pset1<Packet>(2.0)),
               q3 = ei::pcmp_eq(q, ei::pset1<Packet>(3.0));
  const Packet swap = ei::por(q1, q3);
  s = ei::pxor(ei::pselect(swap, cos_r, sin_r), ei::pand(ei::por(q2, q3), sign));
  c = ei::pxor(ei::pselect(swap, sin_r, cos_r), ei::pand(ei::por(q1, q2), sign));
  // sin(-0) = -0 (r is +0 there)
  s = ei::pselect(ei::pcmp_eq(x, zero), x, s);
}

void sincos_packets(const double* x, double* c, double* s) {
  const Packet xp = ei::ploadu<Packet>(x);
  Packet cp, sp;
  sincos_packet(xp, cp, sp);
  ei::pstoreu(c, cp);
  ei::pstoreu(s, sp);
  // lane by lane where the reduction does not hold: beyond its range, infinities, NaN
  for (std::size_t l = 0; l < kLanes; ++l)
    if (!(std::abs(x[l]) < kReducible)) c[l] = std::cos(x[l]), s[l] = std::sin(x[l]);
}

}  // namespace

void vector_sincos(const double* x, double* cos_out, double* sin_out, std::size_t count) {
  std::size_t i = 0;
  for (; i + kLanes <= count; i += kLanes) sincos_packets(x + i, cos_out + i, sin_out + i);
  if (i == count) return;
  // the last values through the same code, padded with 0
  alignas(64) double tx[kLanes] = {}, tc[kLanes], ts[kLanes];
  std::copy(x + i, x + count, tx);
  sincos_packets(tx, tc, ts);
  std::copy(tc, tc + (count - i), cos_out + i);
  std::copy(ts, ts + (count - i), sin_out + i);
}

}  // namespace gpiqa::util
