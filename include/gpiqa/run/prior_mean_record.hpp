#pragma once
// PRIOR_MEAN.json: what a set trained for a physics-informed prior mean (bonded+, mmff-bonded; `gpiqa train
// --mean`, a campaign's {mean: SPEC, retrain: true}) needs besides its .model files to run with the mean it
// was trained for. FEREBUS's model-file format holds constant, linear and quadratic means only, so such a
// set's files hold the trained hyperparameters with a constant mean (bonded+: each atom's anchor energy;
// mmff-bonded: the fitted constant) and weights solved for that constant, and this record holds the molecule
// the mean was fitted with:
//   {"mean": "bonded+", "equilibrium_bohr": [[x, y, z], ...], "bonds": [[i, j], ...],   (0-based)
//    "anchor_hartree": {"O1": -75.4, ...}}
//   {"mean": "mmff-bonded", "reference": "/abs/path.mol or a SMILES"}
// Running the set with a mean of the recorded kind and no argument of its own takes its context from here
// (run::mean_context), so the fitted mean, and the weights re-solved for it, are those of training bit for
// bit (doubles are written in shortest round-trip form).
#include <optional>
#include <string>

#include "gpiqa/model/mean_variant.hpp"

namespace gpiqa::run {

inline constexpr const char* kPriorMeanRecordFile = "PRIOR_MEAN.json";

struct PriorMeanRecord {
  model::MeanSpec::Kind kind = model::MeanSpec::Kind::kBondedNonNegative;
  std::string mean;            // the spec text trained for
  model::MeanContext context;  // bonded+: geometry, bonds and anchors (mmff-bonded: empty)
  std::string reference;       // mmff-bonded: the molecule (.mol/.sdf path or SMILES)
};

/// Writes the record of `spec` (bonded+ or mmff-bonded) into `directory`. InputError when it cannot.
void write_prior_mean_record(const std::string& directory, const model::MeanSpec& spec,
                             const model::MeanContext& context, const std::string& reference);

/// The record in `directory`, or nothing when it has none. InputError naming the file when it is malformed.
std::optional<PriorMeanRecord> read_prior_mean_record(const std::string& directory);

}  // namespace gpiqa::run
