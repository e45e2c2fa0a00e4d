#include "gpiqa/run/mean_context.hpp"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/reference/builtin.hpp"
#include "gpiqa/reference/mmff_reference.hpp"
#include "gpiqa/reference/molecule.hpp"
#include "gpiqa/run/prior_mean_record.hpp"
#include "gpiqa/stability/restoring.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::run {
namespace {

namespace fs = std::filesystem;

// Bond factor for bonds found from an xyz geometry (the stability monitors' default).
constexpr double kBondFactor = 1.2;

std::string absolute_if_file(const std::string& s) {
  std::error_code ec;
  return fs::is_regular_file(s, ec) ? fs::absolute(s).lexically_normal().string() : s;
}

bool is_molfile(const std::string& s) {
  const std::string ext = fs::path(s).extension().string();
  return ext == ".mol" || ext == ".sdf";
}

// The molecule BUILD.json beside the set names: a built-in's molfile, else its SMILES; empty when none.
std::string build_json_molecule(const std::string& models_dir) {
  const fs::path path = fs::path(models_dir) / "BUILD.json";
  std::ifstream in(path);
  if (!in) return "";
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";
  if (j.contains("name") && j["name"].is_string()) {
    for (const auto& b : reference::builtin_molecules())
      if (b.name == j["name"].get<std::string>()) return reference::builtin_molfile(b.name);
  }
  if (j.contains("smiles") && j["smiles"].is_string()) return j["smiles"].get<std::string>();
  return "";
}

}  // namespace

model::MeanContext mean_context(const model::MeanSpec& spec, const model::MoleculeModel& set,
                                const std::string& models_dir, const MeanMolecule& caller,
                                std::string* molecule_used) {
  model::MeanContext context;
  if (!spec.needs_context()) return context;
  const std::string where = "mean '" + spec.text + "'";
  std::string molecule = spec.argument;
  std::string xyz;
  // A set trained for this kind of mean runs with the molecule (and anchors) it was trained with, when the
  // spec names no other molecule.
  if (const std::optional<PriorMeanRecord> record = read_prior_mean_record(models_dir);
      record && record->kind == spec.kind &&
      (molecule.empty() || util::trim(spec.text) == util::trim(record->mean))) {
    if (spec.kind == model::MeanSpec::Kind::kMmffBonded) {
      molecule = record->reference;
    } else {
      const std::string source = (fs::path(models_dir) / kPriorMeanRecordFile).string();
      if (record->context.equilibrium_bohr->cols() != set.atom_count())
        throw InputError(source, std::to_string(record->context.equilibrium_bohr->cols()) +
                                     " atoms, but the model set has " + std::to_string(set.atom_count()));
      if (molecule_used) *molecule_used = source;
      return record->context;
    }
  }
  if (!molecule.empty() && spec.kind == model::MeanSpec::Kind::kBondedNonNegative && !is_molfile(molecule)) {
    xyz = molecule;
    molecule.clear();
  }
  if (molecule.empty() && xyz.empty()) {
    molecule = caller.reference;
    if (molecule.empty() && spec.kind == model::MeanSpec::Kind::kBondedNonNegative) xyz = caller.geometry;
  }
  if (molecule.empty() && xyz.empty()) molecule = build_json_molecule(models_dir);
  if (molecule.empty() && xyz.empty())
    throw InputError(where,
                     spec.kind == model::MeanSpec::Kind::kMmffBonded
                         ? "needs the molecule's MMFF94 reference: give mmff-bonded:FILE.mol (or "
                           "SMILES), or a model set whose BUILD.json names its molecule"
                         : "needs the molecule's equilibrium geometry: give bonded+:FILE.xyz (or .mol), "
                           "or a model set whose BUILD.json names its molecule");
  if (molecule_used) *molecule_used = xyz.empty() ? absolute_if_file(molecule) : absolute_if_file(xyz);
  if (!xyz.empty()) {
    const io::XyzFrame frame = io::read_xyz(xyz).front();
    set.check_matches(frame.elements, xyz);
    context.equilibrium_bohr = model::Positions(frame.positions_angstrom * units::kBohrPerAngstrom);
    context.bonds = stability::find_bonds(frame.elements, *context.equilibrium_bohr, kBondFactor);
    return context;
  }
  const reference::Molecule mol = reference::Molecule::load(molecule);
  set.check_matches(mol.elements(), mol.source());
  if (spec.kind == model::MeanSpec::Kind::kMmffBonded) {
    context.cartesian_prior = std::make_shared<reference::MmffReference>(mol, reference::MmffTerms::kBonded);
  } else {
    context.equilibrium_bohr = mol.positions_bohr();
    context.bonds = mol.bonds();
  }
  return context;
}

}  // namespace gpiqa::run
