#include "gpiqa/model/atom_model.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include <Eigen/Cholesky>

namespace gpiqa::model {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

// wrap(d) into [-pi, pi] (the sign at exactly +-pi does not matter: only d^2 and the kink-free parts are used)
template <typename Expr>
auto wrapped(const Expr& d) {
  return d - kTwoPi * (d * (1.0 / kTwoPi)).round();
}

}  // namespace

Standardisation Standardisation::from_data(bool scale_x, bool scale_y, const Eigen::MatrixXd& X,
                                           const Eigen::VectorXd& y) {
  Standardisation s;
  s.x = scale_x;
  s.y = scale_y;
  const double n = static_cast<double>(X.rows());
  if (scale_x) {
    s.x_mean = X.colwise().mean().transpose();
    s.x_std = ((X.rowwise() - s.x_mean.transpose()).array().square().colwise().sum() / n).sqrt().transpose();
    if ((s.x_std.array() <= 0.0).any()) throw std::invalid_argument("a standardised feature has zero spread");
  }
  if (scale_y) {
    s.y_mean = y.mean();
    s.y_std = std::sqrt((y.array() - s.y_mean).square().sum() / n);
    if (!(s.y_std > 0.0)) throw std::invalid_argument("standardised training energies have zero spread");
  }
  return s;
}

AtomModel::AtomModel(std::string label, Alf alf, MeanFunction mean, std::vector<KernelFactor> factors,
                     PeriodicConvention convention, Eigen::MatrixXd X, Eigen::VectorXd y, Eigen::VectorXd w,
                     double noise, Standardisation scaling)
    : label_(std::move(label)),
      alf_(alf),
      mean_(std::move(mean)),
      factors_(std::move(factors)),
      convention_(convention),
      X_raw_(std::move(X)),
      y_raw_(std::move(y)),
      w_(std::move(w)),
      scaling_(std::move(scaling)),
      noise_(noise) {
  if (y_raw_.size() != X_raw_.rows() || w_.size() != X_raw_.rows())
    throw std::invalid_argument("training inputs, outputs and weights differ in length");
  X_ = scaling_.x ? Eigen::MatrixXd((X_raw_.rowwise() - scaling_.x_mean.transpose()).array().rowwise() /
                                    scaling_.x_std.transpose().array())
                  : X_raw_;
  y_ = scaling_.y ? Eigen::VectorXd((y_raw_.array() - scaling_.y_mean) / scaling_.y_std) : y_raw_;
  if (y_.size() != X_.rows() || w_.size() != X_.rows())
    throw std::invalid_argument("training inputs, outputs and weights differ in length");
  if (mean_.kind != MeanKind::kConstant && (mean_.beta.size() != X_.cols() || mean_.x_min.size() != X_.cols()))
    throw std::invalid_argument("mean function has the wrong number of features");
  terms_ = kernel_terms(factors_, convention_);
  for (const KernelTerm& t : terms_)
    if (t.dimension < 0 || t.dimension >= X_.cols()) throw std::invalid_argument("kernel dimension out of range");
  if (X_raw_.rows() > 0) {
    x_lo_ = X_raw_.colwise().minCoeff().transpose();
    x_hi_ = X_raw_.colwise().maxCoeff().transpose();
  }
}

void AtomModel::exponent_at(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::ArrayXd& s) const {
  s.setZero(X_.rows());
  for (const KernelTerm& t : terms_) {
    const auto d = x(t.dimension) - X_.col(t.dimension).array();
    switch (t.kind) {
      case TermKind::kSquared:
        s += t.coefficient * d.square();
        break;
      case TermKind::kSquaredWrapped:
        s += t.coefficient * wrapped(d).square();
        break;
      case TermKind::kPeriodic:
        s += t.coefficient * (0.5 - 0.5 * d.cos());  // sin^2(d/2)
        break;
    }
  }
}

AtomEvaluation AtomModel::evaluate(const Eigen::Ref<const Eigen::VectorXd>& x_raw,
                                   Eigen::Ref<Eigen::VectorXd> gradient, EvalScratch& scratch) const {
  if (scaling_.x) scratch.scaled_x = (x_raw - scaling_.x_mean).cwiseQuotient(scaling_.x_std);
  const Eigen::Ref<const Eigen::VectorXd> x = scaling_.x ? Eigen::Ref<const Eigen::VectorXd>(scratch.scaled_x) : x_raw;
  const Eigen::Index n = X_.rows();
  Eigen::ArrayXd& s = scratch.exponent;
  Eigen::ArrayXd& wk = scratch.weighted_kernel;
  exponent_at(x, s);
  wk = (-s).exp();
  AtomEvaluation out;
  out.max_kernel = n ? wk.maxCoeff() : 0.0;
  wk *= w_.array();
  out.energy_hartree = scaling_.y_mean + scaling_.y_std * (mean_.value(x) + wk.sum());

  if (gradient.size() > 0) {
    gradient.setZero();
    mean_.add_gradient(x, gradient);
    for (const KernelTerm& t : terms_) {
      const auto d = x(t.dimension) - X_.col(t.dimension).array();
      double g = 0.0;
      switch (t.kind) {
        case TermKind::kSquared:
          g = -2.0 * t.coefficient * (wk * d).sum();
          break;
        case TermKind::kSquaredWrapped:
          g = -2.0 * t.coefficient * (wk * wrapped(d)).sum();
          break;
        case TermKind::kPeriodic:
          g = -0.5 * t.coefficient * (wk * d.sin()).sum();
          break;
      }
      gradient(t.dimension) += g;
    }
    if (scaling_.y) gradient *= scaling_.y_std;
    if (scaling_.x) gradient.array() /= scaling_.x_std.array();
  }
  return out;
}

double AtomModel::energy(const Eigen::Ref<const Eigen::VectorXd>& x) const {
  EvalScratch scratch;
  Eigen::VectorXd none;
  return evaluate(x, none, scratch).energy_hartree;
}

Eigen::MatrixXd AtomModel::kernel_matrix() const {
  const Eigen::Index n = X_.rows();
  Eigen::MatrixXd K(n, n);
  Eigen::ArrayXd s(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    exponent_at(X_.row(j).transpose(), s);
    K.col(j) = (-s).exp().matrix();
  }
  return K;
}

Eigen::VectorXd AtomModel::predict_training() const {
  Eigen::VectorXd internal = mean_.values(X_) + kernel_matrix() * w_;
  return (scaling_.y_mean + scaling_.y_std * internal.array()).matrix();
}

AtomModel AtomModel::with_mean(MeanFunction mean) const {
  Eigen::MatrixXd K = kernel_matrix();
  K.diagonal().array() += noise_;
  Eigen::LLT<Eigen::MatrixXd> llt(K);
  if (llt.info() != Eigen::Success)
    throw std::runtime_error("kernel matrix plus noise is not positive definite for atom " + label_);
  Eigen::VectorXd w = llt.solve(y_ - mean.values(X_));
  return AtomModel(label_, alf_, std::move(mean), factors_, convention_, X_raw_, y_raw_, std::move(w), noise_,
                   scaling_);
}

}  // namespace gpiqa::model
