#include "potential_choice.hpp"

#include <iostream>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/reference/mmff_reference.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::cli {

ChosenPotential load_potential(const PotentialChoice& c) {
  if (c.models.empty() == c.reference.empty())
    throw InputError(
        "give exactly one of --models DIR (a GP-IQA model set) or --reference MOL_OR_SMILES (MMFF94)");
  ChosenPotential p;
  if (!c.reference.empty()) {
    if (c.mean_given) throw InputError("--mean", "applies to GP model sets (--models), not to --reference");
    p.molecule = reference::Molecule::load(c.reference);
    p.potential = std::make_unique<reference::MmffReference>(*p.molecule);
    p.identity = {{"reference", c.reference}};
    return p;
  }
  const model::MeanSpec mean = model::MeanSpec::parse(c.mean);
  model::MoleculeModel set = model::MoleculeModel::load(c.models, &std::cerr);
  if (!mean.is_file()) set = set.with_mean(mean);
  p.identity = {{"system", set.system_name()}, {"mean", c.mean}};
  p.potential = std::make_unique<model::MoleculeModel>(std::move(set));
  return p;
}

void ChosenPotential::check_atoms(const std::vector<std::string>& elements,
                                  const std::string& xyz_name) const {
  if (molecule) {
    io::check_elements(elements, xyz_name, molecule->elements(), "reference " + molecule->source());
    return;
  }
  static_cast<const model::MoleculeModel&>(*potential).check_matches(elements, xyz_name);
}

}  // namespace gpiqa::cli
