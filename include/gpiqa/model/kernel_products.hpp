#pragma once
// A kernel's sums over its training points for B query points at once, as matrix products: the MD-time
// form of kernel.hpp's k(x, X) (which stays the plain reference). Every exponent term splits into products
// with the training data,
//   squared   theta (x - X_j)^2 = theta u^2 + theta U_j^2 - 2 theta u U_j,    u = x - c, U_j = X_j - c
//             (c the training mean of the feature: centring keeps the cancellation small)
//   periodic  c_t sin^2((x - X_j)/2) = c_t/2 - c_t/2 (cos x cos X_j + sin x sin X_j),
// so that the exponent of query b at training point j is
//   S_bj = r_b + q_j + sum_m A_bm Y_jm
// with A (B x M) from the queries, Y (n x M) and q from the training data once (M columns: one per squared
// term, two per periodic term): one matrix product per atom and step. rbf-cyclic's phi terms wrap
// d = x - X_j into (-pi, pi], which is not a product:
//   wrap(d)^2 = d^2 + 4 pi k (pi k - d),   k = rint(d / 2 pi),
// the product carries d^2 and the second part, zero unless |d| > pi, is added directly for the queries that
// lie more than 3 (< pi) from a training value of that feature (phi data spanning less than pi never need
// it). With v_bj = w_bj exp(-S_bj) (w_b the query's weights: each query may use another mean variant's),
//   E_b = sum_j v_bj = V_b,    dE_b/dx_h = -sum_j v_bj dS_bj/dx_h:
//   squared   dS/dx = 2 theta (u - U_j)                   -> -2 theta (u V_b - (v Y)_bm)
//   wrapped   dS/dx = 2 theta (d - 2 pi k)                -> the squared part + 4 pi theta sum_j v_bj k_bj
//   periodic  dS/dx = c_t/2 (sin x cos X_j - cos x sin X_j)
//                                      -> -c_t/2 (sin x (v Y)_b,cos - cos x (v Y)_b,sin)
// where v Y (B x n times n x M) is the second matrix product (V_b comes with it, from a column of ones).
//
// Exactness: every number of a query is computed in one fixed order whatever B is and wherever the query sits
// in the batch. S_bj starts at r_b + q_j and takes fused multiply-adds over the columns in order; the sums
// over j run in SIMD lanes over the training points in order, then one fixed horizontal sum; the training
// points are padded to whole SIMD packets (weight 0) so that no point goes through a scalar tail; a query's
// cos x and sin x (periodic terms) come from util::vector_sincos, whose value for an angle does not depend on
// the other angles of the call, and its exponentials run JT packets side by side with the same operations
// per packet as one at a time. A query evaluated alone and the same query in any batch give the same bits
// (tests/model/kernel_products_test.cpp). That holds within one build. Across builds (AVX-512 or not, FMA or
// not: the native and portable presets) the SIMD width, the fused multiply-adds and the exponential differ in
// the last bits; every build stays within 1e-13 relative of the plain evaluation (same test). Register tiles
// (several queries x several packets) are what make the batch fast: each training column is read once per
// tile of queries instead of once per query.
#include <span>
#include <vector>

#include <Eigen/Core>

#include "gpiqa/model/kernel.hpp"

namespace gpiqa::model {

class KernelProducts {
 public:
  /// Working memory of one evaluation, reused between calls (no allocation once sized for a batch).
  struct Workspace {
    Eigen::MatrixXd x;     // internal features of the queries (nf x B)
    Eigen::MatrixXd A;     // query coefficients, query b's M values contiguous (M x B)
    Eigen::VectorXd r;     // per query
    Eigen::MatrixXd trig;  // cos x and sin x of the periodic terms, at their columns of A (M x B)
    std::vector<double> angles, cosines, sines;  // the periodic terms' x, query by query, and their cos, sin
    Eigen::MatrixXd v;                           // weighted kernel values, padded (n_pad x B)
    Eigen::MatrixXd products;                    // v Y and V (M + 1 x B)
    Eigen::VectorXd max_kernel;
    std::vector<std::size_t> wraps;       // the wrapped terms whose wrap parts a query needs, query by query
    std::vector<std::size_t> wrap_begin;  // query b's at wraps[wrap_begin[b] .. wrap_begin[b + 1])
  };

  KernelProducts() = default;
  explicit KernelProducts(const Kernel& kernel);

  Eigen::Index size() const { return n_; }
  Eigen::Index padded_size() const { return n_pad_; }
  Eigen::Index feature_count() const { return nf_; }
  /// M above.
  Eigen::Index columns() const { return m_; }
  /// Floating-point operations of one query's sums (the two products, the wrap parts left out): 2 n M each.
  double flops_per_query(bool gradient) const;

  /// The kernel sums of B queries: column b of `x` (internal features, nf x B) with the weights `weights[b]`
  /// (size() values each). energy(b) = sum_j w_bj k(x_b, X_j); with `gradient` (resized to nf x B) its
  /// x-gradient; with `max_kernel` (resized to B) max_j k(x_b, X_j).
  void sums(const Eigen::Ref<const Eigen::MatrixXd>& x, std::span<const double* const> weights, Workspace& ws,
            Eigen::Ref<Eigen::VectorXd> energy, Eigen::MatrixXd* gradient, Eigen::VectorXd* max_kernel) const;
  /// k(x_b, X_j) of B queries into the first size() rows of column b of `k` (resized to padded_size() x B).
  void values(const Eigen::Ref<const Eigen::MatrixXd>& x, Workspace& ws, Eigen::MatrixXd& k) const;

 private:
  struct Term {
    TermKind kind;
    int dimension;
    double coefficient;  // theta, or c theta for periodic terms
    Eigen::Index column;
    double centre;
  };
  struct Wrap {  // a wrapped (phi) term
    std::size_t term;
    double lo, hi;             // training range of its feature
    Eigen::VectorXd training;  // its feature column, padded
  };

  /// A, r and the wrap flags of the queries (ws.x holds them).
  void prepare(Workspace& ws) const;
  /// ws.v = w k (or k alone when weights is empty), and the largest k per query when asked.
  void exponentiate(std::span<const double* const> weights, Workspace& ws, bool want_max) const;
  /// ws.products = v Y for columns [first, last) (column M: V).
  void multiply(Workspace& ws, Eigen::Index first, Eigen::Index last) const;

  Eigen::Index n_ = 0, n_pad_ = 0, nf_ = 0, m_ = 0;
  std::vector<Term> terms_;
  std::vector<Wrap> wraps_;
  Eigen::VectorXd Y_;  // packed: SIMD packet of points, then column, then lane; M + 1 columns (the last: 1)
  Eigen::VectorXd q_;  // per point, padded
};

}  // namespace gpiqa::model
