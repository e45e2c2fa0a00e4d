#pragma once
// Synthetic GP-IQA model sets for tests and benchmarks: a random molecule, a local frame per atom from its
// two nearest neighbours, training features from displaced copies, smooth made-up energies, and weights
// either solved exactly (small sets) or random (large benchmark sets, where only the cost matters).
#include <string>

#include "gpiqa/model/molecule_model.hpp"

namespace gpiqa::test {

struct SyntheticSpec {
  int atoms = 5;
  int training_points = 60;
  std::string kernel =
      "rbf-cyclic";                // "rbf", "rbf-cyclic", or "rbf+periodic" (rbf on all but the last feature)
  std::string mean = "quadratic";  // "constant", "linear", "quadratic"
  bool solve_weights = true;
  bool standardise = false;
  unsigned seed = 7;
  double displacement_angstrom = 0.15;
  double noise = 1e-6;  // the nugget, relative to the unit kernel amplitude
};

/// Geometry (Bohr) the model was built around.
model::Positions synthetic_geometry(int atoms, unsigned seed);
model::MoleculeModel synthetic_molecule(const SyntheticSpec& spec);

}  // namespace gpiqa::test
