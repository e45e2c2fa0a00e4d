// Kinetic quantities and rigid motion (md/state.hpp): K = sum m v^2 / 2, T = 2K / (dof k_B); a linear
// molecule has 3N-5 internal degrees of freedom, a bent one 3N-6; removing rigid motion leaves no momentum
// and no angular momentum and does not touch a purely internal motion (a vibration).
#include "gpiqa/md/state.hpp"

#include <gtest/gtest.h>
#include <Eigen/Geometry>

#include "gpiqa/util/units.hpp"

namespace gpiqa::md {
namespace {

Eigen::Vector3d momentum(const Positions& v, const Eigen::VectorXd& m) {
  return v * m;
}

Eigen::Vector3d angular_momentum(const Positions& r, const Positions& v, const Eigen::VectorXd& m) {
  const Eigen::Vector3d com = r * m / m.sum();
  Eigen::Vector3d L = Eigen::Vector3d::Zero();
  for (Eigen::Index a = 0; a < r.cols(); ++a)
    L += m(a) * Eigen::Vector3d(r.col(a) - com).cross(Eigen::Vector3d(v.col(a)));
  return L;
}

TEST(MdState, KineticEnergyAndTemperatureFollowTheirDefinitions) {
  MdState s;
  s.masses = Eigen::Vector2d(2.0, 3.0);
  s.velocities.resize(3, 2);
  s.velocities << 1, 0, 0, 2, 0, 0;  // atom 0 moves along x at 1, atom 1 along y at 2
  EXPECT_DOUBLE_EQ(kinetic_energy(s), 0.5 * 2 * 1 + 0.5 * 3 * 4);
  EXPECT_DOUBLE_EQ(kinetic_temperature(s, 1), 2 * 7.0 / units::kBoltzmannHartreePerKelvin);
  EXPECT_EQ(kinetic_temperature(s, 0), 0.0) << "no degrees of freedom, no temperature";
}

TEST(MdState, LinearAndBentMoleculesHaveTheirDegreesOfFreedom) {
  const Eigen::Vector3d m(16, 12, 16);
  Positions co2(3, 3);
  co2 << -2.2, 0, 2.2, 0, 0, 0, 0, 0, 0;
  EXPECT_TRUE(is_linear(co2, m));
  EXPECT_EQ(internal_degrees_of_freedom(co2, m), 4);
  Positions water(3, 3);
  water << 0, 1.43, -1.43, 0, 1.1, 1.1, 0, 0, 0;
  EXPECT_FALSE(is_linear(water, m));
  EXPECT_EQ(internal_degrees_of_freedom(water, m), 3);
  EXPECT_EQ(internal_degrees_of_freedom(water.leftCols(2), m.head(2)), 1) << "a diatomic";
  EXPECT_EQ(internal_degrees_of_freedom(water.leftCols(1), m.head(1)), 0);
}

TEST(MdState, RemovingRigidMotionLeavesNoMomentumNorAngularMomentumAndKeepsAVibration) {
  Positions r(3, 3);
  r << 0.1, 1.43, -1.5, -0.2, 1.1, 1.0, 0.05, 0.3, -0.2;
  const Eigen::Vector3d m(16, 1, 1);
  Positions v(3, 3);
  v << 0.3, -1.0, 2.0, 0.5, 0.7, -0.1, 1.0, 0.2, -0.4;
  remove_rigid_motion(r, m, v);
  EXPECT_LT(momentum(v, m).norm(), 1e-12);
  EXPECT_LT(angular_momentum(r, v, m).norm(), 1e-12);

  // a symmetric stretch of a diatomic along its axis: no momentum, no rotation, left as it is
  Positions r2(3, 2), v2(3, 2);
  r2 << -1, 1, 0, 0, 0, 0;
  v2 << -0.5, 0.5, 0, 0, 0, 0;
  const Positions before = v2;
  remove_rigid_motion(r2, Eigen::Vector2d(1, 1), v2);
  EXPECT_LT((v2 - before).norm(), 1e-14);
}

}  // namespace
}  // namespace gpiqa::md
