#include "gpiqa/model/kernel.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace gpiqa::model {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

// wrap(d) into [-pi, pi] (the sign at exactly +-pi does not matter: only d^2 and the kink-free parts are
// used)
template <typename Expr>
auto wrapped(const Expr& d) {
  return d - kTwoPi * (d * (1.0 / kTwoPi)).rint();  // same rounding as std::nearbyint in the blocked kernel
}

}  // namespace

double periodic_factor(PeriodicConvention convention) {
  return convention == PeriodicConvention::kGpytorch ? 2.0 : 4.0;
}

bool is_supported_kernel_type(const std::string& type) {
  return type == "rbf" || type == "rbf-cyclic" || type == "periodic";
}

std::vector<KernelTerm> kernel_terms(const std::vector<KernelFactor>& factors,
                                     PeriodicConvention convention) {
  std::vector<KernelTerm> terms;
  for (const KernelFactor& f : factors) {
    if (!is_supported_kernel_type(f.type))
      throw std::invalid_argument("unsupported kernel type '" + f.type + "'");
    for (std::size_t i = 0; i < f.active_dimensions.size(); ++i) {
      const int h = f.active_dimensions[i];
      KernelTerm t{h, TermKind::kSquared, f.theta[i]};
      if (f.type == "rbf-cyclic" && is_phi_feature(h)) t.kind = TermKind::kSquaredWrapped;
      if (f.type == "periodic") {
        t.kind = TermKind::kPeriodic;
        t.coefficient = periodic_factor(convention) * f.theta[i];
      }
      terms.push_back(t);
    }
  }
  return terms;
}

Kernel::Kernel(std::vector<KernelFactor> factors, PeriodicConvention convention, Eigen::MatrixXd X)
    : factors_(std::move(factors)),
      convention_(convention),
      terms_(kernel_terms(factors_, convention_)),
      X_(std::move(X)) {
  for (const KernelTerm& t : terms_) {
    if (t.dimension < 0 || t.dimension >= X_.cols())
      throw std::invalid_argument("kernel dimension out of range");
    const bool periodic = t.kind == TermKind::kPeriodic;
    cos_train_.push_back(periodic ? X_.col(t.dimension).array().cos().eval() : Eigen::ArrayXd());
    sin_train_.push_back(periodic ? X_.col(t.dimension).array().sin().eval() : Eigen::ArrayXd());
  }
}

// Terms follow the factors' active dimensions in order (kernel_terms), and so do these parameters.
Eigen::VectorXd Kernel::log_theta() const {
  Eigen::VectorXd out(static_cast<Eigen::Index>(terms_.size()));
  Eigen::Index t = 0;
  for (const KernelFactor& f : factors_)
    for (std::size_t i = 0; i < f.active_dimensions.size(); ++i) out(t++) = std::log(f.theta[i]);
  return out;
}

Kernel Kernel::with_log_theta(const Eigen::VectorXd& log_theta) const {
  if (log_theta.size() != static_cast<Eigen::Index>(terms_.size()))
    throw std::invalid_argument("one log theta per kernel term expected");
  Kernel k = *this;  // the inputs and their cos/sin do not depend on theta
  // Eigen's vectorised exp, as the likelihood has always taken it (it may differ from std::exp in the last
  // bit).
  const Eigen::VectorXd theta = log_theta.array().exp();
  Eigen::Index t = 0;
  for (KernelFactor& f : k.factors_)
    for (std::size_t i = 0; i < f.active_dimensions.size(); ++i) f.theta[i] = theta(t++);
  k.terms_ = kernel_terms(k.factors_, convention_);
  return k;
}

void Kernel::add_exponent(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Index j0, Eigen::Index len,
                          Eigen::Ref<Eigen::ArrayXd> s) const {
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    const KernelTerm& term = terms_[t];
    const auto d = x(term.dimension) - X_.col(term.dimension).segment(j0, len).array();
    switch (term.kind) {
      case TermKind::kSquared:
        s += term.coefficient * d.square();
        break;
      case TermKind::kSquaredWrapped:
        s += term.coefficient * wrapped(d).square();
        break;
      case TermKind::kPeriodic: {
        const double cx = std::cos(x(term.dimension)), sx = std::sin(x(term.dimension));
        const auto cos_d = cx * cos_train_[t].segment(j0, len) + sx * sin_train_[t].segment(j0, len);
        s += term.coefficient * (0.5 - 0.5 * cos_d);  // sin^2(d/2)
        break;
      }
    }
  }
}

void Kernel::add_gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Index j0, Eigen::Index len,
                          const Eigen::Ref<const Eigen::ArrayXd>& v,
                          Eigen::Ref<Eigen::VectorXd> gradient) const {
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    const KernelTerm& term = terms_[t];
    const auto d = x(term.dimension) - X_.col(term.dimension).segment(j0, len).array();
    double g = 0.0;
    switch (term.kind) {
      case TermKind::kSquared:
        g = -2.0 * term.coefficient * (v * d).sum();
        break;
      case TermKind::kSquaredWrapped:
        g = -2.0 * term.coefficient * (v * wrapped(d)).sum();
        break;
      case TermKind::kPeriodic: {
        const double cx = std::cos(x(term.dimension)), sx = std::sin(x(term.dimension));
        const auto sin_d = sx * cos_train_[t].segment(j0, len) - cx * sin_train_[t].segment(j0, len);
        g = -0.5 * term.coefficient * (v * sin_d).sum();
        break;
      }
    }
    gradient(term.dimension) += g;
  }
}

Eigen::ArrayXd Kernel::values(const Eigen::Ref<const Eigen::VectorXd>& x) const {
  Eigen::ArrayXd s = Eigen::ArrayXd::Zero(X_.rows());
  add_exponent(x, 0, X_.rows(), s);
  return (-s).exp();
}

Eigen::MatrixXd Kernel::matrix() const {
  const Eigen::Index n = X_.rows();
  Eigen::MatrixXd K(n, n);
  Eigen::ArrayXd s(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    s.setZero();
    add_exponent(X_.row(j).transpose(), 0, n, s);
    // exp straight into the column: where Eigen splits it into packet and scalar exp (which differ in the
    // last bit) depends on the column's alignment, and the numbers are kept as they were.
    K.col(j) = (-s).exp().matrix();
  }
  return K;
}

Eigen::ArrayXd Kernel::unit_exponent(std::size_t t, const Eigen::Ref<const Eigen::VectorXd>& x) const {
  const KernelTerm& term = terms_[t];
  const auto d = x(term.dimension) - X_.col(term.dimension).array();
  switch (term.kind) {
    case TermKind::kSquared:
      return d.square();
    case TermKind::kSquaredWrapped:
      return wrapped(d).square();
    case TermKind::kPeriodic: {
      const double cx = std::cos(x(term.dimension)), sx = std::sin(x(term.dimension));
      return 0.5 - 0.5 * (cx * cos_train_[t] + sx * sin_train_[t]);
    }
  }
  return {};
}

Eigen::MatrixXd Kernel::log_theta_derivative(std::size_t t, const Eigen::MatrixXd& K) const {
  Eigen::MatrixXd D(K.rows(), K.cols());
  for (Eigen::Index j = 0; j < K.cols(); ++j)
    D.col(j) = (-terms_[t].coefficient * unit_exponent(t, X_.row(j).transpose()) * K.col(j).array()).matrix();
  return D;
}

Eigen::VectorXd Kernel::log_theta_gradient(const Eigen::MatrixXd& W, const Eigen::MatrixXd& K) const {
  const Eigen::MatrixXd WK = W.cwiseProduct(K);
  const auto nt = static_cast<Eigen::Index>(terms_.size());
  Eigen::VectorXd acc = Eigen::VectorXd::Zero(nt);
  // Column by column: one contiguous column of WK against every term, no n x n temporary per term.
  for (Eigen::Index j = 0; j < WK.cols(); ++j) {
    const Eigen::VectorXd xj = X_.row(j).transpose();
    for (Eigen::Index t = 0; t < nt; ++t)
      acc(t) += (WK.col(j).array() * unit_exponent(static_cast<std::size_t>(t), xj)).sum();
  }
  for (Eigen::Index t = 0; t < nt; ++t) acc(t) *= -terms_[static_cast<std::size_t>(t)].coefficient;
  return acc;
}

}  // namespace gpiqa::model
