#include "gpiqa/util/vector_atan2.hpp"

#include <algorithm>
#include <limits>

#include "gpiqa/util/packet.hpp"

namespace gpiqa::util {
namespace {

namespace ei = simd::ei;
using simd::Packet;
constexpr std::size_t kLanes = simd::kLanes;

// P(z) = sum_k kP[k] z^k (the header: Chebyshev interpolation of (atan(sqrt z) / sqrt z - 1) / z on
// [0, 1/4], degree 12)
constexpr double kP[] = {-0.3333333333333333,  0.19999999999999488,  -0.14285714285599188,
                         0.11111111100917376,  -0.09090908620322523, 0.07692294712540285,
                         -0.06666435677235948, 0.05879578429582425,  -0.05240099507994713,
                         0.04628024868570153,  -0.03806653672057366, 0.025006503566489507,
                         -0.009215792047089858};
constexpr int kDegree = 12;
// the double nearest each, and the rest
constexpr double kPiOver4High = 7.85398163397448278999e-01, kPiOver4Low = 3.06161699786838301793e-17;
constexpr double kPiOver2High = 1.57079632679489655800e+00, kPiOver2Low = 6.12323399573676603587e-17;
constexpr double kPiHigh = 3.14159265358979311600e+00, kPiLow = 1.22464679914735320717e-16;

Packet atan2_packet(const Packet y, const Packet x) {
  const Packet zero = ei::pset1<Packet>(0.0), one = ei::pset1<Packet>(1.0);
  const Packet sign = ei::pset1<Packet>(-0.0);  // the sign bit alone
  const Packet ax = ei::pabs(x), ay = ei::pabs(y);
  const Packet swap = ei::pcmp_lt(ax, ay);
  const Packet num = ei::pselect(swap, ax, ay), den = ei::pselect(swap, ay, ax);  // num <= den
  // above 1/2: atan(num / den) = pi/4 + atan((num - den) / (num + den)), num - den exact (Sterbenz); 0 / 0
  // (both zero) is 0
  const Packet reduce = ei::pcmp_lt(ei::pmul(den, ei::pset1<Packet>(0.5)), num);
  Packet u =
      ei::pdiv(ei::pselect(reduce, ei::psub(num, den), num), ei::pselect(reduce, ei::padd(num, den), den));
  u = ei::pselect(ei::pcmp_eq(den, zero), zero, u);
  const Packet z = ei::pmul(u, u);
  Packet p = ei::pset1<Packet>(kP[kDegree]);
  for (int k = kDegree - 1; k >= 0; --k) p = ei::pmadd(p, z, ei::pset1<Packet>(kP[k]));
  Packet a = ei::pmadd(ei::pmul(u, z), p, u);  // atan(u)
  a = ei::pselect(reduce,
                  ei::padd(ei::pset1<Packet>(kPiOver4High), ei::padd(a, ei::pset1<Packet>(kPiOver4Low))), a);
  // both infinite: pi/4 (inf / inf above)
  a = ei::pselect(ei::pcmp_eq(num, ei::pset1<Packet>(std::numeric_limits<double>::infinity())),
                  ei::pset1<Packet>(kPiOver4High), a);
  // |y| > |x|: pi/2 - a; x negative or -0: pi - a; then y's sign
  a = ei::pselect(swap,
                  ei::psub(ei::pset1<Packet>(kPiOver2High), ei::psub(a, ei::pset1<Packet>(kPiOver2Low))), a);
  const Packet x_negative = ei::pcmp_lt(ei::por(ei::pand(x, sign), one), zero);
  a = ei::pselect(x_negative, ei::psub(ei::pset1<Packet>(kPiHigh), ei::psub(a, ei::pset1<Packet>(kPiLow))),
                  a);
  a = ei::por(a, ei::pand(y, sign));
  // NaN in, NaN out
  return ei::pselect(ei::pand(ei::pcmp_eq(x, x), ei::pcmp_eq(y, y)), a, ei::padd(x, y));
}

}  // namespace

void vector_atan2(const double* y, const double* x, double* out, std::size_t count) {
  std::size_t i = 0;
  for (; i + kLanes <= count; i += kLanes)
    ei::pstoreu(out + i, atan2_packet(ei::ploadu<Packet>(y + i), ei::ploadu<Packet>(x + i)));
  if (i == count) return;
  // the last pairs through the same code, padded with atan2(0, 1)
  alignas(64) double ty[kLanes] = {}, tx[kLanes], to[kLanes];
  std::fill(tx, tx + kLanes, 1.0);
  std::copy(y + i, y + count, ty);
  std::copy(x + i, x + count, tx);
  ei::pstoreu(to, atan2_packet(ei::ploadu<Packet>(ty), ei::ploadu<Packet>(tx)));
  std::copy(to, to + (count - i), out + i);
}

}  // namespace gpiqa::util
