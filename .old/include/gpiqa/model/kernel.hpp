#pragma once
// Stationary product kernels of GP-IQA models, as FEREBUS and ICHOR/gpytorch write them, and the one place
// that evaluates them (the MD energy and forces, k(X, X) for weights, the likelihood and its gradient).
//
// A model's kernel is a product of factors k1*k2*..., each acting on its own active feature dimensions.
// Every supported factor has the form exp(-sum_h G_h(d_h)), d_h = x_h - x'_h, so the whole kernel is
//   k(x, x') = exp(-sum_terms G_term(d_h)),  with per-dimension terms
//   rbf          G = theta_h d^2
//   rbf-cyclic   G = theta_h wrap(d)^2 on phi features (every third feature from the sixth, wrap into
//                (-pi, pi]), theta_h d^2 on the others                       (FEREBUS, Di Pasquale et al.
//                2016)
//   periodic     G = c theta_h sin^2(d/2), period 2 pi; c = 2 for files written by gpytorch (ICHOR),
//                c = 4 for FEREBUS (as DL_FFLUX evaluates them)
// theta is used exactly as written in the file (no 1/2, no log). The gradient with respect to x is
//   dk/dx_h = -k G'_h(d_h):  rbf 2 theta d,  periodic c theta sin(d)/2.
// Every G is proportional to its theta, so the derivative in log theta of one term is
//   dK_ij/dlog theta_h = -theta_h dG_h/dtheta_h K_ij = -G_h(d_ij,h) K_ij:
//   rbf -theta_h d^2 K_ij,  rbf-cyclic phi -theta_h wrap(d)^2 K_ij,  periodic -c theta_h sin^2(d/2) K_ij
// (Rasmussen & Williams 2006, sec. 5.4.1, with phi_h = log theta_h).
// Periodic terms avoid a libm call per training point: sin^2(d/2) = (1 - cos d)/2 and
//   cos(x - X) = cos x cos X + sin x sin X,   sin(x - X) = sin x cos X - cos x sin X,
// with cos X, sin X of the training column computed once.
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "gpiqa/model/alf.hpp"

namespace gpiqa::model {

enum class TermKind { kSquared, kSquaredWrapped, kPeriodic };

/// One dimension's contribution to the exponent: coefficient * G(d) (periodic coefficient includes c).
struct KernelTerm {
  int dimension = 0;  // 0-based feature index
  TermKind kind = TermKind::kSquared;
  double coefficient = 0.0;
};

/// One factor as the file declares it (kept verbatim so that a written file reads back the same).
struct KernelFactor {
  std::string name;                    // "k1"
  std::string type;                    // "rbf", "rbf-cyclic", "periodic"
  std::vector<int> active_dimensions;  // 0-based
  std::vector<double> theta;           // one per active dimension
  std::string theta_key = "theta";     // "theta" or "thetas", as read
};

/// Which convention a periodic factor follows; decided by the program that wrote the file.
enum class PeriodicConvention { kGpytorch, kFerebus };
double periodic_factor(PeriodicConvention convention);  // c above: 2 or 4

/// Flattens the factors into exponent terms, factor by factor in the order of their active dimensions.
/// Throws std::invalid_argument for an unknown type.
std::vector<KernelTerm> kernel_terms(const std::vector<KernelFactor>& factors, PeriodicConvention convention);

bool is_supported_kernel_type(const std::string& type);

/// A model's kernel over its training inputs X (n x nf, one point per row). X is column-major, so every sum
/// over training points streams contiguous feature columns and vectorises. The hyperparameters are the
/// terms' theta, in term order.
class Kernel {
 public:
  Kernel() = default;
  /// Throws std::invalid_argument for an unknown factor type or a dimension outside X's columns.
  Kernel(std::vector<KernelFactor> factors, PeriodicConvention convention, Eigen::MatrixXd X);

  const std::vector<KernelFactor>& factors() const { return factors_; }
  PeriodicConvention convention() const { return convention_; }
  const std::vector<KernelTerm>& terms() const { return terms_; }
  const Eigen::MatrixXd& inputs() const { return X_; }
  Eigen::Index size() const { return X_.rows(); }

  /// log theta_t of every term.
  Eigen::VectorXd log_theta() const;
  /// The same kernel and inputs with theta_t = exp(log_theta_t) (the factors' theta too).
  Kernel with_log_theta(const Eigen::VectorXd& log_theta) const;

  /// s_j += sum_terms G(x_h - X_jh) for training points j = j0 .. j0+len-1 (s has len entries).
  void add_exponent(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Index j0, Eigen::Index len,
                    Eigen::Ref<Eigen::ArrayXd> s) const;
  /// gradient += sum_j w_j dk(x, X_j)/dx = -sum_j v_j G'(d_j) over the same block, given v_j = w_j k(x, X_j)
  /// (which the energy sum has already formed): the kernel sum's share of dE/dx.
  void add_gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Index j0, Eigen::Index len,
                    const Eigen::Ref<const Eigen::ArrayXd>& v, Eigen::Ref<Eigen::VectorXd> gradient) const;
  /// k(x, X_j) for every training point.
  Eigen::ArrayXd values(const Eigen::Ref<const Eigen::VectorXd>& x) const;
  /// K = k(X, X), no noise.
  Eigen::MatrixXd matrix() const;

  /// dK/dlog theta_t = -G_t(d_ij) K_ij, given K = matrix().
  Eigen::MatrixXd log_theta_derivative(std::size_t t, const Eigen::MatrixXd& K) const;
  /// sum_ij W_ij dK_ij/dlog theta_t for every term t (= tr(W dK/dlog theta_t) for a symmetric W), given
  /// K = matrix(), without forming the derivative matrices.
  Eigen::VectorXd log_theta_gradient(const Eigen::MatrixXd& W, const Eigen::MatrixXd& K) const;

 private:
  /// G_t / coefficient_t between x and every training point: d^2, wrap(d)^2 or sin^2(d/2).
  Eigen::ArrayXd unit_exponent(std::size_t t, const Eigen::Ref<const Eigen::VectorXd>& x) const;

  std::vector<KernelFactor> factors_;
  PeriodicConvention convention_ = PeriodicConvention::kGpytorch;
  std::vector<KernelTerm> terms_;
  Eigen::MatrixXd X_;
  std::vector<Eigen::ArrayXd> cos_train_, sin_train_;  // per term: cos, sin of the training column (periodic)
};

}  // namespace gpiqa::model
