// Controlled starts (run/start.hpp): on every built-in molecule the MMFF94 reference's energy at the start
// lies within 1% of the target above its minimum; the start is a function of (seed, task key) alone, so it is
// reproducible and the same for every potential judged by the same reference; sphere directions move every
// atom by the same distance; the first crossing is found where the doubling steps over it; targets that
// cannot be reached are refused by name (a single run) or recorded as invalid-start (a campaign's task). And
// a start that a geometry monitor rejects at step 0 is an invalid start, not the model's failure.
#include "gpiqa/run/start.hpp"

#include <cmath>

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

// E = h exp(-((x - c) / w)^2) in atom 1's x coordinate, Hartree: zero at the doubling's points 0.8 and 1.6 A
// along +x, a narrow bump at c between them.
class NarrowBump : public model::Potential {
 public:
  NarrowBump(double c_bohr, double w_bohr, double h_hartree) : c_(c_bohr), w_(w_bohr), h_(h_hartree) {}
  int atom_count() const override { return 2; }
  const std::vector<std::string>& elements() const override { return elements_; }
  double compute(const model::Positions& r, model::Positions* forces, Eigen::VectorXd* atomic,
                 model::Diagnostics*) override {
    const double u = (r(0, 1) - c_) / w_, e = h_ * std::exp(-u * u);
    if (forces) forces->setZero(3, 2), (*forces)(0, 1) = 2 * u / w_ * e;
    if (atomic) atomic->setConstant(2, 0.5 * e);
    return e;
  }

 private:
  double c_, w_, h_;
  std::vector<std::string> elements_{"H", "H"};
};

// Along a line whose energy is not monotonic the doubling (0.05, 0.1, ..., 1.6, 2 A) can step over every
// crossing; the fine scan then finds the first one, on the bump's rising side.
TEST(ControlledStart, FindsTheFirstCrossingWhereTheDoublingStepsOverANarrowBump) {
  const double c = 1.2 * units::kBohrPerAngstrom, w = 0.05 * units::kBohrPerAngstrom;
  const double h = 50.0 / units::kKcalPerMolPerHartree;
  NarrowBump bump(c, w, h);
  Positions x0 = Positions::Zero(3, 2), d = Positions::Zero(3, 2);
  d(0, 1) = 1.0;
  for (const double s : {0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2.0})  // what the doubling sees: nearly nothing
    EXPECT_LT(bump.compute(x0 + s * units::kBohrPerAngstrom * d, nullptr, nullptr, nullptr) *
                  units::kKcalPerMolPerHartree,
              1e-6);
  const ControlledStart start = controlled_start(bump, x0, 0.0, d, 25.0, "test");
  EXPECT_NEAR(start.energy_above_minimum_kcal_mol, 25.0, 0.25);
  // rising side: c - w sqrt(ln 2) at exactly half the height
  EXPECT_NEAR(start.scale_angstrom, 1.2 - 0.05 * std::sqrt(std::log(2.0)), 0.002);
  EXPECT_LT(start.scale_angstrom, 1.2);
  // higher than the bump: unreachable along this line, and said so as a property of the direction
  EXPECT_THROW(controlled_start(bump, x0, 0.0, d, 60.0, "test"), UnreachableStart);
}

// A trajectory whose controlled start cannot be made ends at step 0 as invalid-start, measuring nothing.
TEST(InvalidStart, AnUnreachableControlledStartIsRecordedAsInvalid) {
  NarrowBump bump(1.2 * units::kBohrPerAngstrom, 0.05 * units::kBohrPerAngstrom,
                  50.0 / units::kKcalPerMolPerHartree);
  TrajectorySpec spec;
  spec.duration_ps = 0.01;
  spec.start_energy_above_minimum_kcal_mol = 60;
  StartGeometry g;
  g.equilibrium_bohr = Positions::Zero(3, 2);
  g.equilibrium_bohr(0, 1) = 3.0;
  TrajectoryJob job(bump, spec, JobSettings{});
  EXPECT_THROW(job.start(g), UnreachableStart);  // a single run reports it
  job.start_rejected(g, "start.energy_above_minimum_kcal_mol: unreachable");
  const stability::Outcome o = job.run(nullptr).outcome;
  EXPECT_EQ(o.status, stability::Status::kInvalidStart);
  EXPECT_EQ(o.reason, "invalid start: start.energy_above_minimum_kcal_mol: unreachable");
  EXPECT_EQ(o.failure_step, 0);
  EXPECT_TRUE(std::isnan(o.start_restoring_fraction));
  EXPECT_TRUE(std::isnan(o.start_max_bond_deviation_angstrom));
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
