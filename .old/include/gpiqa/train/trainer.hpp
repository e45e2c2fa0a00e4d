#pragma once
// Fits one GP-IQA atom model: hyperparameters (log theta per feature, optionally log noise) maximise the log
// marginal likelihood with analytic gradients, by bound-constrained L-BFGS (LBFGSpp's L-BFGS-B) from several
// deterministic starts; the best optimum is written as a FEREBUS-format model file that FEREBUS's readers,
// DL_FFLUX and gpiqa read.
#include <string>

#include "gpiqa/model/model_file.hpp"
#include "gpiqa/train/training_set.hpp"

namespace gpiqa::train {

struct TrainOptions {
  std::string kernel = "rbf-cyclic";  // or "rbf", or "auto": both, the higher marginal likelihood kept
  std::string mean = "mean";          // prior-mean spec (see MeanSpec), fitted to the training data
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
};

/// Throws InputError for bad options (unknown kernel, bounds) and std::runtime_error when no start converges.
TrainResult train_atom_model(const TrainingSet& data, const AtomIdentity& identity,
                             const TrainOptions& options);

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
