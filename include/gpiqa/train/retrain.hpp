#pragma once
// A model set trained again for a prior mean (the campaign variant {mean: SPEC, retrain: true}): the base
// set's training data, read from its .model files, trained with that mean fitted first and the
// hyperparameters maximising the likelihood of the residuals (FEREBUS's order, trainer.hpp), with the
// default sets' training options (recipe.hpp). `file` has no mean to fit and is refused.
//
// Built once into the model cache, <cache>/retrained/SYSTEM-MEAN-KEY (reference/builtin.hpp for <cache>), KEY
// the content hash of the base set's training data (every atom's label, local frame, inputs and energies),
// the mean spec and the training options (the trainer's revision included), and for a mean that needs the
// molecule (bonded+, mmff-bonded; trained in two stages, set_trainer.hpp) the molecule's file content or
// SMILES: the same request finds the same set, any change of data, mean, molecule or trainer builds another.
// The base set's validation CSVs (training/SYSTEM_LABEL_VALIDATION_SET.csv, as `gpiqa models build` keeps
// them) give the report's validation errors when present. Concurrent builders of one set (MPI ranks, SLURM
// array tasks) take a lock file: one builds, the others wait and find it built.
#include <functional>
#include <string>

#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/run/mean_context.hpp"
#include "gpiqa/train/trainer.hpp"

namespace gpiqa::train {

struct RetrainRequest {
  std::string base;            // the base set's directory (absolute)
  std::string mean;            // the prior-mean spec
  TrainOptions options;        // the training options, options.mean == mean
  std::string key;             // 16 hex digits (above)
  std::string directory;       // where the set is, or will be, built
  run::MeanMolecule molecule;  // bonded+, mmff-bonded: the caller's molecule (set_trainer.hpp's MeanSource)

  bool is_built() const;
};

/// Plans the retrained set of `base` (read from `base_directory`) for `mean`. InputError when the spec does
/// not parse, is `file`, or the base set has no training data to train on.
RetrainRequest plan_retrain(const model::MoleculeModel& base, const std::string& base_directory,
                            const std::string& mean, const run::MeanMolecule& molecule = {});

/// Builds the set unless it is built (atoms in `threads` threads), writing its .model files and a
/// BUILD.json (base set, mean, options, every atom's fit) into request.directory; `progress` gets one line
/// per step. Returns false when it was built already.
bool build_retrained_set(const RetrainRequest& request, int threads,
                         const std::function<void(const std::string&)>& progress = {});

}  // namespace gpiqa::train
