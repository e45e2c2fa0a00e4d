#include "gpiqa/model/alf.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Geometry>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/vector_atan2.hpp"

namespace gpiqa::model {
namespace {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;

std::string atom_label(int i) {
  return std::to_string(i + 1);
}

}  // namespace

void alf_features(const Positions& pos, const Alf& alf, Eigen::Ref<Eigen::VectorXd> f, AlfAdjoint* adj) {
  const int n = static_cast<int>(pos.cols());
  const int A = alf.central, X = alf.x_axis, Y = alf.xy_plane;
  const Vec3 rA = pos.col(A);
  const Vec3 vX = pos.col(X) - rA;
  const Vec3 vY = pos.col(Y) - rA;
  const double lX = vX.norm(), lY = vY.norm();
  // the frame's name, made only for an error (an MD step evaluates every atom's frame)
  const auto where = [&] {
    return "local frame of atom " + atom_label(A) + " (atoms " + atom_label(A) + ", " + atom_label(X) + ", " +
           atom_label(Y) + ")";
  };
  if (!(lX > 0.0) || !(lY > 0.0) || !std::isfinite(lX) || !std::isfinite(lY))
    throw GeometryError("degenerate " + where() + ": coincident or non-finite atoms");

  const Vec3 ex = vX / lX;
  const double a = vY.dot(ex);
  const Vec3 u = vY - a * ex;
  const double b = u.norm();
  if (!(b > kDegenerateFrameSine * lY))
    throw GeometryError("degenerate " + where() + ": the three atoms are collinear");
  const Vec3 ey = u / b;
  const Vec3 ez = ex.cross(ey);

  // the angles of the frame and of every other atom, by one vectorised atan2 at the end: (b, a) first, then
  // (rho, z) and (y, x) of each other atom
  thread_local std::vector<double> at_y, at_x, at_out;
  const auto pairs = static_cast<std::size_t>(2 * std::max(0, n - 3) + 1);
  at_y.resize(pairs), at_x.resize(pairs), at_out.resize(pairs);
  at_y[0] = b, at_x[0] = a;

  f(0) = lX;
  f(1) = lY;

  Mat3 R;  // rows e_x, e_y, e_z: global -> local
  R.row(0) = ex;
  R.row(1) = ey;
  R.row(2) = ez;
  if (adj) {
    adj->central = A, adj->x_axis = X, adj->xy_plane = Y;
    adj->R = R;
    adj->W_X.row(0) = -(a / (b * lX)) * ez;
    adj->W_X.row(1) = -(1.0 / lX) * ez;
    adj->W_X.row(2) = (1.0 / lX) * ey;
    adj->W_Y_row = (1.0 / b) * ez;
    adj->e_X = ex;
    adj->e_Y = vY / lY;
    adj->angle_X = -ey / lX;
    adj->others.clear();
    adj->q.resize(3, n - 3);
    adj->inverse.resize(3, n - 3);
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
    const auto other = static_cast<std::size_t>(h - 3) / 3;
    // theta = atan2(rho, z) (= acos(z/r), accurate near 0 and pi) and phi = atan2(y, x)
    at_y[1 + 2 * other] = rho, at_x[1 + 2 * other] = q.z();
    at_y[2 + 2 * other] = q.y(), at_x[2 + 2 * other] = q.x();
    if (adj) {
      const auto k = static_cast<Eigen::Index>(adj->others.size());
      adj->others.push_back(B);
      adj->q.col(k) = q;
      adj->inverse.col(k) << 1.0 / r, 1.0 / (r * r * rho), 1.0 / rho2;
    }
    h += 3;
  }
  util::vector_atan2(at_y.data(), at_x.data(), at_out.data(), pairs);
  const double angle = at_out[0];
  f(2) = angle;
  for (std::size_t k = 0; 3 + 3 * k < static_cast<std::size_t>(f.size()); ++k) {
    f(static_cast<Eigen::Index>(4 + 3 * k)) = at_out[1 + 2 * k];
    f(static_cast<Eigen::Index>(5 + 3 * k)) = at_out[2 + 2 * k];
  }
  if (adj) adj->angle_Y = (-std::sin(angle) * ex + std::cos(angle) * ey) / lY;
}

void accumulate_forces(const AlfAdjoint& adj, const Eigen::Ref<const Eigen::VectorXd>& g, Positions& forces) {
  Vec3 grad_X = g(0) * adj.e_X + g(2) * adj.angle_X;  // dE/dv_X
  Vec3 grad_Y = g(1) * adj.e_Y + g(2) * adj.angle_Y;  // dE/dv_Y
  // plain scalars in the loop: Vec3 temporaries built lane by lane made GCC store two doubles and load them
  // back as one vector (a store-forwarding stall per line)
  const Mat3& R = adj.R;
  double cx = 0.0, cy = 0.0, cz = 0.0, ox = 0.0, oy = 0.0, oz = 0.0;
  const double* q = adj.q.data();
  const double* inv = adj.inverse.data();
  const double* gs = g.data() + 3;
  for (std::size_t k = 0; k < adj.others.size(); ++k, q += 3, inv += 3, gs += 3) {
    const double qx = q[0], qy = q[1], qz = q[2];
    const double g_r = gs[0] * inv[0], g_theta = gs[1] * inv[1], g_phi = gs[2] * inv[2];
    // dE/dq
    const double px = g_r * qx + g_theta * qx * qz - g_phi * qy;
    const double py = g_r * qy + g_theta * qy * qz + g_phi * qx;
    const double pz = g_r * qz - g_theta * (qx * qx + qy * qy);
    // dE/dr_B = R^T p
    const double bx = R(0, 0) * px + R(1, 0) * py + R(2, 0) * pz;
    const double by = R(0, 1) * px + R(1, 1) * py + R(2, 1) * pz;
    const double bz = R(0, 2) * px + R(1, 2) * py + R(2, 2) * pz;
    double* f = forces.col(adj.others[k]).data();
    f[0] -= bx, f[1] -= by, f[2] -= bz;
    ox += bx, oy += by, oz += bz;
    // c += p x q
    cx += py * qz - pz * qy, cy += pz * qx - px * qz, cz += px * qy - py * qx;
  }
  const Vec3 c(cx, cy, cz), grad_others(ox, oy, oz);
  grad_X += adj.W_X.transpose() * c;
  grad_Y += c.x() * adj.W_Y_row;
  forces.col(adj.x_axis) -= grad_X;
  forces.col(adj.xy_plane) -= grad_Y;
  forces.col(adj.central) += grad_X + grad_Y + grad_others;
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
