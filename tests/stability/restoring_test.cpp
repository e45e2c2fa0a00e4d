// The restoring-force probe (stability/restoring.hpp): for an energy harmonic in the bond lengths every
// displaced bond restores, whatever the displacement (also where bonds share atoms, which the plain pairwise
// projection of the forces gets wrong); a bond with negative curvature does not; a potential without forces
// restores nothing.
#include "gpiqa/stability/restoring.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "support/analytic_potentials.hpp"

namespace gpiqa::stability {
namespace {

model::Positions water() {
  model::Positions r(3, 3);
  const double z = std::sqrt(1.81 * 1.81 - 1.43 * 1.43);
  r << 0.0, 0.0, 0.0, 0.0, 1.43, -1.43, 0.0, z, z;  // O-H 1.81 Bohr
  return r;
}

model::Positions displaced(const model::Positions& r, std::mt19937_64& rng, double sigma) {
  std::normal_distribution<double> normal(0.0, sigma);
  model::Positions out = r;
  for (Eigen::Index k = 0; k < out.size(); ++k) out.data()[k] += normal(rng);
  return out;
}

TEST(RestoringProbe, EveryDisplacedBondOfAHarmonicPotentialRestores) {
  const model::Positions eq = water();
  const std::vector<Bond> bonds = find_bonds({"O", "H", "H"}, eq, 1.2);
  ASSERT_EQ(bonds, (std::vector<Bond>{{0, 1}, {0, 2}}));  // H-H is no bond
  // harmonic in exactly the monitor's bonds, stiff and soft
  test::HarmonicSprings springs({"O", "H", "H"}, {{0, 1, 0.9, 1.81}, {0, 2, 0.05, 1.81}});
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    const model::Positions r = displaced(eq, rng, 0.2);
    model::Positions forces;
    springs.compute(r, &forces, nullptr, nullptr);
    const RestoringProbe p = restoring_probe(bonds, r, eq, forces);
    ASSERT_EQ(p.restoring_fraction, 1.0) << "trial " << trial;
    for (const BondForce& b : p.bonds) {
      const double k = b.atoms.second == 1 ? 0.9 : 0.05;
      EXPECT_NEAR(b.force_hartree_per_bohr, -k * b.deviation_angstrom / 0.529177210903, 1e-10);
    }
  }
}

TEST(RestoringProbe, ABondWithNegativeCurvatureDoesNotRestore) {
  const model::Positions eq = water();
  const std::vector<Bond> bonds = find_bonds({"O", "H", "H"}, eq, 1.2);
  test::HarmonicSprings springs({"O", "H", "H"}, {{0, 1, -0.3, 1.81}, {0, 2, 0.3, 1.81}});
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    const model::Positions r = displaced(eq, rng, 0.2);
    model::Positions forces;
    springs.compute(r, &forces, nullptr, nullptr);
    const RestoringProbe p = restoring_probe(bonds, r, eq, forces);
    EXPECT_FALSE(p.bonds[0].restoring);
    EXPECT_TRUE(p.bonds[1].restoring);
    EXPECT_EQ(p.restoring_fraction, 0.5);
  }
  // no forces at all (a constant prior mean): nothing restores; nothing displaced: no fraction
  const RestoringProbe none =
      restoring_probe(bonds, displaced(eq, rng, 0.2), eq, model::Positions::Zero(3, 3));
  EXPECT_EQ(none.restoring_fraction, 0.0);
  EXPECT_TRUE(std::isnan(restoring_probe(bonds, eq, eq, model::Positions::Zero(3, 3)).restoring_fraction));
  // no bonds at all (atoms too far apart): no fraction, and no decomposition of an empty matrix
  const RestoringProbe unbonded =
      restoring_probe({}, displaced(eq, rng, 0.2), eq, model::Positions::Zero(3, 3));
  EXPECT_TRUE(unbonded.bonds.empty());
  EXPECT_TRUE(std::isnan(unbonded.restoring_fraction));
}

}  // namespace
}  // namespace gpiqa::stability
