// Integrators on analytic potentials: velocity Verlet reproduces the exact discrete solution of a harmonic
// diatomic (x_n = A cos(n theta), cos theta = 1 - (omega dt)^2 / 2) and converges to the continuous one as
// dt^2.
#include "gpiqa/md/integrator.hpp"

#include <cmath>

#include <gtest/gtest.h>
#include <Eigen/Geometry>

#include "gpiqa/md/elements.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/analytic_potentials.hpp"

namespace gpiqa::md {
namespace {

struct Diatomic {
  test::HarmonicSprings potential{{"H", "H"}, {{0, 1, 0.3, 1.4}}};
  MdState state;
  double mu = 0, omega = 0;
  explicit Diatomic(double stretch) {
    const double m = atomic_mass_dalton("H") * units::kElectronMassPerDalton;
    mu = m / 2;
    omega = std::sqrt(0.3 / mu);
    state.masses = Eigen::VectorXd::Constant(2, m);
    state.positions = Positions::Zero(3, 2);
    state.positions(0, 1) = 1.4 + stretch;
    state.velocities = Positions::Zero(3, 2);
  }
  double stretch() const { return state.positions(0, 1) - state.positions(0, 0) - 1.4; }
};

TEST(VelocityVerlet, ReproducesTheExactDiscreteHarmonicSolution) {
  Diatomic d(0.1);
  IntegratorConfig c;
  c.type = "nve";
  c.timestep_fs = 0.5;
  auto integrator = Integrator::create(c, 1, 2);
  integrator->initialise(d.state);
  compute_forces(d.state, d.potential, nullptr);
  const double dt = c.timestep_fs * units::kAtomicTimePerFemtosecond;
  const double theta = std::acos(1 - 0.5 * std::pow(d.omega * dt, 2));
  const RandomStream rng(1, 0);
  for (int n = 1; n <= 2000; ++n) {
    integrator->step(d.state, d.potential, rng, nullptr);
    ASSERT_NEAR(d.stretch(), 0.1 * std::cos(n * theta), 1e-11) << "step " << n;
  }
}

TEST(VelocityVerlet, ConvergesToTheContinuousSolutionAsTimestepSquared) {
  double previous_error = 0;
  for (double dt_fs : {0.4, 0.2, 0.1}) {
    Diatomic d(0.1);
    IntegratorConfig c;
    c.type = "nve";
    c.timestep_fs = dt_fs;
    auto integrator = Integrator::create(c, 1, 2);
    compute_forces(d.state, d.potential, nullptr);
    const RandomStream rng(1, 0);
    const int steps = static_cast<int>(std::lround(100.0 / dt_fs));  // 100 fs
    double error = 0;  // largest deviation over the run (the phase error grows with time)
    for (int n = 1; n <= steps; ++n) {
      integrator->step(d.state, d.potential, rng, nullptr);
      const double t = n * dt_fs * units::kAtomicTimePerFemtosecond;
      error = std::max(error, std::abs(d.stretch() - 0.1 * std::cos(d.omega * t)));
    }
    if (previous_error > 0) {
      EXPECT_NEAR(previous_error / error, 4.0, 0.2) << dt_fs;
    }
    previous_error = error;
  }
}

TEST(Integrator, RejectsBadSettings) {
  IntegratorConfig c;
  c.type = "berendsen";
  EXPECT_THROW(validate(c), InputError);
  c = {};
  c.timestep_fs = 0;
  EXPECT_THROW(validate(c), InputError);
  c = {};
  c.temperature_K = -5;
  EXPECT_THROW(validate(c), InputError);
  c = {};
  c.tau_fs = 0;
  EXPECT_THROW(validate(c), InputError);
}

TEST(RigidMotion, RemovalLeavesNoMomentumAndNoAngularMomentum) {
  Positions r(3, 4), v(3, 4);
  r << 0, 1.9, -0.6, -0.9, 0, 0, 1.8, -1.4, 0, 0, 0, 1.0;
  v << 0.1, -0.3, 0.2, 0.05, 0.4, 0.1, -0.2, 0.3, -0.1, 0.2, 0.3, -0.4;
  const Eigen::VectorXd m = Eigen::Vector4d(25000, 1837, 1837, 1837);
  remove_rigid_motion(r, m, v);
  EXPECT_LT((v * m).norm(), 1e-15 * m.sum() * 0.5);  // relative to the momentum scale
  const Eigen::Vector3d com = r * m / m.sum();
  Eigen::Vector3d L = Eigen::Vector3d::Zero();
  for (int a = 0; a < 4; ++a) L += m(a) * Eigen::Vector3d(r.col(a) - com).cross(Eigen::Vector3d(v.col(a)));
  EXPECT_LT(L.norm(), 1e-9);
  EXPECT_EQ(internal_degrees_of_freedom(r, m), 6);
  Positions line = Positions::Zero(3, 3);
  line(0, 1) = 2, line(0, 2) = 4;
  EXPECT_EQ(internal_degrees_of_freedom(line, Eigen::Vector3d(1, 1, 1)), 4);
}

}  // namespace
}  // namespace gpiqa::md
