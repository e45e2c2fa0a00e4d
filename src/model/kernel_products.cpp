#include "gpiqa/model/kernel_products.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "gpiqa/util/packet.hpp"
#include "gpiqa/util/vector_sincos.hpp"

// GCC 12 reports the undefined pass-through operand of _mm512_roundscale_pd (Eigen's print) as uninitialised.
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace gpiqa::model {
namespace {

namespace ei = util::simd::ei;
using util::simd::Packet;
constexpr Eigen::Index kLanes = util::simd::kLanes;
constexpr double kPi = std::numbers::pi;
constexpr double kInverseTwoPi = 1.0 / (2.0 * kPi);  // as kernel.cpp's wrapped() takes it
// A query at most this far from every training value of a phi feature has |d| < pi at every point, so its
// wrap count k is 0 there (3 < pi leaves room for rounding).
constexpr double kNoWrapReach = 3.0;

// exp(-s) for s >= 0 (NaN stays NaN), without the division of Eigen's pexp (the largest cost of a kernel
// value after the products): 2^n p(r), n = round(-s / ln 2), r = -s - n ln 2 with ln 2 in two parts (Cody &
// Waite 1980; n ln2_hi is exact), p the Taylor polynomial of exp to degree 13 (truncation below 1e-17 for
// |r| <= ln2 / 2), 2^n applied exactly (one rounding, into the denormals where the result is one), which
// underflows to 0 (s is capped at 800, beyond which exp(-s) is 0 in double precision). Within 2 ulp of
// std::exp in every build (kernel_products_test). With AVX-512: its intrinsics, 2^n by vscalefpd. Elsewhere
// (the portable preset, AVX2, SSE2): the same steps with Eigen's packet primitives, 2^n by pldexp; the
// multiply-adds are fused only where the build has FMA, so the last bit may differ between builds, never
// between a query alone and in a batch of one build.
constexpr double kExpInverseFactorial[] = {
    1.0,        1.0,         1.0 / 2,      1.0 / 6,       1.0 / 24,       1.0 / 120,       1.0 / 720,
    1.0 / 5040, 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800};
constexpr double kLog2e = 1.4426950408889634074;
constexpr double kLn2High = 6.93147180369123816490e-01;
constexpr double kLn2Low = 1.90821492927058770002e-10;
constexpr double kExpCap = 800.0;

// The exponentials of N packets at once, each in place: the same operations per packet as one at a time (so
// the same bits), interleaved step by step so that N independent chains of multiply-adds overlap.
#if defined(__AVX512F__)
template <int N>
void exp_of_negative(Packet (&s)[N]) {
  __m512d n[N], r[N], p[N];
  for (int i = 0; i < N; ++i) {
    // min's second operand is what a NaN gives back: s. With x = -s (not formed: rounding is symmetric, so
    // these are the same numbers as from x): n = rint(x log2e) = rint(s (-log2e)), x - n ln2_hi = -(n ln2_hi)
    // - s.
    const __m512d sc = _mm512_min_pd(_mm512_set1_pd(kExpCap), s[i]);
    n[i] = _mm512_roundscale_pd(_mm512_mul_pd(sc, _mm512_set1_pd(-kLog2e)),
                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    r[i] = _mm512_fnmsub_pd(n[i], _mm512_set1_pd(kLn2High), sc);
    r[i] = _mm512_fnmadd_pd(n[i], _mm512_set1_pd(kLn2Low), r[i]);
    p[i] = _mm512_set1_pd(kExpInverseFactorial[13]);
  }
  for (int k = 12; k >= 0; --k)
    for (int i = 0; i < N; ++i) p[i] = _mm512_fmadd_pd(p[i], r[i], _mm512_set1_pd(kExpInverseFactorial[k]));
  for (int i = 0; i < N; ++i) s[i] = _mm512_scalef_pd(p[i], n[i]);
}
#else
template <int N>
void exp_of_negative(Packet (&s)[N]) {
  Packet n[N], r[N], p[N];
  for (int i = 0; i < N; ++i) {
    const Packet x =
        ei::psub(ei::pset1<Packet>(0.0), ei::pmin<Eigen::PropagateNaN>(ei::pset1<Packet>(kExpCap), s[i]));
    n[i] = ei::print(ei::pmul(x, ei::pset1<Packet>(kLog2e)));
    r[i] = ei::pmadd(n[i], ei::pset1<Packet>(-kLn2High), x);
    r[i] = ei::pmadd(n[i], ei::pset1<Packet>(-kLn2Low), r[i]);
    p[i] = ei::pset1<Packet>(kExpInverseFactorial[13]);
  }
  for (int k = 12; k >= 0; --k)
    for (int i = 0; i < N; ++i) p[i] = ei::pmadd(p[i], r[i], ei::pset1<Packet>(kExpInverseFactorial[k]));
  for (int i = 0; i < N; ++i) s[i] = ei::pldexp(p[i], n[i]);
}
#endif

// The first product: S for a tile of BT queries x JT packets of points, accumulated in registers, then handed
// query by query to `finish(b, first packet, S of JT packets)`.
struct ExponentPass {
  const double* Y;       // packed training columns
  Eigen::Index stride;   // doubles between packets of points
  const double* q;       // per point
  Eigen::Index columns;  // M
  const double* A;       // query b's M coefficients at A + b M
  const double* r;       // per query
};

template <int BT, int JT, class Finish>
void exponent_tile(const ExponentPass& p, Eigen::Index b0, Eigen::Index jp0, const Finish& finish) {
  Packet acc[BT][JT];
  for (int bi = 0; bi < BT; ++bi) {
    const Packet rb = ei::pset1<Packet>(p.r[b0 + bi]);
    for (int ji = 0; ji < JT; ++ji) acc[bi][ji] = ei::padd(rb, ei::ploadu<Packet>(p.q + (jp0 + ji) * kLanes));
  }
  const double* y0 = p.Y + jp0 * p.stride;
  for (Eigen::Index t = 0; t < p.columns; ++t) {
    Packet y[JT];
    for (int ji = 0; ji < JT; ++ji) y[ji] = ei::ploadu<Packet>(y0 + ji * p.stride + t * kLanes);
    for (int bi = 0; bi < BT; ++bi) {
      const Packet a = ei::pset1<Packet>(p.A[(b0 + bi) * p.columns + t]);
      for (int ji = 0; ji < JT; ++ji) acc[bi][ji] = ei::pmadd(a, y[ji], acc[bi][ji]);
    }
  }
  for (int bi = 0; bi < BT; ++bi) finish(b0 + bi, jp0, acc[bi]);
}

// Tiles of BT queries over packets [jp0, jp0 + len): JT packets at a time, the rest one by one.
template <int BT, int JT, class Finish>
void exponent_tiles(const ExponentPass& p, Eigen::Index b0, Eigen::Index jp0, Eigen::Index len,
                    const Finish& finish) {
  Eigen::Index jp = jp0;
  for (; jp + JT <= jp0 + len; jp += JT) exponent_tile<BT, JT>(p, b0, jp, finish);
  for (; jp < jp0 + len; ++jp) exponent_tile<BT, 1>(p, b0, jp, finish);
}

// The second product: out(b, t) = sum_j v_bj Y_jt for a tile of BT queries x TT columns, over every packet.
struct ProductPass {
  const double* Y;
  Eigen::Index stride;
  Eigen::Index packets;
  const double* v;  // query b's padded values at v + b ldv
  Eigen::Index ldv;
  double* out;  // query b's results at out + b ldo
  Eigen::Index ldo;
};

template <int BT, int TT>
void product_tile(const ProductPass& p, Eigen::Index b0, Eigen::Index t0) {
  Packet acc[BT][TT];
  for (int bi = 0; bi < BT; ++bi)
    for (int ti = 0; ti < TT; ++ti) acc[bi][ti] = ei::pset1<Packet>(0.0);
  for (Eigen::Index jp = 0; jp < p.packets; ++jp) {
    const double* y = p.Y + jp * p.stride + t0 * kLanes;
    Packet yv[TT];
    for (int ti = 0; ti < TT; ++ti) yv[ti] = ei::ploadu<Packet>(y + ti * kLanes);
    for (int bi = 0; bi < BT; ++bi) {
      const Packet v = ei::ploadu<Packet>(p.v + (b0 + bi) * p.ldv + jp * kLanes);
      for (int ti = 0; ti < TT; ++ti) acc[bi][ti] = ei::pmadd(v, yv[ti], acc[bi][ti]);
    }
  }
  for (int bi = 0; bi < BT; ++bi)
    for (int ti = 0; ti < TT; ++ti) p.out[(b0 + bi) * p.ldo + t0 + ti] = ei::predux(acc[bi][ti]);
}

// Columns [first, last) for BT queries: TT at a time, then halving.
template <int BT, int TT>
void product_columns(const ProductPass& p, Eigen::Index b0, Eigen::Index first, Eigen::Index last) {
  Eigen::Index t = first;
  for (; t + TT <= last; t += TT) product_tile<BT, TT>(p, b0, t);
  if constexpr (TT == 6)
    product_columns<BT, 4>(p, b0, t, last);
  else if constexpr (TT > 1)
    product_columns<BT, TT / 2>(p, b0, t, last);
}

}  // namespace

KernelProducts::KernelProducts(const Kernel& kernel) {
  const Eigen::MatrixXd& X = kernel.inputs();
  n_ = X.rows();
  nf_ = X.cols();
  n_pad_ = (n_ + kLanes - 1) / kLanes * kLanes;
  for (std::size_t t = 0; t < kernel.terms().size(); ++t) {
    const KernelTerm& kt = kernel.terms()[t];
    Term term{kt.kind, kt.dimension, kt.coefficient, m_, 0.0};
    if (kt.kind == TermKind::kPeriodic) {
      m_ += 2;
    } else {
      term.centre = n_ > 0 ? X.col(kt.dimension).mean() : 0.0;
      m_ += 1;
    }
    if (kt.kind == TermKind::kSquaredWrapped) {
      Wrap w{t, 0.0, 0.0, Eigen::VectorXd::Zero(n_pad_)};
      if (n_ > 0) {
        w.lo = X.col(kt.dimension).minCoeff();
        w.hi = X.col(kt.dimension).maxCoeff();
        w.training.head(n_) = X.col(kt.dimension);
      }
      wraps_.push_back(std::move(w));
    }
    terms_.push_back(term);
  }
  const Eigen::Index stride = (m_ + 1) * kLanes;
  Y_ = Eigen::VectorXd::Zero(n_pad_ / kLanes * stride);
  q_ = Eigen::VectorXd::Zero(n_pad_);
  for (Eigen::Index j = 0; j < n_; ++j) {
    double* y = Y_.data() + j / kLanes * stride + j % kLanes;
    double q = 0.0;
    for (const Term& t : terms_) {
      const double x = X(j, t.dimension);
      if (t.kind == TermKind::kPeriodic) {
        y[t.column * kLanes] = std::cos(x);
        y[(t.column + 1) * kLanes] = std::sin(x);
      } else {
        const double u = x - t.centre;
        y[t.column * kLanes] = u;
        q += t.coefficient * u * u;
      }
    }
    y[m_ * kLanes] = 1.0;
    q_(j) = q;
  }
}

double KernelProducts::flops_per_query(bool gradient) const {
  const double n = static_cast<double>(n_), m = static_cast<double>(m_);
  return 2.0 * n * m + (gradient ? 2.0 * n * (m + 1) : 2.0 * n);
}

void KernelProducts::prepare(Workspace& ws) const {
  const Eigen::Index B = ws.x.cols();
  ws.A.resize(m_, B);
  ws.trig.resize(m_, B);
  ws.r.resize(B);
  ws.wraps.clear();
  ws.wrap_begin.assign(static_cast<std::size_t>(B) + 1, 0);
  // cos x and sin x of every periodic term of every query, in one vectorised pass: the query's values at
  // ws.trig(column) and ws.trig(column + 1)
  ws.angles.clear();
  for (Eigen::Index b = 0; b < B; ++b)
    for (const Term& t : terms_)
      if (t.kind == TermKind::kPeriodic) ws.angles.push_back(ws.x(t.dimension, b));
  ws.cosines.resize(ws.angles.size());
  ws.sines.resize(ws.angles.size());
  util::vector_sincos(ws.angles.data(), ws.cosines.data(), ws.sines.data(), ws.angles.size());
  std::size_t next = 0;
  for (Eigen::Index b = 0; b < B; ++b) {
    double r = 0.0;
    double* a = ws.A.col(b).data();
    for (const Term& t : terms_) {
      const double x = ws.x(t.dimension, b);
      if (t.kind == TermKind::kPeriodic) {
        const double c = ws.cosines[next], s = ws.sines[next];
        ++next;
        ws.trig(t.column, b) = c;
        ws.trig(t.column + 1, b) = s;
        a[t.column] = -0.5 * t.coefficient * c;
        a[t.column + 1] = -0.5 * t.coefficient * s;
        r += 0.5 * t.coefficient;
      } else {
        const double u = x - t.centre;
        a[t.column] = -2.0 * t.coefficient * u;
        r += t.coefficient * u * u;
      }
    }
    ws.r(b) = r;
    for (std::size_t w = 0; w < wraps_.size(); ++w) {
      const double x = ws.x(terms_[wraps_[w].term].dimension, b);
      const bool near = x - wraps_[w].lo <= kNoWrapReach && wraps_[w].hi - x <= kNoWrapReach;
      if (!near) ws.wraps.push_back(w);
    }
    ws.wrap_begin[static_cast<std::size_t>(b) + 1] = ws.wraps.size();
  }
}

void KernelProducts::exponentiate(std::span<const double* const> weights, Workspace& ws,
                                  bool want_max) const {
  const Eigen::Index B = ws.x.cols(), packets = n_pad_ / kLanes;
  ws.v.resize(n_pad_, B);
  if (want_max) ws.max_kernel = Eigen::VectorXd::Zero(B);
  const ExponentPass pass{Y_.data(), (m_ + 1) * kLanes, q_.data(), m_, ws.A.data(), ws.r.data()};
  const Eigen::Index full = n_ / kLanes;  // packets without padding
  const Packet zero = ei::pset1<Packet>(0.0);
  // The wrap parts, exp, weights and maximum of JT consecutive packets of one query: one code path for every
  // packet, whatever the tile.
  const auto finish = [&]<int JT>(Eigen::Index b, Eigen::Index jp0, Packet(&s)[JT]) {
    for (std::size_t i = ws.wrap_begin[static_cast<std::size_t>(b)];
         i < ws.wrap_begin[static_cast<std::size_t>(b) + 1]; ++i) {
      const std::size_t w = ws.wraps[i];
      const Term& t = terms_[wraps_[w].term];
      for (int ji = 0; ji < JT; ++ji) {
        const Packet d = ei::psub(ei::pset1<Packet>(ws.x(t.dimension, b)),
                                  ei::ploadu<Packet>(wraps_[w].training.data() + (jp0 + ji) * kLanes));
        const Packet k = ei::print(ei::pmul(d, ei::pset1<Packet>(kInverseTwoPi)));
        // s += 4 pi theta k (pi k - d)
        s[ji] = ei::pmadd(ei::pmul(ei::pset1<Packet>(4.0 * kPi * t.coefficient), k),
                          ei::pmadd(ei::pset1<Packet>(kPi), k, ei::pnegate(d)), s[ji]);
      }
    }
    for (int ji = 0; ji < JT; ++ji) s[ji] = ei::pmax(s[ji], zero);
    exp_of_negative(s);  // s now holds the kernel values
    for (int ji = 0; ji < JT; ++ji) {
      const Eigen::Index jp = jp0 + ji;
      const Packet k = s[ji];
      Packet out = k;
      if (!weights.empty()) {
        const double* w = weights[static_cast<std::size_t>(b)] + jp * kLanes;
        if (jp < full) {
          out = ei::pmul(ei::ploadu<Packet>(w), k);
        } else {
          alignas(64) double tail[kLanes] = {};
          std::copy(w, w + (n_ - jp * kLanes), tail);
          out = ei::pmul(ei::ploadu<Packet>(tail), k);
        }
      }
      if (want_max) {
        alignas(64) double lanes[kLanes];
        ei::pstoreu(lanes, k);
        const Eigen::Index valid = std::min<Eigen::Index>(kLanes, n_ - jp * kLanes);
        double& mx = ws.max_kernel(b);
        for (Eigen::Index l = 0; l < valid; ++l) mx = std::max(mx, lanes[l]);
      }
      ei::pstoreu(ws.v.data() + b * n_pad_ + jp * kLanes, out);
    }
  };
  // Blocks of points (their training columns stay in L1) times tiles of queries.
  constexpr Eigen::Index kBlock = 6;
  for (Eigen::Index jb = 0; jb < packets; jb += kBlock) {
    const Eigen::Index len = std::min(kBlock, packets - jb);
    Eigen::Index b = 0;
    for (; b + 8 <= B; b += 8) exponent_tiles<8, 3>(pass, b, jb, len, finish);
    for (; b + 4 <= B; b += 4) exponent_tiles<4, 6>(pass, b, jb, len, finish);
    for (; b + 2 <= B; b += 2) exponent_tiles<2, 6>(pass, b, jb, len, finish);
    for (; b < B; ++b) exponent_tiles<1, 6>(pass, b, jb, len, finish);
  }
}

void KernelProducts::multiply(Workspace& ws, Eigen::Index first, Eigen::Index last) const {
  const Eigen::Index B = ws.x.cols();
  ws.products.resize(m_ + 1, B);
  const ProductPass pass{Y_.data(), (m_ + 1) * kLanes,  n_pad_ / kLanes, ws.v.data(),
                         n_pad_,    ws.products.data(), m_ + 1};
  Eigen::Index b = 0;
  for (; b + 4 <= B; b += 4) product_columns<4, 6>(pass, b, first, last);
  for (; b < B; ++b) product_columns<1, 8>(pass, b, first, last);
}

void KernelProducts::sums(const Eigen::Ref<const Eigen::MatrixXd>& x, std::span<const double* const> weights,
                          Workspace& ws, Eigen::Ref<Eigen::VectorXd> energy, Eigen::MatrixXd* gradient,
                          Eigen::VectorXd* max_kernel) const {
  const Eigen::Index B = x.cols();
  ws.x = x;
  prepare(ws);
  exponentiate(weights, ws, max_kernel != nullptr);
  multiply(ws, gradient ? 0 : m_, m_ + 1);
  energy = ws.products.row(m_).transpose();
  if (max_kernel) *max_kernel = ws.max_kernel;
  if (!gradient) return;
  gradient->setZero(nf_, B);
  const Eigen::Index packets = n_pad_ / kLanes;
  for (Eigen::Index b = 0; b < B; ++b) {
    const double* p = ws.products.col(b).data();
    const double V = p[m_];
    for (std::size_t ti = 0; ti < terms_.size(); ++ti) {
      const Term& t = terms_[ti];
      const double xh = ws.x(t.dimension, b);
      double& g = (*gradient)(t.dimension, b);
      if (t.kind == TermKind::kPeriodic) {
        // cos x and sin x as prepare() took them
        g += -0.5 * t.coefficient *
             (ws.trig(t.column + 1, b) * p[t.column] - ws.trig(t.column, b) * p[t.column + 1]);
      } else {
        g += -2.0 * t.coefficient * ((xh - t.centre) * V - p[t.column]);
      }
    }
    // the wrap parts: + 4 pi theta sum_j v_bj k_bj, where a query needs them
    for (std::size_t i = ws.wrap_begin[static_cast<std::size_t>(b)];
         i < ws.wrap_begin[static_cast<std::size_t>(b) + 1]; ++i) {
      const std::size_t w = ws.wraps[i];
      const Term& t = terms_[wraps_[w].term];
      const Packet xh = ei::pset1<Packet>(ws.x(t.dimension, b));
      Packet acc = ei::pset1<Packet>(0.0);
      for (Eigen::Index jp = 0; jp < packets; ++jp) {
        const Packet d = ei::psub(xh, ei::ploadu<Packet>(wraps_[w].training.data() + jp * kLanes));
        const Packet k = ei::print(ei::pmul(d, ei::pset1<Packet>(kInverseTwoPi)));
        acc = ei::pmadd(ei::ploadu<Packet>(ws.v.data() + b * n_pad_ + jp * kLanes), k, acc);
      }
      (*gradient)(t.dimension, b) += 4.0 * kPi * t.coefficient * ei::predux(acc);
    }
  }
}

void KernelProducts::values(const Eigen::Ref<const Eigen::MatrixXd>& x, Workspace& ws,
                            Eigen::MatrixXd& k) const {
  ws.x = x;
  prepare(ws);
  exponentiate({}, ws, false);
  k = ws.v;
}

}  // namespace gpiqa::model
