#include "potential_choice.hpp"

#include <iostream>

#include "gpiqa/util/error.hpp"

namespace gpiqa::cli {

void PotentialChoice::add_options(CLI::App* command) {
  command->add_option("--models", models, "GP-IQA model set directory (NAME_iqa_ATOM.model files)");
  command->add_option("--reference", reference,
                      "MMFF94 reference instead of a model set: a .mol/.sdf file or SMILES");
  mean_option_ =
      command
          ->add_option(
              "--mean", mean,
              "Prior mean of the model set: file, mean, min, max, NUMBER, EL=NUM,..., linear, quadratic, "
              "quadratic+")
          ->capture_default_str();
}

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
