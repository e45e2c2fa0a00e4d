#include "gpiqa/model/bonded_mean.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <stdexcept>

#include "gpiqa/util/nnls.hpp"

namespace gpiqa::model {
namespace {

using Vec3 = Eigen::Vector3d;

// An atom's position in A's local frame and its derivatives with respect to the (raw) features it depends
// on (at most three).
struct LocalPosition {
  Vec3 p = Vec3::Zero();
  int count = 0;
  std::array<int, 3> feature{};
  std::array<Vec3, 3> d{};
  void add(int h, const Vec3& derivative) {
    feature[static_cast<std::size_t>(count)] = h;
    d[static_cast<std::size_t>(count)] = derivative;
    ++count;
  }
};

// First feature of atom B's (r, theta, phi) triple, or -1 for A, X and Y.
int triple_start(const Alf& alf, int B) {
  int h = 3;
  for (int b = 0; b < B; ++b)
    if (b != alf.central && b != alf.x_axis && b != alf.xy_plane) h += 3;
  return (B == alf.central || B == alf.x_axis || B == alf.xy_plane) ? -1 : h;
}

LocalPosition local_position(const Alf& alf, int B, const Eigen::VectorXd& f) {
  LocalPosition out;
  if (B == alf.central) return out;
  if (B == alf.x_axis) {
    out.p = Vec3(f(0), 0, 0);
    out.add(0, Vec3(1, 0, 0));
    return out;
  }
  if (B == alf.xy_plane) {
    const double c = std::cos(f(2)), s = std::sin(f(2));
    out.p = f(1) * Vec3(c, s, 0);
    out.add(1, Vec3(c, s, 0));
    out.add(2, f(1) * Vec3(-s, c, 0));
    return out;
  }
  const int h = triple_start(alf, B);
  const double r = f(h), st = std::sin(f(h + 1)), ct = std::cos(f(h + 1)), sp = std::sin(f(h + 2)),
               cp = std::cos(f(h + 2));
  const Vec3 u(st * cp, st * sp, ct);
  out.p = r * u;
  out.add(h, u);
  out.add(h + 1, r * Vec3(ct * cp, ct * sp, -st));
  out.add(h + 2, r * Vec3(-st * sp, st * cp, 0));
  return out;
}

void add_chain(const LocalPosition& atom, const Vec3& dq_dp, Eigen::MatrixXd& jacobian, int row) {
  for (int k = 0; k < atom.count; ++k)
    jacobian(row, atom.feature[static_cast<std::size_t>(k)]) +=
        dq_dp.dot(atom.d[static_cast<std::size_t>(k)]);
}

}  // namespace

BondedMean::BondedMean(const Alf& alf, int n, const std::vector<std::pair<int, int>>& bonds,
                       Eigen::VectorXd offset, Eigen::VectorXd scale)
    : alf_(alf), atoms_(n), offset_(std::move(offset)), scale_(std::move(scale)) {
  std::vector<std::set<int>> neighbours(static_cast<std::size_t>(n));
  for (const auto& [i, j] : bonds) {
    if (i < 0 || j < 0 || i >= n || j >= n || i == j)
      throw std::invalid_argument("bond outside the molecule");
    neighbours[static_cast<std::size_t>(i)].insert(j);
    neighbours[static_cast<std::size_t>(j)].insert(i);
  }
  const int A = alf.central;
  const std::set<int>& mine = neighbours[static_cast<std::size_t>(A)];
  bonds_.assign(mine.begin(), mine.end());
  for (auto b = mine.begin(); b != mine.end(); ++b)  // B-A-C
    for (auto c = std::next(b); c != mine.end(); ++c) angles_.push_back({*b, A, *c});
  for (int N : mine)  // A-N-C
    for (int C : neighbours[static_cast<std::size_t>(N)])
      if (C != A) angles_.push_back({A, N, C});
}

Eigen::VectorXd BondedMean::coordinates(const Eigen::Ref<const Eigen::VectorXd>& x,
                                        Eigen::MatrixXd* jacobian) const {
  const Eigen::VectorXd f =
      offset_.size() ? Eigen::VectorXd(offset_ + scale_.cwiseProduct(x)) : Eigen::VectorXd(x);
  std::vector<LocalPosition> local(static_cast<std::size_t>(atoms_));
  std::vector<bool> made(static_cast<std::size_t>(atoms_), false);
  auto at = [&](int B) -> const LocalPosition& {
    if (!made[static_cast<std::size_t>(B)]) {
      local[static_cast<std::size_t>(B)] = local_position(alf_, B, f);
      made[static_cast<std::size_t>(B)] = true;
    }
    return local[static_cast<std::size_t>(B)];
  };
  Eigen::VectorXd q(size());
  if (jacobian) jacobian->setZero(size(), x.size());
  int c = 0;
  for (int B : bonds_) {
    const LocalPosition& b = at(B);
    q(c) = b.p.norm();
    if (jacobian) add_chain(b, b.p / q(c), *jacobian, c);
    ++c;
  }
  for (const Angle& angle : angles_) {
    const LocalPosition &e1 = at(angle.end1), &v = at(angle.vertex), &e2 = at(angle.end2);
    const Vec3 u = e1.p - v.p, w = e2.p - v.p;
    const double lu = u.norm(), lw = w.norm();
    const double cosine = u.dot(w) / (lu * lw);
    q(c) = cosine;
    if (jacobian) {
      const Vec3 dc_du = w / (lu * lw) - cosine * u / (lu * lu);
      const Vec3 dc_dw = u / (lu * lw) - cosine * w / (lw * lw);
      add_chain(e1, dc_du, *jacobian, c);
      add_chain(e2, dc_dw, *jacobian, c);
      add_chain(v, -(dc_du + dc_dw), *jacobian, c);
    }
    ++c;
  }
  if (jacobian && scale_.size()) *jacobian = *jacobian * scale_.asDiagonal();
  return q;
}

void BondedMean::fit(const Eigen::Ref<const Eigen::VectorXd>& x_eq, double y_eq, const Eigen::MatrixXd& X,
                     const Eigen::VectorXd& y) {
  y_eq_ = y_eq;
  q_eq_ = coordinates(x_eq, nullptr);
  Eigen::MatrixXd design(X.rows(), size());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    design.row(i) = (coordinates(X.row(i).transpose(), nullptr) - q_eq_).cwiseAbs2().transpose();
  beta_ = size() ? util::nnls(design, (y.array() - y_eq).matrix()) : Eigen::VectorXd();
}

double BondedMean::value(const Eigen::Ref<const Eigen::VectorXd>& x) const {
  if (!size()) return y_eq_;
  return y_eq_ + beta_.dot((coordinates(x, nullptr) - q_eq_).cwiseAbs2());
}

void BondedMean::add_gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                              Eigen::Ref<Eigen::VectorXd> gradient) const {
  if (!size()) return;
  Eigen::MatrixXd J;
  const Eigen::VectorXd q = coordinates(x, &J);
  gradient += J.transpose() * (2.0 * beta_.cwiseProduct(q - q_eq_));
}

}  // namespace gpiqa::model
