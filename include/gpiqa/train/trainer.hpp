#pragma once
// Fits one GP-IQA atom model in FEREBUS's order: the prior mean is fitted to the training energies first
// (model::fit_mean, any spec of model::MeanSpec that the training data alone determine), then the
// hyperparameters (log theta per feature, optionally log noise) maximise the log marginal likelihood of the
// residuals y - m(X) with analytic gradients, by bound-constrained L-BFGS (LBFGSpp's L-BFGS-B) from several
// deterministic starts; the best optimum is written as a FEREBUS-format model file that FEREBUS's readers,
// DL_FFLUX and gpiqa read.
//
// Kernels (model/kernel.hpp), all of unit amplitude:
//   rbf            one rbf factor over every feature (FEREBUS's plain kernel; phi differences not wrapped)
//   rbf-cyclic     one rbf-cyclic factor (phi differences wrapped into (-pi, pi]; FEREBUS). Not positive
//                  definite when a phi feature spans the whole circle (an atom near its frame's z axis)
//   rbf-periodic   rbf over the non-phi features times a periodic factor exp(-4 theta sin^2(d/2)) over the
//                  phi features, composition (k1*k2) as ICHOR's files write it: positive definite for any phi
//   auto           every one of these that differs for the atom's features (all are plain rbf without phi
//                  features), the highest marginal likelihood kept: Bayesian model selection (the
//                  likelihoods are of the same data and mean, so they compare)
#include <string>
#include <vector>

#include "gpiqa/model/model_file.hpp"
#include "gpiqa/train/training_set.hpp"

namespace gpiqa::train {

struct TrainOptions {
  std::string kernel = "auto";  // "rbf", "rbf-cyclic", "rbf-periodic" or "auto" (above)
  std::string mean = "mean";    // prior-mean spec (see MeanSpec), fitted to the training data
  bool optimise_noise = true;
  bool concentrated = true;  // profile the process variance out of the likelihood (marginal_likelihood.hpp)
  double noise = 1e-10;      // fixed nugget, or the start when optimised
  double min_noise = 1e-12, max_noise = 1e-4;
  double min_log_theta = -12, max_log_theta = 6;
  int starts = 4;
  int max_iterations = 300;
  unsigned seed = 1;
};

struct AtomIdentity {
  std::string system = "MOLECULE", atom = "A1";
  model::Alf alf;  // 0-based
  int number_of_atoms = 0;
};

struct TrainResult {
  model::ModelFile file;
  double log_likelihood = 0;
  double seconds = 0;
  int evaluations = 0;
  std::vector<std::pair<std::string, double>>
      candidates;  // with kernel auto: each kernel tried, its likelihood
};

/// Bumped whenever the trainer's algorithm or defaults change what it fits for the same data and options, so
/// that cached sets keyed by content (default sets, retrained sets) are rebuilt instead of reused silently.
inline constexpr int kTrainerRevision = 2;

/// The kernel choices of --kernel: "rbf", "rbf-cyclic", "rbf-periodic", "auto".
const std::vector<std::string>& kernel_choices();
/// The factors (theta 1) of a kernel choice (not "auto") over `features` features: InputError for an unknown
/// one.
std::vector<model::KernelFactor> kernel_factors(const std::string& kernel, int features);
/// The kernels `auto` tries for `features` features, in order (one when there are no phi features).
std::vector<std::string> auto_candidates(int features);
/// One canonical line of every option that decides a fit (for content keys of cached sets).
std::string describe(const TrainOptions& options);

/// InputError for bad options: an unknown kernel, no starts, a non-positive noise, a mean spec that does not
/// parse or that training data alone cannot fit (`file`). Means that need the molecule (bonded+,
/// mmff-bonded) pass: a set trains for them (train_set), a single atom cannot.
void check_options(const TrainOptions& options);
/// The prior mean the trainer fits for `mean_spec` to these data (FEREBUS's order: before the
/// hyperparameters). InputError for a spec it cannot fit.
model::MeanFunction fit_training_mean(const TrainingSet& data, const AtomIdentity& identity,
                                      const std::string& mean_spec);

/// A prior mean fitted with more than the atom's training data (bonded+, mmff-bonded: the molecule; see
/// set_trainer.hpp), fixed before the hyperparameters are fitted for its residuals.
struct FixedPrior {
  Eigen::VectorXd at_training;    // the prior mean at every training point (Hartree)
  model::MeanFunction file_mean;  // the constant the model file holds in its place (PRIOR_MEAN.json)
};

/// Throws InputError for bad options (unknown kernel, bounds, a mean spec that training data alone cannot
/// fit, such as `file`, or one that needs the molecule without `prior`) and std::runtime_error when no start
/// converges. With `prior`, the hyperparameters maximise the likelihood of y - prior.at_training and the file
/// holds prior.file_mean with the weights solved for it.
TrainResult train_atom_model(const TrainingSet& data, const AtomIdentity& identity,
                             const TrainOptions& options, const FixedPrior* prior = nullptr);

/// "WATER_O1_TRAINING_SET.csv" -> {"WATER", "O1"}; empty strings when the name does not follow that pattern.
std::pair<std::string, std::string> identity_from_file_name(const std::string& path);

/// A local frame given as three 1-based atom indices "i j k" (distinct, within 1..atoms), 0-based. InputError
/// naming `where` (and `line` when > 0) otherwise.
model::Alf parse_alf(const std::string& ijk, int atoms, const std::string& where, int line = 0);
/// FEREBUS's frame when none is given: the atom (its number from the label, "H3" -> 3) and the two
/// lowest-numbered other atoms. InputError naming `where` when the label has no number or there are too few
/// atoms.
model::Alf default_alf(const std::string& atom_label, int atoms, const std::string& where);

}  // namespace gpiqa::train
