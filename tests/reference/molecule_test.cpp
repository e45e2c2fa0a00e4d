// The reference's molecule (reference/molecule.hpp): a SMILES always gives the same atoms, in the same order,
// at the same coordinates (a campaign's reference start must not depend on the run); bonds and the
// ICHOR-style local frames follow the stated priority rule; a molfile written from a molecule reads back as
// it; MMFF94 minimisation lowers a perturbed structure's energy; and molecules the reference cannot handle
// are one clear error naming where they came from.
#include "gpiqa/reference/molecule.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/test_data.hpp"

namespace gpiqa::reference {
namespace {

using Bonds = std::vector<std::pair<int, int>>;

TEST(Molecule, ASmilesAlwaysGivesTheSameAtomsAtTheSameCoordinates) {
  const Molecule a = Molecule::from_smiles("CO"), b = Molecule::from_smiles("CO");
  EXPECT_EQ(a.elements(), (std::vector<std::string>{"C", "O", "H", "H", "H", "H"}));
  EXPECT_EQ(a.positions_bohr(), b.positions_bohr()) << "bit for bit";
  const Molecule other_seed = Molecule::from_smiles("CO", "SMILES", 7);
  EXPECT_EQ(other_seed.elements(), a.elements());
  EXPECT_EQ(a.bonds(), (Bonds{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {1, 5}}));
}

// Mills & Popelier 2014 as ICHOR applies it: x-axis the neighbour of highest priority (atomic number, then
// the neighbours' shells, then the lower index), xy-plane the next; an atom with one neighbour takes its
// x-axis atom's best other neighbour.
TEST(Molecule, LocalFramesFollowThePriorityRule) {
  const std::vector<model::Alf> water = Molecule::from_smiles("O").local_frames();
  ASSERT_EQ(water.size(), 3u);
  EXPECT_EQ(std::make_pair(water[0].x_axis, water[0].xy_plane), std::make_pair(1, 2));
  EXPECT_EQ(std::make_pair(water[1].x_axis, water[1].xy_plane), std::make_pair(0, 2));
  EXPECT_EQ(std::make_pair(water[2].x_axis, water[2].xy_plane), std::make_pair(0, 1));
  const std::vector<model::Alf> methanol = Molecule::from_smiles("CO").local_frames();
  EXPECT_EQ(std::make_pair(methanol[0].x_axis, methanol[0].xy_plane), std::make_pair(1, 2)) << "C: O, then H";
  EXPECT_EQ(std::make_pair(methanol[1].x_axis, methanol[1].xy_plane), std::make_pair(0, 5)) << "O: C, then H";
  EXPECT_EQ(std::make_pair(methanol[5].x_axis, methanol[5].xy_plane), std::make_pair(1, 0)) << "H on O";
  EXPECT_EQ(std::make_pair(methanol[3].x_axis, methanol[3].xy_plane), std::make_pair(0, 1)) << "H on C";
  for (std::size_t a = 0; a < methanol.size(); ++a) EXPECT_EQ(methanol[a].central, static_cast<int>(a));
}

TEST(Molecule, AMolfileWrittenFromAMoleculeReadsBackAsIt) {
  const Molecule glycine = Molecule::from_smiles("NCC(=O)O");
  const std::string path = test::temp_dir("molecule-molblock") + "/glycine.mol";
  std::ofstream(path) << glycine.molblock("glycine");
  const Molecule back = Molecule::load(path);
  EXPECT_EQ(back.elements(), glycine.elements());
  EXPECT_EQ(back.bonds(), glycine.bonds());
  EXPECT_EQ(back.source(), path);
  // a molfile keeps 4 decimals of an Angstrom
  EXPECT_LT((back.positions_bohr() - glycine.positions_bohr()).cwiseAbs().maxCoeff(),
            0.6e-4 * units::kBohrPerAngstrom);
  EXPECT_EQ(Molecule::load("NCC(=O)O").elements(), glycine.elements()) << "not a path: a SMILES";
}

TEST(Molecule, MinimisationLowersAPerturbedStructuresEnergy) {
  Molecule water = Molecule::from_smiles("O");
  const double at_minimum = water.minimise();
  model::Positions r = water.positions_bohr();
  r(0, 1) += 0.2;  // stretch an O-H bond by 0.1 Angstrom
  water.set_positions_bohr(r);
  EXPECT_EQ(water.positions_bohr(), r);
  const double relaxed = water.minimise();
  EXPECT_NEAR(relaxed, at_minimum, 1e-4) << "back to the minimum, kcal/mol";
  EXPECT_NE(water.positions_bohr(), r);
}

TEST(Molecule, MoleculesTheReferenceCannotHandleAreOneClearError) {
  for (const auto& [smiles, fragment] : std::vector<std::pair<std::string, std::string>>{
           {"O.O", "disconnected fragments"}, {"[He]", "at least two atoms"}, {"C1CC", "invalid SMILES"}}) {
    try {
      Molecule::from_smiles(smiles, "campaign.yaml");
      ADD_FAILURE() << smiles << " was accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "campaign.yaml") << smiles;
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(Molecule::from_molfile(test::temp_dir("molecule-missing") + "/none.mol"), InputError);
  const std::string junk = test::temp_dir("molecule-junk") + "/junk.mol";
  std::ofstream(junk) << "not\na\nmolfile\n";
  EXPECT_THROW(Molecule::load(junk), InputError);
}

}  // namespace
}  // namespace gpiqa::reference
