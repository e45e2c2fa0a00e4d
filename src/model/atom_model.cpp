#include "gpiqa/model/atom_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <Eigen/Cholesky>

#include "gpiqa/util/forward_substitution.hpp"

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
  products_ = std::make_shared<const KernelProducts>(kernel_);
  if (X_raw_.rows() > 0) {
    x_lo_ = X_raw_.colwise().minCoeff().transpose();
    x_hi_ = X_raw_.colwise().maxCoeff().transpose();
  }
}

AtomEvaluation AtomModel::evaluate(const Eigen::Ref<const Eigen::VectorXd>& x_raw,
                                   Eigen::Ref<Eigen::VectorXd> gradient, EvalScratch& scratch) const {
  const AtomModel* self = this;
  Eigen::Matrix<double, 1, 1> energy;
  Eigen::VectorXd max_kernel;
  const bool want_gradient = gradient.size() > 0;
  Eigen::MatrixXd g;
  evaluate_batch({&self, 1}, x_raw, scratch, energy, want_gradient ? &g : nullptr, &max_kernel);
  if (want_gradient) gradient = g.col(0);
  return {energy(0), max_kernel(0)};
}

namespace {

void require_shared_kernel(std::span<const AtomModel* const> models) {
  for (const AtomModel* m : models)
    if (!m->shares_kernel(*models.front()))
      throw std::invalid_argument("a batch of atom models must be mean variants of one model (atom " +
                                  m->label() + ")");
}

}  // namespace

void AtomModel::evaluate_batch(std::span<const AtomModel* const> models,
                               const Eigen::Ref<const Eigen::MatrixXd>& x_raw, EvalScratch& scratch,
                               Eigen::Ref<Eigen::VectorXd> energies, Eigen::MatrixXd* gradients,
                               Eigen::VectorXd* max_kernel) {
  require_shared_kernel(models);
  const Eigen::Index B = x_raw.cols();
  const AtomModel& first = *models.front();
  scratch.x.resize(x_raw.rows(), B);
  for (Eigen::Index b = 0; b < B; ++b) scratch.x.col(b) = first.internal_features(x_raw.col(b));
  scratch.weights.resize(models.size());
  for (std::size_t b = 0; b < models.size(); ++b) scratch.weights[b] = models[b]->w_.data();
  scratch.kernel_sums.resize(B);
  first.products_->sums(scratch.x, scratch.weights, scratch.products, scratch.kernel_sums,
                        gradients ? &scratch.kernel_gradients : nullptr, max_kernel);
  if (gradients) gradients->resize(x_raw.rows(), B);
  for (Eigen::Index b = 0; b < B; ++b) {
    const AtomModel& m = *models[static_cast<std::size_t>(b)];
    scratch.prior_gradient.resize(gradients ? x_raw.rows() : 0);
    energies(b) =
        m.prior_energy(x_raw.col(b), scratch.prior_gradient) + m.scaling_.y_std * scratch.kernel_sums(b);
    if (!gradients) continue;
    auto g = gradients->col(b);
    g = m.scaling_.y_std * scratch.kernel_gradients.col(b);
    if (m.scaling_.x) g.array() /= m.scaling_.x_std.array();
    g += scratch.prior_gradient;
  }
}

void AtomModel::posterior_variance_batch(std::span<const AtomModel* const> models,
                                         const Eigen::Ref<const Eigen::MatrixXd>& x_raw, EvalScratch& scratch,
                                         Eigen::Ref<Eigen::VectorXd> variances) {
  require_shared_kernel(models);
  const Eigen::Index B = x_raw.cols();
  const AtomModel& first = *models.front();
  scratch.x.resize(x_raw.rows(), B);
  for (Eigen::Index b = 0; b < B; ++b) scratch.x.col(b) = first.internal_features(x_raw.col(b));
  first.products_->values(scratch.x, scratch.products, scratch.kernel_values);
  const Eigen::Index n = first.products_->size();
  // every variant of the set has this factor (the same kernel, inputs and noise)
  auto z = scratch.kernel_values.topRows(n);
  util::forward_substitute(first.factor().matrixLLT(), z);
  for (Eigen::Index b = 0; b < B; ++b) variances(b) = std::clamp(1.0 - z.col(b).squaredNorm(), 0.0, 1.0);
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
  variant.products_ = products_;
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
  // the kernel part of evaluate_batch, the same bits
  EvalScratch scratch;
  Eigen::Matrix<double, 1, 1> sum;
  const double* w = w_.data();
  products_->sums(internal_features(x_raw), {&w, 1}, scratch.products, sum, nullptr, nullptr);
  return scaling_.y_std * sum(0);
}

double AtomModel::posterior_variance(const Eigen::Ref<const Eigen::VectorXd>& x_raw) const {
  EvalScratch scratch;
  const AtomModel* self = this;
  Eigen::Matrix<double, 1, 1> v;
  posterior_variance_batch({&self, 1}, x_raw, scratch, v);
  return v(0);
}

}  // namespace gpiqa::model
