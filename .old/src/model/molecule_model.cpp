#include "gpiqa/model/molecule_model.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "gpiqa/util/error.hpp"

namespace gpiqa::model {

namespace fs = std::filesystem;

MoleculeModel MoleculeModel::load(const std::string& directory, std::ostream* notes) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) throw InputError(directory, "model set directory does not exist");
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(directory, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".model") paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  std::vector<ModelFile> files;
  for (const fs::path& p : paths) {
    ModelFile f = read_model_file(p.string());
    if (f.property != "iqa") {
      if (notes) *notes << "note: ignoring " << p.string() << " (property '" << f.property << "', not iqa)\n";
      continue;
    }
    files.push_back(std::move(f));
  }
  if (files.empty()) throw InputError(directory, "no iqa .model files in the model set directory");
  return from_files(std::move(files), directory);
}

MoleculeModel MoleculeModel::from_files(std::vector<ModelFile> files, const std::string& source) {
  MoleculeModel m;
  m.source_ = source;
  m.system_ = files.front().system_name;
  const int n = files.front().number_of_atoms;
  std::map<int, std::size_t> by_atom;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const ModelFile& f = files[i];
    if (f.system_name != m.system_)
      throw InputError(f.source,
                       "system '" + f.system_name + "' differs from '" + m.system_ + "' in the same set");
    if (f.number_of_atoms != n)
      throw InputError(f.source, "number_of_atoms " + std::to_string(f.number_of_atoms) + " differs from " +
                                     std::to_string(n) + " in the rest of the set");
    const int number = f.alf.central + 1;
    if (by_atom.count(number))
      throw InputError(
          f.source, "atom " + f.atom_label + " already has a model (" + files[by_atom[number]].source + ")");
    by_atom[number] = i;
  }
  for (int a = 1; a <= n; ++a)
    if (!by_atom.count(a))
      throw InputError(source, "model set " + m.system_ + " has no iqa model for atom " + std::to_string(a) +
                                   " of " + std::to_string(n));
  for (int a = 1; a <= n; ++a) {
    ModelFile& f = files[by_atom[a]];
    m.atoms_.push_back(make_atom_model(f));
    m.elements_.push_back(f.element());
    m.files_.push_back(std::move(f));
  }
  return m;
}

void MoleculeModel::check_matches(const std::vector<std::string>& elements,
                                  const std::string& xyz_name) const {
  if (elements.size() != elements_.size())
    throw InputError(xyz_name, std::to_string(elements.size()) + " atoms, but model set " + system_ + " (" +
                                   source_ + ") has " + std::to_string(elements_.size()));
  for (std::size_t i = 0; i < elements.size(); ++i)
    if (elements[i] != elements_[i])
      throw InputError(xyz_name, "atom " + std::to_string(i + 1) + " is " + elements[i] + " but model set " +
                                     system_ + " has " + atoms_[i].label());
}

double MoleculeModel::compute(const Positions& pos, Positions* forces, Eigen::VectorXd* atomic_energies,
                              Diagnostics* diagnostics) {
  const int n = atom_count();
  if (pos.cols() != n)
    throw GeometryError("geometry has " + std::to_string(pos.cols()) + " atoms, model set " +
                        std::to_string(n));
  if (forces) forces->setZero(3, n);
  if (atomic_energies) atomic_energies->resize(n);
  if (diagnostics) {
    diagnostics->max_kernel.assign(static_cast<std::size_t>(n), 0.0);
    diagnostics->features_outside.assign(static_cast<std::size_t>(n), 0);
  }
  double total = 0.0;
  if (cartesian_prior_) {
    total += cartesian_prior_->compute(pos, forces ? &prior_forces_ : nullptr,
                                       atomic_energies ? &prior_atomic_ : nullptr, nullptr);
    if (forces) *forces += prior_forces_;
    if (atomic_energies) *atomic_energies = prior_atomic_;
  }
  for (int a = 0; a < n; ++a) {
    const AtomModel& model = atoms_[static_cast<std::size_t>(a)];
    const int nf = model.feature_count();
    features_.resize(nf);
    alf_features(pos, model.alf(), features_, forces ? &jacobian_ : nullptr);
    gradient_.resize(forces ? nf : 0);
    const AtomEvaluation e = model.evaluate(features_, gradient_, scratch_);
    total += e.energy_hartree;
    if (atomic_energies)
      (*atomic_energies)(a) = (cartesian_prior_ ? (*atomic_energies)(a) : 0.0) + e.energy_hartree;
    if (forces) accumulate_forces(jacobian_, gradient_, *forces);
    if (diagnostics) {
      diagnostics->max_kernel[static_cast<std::size_t>(a)] = e.max_kernel;
      diagnostics->features_outside[static_cast<std::size_t>(a)] =
          static_cast<int>(((features_.array() < model.feature_min().array()) ||
                            (features_.array() > model.feature_max().array()))
                               .count());
    }
  }
  return total;
}

bool MoleculeModel::posterior_variance(const Positions& pos, Eigen::VectorXd& per_atom) {
  const int n = atom_count();
  if (pos.cols() != n)
    throw GeometryError("geometry has " + std::to_string(pos.cols()) + " atoms, model set " +
                        std::to_string(n));
  per_atom.resize(n);
  for (int a = 0; a < n; ++a) {
    const AtomModel& model = atoms_[static_cast<std::size_t>(a)];
    features_.resize(model.feature_count());
    alf_features(pos, model.alf(), features_, nullptr);
    per_atom(a) = model.posterior_variance(features_);
  }
  return true;
}

std::size_t MoleculeModel::prepare_variance() const {
  std::size_t bytes = 0;
  for (const AtomModel& a : atoms_) bytes += a.prepare_variance();
  return bytes;
}

MoleculeModel MoleculeModel::with_mean(const MeanSpec& spec, const MeanContext& context) const {
  MoleculeModel m = *this;
  m.cartesian_prior_ = spec.kind == MeanSpec::Kind::kMmffBonded ? context.cartesian_prior : nullptr;
  if (spec.kind == MeanSpec::Kind::kMmffBonded && context.cartesian_prior)
    check_matches(context.cartesian_prior->elements(), "mean '" + spec.text + "' reference");
  for (std::size_t a = 0; a < atoms_.size(); ++a) {
    m.atoms_[a] = apply_mean(spec, atoms_[a], elements_[a], context);
    m.files_[a] = model::with_model(files_[a], m.atoms_[a]);
    if (!spec.is_file()) m.files_[a].set_metadata("gpiqa_mean_variant", spec.text);
  }
  return m;
}

double MoleculeModel::lowest_training_energy() const {
  double total = 0.0;
  for (const AtomModel& m : atoms_) total += m.training_y().minCoeff();
  return total;
}

double MoleculeModel::prior_mean_energy(const Positions& pos) const {
  double total = cartesian_prior_ ? cartesian_prior_->compute(pos, nullptr, nullptr, nullptr) : 0.0;
  for (const AtomModel& model : atoms_) {
    Eigen::VectorXd x(model.feature_count());
    alf_features(pos, model.alf(), x, nullptr);
    Eigen::VectorXd no_gradient;
    total += model.prior_energy(x, no_gradient);
  }
  return total;
}

bool MoleculeModel::prior_mean(const Positions& pos, double& energy, Positions* forces) {
  if (forces) forces->setZero(3, atom_count());
  energy = 0.0;
  if (cartesian_prior_) {
    energy += cartesian_prior_->compute(pos, forces ? &prior_forces_ : nullptr, nullptr, nullptr);
    if (forces) *forces += prior_forces_;
  }
  for (const AtomModel& model : atoms_) {
    features_.resize(model.feature_count());
    alf_features(pos, model.alf(), features_, forces ? &jacobian_ : nullptr);
    gradient_.resize(forces ? model.feature_count() : 0);
    energy += model.prior_energy(features_, gradient_);
    if (forces) accumulate_forces(jacobian_, gradient_, *forces);
  }
  return true;
}

double MoleculeModel::kernel_energy(const Positions& pos) const {
  double total = 0.0;
  for (const AtomModel& model : atoms_) {
    Eigen::VectorXd x(model.feature_count());
    alf_features(pos, model.alf(), x, nullptr);
    total += model.kernel_energy(x);
  }
  return total;
}

void MoleculeModel::write(const std::string& directory) const {
  if (cartesian_prior_)
    throw InputError(directory,
                     "a model set with a Cartesian prior mean (mmff-bonded) has no FEREBUS "
                     "model-file form; keep the spec and apply it on loading instead");
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) throw InputError(directory, "cannot create directory: " + ec.message());
  for (const ModelFile& f : files_)
    write_model_file(
        (fs::path(directory) / (f.system_name + "_" + f.property + "_" + f.atom_label + ".model")).string(),
        f);
}

}  // namespace gpiqa::model
