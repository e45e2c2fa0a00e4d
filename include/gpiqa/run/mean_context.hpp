#pragma once
// What the physics-informed prior means need besides a model set's training data (model::MeanContext):
//   bonded+      the molecule's equilibrium geometry and its covalent bonds,
//   mmff-bonded  the molecule's MMFF94 reference restricted to its bonded terms (reference::MmffTerms).
// Where the molecule comes from, first match wins:
//   0. the set's PRIOR_MEAN.json when it was trained for a mean of this kind (run/prior_mean_record.hpp):
//      the molecule, and for bonded+ the anchors, it was trained with; unless the spec has an argument;
//   1. the spec's own argument: bonded+:FILE (.xyz: geometry, bonds by covalent radii; .mol/.sdf: its
//      coordinates and bond table), mmff-bonded:MOLECULE (a .mol/.sdf or SMILES);
//   2. the caller's molecule (a campaign molecule's reference, else its geometry, for bonded+);
//   3. the set's BUILD.json (gpiqa's default sets): the built-in molecule it names ("name"), else its
//   "smiles".
// A SMILES is embedded and MMFF94-minimised (reference::Molecule), so its coordinates are the force field's
// equilibrium. Every atom list is checked against the set's. Specs that need no context get an empty one.
#include <string>

#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/model/molecule_model.hpp"

namespace gpiqa::run {

/// A caller's molecule (step 2 above); both empty when there is none.
struct MeanMolecule {
  std::string reference;  // .mol/.sdf path or SMILES
  std::string geometry;   // .xyz path (bonded+ only, when there is no reference)
};

/// InputError naming the spec when no molecule can be found or its atoms differ from the set's.
/// `molecule_used`, when given, receives the molecule taken (an absolute path when it is a file, else the
/// SMILES).
model::MeanContext mean_context(const model::MeanSpec& spec, const model::MoleculeModel& set,
                                const std::string& models_dir, const MeanMolecule& molecule = {},
                                std::string* molecule_used = nullptr);

}  // namespace gpiqa::run
