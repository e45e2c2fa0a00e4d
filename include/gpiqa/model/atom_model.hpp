#pragma once
// One atom's GP-IQA model: the atomic energy as a Gaussian-process posterior mean in ALF features,
//   E_A(x) = m(x) + sum_j w_j k(x_j, x),       w = (K + sigma_n^2 I)^{-1} (y - m(X)),
//   dE_A/dx = dm/dx + sum_j w_j dk(x_j, x)/dx   (Rasmussen & Williams 2006, eq. 2.25-2.27).
// FEREBUS's `scaling standardise` option: x_s = (x - mu_x)/sigma_x, and E = mu_y + sigma_y E_s(x_s) where
// theta, weights and mean live in standardised units; mu and sigma (population std) come from the stored raw
// training data. FEREBUS wraps standardised phi differences at plain pi, and so does gpiqa, to match it.
// The training inputs are stored feature-major (one contiguous column per feature) so that the kernel sum
// streams each column once and vectorises.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "gpiqa/model/alf.hpp"
#include "gpiqa/model/kernel.hpp"
#include "gpiqa/model/mean_function.hpp"

namespace gpiqa::model {

/// Working memory for one evaluation (reused between calls to avoid allocation in the MD loop).
struct EvalScratch {
  Eigen::VectorXd scaled_x;
  Eigen::ArrayXd exponent;
  Eigen::ArrayXd weighted_kernel;
};

/// Affine standardisation of inputs and output (identity unless the file says `scaling.* standardise`).
struct Standardisation {
  bool x = false, y = false;
  Eigen::VectorXd x_mean, x_std;  // per feature, population std of the raw training inputs
  double y_mean = 0.0, y_std = 1.0;
  /// From raw training data; throws std::invalid_argument if a standardised feature has zero spread.
  static Standardisation from_data(bool scale_x, bool scale_y, const Eigen::MatrixXd& X,
                                   const Eigen::VectorXd& y);
};

/// What a single evaluation saw besides the energy (for extrapolation monitoring).
struct AtomEvaluation {
  double energy_hartree = 0.0;
  double max_kernel = 0.0;  // largest k(x_j, x) over training points: 1 on a training point, -> 0 far away
};

class AtomModel {
 public:
  AtomModel() = default;
  /// X: one raw training point per row (n x nf), y: n raw energies, w: n weights (in the standardised space
  /// when `scaling` standardises). Throws std::invalid_argument on inconsistent sizes.
  AtomModel(std::string label, Alf alf, MeanFunction mean, std::vector<KernelFactor> factors,
            PeriodicConvention convention, Eigen::MatrixXd X, Eigen::VectorXd y, Eigen::VectorXd w,
            double noise, Standardisation scaling = {});

  /// Energy at features x; gradient dE/dx written to `gradient` when it is non-empty (size nf).
  AtomEvaluation evaluate(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> gradient,
                          EvalScratch& scratch) const;
  double energy(const Eigen::Ref<const Eigen::VectorXd>& x) const;

  /// Predictions at every training point (m(X) + K w), in Hartree.
  Eigen::VectorXd predict_training() const;
  /// k(X, X) without noise.
  Eigen::MatrixXd kernel_matrix() const;
  /// The same GP with another prior mean and weights re-solved by Cholesky: w = (K + noise I)^-1 (y - m(X)).
  /// `mean` acts in the model's internal (possibly standardised) space.
  /// Throws std::runtime_error if K + noise I is not positive definite.
  AtomModel with_mean(MeanFunction mean) const;

  const std::string& label() const { return label_; }
  const Alf& alf() const { return alf_; }
  const MeanFunction& mean() const { return mean_; }
  const std::vector<KernelFactor>& factors() const { return factors_; }
  const std::vector<KernelTerm>& terms() const { return terms_; }
  PeriodicConvention convention() const { return convention_; }
  /// Raw training inputs and energies as the file stores them.
  const Eigen::MatrixXd& training_x() const { return X_raw_; }
  const Eigen::VectorXd& training_y() const { return y_raw_; }
  /// Inputs and outputs in the internal (standardised when scaling) space the kernel and mean act in.
  const Eigen::MatrixXd& internal_x() const { return X_; }
  const Eigen::VectorXd& internal_y() const { return y_; }
  const Standardisation& scaling() const { return scaling_; }
  const Eigen::VectorXd& weights() const { return w_; }
  double noise() const { return noise_; }
  int feature_count() const { return static_cast<int>(X_.cols()); }
  int training_size() const { return static_cast<int>(X_.rows()); }
  /// Per-feature min and max over the training inputs (the training domain box).
  const Eigen::VectorXd& feature_min() const { return x_lo_; }
  const Eigen::VectorXd& feature_max() const { return x_hi_; }

 private:
  /// s_j = sum_terms G(x_h - X_jh): the kernel exponent to every training point.
  void exponent_at(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::ArrayXd& s) const;
  void add_exponent(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Index j0, Eigen::Index len,
                    Eigen::Ref<Eigen::ArrayXd> s) const;

  std::string label_;
  Alf alf_;
  MeanFunction mean_;
  std::vector<KernelFactor> factors_;
  PeriodicConvention convention_ = PeriodicConvention::kGpytorch;
  std::vector<KernelTerm> terms_;
  std::vector<Eigen::ArrayXd> cos_train_, sin_train_;  // per term: cos, sin of the training column (periodic)
  Eigen::MatrixXd X_raw_, X_;  // X_ standardised copy only when scaling.x (else equal to X_raw_)
  Eigen::VectorXd y_raw_, y_, w_;
  Standardisation scaling_;
  Eigen::VectorXd x_lo_, x_hi_;
  double noise_ = 0.0;
};

}  // namespace gpiqa::model
