#include "gpiqa/reference/molecule.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>

#include <ForceField/ForceField.h>
#include <GraphMol/DistGeomHelpers/Embedder.h>
#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/ForceFieldHelpers/MMFF/AtomTyper.h>
#include <GraphMol/ForceFieldHelpers/MMFF/Builder.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/RWMol.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <RDGeneral/RDLog.h>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::reference {

namespace {

// RDKit logs warnings and errors on stderr by default; gpiqa reports problems itself, as one line.
void silence_rdkit() {
  static const bool done = [] {
    RDLog::InitLogs();
    boost::logging::disable_logs("rdApp.*");
    return true;
  }();
  (void)done;
}

}  // namespace

struct Molecule::Impl {
  RDKit::RWMol mol;
};

Molecule::Molecule(std::unique_ptr<Impl> impl, std::string source)
    : impl_(std::move(impl)), source_(std::move(source)) {
  check_usable();
}
Molecule::Molecule(const Molecule& o)
    : impl_(std::make_unique<Impl>(*o.impl_)), source_(o.source_), elements_(o.elements_) {}
Molecule& Molecule::operator=(const Molecule& o) {
  if (this != &o) {
    impl_ = std::make_unique<Impl>(*o.impl_);
    source_ = o.source_;
    elements_ = o.elements_;
  }
  return *this;
}
Molecule::Molecule(Molecule&&) noexcept = default;
Molecule& Molecule::operator=(Molecule&&) noexcept = default;
Molecule::~Molecule() = default;

const RDKit::ROMol& Molecule::rdkit() const {
  return impl_->mol;
}
int Molecule::atom_count() const {
  return static_cast<int>(impl_->mol.getNumAtoms());
}

void Molecule::check_usable() {
  RDKit::RWMol& mol = impl_->mol;
  if (mol.getNumAtoms() < 2) throw InputError(source_, "a molecule needs at least two atoms");
  elements_.clear();
  for (const RDKit::Atom* a : mol.atoms()) {
    elements_.push_back(a->getSymbol());
    if (a->getNumImplicitHs() > 0)
      throw InputError(source_, "atom " + std::to_string(a->getIdx() + 1) + " (" + a->getSymbol() +
                                    ") has implicit hydrogens; list every hydrogen explicitly");
  }
  std::vector<int> fragment;
  const unsigned fragments = RDKit::MolOps::getMolFrags(mol, fragment);
  if (fragments != 1) {
    const auto other = std::find_if(fragment.begin(), fragment.end(), [](int f) { return f != 0; });
    throw InputError(source_, "disconnected fragments (" + std::to_string(fragments) + "): atom " +
                                  std::to_string(other - fragment.begin() + 1) +
                                  " is not bonded to atom 1; gpiqa models one molecule at a time");
  }
  if (mol.getNumConformers() == 0) throw InputError(source_, "no coordinates");
  const RDKit::MMFF::MMFFMolProperties props(mol);
  if (!const_cast<RDKit::MMFF::MMFFMolProperties&>(props).isValid()) {
    for (const RDKit::Atom* a : mol.atoms())
      if (const_cast<RDKit::MMFF::MMFFMolProperties&>(props).getMMFFAtomType(a->getIdx()) == 0)
        throw InputError(source_, "MMFF94 has no atom type for atom " + std::to_string(a->getIdx() + 1) +
                                      " (" + a->getSymbol() + "): unsupported element or bonding");
    throw InputError(source_, "MMFF94 cannot type this molecule");
  }
}

Molecule Molecule::from_molfile(const std::string& path) {
  silence_rdkit();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(path, "cannot read the file (missing or not a file)");
  std::unique_ptr<RDKit::RWMol> mol;
  try {
    mol.reset(RDKit::MolFileToMol(path, /*sanitize=*/true, /*removeHs=*/false, /*strictParsing=*/true));
  } catch (const std::exception& e) {
    throw InputError(path, std::string("not a valid MDL molfile: ") + e.what());
  }
  if (!mol) throw InputError(path, "not a valid MDL molfile (no molecule)");
  if (mol->getNumConformers() == 0 || !mol->getConformer().is3D())
    throw InputError(path, "the molfile has no 3D coordinates");
  auto impl = std::make_unique<Impl>();
  impl->mol = *mol;
  return Molecule(std::move(impl), path);
}

Molecule Molecule::from_smiles(const std::string& smiles, const std::string& source, std::uint32_t seed) {
  silence_rdkit();
  std::unique_ptr<RDKit::RWMol> mol;
  try {
    mol.reset(RDKit::SmilesToMol(smiles));
  } catch (const std::exception& e) {
    throw InputError(source, "invalid SMILES '" + smiles + "': " + e.what());
  }
  if (!mol) throw InputError(source, "invalid SMILES '" + smiles + "'");
  RDKit::MolOps::addHs(*mol);
  RDKit::DGeomHelpers::EmbedParameters params = RDKit::DGeomHelpers::ETKDGv3;
  params.randomSeed = static_cast<int>(seed & 0x7fffffff);
  params.numThreads = 1;
  if (RDKit::DGeomHelpers::EmbedMolecule(*mol, params) < 0)
    throw InputError(source, "RDKit could not embed SMILES '" + smiles + "' in 3D");
  auto impl = std::make_unique<Impl>();
  impl->mol = *mol;
  Molecule m(std::move(impl), source);
  m.minimise();
  return m;
}

Molecule Molecule::load(const std::string& spec) {
  const std::string ext = std::filesystem::path(spec).extension().string();
  if (ext == ".mol" || ext == ".sdf" || ext == ".mdl") return from_molfile(spec);
  return from_smiles(spec, "SMILES '" + spec + "'");
}

model::Positions Molecule::positions_bohr() const {
  const RDKit::Conformer& conf = impl_->mol.getConformer();
  model::Positions p(3, atom_count());
  for (int i = 0; i < atom_count(); ++i) {
    const RDGeom::Point3D& r = conf.getAtomPos(static_cast<unsigned>(i));
    p.col(i) << r.x, r.y, r.z;
  }
  return p * units::kBohrPerAngstrom;
}

void Molecule::set_positions_bohr(const model::Positions& positions) {
  RDKit::Conformer& conf = impl_->mol.getConformer();
  for (int i = 0; i < atom_count(); ++i) {
    const Eigen::Vector3d r = positions.col(i) / units::kBohrPerAngstrom;
    conf.setAtomPos(static_cast<unsigned>(i), RDGeom::Point3D(r.x(), r.y(), r.z()));
  }
}

std::vector<std::pair<int, int>> Molecule::bonds() const {
  std::vector<std::pair<int, int>> out;
  for (const RDKit::Bond* b : impl_->mol.bonds()) {
    const int i = static_cast<int>(b->getBeginAtomIdx()), j = static_cast<int>(b->getEndAtomIdx());
    out.emplace_back(std::min(i, j), std::max(i, j));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<model::Alf> Molecule::local_frames() const {
  const RDKit::ROMol& mol = impl_->mol;
  const int n = atom_count();
  if (n < 3) throw InputError(source_, "local frames need at least three atoms");
  std::vector<std::vector<int>> nbrs(static_cast<std::size_t>(n));
  for (const auto& [i, j] : bonds()) nbrs[i].push_back(j), nbrs[j].push_back(i);
  // Priority key of an atom: its atomic number, then the sorted atomic numbers of each shell around it
  // (breadth first, up to the whole molecule).
  std::vector<std::vector<int>> key(static_cast<std::size_t>(n));
  for (int a = 0; a < n; ++a) {
    std::vector<int> seen(static_cast<std::size_t>(n), 0), shell{a};
    seen[a] = 1;
    while (!shell.empty()) {
      std::vector<int> z;
      for (int s : shell) z.push_back(mol.getAtomWithIdx(static_cast<unsigned>(s))->getAtomicNum());
      std::sort(z.rbegin(), z.rend());
      key[a].insert(key[a].end(), z.begin(), z.end());
      key[a].push_back(-1);  // shell separator
      std::vector<int> next;
      for (int s : shell)
        for (int t : nbrs[s])
          if (!seen[t]) seen[t] = 1, next.push_back(t);
      shell = std::move(next);
    }
  }
  auto ranked = [&](std::vector<int> v) {
    std::stable_sort(v.begin(), v.end(),
                     [&](int x, int y) { return key[x] != key[y] ? key[x] > key[y] : x < y; });
    return v;
  };
  std::vector<model::Alf> frames;
  for (int a = 0; a < n; ++a) {
    const std::vector<int> own = ranked(nbrs[a]);
    model::Alf f;
    f.central = a;
    f.x_axis = own.at(0);
    if (own.size() >= 2) {
      f.xy_plane = own[1];
    } else {
      std::vector<int> second;
      for (int t : nbrs[f.x_axis])
        if (t != a) second.push_back(t);
      if (second.empty())
        throw InputError(source_, "atom " + std::to_string(a + 1) + " has no atom for its xy plane");
      f.xy_plane = ranked(second).front();
    }
    frames.push_back(f);
  }
  return frames;
}

double Molecule::minimise(int max_iterations) {
  RDKit::MMFF::MMFFMolProperties props(impl_->mol);
  std::unique_ptr<ForceFields::ForceField> ff(
      RDKit::MMFF::constructForceField(impl_->mol, &props, /*nonBondedThresh=*/1e9, -1, false));
  ff->initialize();
  int status = 1;
  for (int round = 0; round < 10 && status != 0; ++round)
    status = ff->minimize(static_cast<unsigned>(max_iterations), 1e-6, 1e-10);
  return ff->calcEnergy();
}

std::string Molecule::molblock(const std::string& title) const {
  RDKit::RWMol copy(impl_->mol);
  copy.setProp(RDKit::common_properties::_Name, title);
  return RDKit::MolToMolBlock(copy, true, -1, /*kekulize=*/true);
}

}  // namespace gpiqa::reference
