// Trajectories: NVE energy conservation on the real ammonia model, same seed -> same trajectory, another seed
// -> another, and N steps straight equal N/2 + checkpoint + N/2 bit for bit for every thermostat.
#include "gpiqa/run/trajectory.hpp"

#include <gtest/gtest.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/test_data.hpp"

namespace gpiqa::run {
namespace {

struct Ammonia {
  model::MoleculeModel model = test::shared_model("models/ammonia-ichor");
  Positions start = test::shared_geometry_bohr("geometries/ammonia.xyz");
};

TEST(Trajectory, NveConservesEnergyOnAmmonia) {
  GPIQA_REQUIRE_SHARED_DATA();
  Ammonia a;
  TrajectorySpec spec;
  spec.integrator.type = "nve";
  spec.integrator.timestep_fs = 0.25;
  spec.integrator.temperature_K = 300;  // initial velocities
  spec.duration_ps = 10;
  Trajectory t(a.model, a.start, spec);
  const double H0 = t.conserved_hartree();
  double worst = 0;
  t.run([&](const Trajectory& tr) {
    worst = std::max(worst, std::abs(tr.conserved_hartree() - H0));
    return true;
  });
  ASSERT_EQ(t.outcome().status, stability::Status::kStable) << t.outcome().reason;
  // Bounds: fluctuation of the shadow-Hamiltonian kind (O(dt^2)) and no secular drift.
  EXPECT_LT(worst, 2e-5) << "max |H - H0|, Hartree";
  EXPECT_LT(std::abs(t.outcome().conserved_drift), 1e-8) << "drift, Hartree per ps per atom";
  RecordProperty("max_abs_dH_hartree", std::to_string(worst));
  RecordProperty("drift_hartree_per_ps_per_atom", std::to_string(t.outcome().conserved_drift));
}

TrajectorySpec short_spec(const std::string& thermostat, std::uint64_t seed) {
  TrajectorySpec spec;
  spec.integrator.type = thermostat;
  spec.integrator.temperature_K = 500;
  spec.integrator.tau_fs = 30;
  spec.duration_ps = 0.5;  // 1000 steps
  spec.seed = seed;
  spec.task_key = 99;
  spec.displace_angstrom = 0.02;
  return spec;
}

// sphere: every atom moves by exactly the displacement, in the direction the gaussian mode moves it (the same
// random numbers); gaussian: sigma per coordinate. Unknown modes are input errors.
TEST(Trajectory, DisplacementModes) {
  GPIQA_REQUIRE_SHARED_DATA();
  Ammonia a;
  TrajectorySpec spec = short_spec("nhc", 7);
  spec.displace_angstrom = 0.25;
  const Trajectory gaussian(a.model, a.start, spec);
  spec.displace_mode = DisplaceMode::kSphere;
  const Trajectory sphere(a.model, a.start, spec);
  const double d = 0.25 * units::kBohrPerAngstrom;
  for (int atom = 0; atom < 4; ++atom) {
    const Eigen::Vector3d s = sphere.state().positions.col(atom) - a.start.col(atom);
    const Eigen::Vector3d g = gaussian.state().positions.col(atom) - a.start.col(atom);
    EXPECT_NEAR(s.norm(), d, 1e-12) << "atom " << atom;
    EXPECT_NEAR(s.dot(g) / (s.norm() * g.norm()), 1.0, 1e-12) << "atom " << atom;
  }
  EXPECT_EQ(parse_displace_mode("sphere", "x"), DisplaceMode::kSphere);
  EXPECT_THROW(parse_displace_mode("ball", "start.displace_mode"), InputError);
}

class EveryThermostat : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryThermostat, RestartIsBitIdentical) {
  GPIQA_REQUIRE_SHARED_DATA();
  Ammonia a;
  const TrajectorySpec spec = short_spec(GetParam(), 5);
  Trajectory straight(a.model, a.start, spec);
  straight.run();
  Trajectory first(a.model, a.start, spec);
  first.run([](const Trajectory& t) { return t.state().step < 500; });
  ASSERT_EQ(first.state().step, 500);
  ASSERT_FALSE(first.finished());
  Trajectory second(a.model, first.checkpoint(), spec);
  second.run();
  EXPECT_EQ(second.state().step, straight.state().step);
  EXPECT_EQ(second.state().positions, straight.state().positions) << "positions differ after restart";
  EXPECT_EQ(second.state().velocities, straight.state().velocities);
  EXPECT_EQ(second.state().thermostat, straight.state().thermostat);
  EXPECT_EQ(second.state().heat_removed_hartree, straight.state().heat_removed_hartree);
  EXPECT_EQ(second.outcome().mean_temperature_K, straight.outcome().mean_temperature_K);
  EXPECT_EQ(second.outcome().conserved_drift, straight.outcome().conserved_drift);
  EXPECT_EQ(second.outcome().max_force, straight.outcome().max_force);
  EXPECT_EQ(second.outcome().status, straight.outcome().status);
}

TEST_P(EveryThermostat, FinishedRunExtendedToALongerDurationEqualsOneLongRun) {
  GPIQA_REQUIRE_SHARED_DATA();
  Ammonia a;
  TrajectorySpec full = short_spec(GetParam(), 8), half = full;
  half.duration_ps = full.duration_ps / 2;
  Trajectory straight(a.model, a.start, full);
  straight.run();
  Trajectory first(a.model, a.start, half);
  ASSERT_EQ(first.run().status, stability::Status::kStable);
  Trajectory second(a.model, first.checkpoint(), full);
  EXPECT_FALSE(second.finished());
  second.run();
  EXPECT_EQ(second.state().step, straight.state().step);
  EXPECT_EQ(second.state().positions, straight.state().positions);
  EXPECT_EQ(second.outcome().status, straight.outcome().status);
}

TEST_P(EveryThermostat, SameSeedSameTrajectoryOtherSeedOther) {
  GPIQA_REQUIRE_SHARED_DATA();
  Ammonia a;
  Trajectory x(a.model, a.start, short_spec(GetParam(), 5));
  Trajectory y(a.model, a.start, short_spec(GetParam(), 5));
  Trajectory z(a.model, a.start, short_spec(GetParam(), 6));
  x.run();
  y.run();
  z.run();
  EXPECT_EQ(x.state().positions, y.state().positions);
  EXPECT_GT((x.state().positions - z.state().positions).norm(), 1e-3);
}

// The conserved quantity wanders only by integration error: O(dt^2), so halving dt shrinks it about fourfold.
// A bookkeeping error in the thermostat energy would not shrink.
TEST_P(EveryThermostat, ConservedQuantityErrorShrinksAsTimestepSquared) {
  GPIQA_REQUIRE_SHARED_DATA();
  Ammonia a;
  double worst[2];
  for (int i = 0; i < 2; ++i) {
    TrajectorySpec spec = short_spec(GetParam(), 3);
    spec.integrator.timestep_fs = i == 0 ? 0.25 : 0.125;
    spec.duration_ps = 2;
    Trajectory t(a.model, a.start, spec);
    const double H0 = t.conserved_hartree();
    worst[i] = 0;
    t.run([&](const Trajectory& tr) {
      worst[i] = std::max(worst[i], std::abs(tr.conserved_hartree() - H0));
      return true;
    });
    EXPECT_EQ(t.outcome().status, stability::Status::kStable);
  }
  EXPECT_LT(worst[1], 5e-5) << GetParam() << ": max |H - H0| at 0.125 fs (Hartree)";
  EXPECT_GT(worst[0] / worst[1], 2.5) << GetParam() << ": error does not scale as dt^2";
}

INSTANTIATE_TEST_SUITE_P(Thermostats, EveryThermostat, ::testing::Values("nve", "nhc", "csvr", "langevin"));

TEST(Trajectory, CheckpointOfAnotherTrajectoryIsRefused) {
  GPIQA_REQUIRE_SHARED_DATA();
  Ammonia a;
  Trajectory t(a.model, a.start, short_spec("nhc", 1));
  EXPECT_THROW(Trajectory(a.model, t.checkpoint(), short_spec("nhc", 2)), InputError);
  EXPECT_THROW(Trajectory(a.model, t.checkpoint(), short_spec("csvr", 1)), InputError);
}

TEST(Trajectory, StableWaterRunReportsStable) {
  GPIQA_REQUIRE_SHARED_DATA();
  model::MoleculeModel water = test::shared_model("models/water-dlfflux");
  const Positions start = test::shared_geometry_bohr("geometries/water.xyz");
  TrajectorySpec spec;
  spec.integrator.temperature_K = 300;
  spec.duration_ps = 1;
  Trajectory t(water, start, spec);
  const stability::Outcome o = t.run();
  EXPECT_EQ(o.status, stability::Status::kStable) << o.reason;
  EXPECT_TRUE(std::isnan(o.time_to_failure_ps));
  EXPECT_EQ(o.steps, 2000);
  EXPECT_DOUBLE_EQ(o.simulated_ps, 1.0);
  EXPECT_GT(o.mean_temperature_K, 0);
  EXPECT_GT(o.steps_per_second, 0);
  EXPECT_GT(o.min_distance_angstrom, 0.5);
}

TEST(Trajectory, CollinearStartIsAFailureAtStepZero) {
  GPIQA_REQUIRE_SHARED_DATA();
  model::MoleculeModel water = model::MoleculeModel::load(test::shared_data("models/water-dlfflux"));
  Positions line = Positions::Zero(3, 3);
  line(0, 1) = 1.8, line(0, 2) = -1.8;
  TrajectorySpec spec;
  spec.duration_ps = 0.1;
  Trajectory t(water, line, spec);
  const stability::Outcome o = t.run();
  EXPECT_EQ(o.status, stability::Status::kFailed);
  EXPECT_EQ(o.failure_step, 0);
  EXPECT_NE(o.reason.find("collinear"), std::string::npos) << o.reason;
}

TEST(Trajectory, RejectsBadSpecs) {
  TrajectorySpec spec;
  spec.duration_ps = 0;
  EXPECT_THROW(validate(spec), InputError);
  spec = {};
  spec.displace_angstrom = -0.1;
  EXPECT_THROW(validate(spec), InputError);
}

}  // namespace
}  // namespace gpiqa::run
