#pragma once
// Training a whole model set: one GP per atom from a directory of FEREBUS-layout CSVs, atoms trained in
// parallel threads, and the set's errors against the reference on whole molecules.
//
// Directory layout (what `gpiqa sample` writes; FEREBUS users' directories with only training CSVs work too):
//   SYSTEM_LABEL_TRAINING_SET.csv     one per atom (required)
//   SYSTEM_LABEL_VALIDATION_SET.csv   held-out points (optional)
//   SYSTEM_ALF.txt                    "LABEL i j k" per atom, 1-based (optional; default: the atom and the
//   two
//                                     lowest-numbered others, FEREBUS's convention when no frame is given)
#include <functional>
#include <string>
#include <vector>

#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/run/mean_context.hpp"
#include "gpiqa/train/trainer.hpp"

namespace gpiqa::train {

struct AtomJob {
  AtomIdentity identity;
  TrainingSet training, validation;  // validation may be empty
};

/// Reads a training directory. InputError naming the file for anything malformed or inconsistent.
std::vector<AtomJob> read_training_directory(const std::string& directory,
                                             const std::string& system_override = "");

struct AtomReport {
  std::string atom, model_path;
  std::string kernel;  // the fitted kernel ("rbf-cyclic", "rbf*periodic"; with --kernel auto, the one kept)
  std::vector<std::pair<std::string, double>> candidates;  // kernel auto: every kernel tried, its likelihood
  long long training_points = 0, validation_points = 0;
  int features = 0, evaluations = 0;
  double log_likelihood = 0, noise = 0, seconds = 0;
  double validation_rmse_hartree = 0, validation_max_error_hartree = 0;  // 0 when no validation points
  double mean_length_scale = 0;  // geometric mean of the length scales 1/sqrt(2 theta), feature units
};

/// The report of one fitted atom: the fit's figures and, when the job has validation points, its errors on
/// them.
AtomReport report_fit(const AtomJob& job, const TrainResult& result, const std::string& model_path);

/// Where a mean that needs the molecule (bonded+, mmff-bonded) takes it from (run::mean_context, steps 1-3):
/// the spec's argument, else the caller's molecule, else `directory`'s BUILD.json.
struct MeanSource {
  std::string directory;
  run::MeanMolecule molecule;
};

/// Trains every atom with up to `threads` atoms at once and writes SYSTEM_iqa_LABEL.model files into
/// `out_directory` (created). The options and every atom's prior mean are checked before anything is
/// written (InputError). Reports come back in atom order; `progress` is called after each atom.
///
/// A mean that needs the molecule is fitted in two stages: the set is first trained with a constant mean at
/// the average training energy (bonded+ takes its anchors, each atom's energy at equilibrium, from that fit),
/// the mean is fitted as at run time, and the hyperparameters are then fitted for its residuals. The files
/// hold a constant in its place (FEREBUS's format has no such means) and `out_directory`/PRIOR_MEAN.json
/// the molecule and anchors (run/prior_mean_record.hpp), so that running the set with that mean
/// (`--mean bonded+`, retrain: true) gives back the trained model exactly. Validation errors are those of
/// the set with its prior.
std::vector<AtomReport> train_set(const std::vector<AtomJob>& jobs, const TrainOptions& options,
                                  const std::string& out_directory, int threads,
                                  const std::function<void(const AtomReport&)>& progress = {},
                                  const MeanSource& source = {});

/// Whole-molecule errors of a model set against the reference on geometries (Bohr).
struct SetErrors {
  long long geometries = 0;
  double energy_rmse_hartree = 0, energy_mae_hartree = 0, energy_max_error_hartree = 0;
  double force_rmse_hartree_per_bohr = 0, force_max_error_hartree_per_bohr = 0;  // per Cartesian component
};
SetErrors set_errors(model::Potential& model, model::Potential& reference,
                     const std::vector<model::Positions>& geometries);

}  // namespace gpiqa::train
