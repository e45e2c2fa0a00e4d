#include "gpiqa/model/atom_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <Eigen/Cholesky>

namespace gpiqa::model {

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
      X_raw_(std::move(X)),
      y_raw_(std::move(y)),
      w_(std::move(w)),
      scaling_(std::move(scaling)),
      noise_(noise) {
  if (y_raw_.size() != X_raw_.rows() || w_.size() != X_raw_.rows())
    throw std::invalid_argument("training inputs, outputs and weights differ in length");
  Eigen::MatrixXd X_internal =
      scaling_.x ? Eigen::MatrixXd((X_raw_.rowwise() - scaling_.x_mean.transpose()).array().rowwise() /
                                   scaling_.x_std.transpose().array())
                 : X_raw_;
  y_ = scaling_.y ? Eigen::VectorXd((y_raw_.array() - scaling_.y_mean) / scaling_.y_std) : y_raw_;
  if (y_.size() != X_internal.rows() || w_.size() != X_internal.rows())
    throw std::invalid_argument("training inputs, outputs and weights differ in length");
  if ((mean_.kind == MeanKind::kLinear || mean_.kind == MeanKind::kQuadratic) &&
      (mean_.beta.size() != X_internal.cols() || mean_.x_min.size() != X_internal.cols()))
    throw std::invalid_argument("mean function has the wrong number of features");
  kernel_ = Kernel(std::move(factors), convention, std::move(X_internal));
  if (X_raw_.rows() > 0) {
    x_lo_ = X_raw_.colwise().minCoeff().transpose();
    x_hi_ = X_raw_.colwise().maxCoeff().transpose();
  }
}

AtomEvaluation AtomModel::evaluate(const Eigen::Ref<const Eigen::VectorXd>& x_raw,
                                   Eigen::Ref<Eigen::VectorXd> gradient, EvalScratch& scratch) const {
  if (scaling_.x) scratch.scaled_x = (x_raw - scaling_.x_mean).cwiseQuotient(scaling_.x_std);
  const Eigen::Ref<const Eigen::VectorXd> x =
      scaling_.x ? Eigen::Ref<const Eigen::VectorXd>(scratch.scaled_x) : x_raw;
  const Eigen::Index n = kernel_.size();
  const bool want_gradient = gradient.size() > 0;
  if (want_gradient) gradient.setZero();
  // Chunks bound the scratch size. Measured (bench_model, 2000-point aspirin-sized set): smaller chunks that
  // keep a chunk in L2 for the gradient pass were slower, and so was register blocking over training points;
  // Eigen's fused whole-column expressions are the fastest form here.
  constexpr Eigen::Index kChunk = 4096;
  scratch.exponent.resize(std::min(n, kChunk));
  scratch.weighted_kernel.resize(std::min(n, kChunk));
  double kernel_sum = 0.0, max_kernel = 0.0;
  for (Eigen::Index j0 = 0; j0 < n; j0 += kChunk) {
    const Eigen::Index len = std::min(kChunk, n - j0);
    auto s = scratch.exponent.head(len);
    auto wk = scratch.weighted_kernel.head(len);
    s.setZero();
    kernel_.add_exponent(x, j0, len, s);
    wk = (-s).exp();
    max_kernel = std::max(max_kernel, wk.maxCoeff());
    wk *= w_.segment(j0, len).array();
    kernel_sum += wk.sum();
    if (want_gradient) kernel_.add_gradient(x, j0, len, wk, gradient);
  }
  AtomEvaluation out;
  out.max_kernel = max_kernel;
  out.energy_hartree = scaling_.y_mean + scaling_.y_std * (mean_.value(x) + kernel_sum);
  if (want_gradient) {
    mean_.add_gradient(x, gradient);
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
  return kernel_.matrix();
}

Eigen::VectorXd AtomModel::predict_training() const {
  Eigen::VectorXd internal = mean_.values(kernel_.inputs()) + kernel_matrix() * w_;
  return (scaling_.y_mean + scaling_.y_std * internal.array()).matrix();
}

const Eigen::LLT<Eigen::MatrixXd>& AtomModel::factor() const {
  if (!factor_) {
    Eigen::MatrixXd K = kernel_matrix();
    K.diagonal().array() += noise_;
    auto llt = std::make_shared<Eigen::LLT<Eigen::MatrixXd>>(K);
    if (llt->info() != Eigen::Success)
      throw std::runtime_error("kernel matrix plus noise is not positive definite for atom " + label_);
    factor_ = std::move(llt);
  }
  return *factor_;
}

std::size_t AtomModel::prepare_variance() const {
  const Eigen::Index n = factor().matrixLLT().rows();
  return static_cast<std::size_t>(n * n) * sizeof(double);
}

AtomModel AtomModel::with_mean(MeanFunction mean) const {
  return with_mean(std::move(mean), Eigen::VectorXd::Zero(y_.size()));
}

AtomModel AtomModel::with_mean(MeanFunction mean, const Eigen::VectorXd& extra_at_training) const {
  if (extra_at_training.size() != y_.size())
    throw std::invalid_argument("prior values at the training points differ in number from the points");
  Eigen::VectorXd w = factor().solve(y_ - mean.values(kernel_.inputs()) - extra_at_training);
  AtomModel variant(label_, alf_, std::move(mean), kernel_.factors(), kernel_.convention(), X_raw_, y_raw_,
                    std::move(w), noise_, scaling_);
  variant.factor_ = factor_;
  return variant;
}

Eigen::VectorXd AtomModel::internal_features(const Eigen::Ref<const Eigen::VectorXd>& x_raw) const {
  return scaling_.x ? Eigen::VectorXd((x_raw - scaling_.x_mean).cwiseQuotient(scaling_.x_std))
                    : Eigen::VectorXd(x_raw);
}

double AtomModel::prior_energy(const Eigen::Ref<const Eigen::VectorXd>& x_raw,
                               Eigen::Ref<Eigen::VectorXd> gradient) const {
  const Eigen::VectorXd x = internal_features(x_raw);
  if (gradient.size() > 0) {
    gradient.setZero();
    mean_.add_gradient(x, gradient);
    if (scaling_.y) gradient *= scaling_.y_std;
    if (scaling_.x) gradient.array() /= scaling_.x_std.array();
  }
  return scaling_.y_mean + scaling_.y_std * mean_.value(x);
}

double AtomModel::kernel_energy(const Eigen::Ref<const Eigen::VectorXd>& x_raw) const {
  const Eigen::VectorXd x = internal_features(x_raw);
  return scaling_.y_std * w_.dot(kernel_.values(x).matrix());
}

double AtomModel::posterior_variance(const Eigen::Ref<const Eigen::VectorXd>& x_raw) const {
  const Eigen::VectorXd x = internal_features(x_raw);
  Eigen::VectorXd z = kernel_.values(x).matrix();
  factor().matrixL().solveInPlace(z);
  return std::clamp(1.0 - z.squaredNorm(), 0.0, 1.0);
}

}  // namespace gpiqa::model
