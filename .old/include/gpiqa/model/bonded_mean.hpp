#pragma once
// The `bonded+` prior mean of one atom A: a non-negative quadratic in A's covalent coordinates only,
// anchored at the molecule's equilibrium geometry,
//   m(x) = y_eq + sum_c beta_c (q_c(x) - q_c,eq)^2,   beta_c >= 0,
// where the coordinates q_c are
//   - the length of every bond of A (to a covalent neighbour B): |r_B - r_A|,
//   - the cosine of every valence angle that contains a bond of A: B-A-C for two neighbours B, C of A, and
//     A-N-C for a neighbour N of A and another neighbour C of N,
// all computed from A's ALF features (the geometry is rebuilt in A's local frame, alf.hpp
// positions_from_features). y_eq is A's energy at the equilibrium geometry (as the model was trained) and
// q_eq its coordinates there; beta comes from non-negative least squares of (y_i - y_eq) on (q_c - q_c,eq)^2
// over the training points (Lawson & Hanson 1974; util/nnls.hpp).
//
// So m rises whenever a bond or an angle leaves its equilibrium value, in either direction (cos is monotonic
// on [0, pi]), has zero gradient at the equilibrium geometry, curvature 2 beta_c along a bond and
// 2 beta_c sin^2(angle_eq) along an angle there, and is flat in every non-bonded feature. Angles enter
// through their cosines (the GROMOS-96 cosine-harmonic form) so the mean stays smooth through 180 degrees,
// where an angle itself is not differentiable.
//
// The mean acts in the model's internal (possibly standardised) feature space like every mean function: raw
// features are x_raw = offset + scale .* x.
#include <vector>

#include <Eigen/Core>

#include "gpiqa/model/alf.hpp"

namespace gpiqa::model {

class BondedMean {
 public:
  BondedMean() = default;
  /// Coordinates of atom `alf.central` in a molecule of `number_of_atoms` atoms with covalent `bonds`
  /// (0-based pairs, any order). `offset`/`scale` map internal to raw features (empty: identity).
  BondedMean(const Alf& alf, int number_of_atoms, const std::vector<std::pair<int, int>>& bonds,
             Eigen::VectorXd offset, Eigen::VectorXd scale);

  /// Number of coordinates q (bond lengths, then angle cosines).
  int size() const { return static_cast<int>(bonds_.size() + angles_.size()); }
  int bond_count() const { return static_cast<int>(bonds_.size()); }
  /// q at internal features x; dq/dx (size() x features) into `jacobian` when not null.
  Eigen::VectorXd coordinates(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::MatrixXd* jacobian) const;

  /// Fits y_eq, q_eq and beta >= 0: `x_eq` the internal features at equilibrium, `y_eq` the energy there,
  /// X/y the internal training inputs (one point per row) and energies.
  void fit(const Eigen::Ref<const Eigen::VectorXd>& x_eq, double y_eq, const Eigen::MatrixXd& X,
           const Eigen::VectorXd& y);

  double value(const Eigen::Ref<const Eigen::VectorXd>& x) const;
  /// Adds dm/dx to `gradient`.
  void add_gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> gradient) const;

  double y_eq() const { return y_eq_; }
  const Eigen::VectorXd& q_eq() const { return q_eq_; }
  const Eigen::VectorXd& beta() const { return beta_; }

 private:
  struct Angle {
    int end1, vertex, end2;  // atoms (0-based); the angle end1-vertex-end2
  };
  Alf alf_;
  int atoms_ = 0;
  std::vector<int> bonds_;  // the other atom of each bond of A
  std::vector<Angle> angles_;
  Eigen::VectorXd offset_, scale_;
  Eigen::VectorXd q_eq_, beta_;
  double y_eq_ = 0.0;
};

}  // namespace gpiqa::model
