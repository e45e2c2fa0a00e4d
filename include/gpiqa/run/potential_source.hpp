#pragma once
// The potential a trajectory runs on, and where it starts: a GP-IQA model set with a prior-mean variant, or
// the MMFF94 reference of a molecule (a molfile, or SMILES embedded deterministically). `gpiqa predict`,
// `gpiqa md` and the campaign task runner all load potentials and choose start geometries here.
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gpiqa/io/checkpoint_state.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/model/potential.hpp"
#include "gpiqa/reference/molecule.hpp"
#include "gpiqa/run/mean_context.hpp"

namespace gpiqa::run {

struct PotentialSource {
  std::string models;          // GP-IQA model set directory
  std::string mean = "file";   // prior-mean spec applied to the set (model::MeanSpec)
  std::string reference;       // MMFF94 reference: a .mol/.sdf path or SMILES (instead of models)
  MeanMolecule mean_molecule;  // the molecule bonded+ / mmff-bonded fall back to (run/mean_context.hpp)

  bool is_reference() const { return !reference.empty(); }
  /// From a checkpoint's identity (see identity()); InputError naming `checkpoint` when it records neither.
  static PotentialSource from_identity(const io::Identity& identity, const std::string& checkpoint);
};

struct LoadedPotential {
  std::unique_ptr<model::Potential> potential;
  std::optional<reference::Molecule> molecule;  // the reference's molecule (its own coordinates)
  /// What a checkpoint records of the potential: {models (absolute path), system, mean} or {reference}.
  io::Identity identity;

  /// InputError naming `where` unless `elements` are the potential's atoms in order.
  void check_atoms(const std::vector<std::string>& elements, const std::string& where) const;
  /// The start geometry, Bohr: the first frame of `xyz` (checked against the atoms) or, without one, the
  /// reference molecule's own coordinates. InputError when neither exists.
  model::Positions start_bohr(const std::string& xyz) const;
};

/// The start geometry, Bohr: the first frame of `xyz`, else (xyz empty) `molecule`'s own coordinates;
/// InputError when there is neither.
model::Positions start_geometry_bohr(const std::string& xyz, const reference::Molecule* molecule);

/// A GP variant of an already loaded model set (the set from `models_dir` with prior mean `mean`). Mean
/// variants made this way share the set's posterior-variance factors once the set has made them
/// (MoleculeModel::prepare_variance): one factor per set and process, whatever the number of variants.
LoadedPotential gp_variant(const model::MoleculeModel& set, const std::string& mean,
                           const std::string& models_dir, const MeanMolecule& mean_molecule = {});

/// Loads the source (a GP set with its mean applied; file notes go to `notes` when given). Exactly one of
/// models and reference must be set (std::invalid_argument otherwise); InputError for whatever the loaders
/// refuse.
LoadedPotential load_potential(const PotentialSource& source, std::ostream* notes = nullptr);

}  // namespace gpiqa::run
