#include "gpiqa/md/state.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/Geometry>
#include <Eigen/LU>

#include "gpiqa/util/units.hpp"

namespace gpiqa::md {

double kinetic_energy(const MdState& s) {
  return 0.5 * (s.velocities.colwise().squaredNorm().transpose().array() * s.masses.array()).sum();
}

double kinetic_temperature(const MdState& s, int dof) {
  return dof > 0 ? 2.0 * kinetic_energy(s) / (dof * units::kBoltzmannHartreePerKelvin) : 0.0;
}

namespace {
Eigen::Matrix3d inertia_tensor(const Positions& r, const Eigen::VectorXd& m, const Eigen::Vector3d& com) {
  Eigen::Matrix3d I = Eigen::Matrix3d::Zero();
  for (Eigen::Index a = 0; a < r.cols(); ++a) {
    const Eigen::Vector3d d = r.col(a) - com;
    I += m(a) * (d.squaredNorm() * Eigen::Matrix3d::Identity() - d * d.transpose());
  }
  return I;
}
Eigen::Vector3d centre_of_mass(const Positions& r, const Eigen::VectorXd& m) {
  return r * m / m.sum();
}
}  // namespace

bool is_linear(const Positions& r, const Eigen::VectorXd& m) {
  if (r.cols() <= 2) return true;
  const Eigen::Vector3d ev =
      Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d>(inertia_tensor(r, m, centre_of_mass(r, m)))
          .eigenvalues();
  return ev(0) < 1e-8 * ev(2);
}

int internal_degrees_of_freedom(const Positions& r, const Eigen::VectorXd& m) {
  const int n = static_cast<int>(r.cols());
  if (n <= 1) return 0;
  return is_linear(r, m) ? 3 * n - 5 : 3 * n - 6;
}

void remove_rigid_motion(const Positions& r, const Eigen::VectorXd& m, Positions& v) {
  const Eigen::Vector3d v_com = v * m / m.sum();
  v.colwise() -= v_com;
  if (r.cols() < 2) return;
  const Eigen::Vector3d com = centre_of_mass(r, m);
  Eigen::Vector3d L = Eigen::Vector3d::Zero();
  for (Eigen::Index a = 0; a < r.cols(); ++a)
    L += m(a) * Eigen::Vector3d(r.col(a) - com).cross(Eigen::Vector3d(v.col(a)));
  // omega = I^+ L (pseudo-inverse: a linear molecule has no rotation about its axis)
  const Eigen::Matrix3d I = inertia_tensor(r, m, com);
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> es(I);
  Eigen::Vector3d inv = Eigen::Vector3d::Zero();
  for (int k = 0; k < 3; ++k)
    if (es.eigenvalues()(k) > 1e-8 * es.eigenvalues()(2)) inv(k) = 1.0 / es.eigenvalues()(k);
  const Eigen::Vector3d omega = es.eigenvectors() * inv.asDiagonal() * es.eigenvectors().transpose() * L;
  for (Eigen::Index a = 0; a < r.cols(); ++a) v.col(a) -= omega.cross(Eigen::Vector3d(r.col(a) - com));
}

}  // namespace gpiqa::md
