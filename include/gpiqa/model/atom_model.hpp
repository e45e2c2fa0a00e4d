#pragma once
// One atom's GP-IQA model: the atomic energy as a Gaussian-process posterior mean in ALF features,
//   E_A(x) = m(x) + sum_j w_j k(x_j, x),       w = (K + sigma_n^2 I)^{-1} (y - m(X)),
//   dE_A/dx = dm/dx + sum_j w_j dk(x_j, x)/dx   (Rasmussen & Williams 2006, eq. 2.25-2.27).
// FEREBUS's `scaling standardise` option: x_s = (x - mu_x)/sigma_x, and E = mu_y + sigma_y E_s(x_s) where
// theta, weights and mean live in standardised units; mu and sigma (population std) come from the stored raw
// training data. FEREBUS wraps standardised phi differences at plain pi, and so does gpiqa, to match it.
// The kernel sums run as matrix products (kernel_products.hpp), for one query or a batch of queries under
// mean variants of one set (evaluate_batch): the energy is the prior mean plus the kernel part,
//   E = [mu_y + sigma_y m(x_s)] + sigma_y sum_j w_j k(x_s, X_j),
// the prior per query (each variant its own mean), the kernel part for all queries in one pass, in the same
// bits whatever the batch (one query alone gives what it gives in any batch).
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "gpiqa/model/alf.hpp"
#include "gpiqa/model/kernel.hpp"
#include "gpiqa/model/kernel_products.hpp"
#include "gpiqa/model/mean_function.hpp"

namespace gpiqa::model {

/// Working memory for evaluations (reused between calls to avoid allocation in the MD loop).
struct EvalScratch {
  Eigen::MatrixXd x;  // internal features of the queries
  KernelProducts::Workspace products;
  Eigen::VectorXd kernel_sums;
  Eigen::MatrixXd kernel_gradients, kernel_values;
  std::vector<const double*> weights;
  Eigen::VectorXd prior_gradient;
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
  /// B queries at once: column b of `x` (raw features, nf x B) under models[b], every model a mean variant
  /// of one set (shares_kernel; std::invalid_argument otherwise). energies(b) is what
  /// models[b]->evaluate() gives for that column, bit for bit; with `gradients` (resized to nf x B) dE/dx,
  /// with `max_kernel` (resized to B) the largest kernel value of each query.
  static void evaluate_batch(std::span<const AtomModel* const> models,
                             const Eigen::Ref<const Eigen::MatrixXd>& x, EvalScratch& scratch,
                             Eigen::Ref<Eigen::VectorXd> energies, Eigen::MatrixXd* gradients,
                             Eigen::VectorXd* max_kernel);
  /// posterior_variance() of B queries (as evaluate_batch), into `variances` (B values).
  static void posterior_variance_batch(std::span<const AtomModel* const> models,
                                       const Eigen::Ref<const Eigen::MatrixXd>& x, EvalScratch& scratch,
                                       Eigen::Ref<Eigen::VectorXd> variances);
  /// Whether the two models are one kernel over one training set (mean variants of one loaded model), so that
  /// evaluate_batch can take them together.
  bool shares_kernel(const AtomModel& other) const { return products_ == other.products_; }
  const KernelProducts& products() const { return *products_; }
  double energy(const Eigen::Ref<const Eigen::VectorXd>& x) const;
  /// The energy's two parts, E = prior + kernel: the prior mean alone, mu_y + sigma_y m(x_s) (its gradient
  /// dE/dx into `gradient` when non-empty), and the kernel sum alone, sigma_y sum_j w_j k(x_s, X_j).
  double prior_energy(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> gradient) const;
  double kernel_energy(const Eigen::Ref<const Eigen::VectorXd>& x) const;

  /// Predictions at every training point (m(X) + K w), in Hartree.
  Eigen::VectorXd predict_training() const;
  /// k(X, X) without noise.
  Eigen::MatrixXd kernel_matrix() const;
  /// The same GP with another prior mean and weights re-solved by Cholesky: w = (K + noise I)^-1 (y - m(X)).
  /// `mean` acts in the model's internal (possibly standardised) space. The variant shares this model's
  /// Cholesky factor (same kernel, inputs and noise). Throws std::runtime_error if K + noise I is not
  /// positive definite.
  AtomModel with_mean(MeanFunction mean) const;
  /// As with_mean(mean), for a prior made of `mean` plus a part the model does not evaluate itself (a
  /// Cartesian prior the molecule adds, MeanContext::cartesian_prior), whose values at the training points
  /// (internal units) are `extra_at_training`: w = (K + noise I)^-1 (y - m(X) - extra).
  AtomModel with_mean(MeanFunction mean, const Eigen::VectorXd& extra_at_training) const;

  /// The normalised posterior variance at features x (Rasmussen & Williams 2006, eq. 2.26, for the
  /// unit-amplitude kernel of the file):
  ///   v(x) = 1 - k*^T (K + s I)^-1 k*,   k*_j = k(x, X_j),  s = noise,
  /// 0 on noise-free training data (about s on noisy data), 1 where only the prior mean speaks: how far x
  /// lies from the data, in the model's own metric. Computed as 1 - |L^-1 k*|^2 with the Cholesky factor L of
  /// K + s I, clamped to [0, 1] against round-off. The factor (n^2 doubles) is made on first use and shared
  /// by copies and mean variants made after that.
  double posterior_variance(const Eigen::Ref<const Eigen::VectorXd>& x) const;
  /// Features in the internal space the kernel and mean act in (standardised when the file says so).
  Eigen::VectorXd internal_features(const Eigen::Ref<const Eigen::VectorXd>& x) const;
  /// Makes the Cholesky factor now (so that copies and mean variants share it); its size in bytes.
  std::size_t prepare_variance() const;

  const std::string& label() const { return label_; }
  const Alf& alf() const { return alf_; }
  const MeanFunction& mean() const { return mean_; }
  const Kernel& kernel() const { return kernel_; }
  const std::vector<KernelFactor>& factors() const { return kernel_.factors(); }
  const std::vector<KernelTerm>& terms() const { return kernel_.terms(); }
  PeriodicConvention convention() const { return kernel_.convention(); }
  /// Raw training inputs and energies as the file stores them.
  const Eigen::MatrixXd& training_x() const { return X_raw_; }
  const Eigen::VectorXd& training_y() const { return y_raw_; }
  /// Inputs and outputs in the internal (standardised when scaling) space the kernel and mean act in.
  const Eigen::MatrixXd& internal_x() const { return kernel_.inputs(); }
  const Eigen::VectorXd& internal_y() const { return y_; }
  const Standardisation& scaling() const { return scaling_; }
  const Eigen::VectorXd& weights() const { return w_; }
  double noise() const { return noise_; }
  int feature_count() const { return static_cast<int>(X_raw_.cols()); }
  int training_size() const { return static_cast<int>(X_raw_.rows()); }
  /// Per-feature min and max over the training inputs (the training domain box).
  const Eigen::VectorXd& feature_min() const { return x_lo_; }
  const Eigen::VectorXd& feature_max() const { return x_hi_; }

 private:
  std::string label_;
  Alf alf_;
  MeanFunction mean_;
  Kernel kernel_;  // over the internal inputs: a standardised copy of X_raw_ when scaling.x
  /// The kernel's training data as matrix-product operands; shared by copies and mean variants.
  std::shared_ptr<const KernelProducts> products_;
  Eigen::MatrixXd X_raw_;
  Eigen::VectorXd y_raw_, y_, w_;
  Standardisation scaling_;
  Eigen::VectorXd x_lo_, x_hi_;
  double noise_ = 0.0;
  /// Cholesky factor of K + noise I, shared between copies and mean variants (see prepare_variance).
  mutable std::shared_ptr<const Eigen::LLT<Eigen::MatrixXd>> factor_;
  const Eigen::LLT<Eigen::MatrixXd>& factor() const;
};

}  // namespace gpiqa::model
