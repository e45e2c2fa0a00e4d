// Local minimisation (md/minimiser.hpp) on harmonic springs, whose minimum is known exactly: from a
// stretched start it reaches the spring's rest length to the force tolerance, never moves a coordinate
// further than max_shift_angstrom (the minimum *near* the start is what is asked for), returns a converged
// start untouched, and treats points the potential cannot evaluate as infinitely high (never a result; a
// search whose first trial point is such a point stops where it started).
#include "gpiqa/md/minimiser.hpp"

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/analytic_potentials.hpp"

namespace gpiqa::md {
namespace {

using test::HarmonicSprings;

model::Positions diatomic(double length_bohr) {
  model::Positions r = model::Positions::Zero(3, 2);
  r(0, 1) = length_bohr;
  return r;
}

TEST(Minimiser, AStretchedSpringRelaxesToItsRestLength) {
  HarmonicSprings spring({"H", "H"}, {{0, 1, 0.4, 1.4}});
  const MinimiseResult m = minimise(spring, diatomic(1.5));
  EXPECT_NEAR((m.positions_bohr.col(1) - m.positions_bohr.col(0)).norm(), 1.4, 1e-5);
  EXPECT_LT(m.energy_hartree, 1e-10);
  EXPECT_NEAR(m.start_energy_hartree, 0.5 * 0.4 * 0.1 * 0.1, 1e-15);
  EXPECT_LE(m.max_force, 1e-6);
  EXPECT_GT(m.iterations, 0);
}

TEST(Minimiser, NoCoordinateMovesFurtherThanTheBox) {
  HarmonicSprings spring({"H", "H"}, {{0, 1, 0.4, 1.4}});
  MinimiseOptions o;
  o.max_shift_angstrom = 0.05;  // the minimum is 0.6 Bohr away: out of reach
  const model::Positions start = diatomic(2.0);
  const MinimiseResult m = minimise(spring, start, o);
  const double shift = (m.positions_bohr - start).cwiseAbs().maxCoeff();
  EXPECT_LE(shift, 0.05 * units::kBohrPerAngstrom + 1e-12);
  EXPECT_NEAR(shift, 0.05 * units::kBohrPerAngstrom, 1e-6) << "as far as allowed, toward the minimum";
  EXPECT_LT(m.energy_hartree, m.start_energy_hartree);
}

TEST(Minimiser, AConvergedStartIsReturnedAsItIs) {
  HarmonicSprings spring({"H", "H"}, {{0, 1, 0.4, 1.4}});
  const MinimiseResult m = minimise(spring, diatomic(1.4));
  EXPECT_EQ(m.positions_bohr, diatomic(1.4));
  EXPECT_EQ(m.iterations, 0);
  EXPECT_EQ(m.energy_hartree, m.start_energy_hartree);
}

// A potential that cannot be evaluated beyond a cut-off (a degenerate local frame, say).
class Walled : public HarmonicSprings {
 public:
  Walled() : HarmonicSprings({"H", "H"}, {{0, 1, 0.4, 1.4}}) {}
  double compute(const model::Positions& r, model::Positions* f, Eigen::VectorXd* a,
                 model::Diagnostics* d) override {
    if ((r.col(1) - r.col(0)).norm() < 1.45) throw GeometryError("too close");
    return HarmonicSprings::compute(r, f, a, d);
  }
};

TEST(Minimiser, PointsThePotentialCannotEvaluateAreNeverTheResult) {
  Walled walled;
  MinimiseOptions wide;
  wide.max_shift_angstrom = 0.5;  // the wall at 1.45 Bohr is within reach
  const MinimiseResult m = minimise(walled, diatomic(2.0), wide);
  const double length = (m.positions_bohr.col(1) - m.positions_bohr.col(0)).norm();
  EXPECT_GE(length, 1.45) << "the result is a point the potential evaluated";
  EXPECT_LE(m.energy_hartree, m.start_energy_hartree);
  EXPECT_NO_THROW(walled.compute(m.positions_bohr, nullptr, nullptr, nullptr));
  EXPECT_THROW(minimise(walled, diatomic(1.3)), GeometryError) << "a start it cannot evaluate";
}

}  // namespace
}  // namespace gpiqa::md
