#include "gpiqa/reference/mmff_reference.hpp"

#include <cmath>

#include <ForceField/ForceField.h>
#include <ForceField/MMFF/Contribs.h>
#include <ForceField/MMFF/Params.h>
#include <GraphMol/ForceFieldHelpers/MMFF/AtomTyper.h>
#include <GraphMol/ForceFieldHelpers/MMFF/Builder.h>
#include <GraphMol/ROMol.h>
#include <GraphMol/Substruct/SubstructMatch.h>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::reference {

namespace MU = ForceFields::MMFF::Utils;
namespace Tools = RDKit::MMFF::Tools;

struct MmffReference::Terms {
  struct Bond {
    unsigned i, j;
    double r0, kb;
  };
  struct Angle {
    unsigned i, j, k;
    double theta0, ka;
    bool linear;
  };
  struct StretchBend {
    unsigned i, j, k;
    double r0_ij, r0_jk, theta0;
    std::pair<double, double> force_constants;
  };
  struct Oop {
    unsigned i, j, k, l;
    double koop;
  };
  struct Torsion {
    unsigned i, j, k, l;
    double v1, v2, v3;
  };
  struct VdW {
    unsigned i, j;
    double r_star, epsilon;
  };
  struct Ele {
    unsigned i, j;
    double charge_term;
    std::uint8_t dielectric_model;
    bool is_1_4;
  };
  std::vector<Bond> bonds;
  std::vector<Angle> angles;
  std::vector<StretchBend> stretch_bends;
  std::vector<Oop> oops;
  std::vector<Torsion> torsions;
  std::vector<VdW> vdw;
  std::vector<Ele> ele;
  std::unique_ptr<ForceFields::ForceField> field;  // RDKit's own, for the total energy and gradient
};

namespace {

// No non-bonded cutoff: a pair is left out by RDKit's builder only beyond this many Angstrom.
constexpr double kNoCutoffAngstrom = 1e9;

RDGeom::Point3D point(const std::vector<double>& pos, unsigned i) {
  return {pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]};
}
double distance(const std::vector<double>& pos, unsigned i, unsigned j) {
  const double dx = pos[3 * i] - pos[3 * j], dy = pos[3 * i + 1] - pos[3 * j + 1],
               dz = pos[3 * i + 2] - pos[3 * j + 2];
  return std::sqrt(dx * dx + dy * dy + dz * dz);
}

// Enumerates the MMFF94 terms as RDKit's Builder (Code/GraphMol/ForceFieldHelpers/MMFF/Builder.cpp) selects
// them.
void enumerate_terms(RDKit::ROMol& mol, RDKit::MMFF::MMFFMolProperties& props, MmffReference::Terms& t) {
  using namespace ForceFields::MMFF;
  const unsigned n = mol.getNumAtoms();
  const MMFFPropCollection* mmff_prop = RDKit::MMFF::DefaultParameters::getMMFFProp();

  for (const RDKit::Bond* b : mol.bonds()) {
    unsigned type = 0;
    MMFFBond p;
    if (props.getMMFFBondStretchParams(mol, b->getBeginAtomIdx(), b->getEndAtomIdx(), type, p))
      t.bonds.push_back({b->getBeginAtomIdx(), b->getEndAtomIdx(), p.r0, p.kb});
  }

  // Angles and stretch-bends: each pair of neighbours (in neighbour order) of every atom with degree > 1.
  for (unsigned j = 0; j < n; ++j) {
    const RDKit::Atom* centre = mol.getAtomWithIdx(j);
    if (centre->getDegree() == 1) continue;
    const MMFFProp* centre_prop = (*mmff_prop)(props.getMMFFAtomType(j));
    std::vector<unsigned> nbr;
    for (const RDKit::Atom* a : mol.atomNeighbors(centre)) nbr.push_back(a->getIdx());
    for (std::size_t a = 0; a < nbr.size(); ++a)
      for (std::size_t c = a + 1; c < nbr.size(); ++c) {
        unsigned type = 0;
        MMFFAngle p;
        if (props.getMMFFAngleBendParams(mol, nbr[a], j, nbr[c], type, p))
          t.angles.push_back({nbr[a], j, nbr[c], p.theta0, p.ka, centre_prop->linh != 0});
      }
    if (centre_prop->linh) continue;
    for (std::size_t a = 0; a < nbr.size(); ++a)
      for (std::size_t c = a + 1; c < nbr.size(); ++c) {
        unsigned type = 0;
        MMFFStbn s;
        MMFFBond bp[2];
        MMFFAngle ap;
        if (props.getMMFFStretchBendParams(mol, nbr[a], j, nbr[c], type, s, bp, ap))
          t.stretch_bends.push_back(
              {nbr[a], j, nbr[c], bp[0].r0, bp[1].r0, ap.theta0, MU::calcStbnForceConstants(&s)});
      }
  }

  // Out-of-plane: atoms with three neighbours, each neighbour in turn out of the plane of the others.
  for (unsigned j = 0; j < n; ++j) {
    const RDKit::Atom* centre = mol.getAtomWithIdx(j);
    if (centre->getDegree() != 3) continue;
    unsigned idx[4] = {0, j, 0, 0};
    int slot = 0;
    for (const RDKit::Atom* a : mol.atomNeighbors(centre)) {
      idx[slot] = a->getIdx();
      slot += slot == 0 ? 2 : 1;
    }
    MMFFOop p;
    if (!props.getMMFFOopBendParams(mol, idx[0], idx[1], idx[2], idx[3], p)) continue;
    static constexpr int kOrder[3][4] = {{0, 1, 2, 3}, {0, 1, 3, 2}, {2, 1, 3, 0}};
    for (const auto& o : kOrder) t.oops.push_back({idx[o[0]], idx[o[1]], idx[o[2]], idx[o[3]], p.koop});
  }

  // Torsions: about every bond the default torsion SMARTS matches, between sp2/sp3 atoms, no 3-rings.
  const std::vector<RDKit::MatchVectType> matches =
      RDKit::SubstructMatch(mol, *Tools::DefaultTorsionBondSmarts::query());
  for (const RDKit::MatchVectType& m : matches) {
    const unsigned j = static_cast<unsigned>(m[0].second), k = static_cast<unsigned>(m[1].second);
    const RDKit::Bond* bond = mol.getBondBetweenAtoms(j, k);
    const RDKit::Atom* ja = mol.getAtomWithIdx(j);
    const RDKit::Atom* ka = mol.getAtomWithIdx(k);
    auto sp2_or_sp3 = [](const RDKit::Atom* a) {
      return a->getHybridization() == RDKit::Atom::SP2 || a->getHybridization() == RDKit::Atom::SP3;
    };
    if (!sp2_or_sp3(ja) || !sp2_or_sp3(ka)) continue;
    for (const RDKit::Bond* b1 : mol.atomBonds(ja)) {
      if (b1 == bond) continue;
      const unsigned i = b1->getOtherAtomIdx(j);
      for (const RDKit::Bond* b2 : mol.atomBonds(ka)) {
        if (b2 == bond || b2 == b1) continue;
        const unsigned l = b2->getOtherAtomIdx(k);
        if (l == i) continue;
        unsigned type = 0;
        MMFFTor p;
        if (props.getMMFFTorsionParams(mol, i, j, k, l, type, p))
          t.torsions.push_back({i, j, k, l, p.V1, p.V2, p.V3});
      }
    }
  }

  // Non-bonded: every pair in a 1-4 or farther relation.
  boost::shared_array<std::uint8_t> relation = Tools::buildNeighborMatrix(mol);
  const double dielectric = props.getMMFFDielectricConstant();
  const std::uint8_t model = props.getMMFFDielectricModel();
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = i + 1; j < n; ++j) {
      const std::uint8_t cell =
          Tools::getTwoBitCell(relation, Tools::twoBitCellPos(n, static_cast<int>(i), static_cast<int>(j)));
      if (cell < Tools::RELATION_1_4) continue;
      MMFFVdWRijstarEps v;
      if (props.getMMFFVdWParams(i, j, v)) t.vdw.push_back({i, j, v.R_ij_star, v.epsilon});
      const double qi = props.getMMFFPartialCharge(i), qj = props.getMMFFPartialCharge(j);
      if (ForceFields::MMFF::isDoubleZero(qi) || ForceFields::MMFF::isDoubleZero(qj)) continue;
      t.ele.push_back({i, j, qi * qj / dielectric, model, cell == Tools::RELATION_1_4});
    }
}

}  // namespace

MmffReference::MmffReference(const Molecule& molecule, MmffTerms which)
    : molecule_(molecule), which_(which), elements_(molecule.elements()), terms_(std::make_unique<Terms>()) {
  auto& mol = const_cast<RDKit::ROMol&>(molecule_.rdkit());  // our own copy; RDKit's typer wants it mutable
  RDKit::MMFF::MMFFMolProperties props(mol);
  if (!props.isValid()) throw InputError(molecule_.source(), "MMFF94 cannot type this molecule");
  enumerate_terms(mol, props, *terms_);
  if (which == MmffTerms::kBonded) {
    props.setMMFFVdWTerm(false);
    props.setMMFFEleTerm(false);
    terms_->vdw.clear();
    terms_->ele.clear();
  }
  terms_->field.reset(RDKit::MMFF::constructForceField(mol, &props, kNoCutoffAngstrom, -1, false));
  terms_->field->initialize();
  pos_angstrom_.resize(3 * elements_.size());
  grad_.resize(3 * elements_.size());
}

MmffReference::MmffReference(const MmffReference& o) : MmffReference(o.molecule_, o.which_) {}
MmffReference::~MmffReference() = default;

std::size_t MmffReference::term_count() const {
  const Terms& t = *terms_;
  return t.bonds.size() + t.angles.size() + t.stretch_bends.size() + t.oops.size() + t.torsions.size() +
         t.vdw.size() + t.ele.size();
}

double MmffReference::rdkit_energy_kcal(const std::vector<double>& positions_angstrom) {
  std::vector<double> pos = positions_angstrom;
  return terms_->field->calcEnergy(pos.data());
}

Eigen::VectorXd MmffReference::atomic_energies_kcal(const std::vector<double>& pos,
                                                    MmffTermEnergies* terms) const {
  const Terms& t = *terms_;
  Eigen::VectorXd e = Eigen::VectorXd::Zero(atom_count());
  MmffTermEnergies sum;
  for (const auto& b : t.bonds) {
    const double v = MU::calcBondStretchEnergy(b.r0, b.kb, distance(pos, b.i, b.j));
    sum.bond += v;
    e[b.i] += v / 2, e[b.j] += v / 2;
  }
  for (const auto& a : t.angles) {
    const double cos_theta = MU::calcCosTheta(point(pos, a.i), point(pos, a.j), point(pos, a.k),
                                              distance(pos, a.i, a.j), distance(pos, a.j, a.k));
    const double v = MU::calcAngleBendEnergy(a.theta0, a.ka, a.linear, cos_theta);
    sum.angle += v;
    e[a.i] += v / 3, e[a.j] += v / 3, e[a.k] += v / 3;
  }
  for (const auto& s : t.stretch_bends) {
    const double d1 = distance(pos, s.i, s.j), d2 = distance(pos, s.j, s.k);
    const double cos_theta = MU::calcCosTheta(point(pos, s.i), point(pos, s.j), point(pos, s.k), d1, d2);
    const double theta = ForceFields::MMFF::RAD2DEG * std::acos(cos_theta);
    const auto pair =
        MU::calcStretchBendEnergy(d1 - s.r0_ij, d2 - s.r0_jk, theta - s.theta0, s.force_constants);
    const double v = pair.first + pair.second;
    sum.stretch_bend += v;
    e[s.i] += v / 3, e[s.j] += v / 3, e[s.k] += v / 3;
  }
  for (const auto& o : t.oops) {
    const double chi = MU::calcOopChi(point(pos, o.i), point(pos, o.j), point(pos, o.k), point(pos, o.l));
    const double v = MU::calcOopBendEnergy(chi, o.koop);
    sum.out_of_plane += v;
    e[o.i] += v / 4, e[o.j] += v / 4, e[o.k] += v / 4, e[o.l] += v / 4;
  }
  for (const auto& q : t.torsions) {
    const double cos_phi =
        MU::calcTorsionCosPhi(point(pos, q.i), point(pos, q.j), point(pos, q.k), point(pos, q.l));
    const double v = MU::calcTorsionEnergy(q.v1, q.v2, q.v3, cos_phi);
    sum.torsion += v;
    e[q.i] += v / 4, e[q.j] += v / 4, e[q.k] += v / 4, e[q.l] += v / 4;
  }
  for (const auto& p : t.vdw) {
    const double v = MU::calcVdWEnergy(distance(pos, p.i, p.j), p.r_star, p.epsilon);
    sum.van_der_waals += v;
    e[p.i] += v / 2, e[p.j] += v / 2;
  }
  for (const auto& p : t.ele) {
    const double v =
        MU::calcEleEnergy(p.i, p.j, distance(pos, p.i, p.j), p.charge_term, p.dielectric_model, p.is_1_4);
    sum.electrostatic += v;
    e[p.i] += v / 2, e[p.j] += v / 2;
  }
  if (terms) *terms = sum;
  return e;
}

double MmffReference::compute(const model::Positions& positions_bohr, model::Positions* forces,
                              Eigen::VectorXd* atomic_energies, model::Diagnostics* diagnostics) {
  const int n = atom_count();
  if (positions_bohr.cols() != n)
    throw GeometryError("the reference has " + std::to_string(n) + " atoms, not " +
                        std::to_string(positions_bohr.cols()));
  for (int a = 0; a < n; ++a)
    for (int d = 0; d < 3; ++d) pos_angstrom_[3 * a + d] = positions_bohr(d, a) / units::kBohrPerAngstrom;
  // calcEnergy(pos) refreshes RDKit's cached distances; calcGrad relies on them.
  const double energy_kcal = terms_->field->calcEnergy(pos_angstrom_.data());
  if (forces) {
    std::fill(grad_.begin(), grad_.end(), 0.0);  // calcGrad adds into its output
    terms_->field->calcGrad(pos_angstrom_.data(), grad_.data());
    forces->resize(3, n);
    const double scale = -1.0 / (units::kKcalPerMolPerHartree * units::kBohrPerAngstrom);
    for (int a = 0; a < n; ++a)
      for (int d = 0; d < 3; ++d) (*forces)(d, a) = scale * grad_[3 * a + d];
  }
  if (atomic_energies)
    *atomic_energies = atomic_energies_kcal(pos_angstrom_, nullptr) / units::kKcalPerMolPerHartree;
  if (diagnostics) {
    diagnostics->max_kernel.clear();
    diagnostics->features_outside.clear();
  }
  return energy_kcal / units::kKcalPerMolPerHartree;
}

}  // namespace gpiqa::reference
