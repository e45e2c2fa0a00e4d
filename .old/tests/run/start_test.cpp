// Controlled starts (run/start.hpp): on every built-in molecule the MMFF94 reference's energy at the start
// lies within 1% of the target above its minimum; the start is a function of (seed, task key) alone, so it is
// reproducible and the same for every potential judged by the same reference; sphere directions move every
// atom by the same distance; targets that cannot be reached are refused by name. And a start that a geometry
// monitor rejects at step 0 is an invalid start, not the model's failure.
#include "gpiqa/run/start.hpp"

#include <gtest/gtest.h>

#include "gpiqa/reference/mmff_reference.hpp"
#include "gpiqa/run/job.hpp"
#include "gpiqa/run/trajectory.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/analytic_potentials.hpp"

namespace gpiqa::run {
namespace {

class BuiltinMolecule : public ::testing::TestWithParam<const char*> {};

TEST_P(BuiltinMolecule, ControlledStartsLandWithinOnePercentAndAreReproducible) {
  const reference::Molecule molecule =
      reference::Molecule::from_molfile(std::string(GPIQA_SOURCE_DIR) + "/molecules/" + GetParam() + ".mol");
  reference::MmffReference mmff(molecule);
  const Positions x0 = molecule.positions_bohr();
  const double minimum = equilibrium_energy(mmff, x0);
  EXPECT_LE(minimum, mmff.compute(x0, nullptr, nullptr, nullptr));
  for (std::uint64_t seed : {1, 2, 3}) {
    for (const double target : {5.0, 30.0}) {
      for (DisplaceMode mode : {DisplaceMode::kSphere, DisplaceMode::kGaussian}) {
        SCOPED_TRACE(std::string(GetParam()) + " seed " + std::to_string(seed) + " target " +
                     std::to_string(target) + " " + to_string(mode));
        const md::RandomStream rng(seed, 77);
        const Positions d = displacement_direction(molecule.atom_count(), mode, rng);
        const ControlledStart c = controlled_start(mmff, x0, minimum, d, target, "test");
        EXPECT_NEAR(c.energy_above_minimum_kcal_mol, target, 0.01 * target);
        const double reached =
            (mmff.compute(c.start_bohr, nullptr, nullptr, nullptr) - minimum) * units::kKcalPerMolPerHartree;
        EXPECT_EQ(reached, c.energy_above_minimum_kcal_mol);
        const ControlledStart again = controlled_start(
            mmff, x0, minimum,
            displacement_direction(molecule.atom_count(), mode, md::RandomStream(seed, 77)), target, "test");
        EXPECT_EQ(again.start_bohr, c.start_bohr);
        if (mode == DisplaceMode::kSphere) {
          for (int a = 0; a < molecule.atom_count(); ++a)
            EXPECT_NEAR((c.start_bohr.col(a) - x0.col(a)).norm() * units::kAngstromPerBohr, c.scale_angstrom,
                        1e-12);
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Molecules, BuiltinMolecule,
                         ::testing::Values("water", "ammonia", "methanol", "glycine", "serine", "aspirin"));

// Two different potentials judged by the same reference start from the same geometry (paired comparisons).
TEST(ControlledStart, IsTheSameForEveryPotentialJudgedByTheSameReference) {
  const reference::Molecule molecule =
      reference::Molecule::from_molfile(std::string(GPIQA_SOURCE_DIR) + "/molecules/water.mol");
  reference::MmffReference mmff(molecule);
  test::HarmonicSprings soft({"O", "H", "H"}, {{0, 1, 0.3, 1.8}, {0, 2, 0.3, 1.8}, {1, 2, 0.05, 2.9}});
  test::HarmonicSprings stiff({"O", "H", "H"}, {{0, 1, 0.6, 1.8}, {0, 2, 0.6, 1.8}, {1, 2, 0.1, 2.9}});
  TrajectorySpec spec;
  spec.seed = 9;
  spec.task_key = 1234;
  spec.displace_mode = DisplaceMode::kSphere;
  spec.start_energy_above_minimum_kcal_mol = 15;
  StartGeometry g;
  g.equilibrium_bohr = molecule.positions_bohr();
  g.reference = &mmff;
  const MadeStart a = make_start(soft, spec, g), b = make_start(stiff, spec, g);
  EXPECT_EQ(a.start_bohr, b.start_bohr);
  EXPECT_NEAR(a.reference_energy_above_minimum_kcal_mol, 15.0, 0.15);
  EXPECT_EQ(a.reference_energy_above_minimum_kcal_mol, b.reference_energy_above_minimum_kcal_mol);
}

TEST(ControlledStart, UnreachableOrNonPositiveTargetsAreRefusedByName) {
  const reference::Molecule molecule =
      reference::Molecule::from_molfile(std::string(GPIQA_SOURCE_DIR) + "/molecules/water.mol");
  reference::MmffReference mmff(molecule);
  const Positions x0 = molecule.positions_bohr();
  const double minimum = equilibrium_energy(mmff, x0);
  const Positions d = displacement_direction(3, DisplaceMode::kSphere, md::RandomStream(1, 1));
  for (const double bad : {0.0, -5.0, std::numeric_limits<double>::infinity()})
    EXPECT_THROW(controlled_start(mmff, x0, minimum, d, bad, "start.energy_above_minimum_kcal_mol"),
                 InputError);
  try {
    controlled_start(mmff, x0, minimum, d, 1e7, "start.energy_above_minimum_kcal_mol");
    FAIL() << "10^7 kcal/mol was reached";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("start.energy_above_minimum_kcal_mol: no displacement up to 2 A"),
              std::string::npos)
        << e.what();
  }
  TrajectorySpec spec;
  spec.start_energy_above_minimum_kcal_mol = -1;
  EXPECT_THROW(validate(spec), InputError);
  spec.start_energy_above_minimum_kcal_mol = 10;
  spec.displace_angstrom = 0.1;
  EXPECT_THROW(validate(spec), InputError);
}

// Every atom moved 1 A: bonds stretched past the 0.5 A limit before the first step. The start's fault.
TEST(InvalidStart, AStartThatTripsAGeometryMonitorAtStepZeroIsInvalid) {
  test::HarmonicSprings springs({"O", "H", "H"}, {{0, 1, 0.5, 1.81}, {0, 2, 0.5, 1.81}, {1, 2, 0.1, 2.86}});
  Positions x0(3, 3);
  x0 << 0.0, 0.0, 0.0, 0.0, 1.43, -1.43, 0.0, 1.11, 1.11;
  TrajectorySpec spec;
  spec.duration_ps = 0.1;
  spec.displace_angstrom = 1.0;
  spec.displace_mode = DisplaceMode::kSphere;
  Trajectory t(springs, x0, spec);
  const stability::Outcome o = t.run();
  EXPECT_EQ(o.status, stability::Status::kInvalidStart) << o.reason;
  EXPECT_EQ(o.failure_step, 0);
  EXPECT_EQ(o.reason.rfind("invalid start: ", 0), 0u) << o.reason;
  EXPECT_GT(o.start_max_bond_deviation_angstrom, 0.5);
}

}  // namespace
}  // namespace gpiqa::run
