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

const void* MoleculeModel::batch_key() const {
  return atoms_.empty() ? nullptr : &atoms_.front().products();
}

double MoleculeModel::compute(const Positions& pos, Positions* forces, Eigen::VectorXd* atomic_energies,
                              Diagnostics* diagnostics) {
  BatchEntry entry;
  entry.potential = this;
  entry.positions_bohr = &pos;
  entry.forces = forces;
  entry.atomic_energies = atomic_energies;
  entry.diagnostics = diagnostics;
  BatchEntry* group = &entry;
  compute_group({&group, 1});
  if (!entry.error.empty()) throw GeometryError(entry.error);
  return entry.energy_hartree;
}

bool MoleculeModel::posterior_variance(const Positions& pos, Eigen::VectorXd& per_atom) {
  BatchEntry entry;
  entry.potential = this;
  entry.positions_bohr = &pos;
  entry.variance = &per_atom;
  BatchEntry* group = &entry;
  posterior_variance_group({&group, 1});
  if (!entry.error.empty()) throw GeometryError(entry.error);
  return true;
}

void MoleculeModel::begin_group(std::span<BatchEntry* const> group, bool energies) {
  const int n = atom_count();
  scratch_.live.clear();
  for (BatchEntry* e : group) {
    if (e->potential->batch_key() != batch_key())
      throw std::invalid_argument("a group of geometries must use mean variants of one model set");
    e->error.clear();
    e->energy_hartree = 0.0;
    const Positions& pos = *e->positions_bohr;
    if (pos.cols() != n) {
      e->error = "geometry has " + std::to_string(pos.cols()) + " atoms, model set " + std::to_string(n);
      continue;
    }
    if (energies) {
      if (e->forces) e->forces->setZero(3, n);
      if (e->atomic_energies) e->atomic_energies->setZero(n);
      if (e->diagnostics) {
        e->diagnostics->max_kernel.assign(static_cast<std::size_t>(n), 0.0);
        e->diagnostics->features_outside.assign(static_cast<std::size_t>(n), 0);
      }
    } else {
      e->has_variance = true;
      e->variance->resize(n);
    }
    scratch_.live.push_back(e);
  }
}

std::size_t MoleculeModel::group_features(int a, bool adjoints) {
  const AtomModel& atom = atoms_[static_cast<std::size_t>(a)];
  std::vector<BatchEntry*>& live = scratch_.live;
  scratch_.features.resize(atom.feature_count(), static_cast<Eigen::Index>(live.size()));
  if (adjoints && scratch_.adjoints.size() < live.size()) scratch_.adjoints.resize(live.size());
  scratch_.models.clear();
  std::size_t k = 0;
  for (std::size_t i = 0; i < live.size(); ++i) {
    BatchEntry* e = live[i];
    try {
      alf_features(*e->positions_bohr, atom.alf(), scratch_.features.col(static_cast<Eigen::Index>(k)),
                   adjoints && e->forces ? &scratch_.adjoints[k] : nullptr);
    } catch (const GeometryError& error) {
      e->error = error.what();
      e->has_variance = false;
      continue;
    }
    live[k++] = e;
    scratch_.models.push_back(
        &static_cast<const MoleculeModel&>(*e->potential).atoms_[static_cast<std::size_t>(a)]);
  }
  live.resize(k);
  return k;
}

void MoleculeModel::compute_group(std::span<BatchEntry* const> group) {
  begin_group(group, true);
  bool forces = false, diagnostics = false;
  for (const BatchEntry* e : scratch_.live)
    forces |= e->forces != nullptr, diagnostics |= e->diagnostics != nullptr;
  // mmff-bonded: each geometry's Cartesian prior first (its energy, atomic shares and forces)
  for (BatchEntry* e : scratch_.live) {
    auto& owner = static_cast<MoleculeModel&>(*e->potential);
    if (!owner.cartesian_prior_) continue;
    e->energy_hartree =
        owner.cartesian_prior_->compute(*e->positions_bohr, e->forces ? &prior_forces_ : nullptr,
                                        e->atomic_energies ? &prior_atomic_ : nullptr, nullptr);
    if (e->forces) *e->forces += prior_forces_;
    if (e->atomic_energies) *e->atomic_energies = prior_atomic_;
  }
  for (int a = 0; a < atom_count(); ++a) {
    const std::size_t count = group_features(a, forces);
    if (count == 0) break;
    const auto B = static_cast<Eigen::Index>(count);
    scratch_.energies.resize(B);
    AtomModel::evaluate_batch(scratch_.models, scratch_.features.leftCols(B), scratch_.eval,
                              scratch_.energies, forces ? &scratch_.gradients : nullptr,
                              diagnostics ? &scratch_.max_kernel : nullptr);
    for (std::size_t i = 0; i < count; ++i) {
      BatchEntry& e = *scratch_.live[i];
      const auto b = static_cast<Eigen::Index>(i);
      e.energy_hartree += scratch_.energies(b);
      if (e.atomic_energies) (*e.atomic_energies)(a) += scratch_.energies(b);
      if (e.forces) accumulate_forces(scratch_.adjoints[i], scratch_.gradients.col(b), *e.forces);
      if (e.diagnostics) {
        const AtomModel& model = *scratch_.models[i];
        const auto x = scratch_.features.col(b).array();
        e.diagnostics->max_kernel[static_cast<std::size_t>(a)] = scratch_.max_kernel(b);
        e.diagnostics->features_outside[static_cast<std::size_t>(a)] = static_cast<int>(
            ((x < model.feature_min().array()) || (x > model.feature_max().array())).count());
      }
    }
  }
}

void MoleculeModel::posterior_variance_group(std::span<BatchEntry* const> group) {
  begin_group(group, false);
  for (int a = 0; a < atom_count(); ++a) {
    const std::size_t count = group_features(a, false);
    if (count == 0) break;
    const auto B = static_cast<Eigen::Index>(count);
    scratch_.variances.resize(B);
    AtomModel::posterior_variance_batch(scratch_.models, scratch_.features.leftCols(B), scratch_.eval,
                                        scratch_.variances);
    for (std::size_t i = 0; i < count; ++i)
      (*scratch_.live[i]->variance)(a) = scratch_.variances(static_cast<Eigen::Index>(i));
  }
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
    alf_features(pos, model.alf(), features_, forces ? &adjoint_ : nullptr);
    gradient_.resize(forces ? model.feature_count() : 0);
    energy += model.prior_energy(features_, gradient_);
    if (forces) accumulate_forces(adjoint_, gradient_, *forces);
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
