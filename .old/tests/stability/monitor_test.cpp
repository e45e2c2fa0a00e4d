// Stability monitors on constructed states: each outcome is triggered by the geometry made for it, the reason
// names the atoms, and a healthy state passes.
#include "gpiqa/stability/monitor.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::stability {
namespace {

constexpr double A = units::kBohrPerAngstrom;

// Water: O at the origin, H2 and H3 at 0.96 A, 104.5 degrees.
md::Positions water() {
  md::Positions r(3, 3);
  const double th = 104.5 * M_PI / 180;
  r << 0, 0.96 * A, 0.96 * A * std::cos(th), 0, 0, 0.96 * A * std::sin(th), 0, 0, 0;
  return r;
}

md::MdState state_at(const md::Positions& r, double energy = -76.4) {
  md::MdState s;
  s.positions = r;
  s.velocities = md::Positions::Zero(3, r.cols());
  s.forces = md::Positions::Zero(3, r.cols());
  s.masses = Eigen::VectorXd::Ones(r.cols());
  s.potential_hartree = energy;
  return s;
}

struct Fixture {
  StabilityMonitor monitor{MonitorConfig{}, {"O", "H", "H"}, water(), 300.0, -76.45};
  RunningMetrics metrics;
  std::optional<Verdict> check(const md::MdState& s, double T = 300) {
    return monitor.check(s, T, 0.0, 0.1, metrics);
  }
};

TEST(StabilityMonitor, FindsTheCovalentBonds) {
  Fixture f;
  EXPECT_EQ(f.monitor.bonds(), (std::vector<std::pair<int, int>>{{0, 1}, {0, 2}}));
}

TEST(StabilityMonitor, HealthyStatePasses) {
  Fixture f;
  EXPECT_FALSE(f.check(state_at(water())).has_value());
  EXPECT_NEAR(f.metrics.min_distance_angstrom, 0.96, 1e-12);  // the O-H bonds are the closest pairs
}

TEST(StabilityMonitor, StretchedBondIsExplodedAndNamesTheAtoms) {
  Fixture f;
  md::Positions r = water();
  r.col(2) *= (0.96 + 0.55) / 0.96;
  const auto v = f.check(state_at(r));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->status, Status::kExploded);
  EXPECT_NE(v->reason.find("O1-H3"), std::string::npos) << v->reason;
  EXPECT_NEAR(f.metrics.max_bond_deviation_angstrom, 0.55, 1e-9);
}

TEST(StabilityMonitor, BondJustInsideTheLimitPasses) {
  Fixture f;
  md::Positions r = water();
  r.col(2) *= (0.96 + 0.45) / 0.96;
  EXPECT_FALSE(f.check(state_at(r)).has_value());
}

TEST(StabilityMonitor, CloseAtomsAreCollapsed) {
  Fixture f;
  md::Positions r = water();
  r.col(2) = r.col(1) + Eigen::Vector3d(0, 0.4 * A, 0);
  const auto v = f.check(state_at(r));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->status, Status::kCollapsed);
  EXPECT_NE(v->reason.find("H2 and H3"), std::string::npos) << v->reason;
}

TEST(StabilityMonitor, CompressedBondIsCollapsed) {
  Fixture f;
  md::Positions r = water();
  r.col(1) *= 0.55;  // 0.53 A > min distance, but < 0.6 of the reference
  const auto v = f.check(state_at(r));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->status, Status::kCollapsed);
  EXPECT_NE(v->reason.find("compressed"), std::string::npos) << v->reason;
}

TEST(StabilityMonitor, RunawayTemperatureIsExploded) {
  Fixture f;
  const auto v = f.check(state_at(water()), 10400);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->status, Status::kExploded);
  EXPECT_NE(v->reason.find("temperature"), std::string::npos);
}

TEST(StabilityMonitor, BriefTemperatureSpikeIsAveragedAway) {
  // A displaced start of a 3-atom molecule swings its instantaneous temperature by ~10^4 K for a few fs.
  Fixture f;
  double t_ps = 0.1;
  EXPECT_FALSE(f.monitor.check(state_at(water()), 300, 0, t_ps, f.metrics).has_value());
  for (int i = 0; i < 10; ++i)  // 5 fs at 12000 K
    EXPECT_FALSE(f.monitor.check(state_at(water()), 12000, 0, t_ps += 0.0005, f.metrics).has_value());
  std::optional<Verdict> v;
  for (int i = 0; i < 2000 && !v; ++i)  // sustained: caught within a few windows
    v = f.monitor.check(state_at(water()), 12000, 0, t_ps += 0.0005, f.metrics);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->status, Status::kExploded);
}

TEST(StabilityMonitor, EnergyHoleIsCollapsed) {
  Fixture f;
  const auto v = f.check(state_at(water(), -76.45 - 0.2));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->status, Status::kCollapsed);
  EXPECT_NE(v->reason.find("below the equilibrium energy -76.45"), std::string::npos) << v->reason;
}

TEST(StabilityMonitor, NonFiniteEnergyOrForcesFail) {
  Fixture f;
  md::MdState s = state_at(water(), std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(f.check(s)->status, Status::kFailed);
  s = state_at(water());
  s.forces(1, 1) = std::numeric_limits<double>::infinity();
  EXPECT_EQ(f.check(s)->status, Status::kFailed);
}

// Extrapolation is measured by posterior-variance probes (#12): the share of probes with an atom above
// extrapolation_variance, the largest variance and the time of the first such probe; it never ends a run.
TEST(StabilityMonitor, ExtrapolationIsCountedButDoesNotEndTheRun) {
  Fixture f;
  f.monitor.record_variance_probe(0.2, 0.0, f.metrics);
  EXPECT_FALSE(f.check(state_at(water())).has_value());
  f.monitor.record_variance_probe(0.8, 0.05, f.metrics);
  EXPECT_FALSE(f.check(state_at(water())).has_value());
  f.monitor.record_variance_probe(0.3, 0.10, f.metrics);
  f.monitor.record_variance_probe(0.9, 0.15, f.metrics);
  EXPECT_FALSE(f.check(state_at(water())).has_value());
  Outcome o;
  fill_summary(f.metrics, 3, o);
  EXPECT_NEAR(o.extrapolation_fraction, 2.0 / 4.0, 1e-12);
  EXPECT_EQ(o.max_posterior_variance, 0.9);
  EXPECT_EQ(o.time_to_extrapolation_ps, 0.05);
}

TEST(StabilityMonitor, RejectsNonsenseThresholds) {
  MonitorConfig c;
  c.bond_stretch_angstrom = -1;
  EXPECT_THROW(validate(c), InputError);
  c = {};
  c.bond_compress_fraction = 1.5;
  EXPECT_THROW(validate(c), InputError);
}

TEST(Status, NamesRoundTrip) {
  for (Status s : {Status::kPending, Status::kStable, Status::kCollapsed, Status::kExploded, Status::kFailed})
    EXPECT_EQ(status_from_string(to_string(s)), s);
  EXPECT_THROW(status_from_string("crashed"), std::invalid_argument);
}

}  // namespace
}  // namespace gpiqa::stability
