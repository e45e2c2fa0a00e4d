#include "potential_choice.hpp"

#include <iostream>

#include "gpiqa/util/error.hpp"

namespace gpiqa::cli {

run::PotentialSource potential_source(const PotentialChoice& c) {
  if (c.models.empty() == c.reference.empty())
    throw InputError(
        "give exactly one of --models DIR (a GP-IQA model set) or --reference MOL_OR_SMILES (MMFF94)");
  if (!c.reference.empty() && c.mean_given)
    throw InputError("--mean", "applies to GP model sets (--models), not to --reference");
  return run::PotentialSource{c.models, c.mean, c.reference};
}

run::LoadedPotential load_potential(const PotentialChoice& c) {
  return run::load_potential(potential_source(c), &std::cerr);
}

}  // namespace gpiqa::cli
