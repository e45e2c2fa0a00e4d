// The MMFF94 reference: the atomic partition sums to RDKit's own total, forces are minus the gradient, and
// bad molecules are refused with one clear line.
#include "gpiqa/reference/mmff_reference.hpp"

#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/test_data.hpp"

namespace gpiqa::reference {
namespace {

// The six default molecules (their SMILES as in molecules/README.md).
const std::vector<std::pair<std::string, std::string>> kMolecules = {{"water", "O"},
                                                                     {"ammonia", "N"},
                                                                     {"methanol", "CO"},
                                                                     {"glycine", "NCC(=O)O"},
                                                                     {"serine", "N[C@@H](CO)C(=O)O"},
                                                                     {"aspirin", "CC(=O)Oc1ccccc1C(=O)O"}};

std::vector<double> flat_angstrom(const model::Positions& bohr) {
  std::vector<double> v;
  for (Eigen::Index a = 0; a < bohr.cols(); ++a)
    for (int d = 0; d < 3; ++d) v.push_back(bohr(d, a) / units::kBohrPerAngstrom);
  return v;
}

model::Positions displaced(const model::Positions& p, double angstrom, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, angstrom * units::kBohrPerAngstrom);
  model::Positions q = p;
  for (Eigen::Index a = 0; a < q.cols(); ++a)
    for (int d = 0; d < 3; ++d) q(d, a) += g(rng);
  return q;
}

class EveryDefaultMolecule : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(EveryDefaultMolecule, AtomicEnergiesSumToRDKitsTotal) {
  const Molecule mol = Molecule::from_smiles(GetParam().second);
  MmffReference ref(mol);
  EXPECT_GT(ref.term_count(), 0u);
  const model::Positions p0 = mol.positions_bohr();
  for (unsigned trial = 0; trial < 6; ++trial) {
    const model::Positions p = trial == 0 ? model::Positions(p0) : displaced(p0, 0.05 * trial, trial);
    const std::vector<double> x = flat_angstrom(p);
    MmffTermEnergies terms;
    const Eigen::VectorXd atomic = ref.atomic_energies_kcal(x, &terms);
    const double rdkit = ref.rdkit_energy_kcal(x);
    EXPECT_NEAR(atomic.sum(), rdkit, 1e-9) << GetParam().first << " trial " << trial;
    EXPECT_NEAR(terms.total(), rdkit, 1e-9);
    // Through the Potential interface: Hartree, and the same partition.
    Eigen::VectorXd atomic_ha;
    const double e = ref.compute(p, nullptr, &atomic_ha, nullptr);
    EXPECT_NEAR(e * units::kKcalPerMolPerHartree, rdkit, 1e-9);
    EXPECT_NEAR(atomic_ha.sum(), e, 1e-12);
    if (trial > 0) {
      EXPECT_GT(terms.bond, 0.0);
    }
  }
}

TEST_P(EveryDefaultMolecule, ForcesAreMinusTheGradient) {
  const Molecule mol = Molecule::from_smiles(GetParam().second);
  MmffReference ref(mol);
  const model::Positions p = displaced(mol.positions_bohr(), 0.1, 7);
  model::Positions forces;
  ref.compute(p, &forces, nullptr, nullptr);
  const double h = 1e-4;  // Bohr
  double worst = 0, largest = 0;
  for (Eigen::Index a = 0; a < p.cols(); ++a)
    for (int d = 0; d < 3; ++d) {
      auto e = [&](double dx) {
        model::Positions q = p;
        q(d, a) += dx;
        return ref.compute(q, nullptr, nullptr, nullptr);
      };
      const double fd = -(-e(2 * h) + 8 * e(h) - 8 * e(-h) + e(-2 * h)) / (12 * h);
      worst = std::max(worst, std::abs(fd - forces(d, a)));
      largest = std::max(largest, std::abs(forces(d, a)));
    }
  EXPECT_LT(worst, 1e-7 + 1e-6 * largest) << GetParam().first;
  // Forces sum to zero (no external field).
  EXPECT_LT(forces.rowwise().sum().norm(), 1e-10);
  // A second evaluation at the same point gives the same numbers (no stale distance cache).
  model::Positions again;
  ref.compute(mol.positions_bohr(), &again, nullptr, nullptr);
  ref.compute(p, &again, nullptr, nullptr);
  EXPECT_EQ(again, forces);
}

INSTANTIATE_TEST_SUITE_P(Molecules, EveryDefaultMolecule, ::testing::ValuesIn(kMolecules),
                         [](const auto& param_info) { return param_info.param.first; });

TEST(MmffReference, MinimisedGeometryHasSmallForcesAndSymmetricAtoms) {
  const Molecule nh3 = Molecule::from_smiles("N");
  MmffReference ref(nh3);
  model::Positions forces;
  Eigen::VectorXd atomic;
  ref.compute(nh3.positions_bohr(), &forces, &atomic, nullptr);
  EXPECT_LT(forces.cwiseAbs().maxCoeff(), 1e-5);
  EXPECT_NEAR(atomic[1], atomic[2], 1e-7);
  EXPECT_NEAR(atomic[1], atomic[3], 1e-7);
}

TEST(MmffReference, SmilesEmbeddingIsDeterministic) {
  const Molecule a = Molecule::from_smiles("NCC(=O)O"), b = Molecule::from_smiles("NCC(=O)O");
  EXPECT_EQ(a.positions_bohr(), b.positions_bohr());
  EXPECT_EQ(a.elements(), (std::vector<std::string>{"N", "C", "C", "O", "O", "H", "H", "H", "H", "H"}));
}

TEST(MmffReference, CopiesEvaluateIndependently) {
  const Molecule m = Molecule::from_smiles("CO");
  MmffReference a(m);
  MmffReference b(a);
  const model::Positions p = displaced(m.positions_bohr(), 0.1, 3);
  EXPECT_EQ(a.compute(p, nullptr, nullptr, nullptr), b.compute(p, nullptr, nullptr, nullptr));
}

TEST(MmffReference, MolblockRoundTrips) {
  const Molecule m = Molecule::from_smiles("CC(=O)Oc1ccccc1C(=O)O");
  const std::string dir = test::temp_dir("molblock");
  const std::string path = dir + "/aspirin.mol";
  { std::ofstream(path) << m.molblock("aspirin"); }
  const Molecule back = Molecule::from_molfile(path);
  EXPECT_EQ(back.elements(), m.elements());
  EXPECT_EQ(back.bonds(), m.bonds());
  EXPECT_LT((back.positions_bohr() - m.positions_bohr()).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(MmffReference, BadMoleculesAreRefusedWithOneLine) {
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([] { Molecule::from_smiles("O.O"); }).find("disconnected fragments"), std::string::npos);
  EXPECT_NE(message([] { Molecule::from_smiles("C[Se]C"); }).find("MMFF94 has no atom type for atom 2 (Se)"),
            std::string::npos);
  EXPECT_NE(message([] { Molecule::from_smiles("C1CC"); }).find("invalid SMILES"), std::string::npos);
  EXPECT_NE(message([] { Molecule::from_molfile("/nonexistent/x.mol"); }).find("/nonexistent/x.mol"),
            std::string::npos);
  const std::string dir = test::temp_dir("badmol");
  { std::ofstream(dir + "/junk.mol") << "not a molfile\n"; }
  EXPECT_NE(message([&] { Molecule::from_molfile(dir + "/junk.mol"); }).find("junk.mol"), std::string::npos);
}

TEST(MmffReference, LocalFramesFollowICHORsRule) {
  // Water: O takes H1 then H2; each H takes O then the other H.
  const std::vector<model::Alf> water = Molecule::from_smiles("O").local_frames();
  ASSERT_EQ(water.size(), 3u);
  EXPECT_EQ(water[0].x_axis, 1);
  EXPECT_EQ(water[0].xy_plane, 2);
  EXPECT_EQ(water[1].x_axis, 0);
  EXPECT_EQ(water[1].xy_plane, 2);
  EXPECT_EQ(water[2].x_axis, 0);
  EXPECT_EQ(water[2].xy_plane, 1);
  // Methanol (C0 O1 H2-H4 on C, H5 on O): C takes O then H2; O takes C then H5; H5 takes O then C.
  const std::vector<model::Alf> methanol = Molecule::from_smiles("CO").local_frames();
  EXPECT_EQ(methanol[0].x_axis, 1);
  EXPECT_EQ(methanol[0].xy_plane, 2);
  EXPECT_EQ(methanol[1].x_axis, 0);
  EXPECT_EQ(methanol[1].xy_plane, 5);
  EXPECT_EQ(methanol[5].x_axis, 1);
  EXPECT_EQ(methanol[5].xy_plane, 0);
}

TEST(MmffReference, LocalFramesMatchThePublicModelSets) {
  GPIQA_REQUIRE_SHARED_DATA();
  // (The ICHOR ammonia example is not comparable: its hydrogens H3 and H4 use H-H frames, "3 2 4" and "4 2
  // 3".)
  for (const auto& [dir, smiles] : {std::pair<std::string, std::string>{"models/water-dlfflux", "O"}}) {
    const model::MoleculeModel set = test::shared_model(dir);
    const std::vector<model::Alf> frames = Molecule::from_smiles(smiles).local_frames();
    ASSERT_EQ(static_cast<int>(frames.size()), set.atom_count());
    for (int a = 0; a < set.atom_count(); ++a) {
      EXPECT_EQ(frames[a].x_axis, set.atoms()[a].alf().x_axis) << dir << " atom " << a;
      EXPECT_EQ(frames[a].xy_plane, set.atoms()[a].alf().xy_plane) << dir << " atom " << a;
    }
  }
}

}  // namespace
}  // namespace gpiqa::reference
