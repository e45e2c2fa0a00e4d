// The physics-informed means on gpiqa's committed default sets (water, ammonia): where their molecule comes
// from, forces against central differences for every new mean, and mmff-bonded's prior values equal to
// RDKit's MMFF94 bonded terms shared as documented.
#include "gpiqa/run/mean_context.hpp"

#include <cmath>
#include <cstring>

#include <ForceField/ForceField.h>
#include <ForceField/MMFF/Params.h>
#include <GraphMol/ForceFieldHelpers/MMFF/AtomTyper.h>
#include <GraphMol/ForceFieldHelpers/MMFF/Builder.h>
#include <GraphMol/ROMol.h>
#include <gtest/gtest.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/reference/builtin.hpp"
#include "gpiqa/reference/mmff_reference.hpp"
#include "gpiqa/run/potential_source.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::run {
namespace {

std::string source_path(const std::string& relative) {
  return std::string(GPIQA_SOURCE_DIR) + "/" + relative;
}

// dE/dr by Richardson-extrapolated central differences, (4 D(h/2) - D(h)) / 3 with h = 2e-3 Bohr: truncation
// O(h^4), and steps large enough to stay above the committed water set's rounding noise (its GP weights reach
// 1e5 with a 1e-12 nugget, so its energy is noisy at ~1e-10 Hartree).
template <class Energy>
double richardson_derivative(Energy&& energy, const model::Positions& p, int a, int d) {
  const auto central = [&](double h) {
    model::Positions plus = p, minus = p;
    plus(d, a) += h, minus(d, a) -= h;
    return (energy(plus) - energy(minus)) / (2 * h);
  };
  const double h = 2e-3;
  return (4 * central(h / 2) - central(h)) / 3;
}

model::Positions xyz_bohr(const std::string& path) {
  return io::read_xyz(path).front().positions_angstrom * units::kBohrPerAngstrom;
}

class CommittedSet : public ::testing::TestWithParam<std::string> {};

TEST_P(CommittedSet, ForcesOfEveryNewMeanMatchCentralDifferences) {
  const std::string name = GetParam();
  const model::Positions eq = xyz_bohr(source_path("molecules/" + name + ".xyz"));
  model::Positions p = eq;  // off equilibrium, within the training range
  p(0, 0) += 0.06, p(1, 1) -= 0.05, p(2, 2) += 0.04;
  for (const char* mean : {"range:0", "range:1", "range:5", "bonded+", "mmff-bonded"}) {
    SCOPED_TRACE(mean);
    LoadedPotential loaded = load_potential(PotentialSource{source_path("models/" + name), mean, "", {}});
    model::Potential& v = *loaded.potential;
    model::Positions analytic;
    Eigen::VectorXd atomic;
    const double e = v.compute(p, &analytic, &atomic, nullptr);
    EXPECT_NEAR(atomic.sum(), e, 1e-10 * std::max(1.0, std::abs(e)));
    const auto energy = [&](const model::Positions& q) { return v.compute(q, nullptr, nullptr, nullptr); };
    const auto prior_energy = [&](const model::Positions& q) {
      double x = 0;
      v.prior_mean(q, x, nullptr);
      return x;
    };
    double prior = 0;
    model::Positions prior_forces;
    ASSERT_TRUE(v.prior_mean(p, prior, &prior_forces));
    for (int a = 0; a < p.cols(); ++a)
      for (int d = 0; d < 3; ++d) {
        const double fd = -richardson_derivative(energy, p, a, d);
        EXPECT_NEAR(analytic(d, a), fd, 1e-6 + 1e-5 * std::abs(fd)) << "atom " << a << " dim " << d;
        const double prior_fd = -richardson_derivative(prior_energy, p, a, d);
        EXPECT_NEAR(prior_forces(d, a), prior_fd, 1e-6 + 1e-5 * std::abs(prior_fd))
            << "prior atom " << a << " dim " << d;
      }
  }
}

TEST_P(CommittedSet, BondedPlusTakesTheMoleculeFromBuildJsonAndHasZeroGradientThere) {
  const std::string name = GetParam();
  const model::MoleculeModel set = model::MoleculeModel::load(source_path("models/" + name));
  const model::MeanSpec spec = model::MeanSpec::parse("bonded+");
  const model::MeanContext c = mean_context(spec, set, source_path("models/" + name));
  ASSERT_TRUE(c.equilibrium_bohr);
  EXPECT_EQ(c.bonds.size(), static_cast<std::size_t>(set.atom_count() - 1));  // water, ammonia: a star
  model::MoleculeModel v = set.with_mean(spec, c);
  double prior = 0;
  model::Positions f;
  v.prior_mean(*c.equilibrium_bohr, prior, &f);
  EXPECT_LT(f.cwiseAbs().maxCoeff(), 1e-12);
  // the atoms' energies at equilibrium, as trained, are the anchor
  model::MoleculeModel as_trained = set;
  Eigen::VectorXd atomic;
  as_trained.compute(*c.equilibrium_bohr, nullptr, &atomic, nullptr);
  EXPECT_NEAR(prior, atomic.sum(), 1e-10);
}

TEST_P(CommittedSet, MmffBondedPriorIsRDKitsBondedTermsSharedEqually) {
  // Water and ammonia have no 1-4 pairs, so MMFF94 has no van der Waals or electrostatic terms for them and
  // the full reference's atomic partition (checked against RDKit's total in the reference tests) is the
  // bonded one: the prior at every rebuilt training geometry must equal it atom by atom.
  const std::string name = GetParam();
  const model::MoleculeModel set = model::MoleculeModel::load(source_path("models/" + name));
  const model::MeanContext c =
      mean_context(model::MeanSpec::parse("mmff-bonded"), set, source_path("models/" + name));
  ASSERT_TRUE(c.cartesian_prior);
  reference::MmffReference full(reference::Molecule::load(reference::builtin_molfile(name)));
  for (const model::AtomModel& m : set.atoms()) {
    const Eigen::VectorXd prior =
        model::cartesian_prior_at_training(m, *c.cartesian_prior) * (m.scaling().y ? m.scaling().y_std : 1.0);
    for (Eigen::Index i = 0; i < m.training_size(); i += 7) {
      const model::Positions g =
          model::positions_from_features(m.alf(), m.training_x().row(i).transpose(), set.atom_count());
      Eigen::VectorXd atomic;
      full.compute(g, nullptr, &atomic, nullptr);
      EXPECT_NEAR(prior(i) * units::kKcalPerMolPerHartree,
                  atomic(m.alf().central) * units::kKcalPerMolPerHartree, 1e-9)
          << m.label() << " point " << i;
    }
  }
}

// The physics-informed means batch with the other variants of their set (run/lockstep.hpp): a batch of
// geometries under file, range:5, bonded+ and mmff-bonded gives every geometry the bits of its own compute()
// (energy, forces, atomic energies with mmff-bonded's Cartesian shares, diagnostics).
TEST_P(CommittedSet, PhysicsMeansInABatchGiveTheBitsOfTheirOwnEvaluation) {
  const std::string name = GetParam(), dir = source_path("models/" + name);
  const model::MoleculeModel set = model::MoleculeModel::load(dir);
  std::vector<LoadedPotential> variants;
  for (const char* mean : {"file", "range:5", "bonded+", "mmff-bonded"})
    variants.push_back(gp_variant(set, mean, dir, {}));
  ASSERT_NE(variants[3].potential->batch_key(), nullptr);
  EXPECT_EQ(variants[3].potential->batch_key(), variants[0].potential->batch_key()) << "one set, one group";
  const model::Positions start = xyz_bohr(source_path("molecules/" + name + ".xyz"));
  std::vector<model::Positions> geometries;
  for (int k = 0; k < 8; ++k) {
    model::Positions r = start;
    for (Eigen::Index i = 0; i < r.size(); ++i)
      r.data()[i] += 0.05 * std::sin(1.7 * (k + 1) * static_cast<double>(i + 1));
    geometries.push_back(r);
  }
  std::vector<model::BatchEntry> batch(geometries.size());
  std::vector<model::Positions> forces(batch.size());
  std::vector<Eigen::VectorXd> atomic(batch.size());
  std::vector<model::Diagnostics> diagnostics(batch.size());
  for (std::size_t k = 0; k < batch.size(); ++k) {
    batch[k].potential = variants[k % variants.size()].potential.get();
    batch[k].positions_bohr = &geometries[k];
    batch[k].forces = &forces[k];
    batch[k].atomic_energies = &atomic[k];
    batch[k].diagnostics = &diagnostics[k];
  }
  model::compute_batch(batch);
  for (std::size_t k = 0; k < batch.size(); ++k) {
    SCOPED_TRACE("geometry " + std::to_string(k));
    ASSERT_TRUE(batch[k].error.empty()) << batch[k].error;
    model::Positions f;
    Eigen::VectorXd e;
    model::Diagnostics d;
    const double energy = batch[k].potential->compute(geometries[k], &f, &e, &d);
    EXPECT_EQ(std::memcmp(&energy, &batch[k].energy_hartree, sizeof energy), 0)
        << energy << " vs " << batch[k].energy_hartree;
    ASSERT_EQ(f.size(), forces[k].size());
    EXPECT_EQ(std::memcmp(f.data(), forces[k].data(), sizeof(double) * f.size()), 0);
    ASSERT_EQ(e.size(), atomic[k].size());
    EXPECT_EQ(std::memcmp(e.data(), atomic[k].data(), sizeof(double) * e.size()), 0);
    EXPECT_EQ(d.max_kernel, diagnostics[k].max_kernel);
  }
}

INSTANTIATE_TEST_SUITE_P(WaterAndAmmonia, CommittedSet, ::testing::Values("water", "ammonia"));

TEST(MmffBonded, SharesSumToRDKitsOwnBondedForceField) {
  // Glycine has 1-4 pairs: the bonded prior leaves them out. RDKit's force field built here with its van der
  // Waals and electrostatic terms switched off is the independent total.
  const reference::Molecule mol = reference::Molecule::load(reference::builtin_molfile("glycine"));
  reference::MmffReference bonded(mol, reference::MmffTerms::kBonded);
  RDKit::ROMol copy(mol.rdkit());
  RDKit::MMFF::MMFFMolProperties props(copy);
  props.setMMFFVdWTerm(false);
  props.setMMFFEleTerm(false);
  std::unique_ptr<ForceFields::ForceField> field(
      RDKit::MMFF::constructForceField(copy, &props, 100.0, -1, false));
  field->initialize();
  model::Positions p = mol.positions_bohr();
  for (int trial = 0; trial < 4; ++trial) {
    p(trial % 3, trial) += 0.07 * (trial + 1);
    std::vector<double> x;
    for (int a = 0; a < p.cols(); ++a)
      for (int d = 0; d < 3; ++d) x.push_back(p(d, a) / units::kBohrPerAngstrom);
    Eigen::VectorXd atomic;
    const double e = bonded.compute(p, nullptr, &atomic, nullptr);
    EXPECT_NEAR(atomic.sum() * units::kKcalPerMolPerHartree, field->calcEnergy(x.data()), 1e-9);
    EXPECT_NEAR(e * units::kKcalPerMolPerHartree, field->calcEnergy(x.data()), 1e-9);
    reference::MmffTermEnergies terms;
    reference::MmffReference(mol).atomic_energies_kcal(x, &terms);
    EXPECT_NEAR(terms.bond + terms.angle + terms.stretch_bend + terms.out_of_plane + terms.torsion,
                field->calcEnergy(x.data()), 1e-9);
  }
}

TEST(MeanContext, MissingMoleculeIsOneClearError) {
  // A set without BUILD.json (the shared FFLUX water) and no molecule named: the error says what to give.
  const std::string dir = source_path("models/water");
  model::MoleculeModel set = model::MoleculeModel::load(dir);
  try {
    mean_context(model::MeanSpec::parse("mmff-bonded"), set, "/nonexistent-set-dir");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("mmff-bonded:FILE.mol"), std::string::npos) << e.what();
  }
  try {
    mean_context(model::MeanSpec::parse("bonded+"), set, "/nonexistent-set-dir");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bonded+:FILE.xyz"), std::string::npos) << e.what();
  }
  // a molecule with other atoms
  EXPECT_THROW(mean_context(model::MeanSpec::parse("mmff-bonded:N"), set, dir), InputError);
  // and the argument wins over BUILD.json
  const model::MeanContext c =
      mean_context(model::MeanSpec::parse("bonded+:" + source_path("molecules/water.xyz")), set, "/x");
  ASSERT_TRUE(c.equilibrium_bohr);
  EXPECT_EQ(c.bonds.size(), 2u);
}

}  // namespace
}  // namespace gpiqa::run
