#pragma once
// The potential a command is pointed at on the command line: a GP-IQA model set (--models DIR, with an
// optional --mean SPEC) or the MMFF94 reference (--reference FILE.mol or SMILES), exactly one of them. Shared
// by predict and md; the loading itself is run::load_potential.
#include <string>

#include "gpiqa/run/potential_source.hpp"

namespace gpiqa::cli {

struct PotentialChoice {
  std::string models, reference, mean = "file";
  bool mean_given = false;  // --mean said on the command line (an error with --reference)
};

/// The source the flags name. InputError for none or both, or --mean with --reference.
run::PotentialSource potential_source(const PotentialChoice& choice);
/// potential_source, loaded (file notes on stderr).
run::LoadedPotential load_potential(const PotentialChoice& choice);

}  // namespace gpiqa::cli
