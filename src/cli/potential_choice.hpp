#pragma once
// The potential a command is pointed at: a GP-IQA model set (--models DIR, with an optional --mean SPEC) or
// the MMFF94 reference (--reference FILE.mol or SMILES), exactly one of them. Shared by predict and md.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/model/potential.hpp"
#include "gpiqa/reference/molecule.hpp"

namespace gpiqa::cli {

struct PotentialChoice {
  std::string models, reference, mean = "file";
  bool mean_given = false;  // --mean said on the command line (an error with --reference)
};

struct ChosenPotential {
  std::unique_ptr<model::Potential> potential;
  std::optional<reference::Molecule> molecule;  // with --reference: its molecule (own coordinates)
  io::Identity identity;                        // {system, mean} of a GP set, or {reference}

  /// InputError naming `xyz_name` unless `elements` are the potential's atoms in order.
  void check_atoms(const std::vector<std::string>& elements, const std::string& xyz_name) const;
};

/// Loads the chosen potential (a GP set with its mean applied). InputError for none or both, or --mean with
/// --reference, and for whatever the loaders refuse.
ChosenPotential load_potential(const PotentialChoice& choice);

}  // namespace gpiqa::cli
