#pragma once
// A campaign: molecules x model variants x temperatures x seeds, each an independent trajectory, from a YAML
// file (paths relative to it). The keys of this example are the contract; md, start, stability and output
// have defaults (below). Validation is strict: unknown keys, wrong types, missing files, model sets,
// references and geometries whose atoms do not match and empty axes are errors naming the YAML line, before
// anything runs.
//
//   name: mean-function-study
//   molecules:
//     water:   {geometry: molecules/water.xyz, models: models/water, reference: molecules/water.mol}
//     ammonia: {models: models/ammonia, smiles: "N"}   # no geometry: start from the reference's coordinates
//     glycine: {builtin: glycine}   # gpiqa's own: its geometry, reference molfile and default model set
//   models:                       # variants applied to every molecule
//     as-trained: {mean: file}    # kind: gp (the default): the molecule's GP model set with this prior mean
//     MIN:        {mean: min}
//     MIN-trained: {mean: min, retrain: true}   # a set trained again for that mean (train/retrain.hpp)
//     reference:  {kind: reference}   # the MMFF94 reference itself (no mean); results rows get mean
//     "reference"
//   temperatures_K: [300, 500]
//   seeds: 8                      # 8 seeds (1..8), or an explicit list [3, 7, 11]
//   md: {timestep_fs: 0.5, duration_ps: 10, thermostat: {type: nhc, tau_fs: 50}, bundle: auto}
//   start: {displace_angstrom: 0.0}   # displace_mode: gaussian (sigma per coordinate, default) or sphere;
//                                     # or energy_above_minimum_kcal_mol: E (controlled); frames: starts.xyz
//   stability: {bond_stretch_angstrom: 0.5, min_distance_angstrom: 0.5}
//   output: {file: results/mean-function-study.h5, frames_every: 0, checkpoint_every_s: 300}
//
// A molecule needs `models` only when the campaign has a GP variant, a reference (`reference: FILE.mol` or
// `smiles:`, not both) only when it has a reference variant, and `geometry` only when it has no reference.
// `builtin: NAME` (water, ammonia, methanol, glycine, serine, aspirin) stands alone; its model set is looked
// up (and must have been built with `gpiqa models build NAME`) only when the campaign has a GP variant.
// A `retrain: true` variant runs on the molecule's set trained again for the variant's mean (not `file`):
// planned while validating (a content key into the model cache) and built on first use by
// build_retrained_sets (retrained_sets.hpp).
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "gpiqa/md/integrator.hpp"
#include "gpiqa/reference/molecule.hpp"
#include "gpiqa/run/trajectory.hpp"
#include "gpiqa/stability/monitor.hpp"
#include "gpiqa/train/retrain.hpp"

namespace gpiqa::campaign {

struct MoleculeEntry {
  std::string name;
  std::string geometry;  // absolute path; empty: start from the reference molecule's coordinates
  std::string
      models;  // absolute path of the GP model set directory; empty when the campaign has no GP variant
  std::string reference;  // absolute path of the reference molfile, or empty
  std::string smiles;     // the reference as SMILES, or empty (at most one of reference and smiles is set)
  std::string builtin;    // the built-in molecule it came from, or empty
  // Relative cost of one step: sum over atoms of training points x features of the GP set (measured while
  // validating), or atoms squared for a molecule with only a reference.
  double cost_per_step = 1.0;

  std::vector<std::string> elements;  // the atoms in order (filled while validating)
  /// The sets of the campaign's `retrain: true` variants, by variant name (planned while validating).
  std::map<std::string, train::RetrainRequest> retrained;

  bool has_reference() const { return !reference.empty() || !smiles.empty(); }
};

enum class ModelKind { kGp, kReference };

struct ModelVariant {
  std::string name;
  std::string mean = "file";  // prior-mean spec of a GP variant; "reference" for a reference variant
  ModelKind kind = ModelKind::kGp;
  bool retrain = false;  // run on the set trained again for `mean` instead of re-solving the weights

  bool is_reference() const { return kind == ModelKind::kReference; }
};

/// The most seeds a campaign may have (`seeds: N` or a list): a survival fraction from 10^4 trajectories per
/// cell is known to +-1%; far more is a typo that would only build an enormous task table.
inline constexpr long long kMaxSeeds = 10000;

struct CampaignSpec {
  std::string source;  // path of the YAML file
  std::string text;    // the YAML text, stored in the results file
  std::string name;
  std::vector<MoleculeEntry> molecules;
  std::vector<ModelVariant> models;
  std::vector<double> temperatures_K;
  std::vector<std::uint64_t> seeds;
  md::IntegratorConfig integrator;  // temperature_K set per task
  double duration_ps = 10.0;
  /// md.bundle: trajectories of one model set advanced in lockstep (campaign/bundle.hpp); 0: auto.
  int bundle = 0;
  double displace_angstrom = 0.0;
  run::DisplaceMode displace_mode = run::DisplaceMode::kGaussian;
  /// start.energy_above_minimum_kcal_mol: controlled starts (run/start.hpp), one value or a list (an axis of
  /// the task product, between temperatures and seeds); empty: displaced by displace_angstrom.
  std::vector<double> start_energies_kcal_mol;
  bool controlled_start() const { return !start_energies_kcal_mol.empty(); }
  /// start.frames: seed i (by position in `seeds`) starts from frame i of this multi-frame xyz (absolute
  /// path).
  std::string start_frames;
  std::vector<model::Positions> start_frames_bohr;  // its frames, Bohr (at least one per seed)
  stability::MonitorConfig monitors;
  std::string output_file;  // absolute
  long long frames_every = 0;
  double checkpoint_every_s = 300.0;

  bool has_gp_variant() const;
  bool has_reference_variant() const;
  /// The model set directory a GP variant of a molecule runs on: the molecule's set, or its retrained set.
  const std::string& models_of(std::size_t molecule, std::size_t variant) const;
};

/// Largest bundle size md.bundle and --bundle accept.
inline constexpr int kMaxBundle = 1024;
/// md.bundle or --bundle: "auto" (0) or a size from 1 to kMaxBundle; InputError naming `where` otherwise.
int parse_bundle(const std::string& text, const std::string& where);

/// Parses and validates (including that every model set loads and matches its geometry). Throws InputError
/// "FILE:LINE: problem".
CampaignSpec load_campaign(const std::string& path);
CampaignSpec parse_campaign(const std::string& yaml_text, const std::string& source);

/// The molecule's reference (its molfile, or its SMILES embedded deterministically). Requires
/// has_reference().
reference::Molecule reference_molecule(const MoleculeEntry& molecule);

}  // namespace gpiqa::campaign
