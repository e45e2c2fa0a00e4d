#include "gpiqa/run/potential_source.hpp"

#include <filesystem>
#include <stdexcept>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/reference/mmff_reference.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::run {
namespace {

// A path as a checkpoint keeps it: absolute, so a restart works from any directory. SMILES stay as they are.
std::string absolute_if_file(const std::string& path_or_smiles) {
  std::error_code ec;
  if (!std::filesystem::exists(path_or_smiles, ec)) return path_or_smiles;
  return std::filesystem::absolute(path_or_smiles, ec).lexically_normal().string();
}

}  // namespace

PotentialSource PotentialSource::from_identity(const io::Identity& id, const std::string& checkpoint) {
  PotentialSource s;
  if (id.count("reference")) {
    s.reference = id.at("reference");
  } else if (id.count("models")) {
    s.models = id.at("models");
    if (id.count("mean")) s.mean = id.at("mean");
  } else {
    throw InputError(
        checkpoint,
        "checkpoint does not record its model set (made by an older gpiqa): give --models or --reference");
  }
  return s;
}

LoadedPotential load_potential(const PotentialSource& s, std::ostream* notes) {
  if (s.models.empty() == s.reference.empty())
    throw std::invalid_argument("a potential source needs exactly one of a model set and a reference");
  LoadedPotential p;
  if (s.is_reference()) {
    p.molecule = reference::Molecule::load(s.reference);
    p.potential = std::make_unique<reference::MmffReference>(*p.molecule);
    p.identity = {{"reference", absolute_if_file(s.reference)}};
    return p;
  }
  model::MeanSpec::parse(s.mean);  // a bad spec is refused before the files are read
  return gp_variant(model::MoleculeModel::load(s.models, notes), s.mean, s.models, s.mean_molecule);
}

LoadedPotential gp_variant(const model::MoleculeModel& set, const std::string& mean_text,
                           const std::string& models_dir, const MeanMolecule& mean_molecule) {
  const model::MeanSpec mean = model::MeanSpec::parse(mean_text);
  LoadedPotential p;
  p.identity = {{"system", set.system_name()}, {"mean", mean_text}, {"models", absolute_if_file(models_dir)}};
  p.potential = std::make_unique<model::MoleculeModel>(
      mean.is_file() ? set : set.with_mean(mean, mean_context(mean, set, models_dir, mean_molecule)));
  return p;
}

void LoadedPotential::check_atoms(const std::vector<std::string>& elements, const std::string& where) const {
  if (molecule) {
    io::check_elements(elements, where, molecule->elements(), "reference " + molecule->source());
    return;
  }
  static_cast<const model::MoleculeModel&>(*potential).check_matches(elements, where);
}

model::Positions start_geometry_bohr(const std::string& xyz, const reference::Molecule* molecule) {
  if (xyz.empty()) {
    if (!molecule) throw InputError("--xyz", "is required with --models (the starting geometry)");
    return molecule->positions_bohr();
  }
  return io::read_xyz(xyz).front().positions_angstrom * units::kBohrPerAngstrom;
}

model::Positions LoadedPotential::start_bohr(const std::string& xyz) const {
  if (!xyz.empty()) check_atoms(io::read_xyz(xyz).front().elements, xyz);
  return start_geometry_bohr(xyz, molecule ? &*molecule : nullptr);
}

}  // namespace gpiqa::run
