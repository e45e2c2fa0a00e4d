#include "gpiqa/model/alf.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include <Eigen/Geometry>

#include "gpiqa/util/error.hpp"

namespace gpiqa::model {
namespace {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;

Mat3 cross_matrix(const Vec3& q) {  // [q]x w = q x w
  Mat3 m;
  m << 0, -q.z(), q.y(), q.z(), 0, -q.x(), -q.y(), q.x(), 0;
  return m;
}

std::string atom_label(int i) {
  return std::to_string(i + 1);
}

}  // namespace

void alf_features(const Positions& pos, const Alf& alf, Eigen::Ref<Eigen::VectorXd> f, AlfJacobian* jac) {
  const int n = static_cast<int>(pos.cols());
  const int nf = alf_feature_count(n);
  const int A = alf.central, X = alf.x_axis, Y = alf.xy_plane;
  const Vec3 rA = pos.col(A);
  const Vec3 vX = pos.col(X) - rA;
  const Vec3 vY = pos.col(Y) - rA;
  const double lX = vX.norm(), lY = vY.norm();
  const std::string where = "local frame of atom " + atom_label(A) + " (atoms " + atom_label(A) + ", " +
                            atom_label(X) + ", " + atom_label(Y) + ")";
  if (!(lX > 0.0) || !(lY > 0.0) || !std::isfinite(lX) || !std::isfinite(lY))
    throw GeometryError("degenerate " + where + ": coincident or non-finite atoms");

  const Vec3 ex = vX / lX;
  const double a = vY.dot(ex);
  const Vec3 u = vY - a * ex;
  const double b = u.norm();
  if (!(b > kDegenerateFrameSine * lY))
    throw GeometryError("degenerate " + where + ": the three atoms are collinear");
  const Vec3 ey = u / b;
  const Vec3 ez = ex.cross(ey);

  f(0) = lX;
  f(1) = lY;
  const double angle = std::atan2(b, a);
  f(2) = angle;

  Mat3 R;  // rows e_x, e_y, e_z: global -> local
  R.row(0) = ex;
  R.row(1) = ey;
  R.row(2) = ez;
  // omega = W_X dv_X + W_Y dv_Y, in frame components (rows omega_x, omega_y, omega_z).
  Mat3 WX, WY;
  WX.row(0) = -(a / (b * lX)) * ez;
  WX.row(1) = -(1.0 / lX) * ez;
  WX.row(2) = (1.0 / lX) * ey;
  WY.row(0) = (1.0 / b) * ez;
  WY.row(1).setZero();
  WY.row(2).setZero();

  if (jac) {
    jac->d_dr.setZero(12, nf);
    jac->atoms.assign(static_cast<std::size_t>(4 * nf), A);
    for (int h = 0; h < nf; ++h) {
      jac->atoms[4 * h + 1] = X;
      jac->atoms[4 * h + 2] = Y;
    }
    // f1 = |v_X|
    jac->d_dr.block<3, 1>(3, 0) = ex;
    jac->d_dr.block<3, 1>(0, 0) = -ex;
    // f2 = |v_Y|
    const Vec3 eY = vY / lY;
    jac->d_dr.block<3, 1>(6, 1) = eY;
    jac->d_dr.block<3, 1>(0, 1) = -eY;
    // f3 = angle
    const Vec3 g_vX = -ey / lX;
    const Vec3 g_vY = (-std::sin(angle) * ex + std::cos(angle) * ey) / lY;
    jac->d_dr.block<3, 1>(3, 2) = g_vX;
    jac->d_dr.block<3, 1>(6, 2) = g_vY;
    jac->d_dr.block<3, 1>(0, 2) = -(g_vX + g_vY);
  }

  int h = 3;
  for (int B = 0; B < n; ++B) {
    if (B == A || B == X || B == Y) continue;
    const Vec3 v = pos.col(B) - rA;
    const Vec3 q = R * v;
    const double rho2 = q.x() * q.x() + q.y() * q.y();
    const double rho = std::sqrt(rho2);
    const double r = std::sqrt(rho2 + q.z() * q.z());
    f(h) = r;
    f(h + 1) = std::atan2(rho, q.z());  // = acos(z/r), accurate near 0 and pi
    f(h + 2) = std::atan2(q.y(), q.x());
    if (jac) {
      Eigen::Matrix3d dq_dB = R;
      const Mat3 Q = cross_matrix(q);
      const Mat3 dq_dX = Q * WX;
      const Mat3 dq_dY = Q * WY;
      const Mat3 dq_dA = -(dq_dB + dq_dX + dq_dY);
      // rows: d(r, theta, phi)/dq
      Mat3 ds_dq;
      ds_dq.row(0) = q.transpose() / r;
      ds_dq.row(1) = Eigen::RowVector3d(q.x() * q.z(), q.y() * q.z(), -rho2) / (r * r * rho);
      ds_dq.row(2) = Eigen::RowVector3d(-q.y(), q.x(), 0.0) / rho2;
      const Mat3 dA = ds_dq * dq_dA, dX = ds_dq * dq_dX, dY = ds_dq * dq_dY, dB = ds_dq * dq_dB;
      for (int k = 0; k < 3; ++k) {
        jac->d_dr.block<3, 1>(0, h + k) = dA.row(k).transpose();
        jac->d_dr.block<3, 1>(3, h + k) = dX.row(k).transpose();
        jac->d_dr.block<3, 1>(6, h + k) = dY.row(k).transpose();
        jac->d_dr.block<3, 1>(9, h + k) = dB.row(k).transpose();
        jac->atoms[4 * (h + k) + 3] = B;
      }
    }
    h += 3;
  }
}

void accumulate_forces(const AlfJacobian& jac, const Eigen::Ref<const Eigen::VectorXd>& g,
                       Positions& forces) {
  const Eigen::Index nf = jac.d_dr.cols();
  for (Eigen::Index h = 0; h < nf; ++h) {
    const double gh = g(h);
    const int* at = &jac.atoms[static_cast<std::size_t>(4 * h)];
    for (int s = 0; s < 4; ++s) forces.col(at[s]) -= gh * jac.d_dr.block<3, 1>(3 * s, h);
  }
}

Positions positions_from_features(const Alf& alf, const Eigen::Ref<const Eigen::VectorXd>& f, int n) {
  const int A = alf.central, X = alf.x_axis, Y = alf.xy_plane;
  if (n < 3 || f.size() != alf_feature_count(n) || A < 0 || X < 0 || Y < 0 || A >= n || X >= n || Y >= n ||
      A == X || A == Y || X == Y)
    throw std::invalid_argument("features do not fit the local frame and atom count");
  Positions pos = Positions::Zero(3, n);
  pos.col(X) = Vec3(f(0), 0.0, 0.0);
  pos.col(Y) = Vec3(f(1) * std::cos(f(2)), f(1) * std::sin(f(2)), 0.0);
  int h = 3;
  for (int B = 0; B < n; ++B) {
    if (B == A || B == X || B == Y) continue;
    const double r = f(h), theta = f(h + 1), phi = f(h + 2);
    pos.col(B) = r * Vec3(std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi), std::cos(theta));
    h += 3;
  }
  return pos;
}

}  // namespace gpiqa::model
