#pragma once
// Atomic local frame (ALF) features and their exact Cartesian Jacobian.
//
// For atom A with local frame (A, X, Y) and v_X = r_X - r_A, v_Y = r_Y - r_A:
//   f1 = |v_X|,  f2 = |v_Y|,  f3 = angle(v_X, v_Y)                      (Bohr, Bohr, radians)
// Frame: e_x = v_X/|v_X|,  e_y = normalised part of v_Y orthogonal to e_x,  e_z = e_x x e_y.
// Every other atom B, in ascending index order, adds (r, theta, phi) of v = r_B - r_A in that frame:
//   (x, y, z) = (v.e_x, v.e_y, v.e_z),  r = |v|,  theta = acos(z/r),  phi = atan2(y, x).
// That gives 3N-6 features per atom (Mills & Popelier, Theor. Chem. Acc. 2012; JCTC 10, 3840 (2014)).
// The angles are taken as atan2: f3 = atan2(b, a) (v_Y = a e_x + b e_y below), theta = atan2(rho, z) (exact
// near 0 and pi, where acos is not), by util::vector_atan2 (within 2 ulp of std::atan2, all of an atom's
// angles in SIMD packets).
//
// Forces, in reverse mode (the chain rule from the energy's feature gradient g = dE/df back to the atoms,
// never forming the Jacobian). Write v_Y = a e_x + b e_y (b > 0). An infinitesimal change of v_X, v_Y turns
// the frame by a small rotation omega (de_i = omega x e_i); in frame components
//   omega_z = (dv_X . e_y)/|v_X|,  omega_y = -(dv_X . e_z)/|v_X|,  omega_x = (dv_Y . e_z + a omega_y)/b,
// i.e. omega = W_X dv_X + W_Y dv_Y (from e_x = v_X/|v_X| and e_z . v_Y = 0). The local coordinates q = (x, y,
// z) of B change as dq = R dv + q x omega, R = rows (e_x, e_y, e_z). With p = dE/dq of B's triple,
//   dr/dq = q/r,  dtheta/dq = (x z, y z, -rho^2)/(r^2 rho),  dphi/dq = (-y, x, 0)/rho^2,  rho^2 = x^2 + y^2,
// p . dq = (R^T p) . dv + omega . (p x q), so that B gets dE/dr_B = R^T p and the frame collects
// c = sum_B p x q: dE/dv_X += W_X^T c, dE/dv_Y += W_Y^T c; A gets minus all of it (translation invariance).
// For the angle f3: df3/dv_X = -e_y/|v_X|,  df3/dv_Y = (-sin f3 e_x + cos f3 e_y)/|v_Y|.
// phi is singular where rho = 0 (B on the local z axis); its derivative is then infinite, which the MD
// monitors catch as non-finite forces.
#include <vector>

#include <Eigen/Core>

namespace gpiqa::model {

using Positions = Eigen::Matrix<double, 3, Eigen::Dynamic>;  // one column per atom, Bohr

/// Local frame of one atom: 0-based indices of the central atom, the x-axis atom and the xy-plane atom.
struct Alf {
  int central = 0;
  int x_axis = 1;
  int xy_plane = 2;
};

inline int alf_feature_count(int number_of_atoms) {
  return 3 * number_of_atoms - 6;
}

/// Where the angles are in the feature vector (0-based h): f3 (h = 2), then theta and phi of every spherical
/// triple (h = 3k+1, 3k+2 from h = 4). The phi features (h = 5, 8, 11, ...) are the only ones that go round a
/// whole circle, so the kernel wraps their differences and mean functions may treat them apart.
inline bool is_phi_feature(int h) {
  return h >= 5 && (h - 5) % 3 == 0;
}
inline bool is_angle_feature(int h) {
  return h == 2 || (h > 2 && h % 3 != 0);
}

/// What the forces of one atom's features need (reverse mode, above): the frame, the gradients of the first
/// three features, and per other atom B its local coordinates and the derivatives of its spherical
/// coordinates.
struct AlfAdjoint {
  int central = 0, x_axis = 1, xy_plane = 2;
  Eigen::Matrix3d R;                                 // rows e_x, e_y, e_z
  Eigen::Matrix3d W_X;                               // omega = W_X dv_X + W_Y dv_Y
  Eigen::Vector3d W_Y_row;                           // W_Y's only non-zero row (omega_x): e_z / b
  Eigen::Vector3d e_X, e_Y, angle_X, angle_Y;        // df1/dv_X, df2/dv_Y, df3/dv_X, df3/dv_Y
  std::vector<int> others;                           // B of every spherical triple, in feature order
  Eigen::Matrix<double, 3, Eigen::Dynamic> q;        // B's local coordinates
  Eigen::Matrix<double, 3, Eigen::Dynamic> inverse;  // 1/r, 1/(r^2 rho), 1/rho^2
};

/// Sine of the X-A-Y angle below which the frame counts as degenerate (collinear atoms).
inline constexpr double kDegenerateFrameSine = 1e-8;

/// Computes the features of atom `alf.central` (and what its forces need when `adjoint` is not null).
/// Throws GeometryError on a degenerate frame (coincident or collinear A, X, Y) naming the atoms (1-based).
void alf_features(const Positions& positions_bohr, const Alf& alf, Eigen::Ref<Eigen::VectorXd> features,
                  AlfAdjoint* adjoint);

/// The inverse of alf_features up to rigid motion: a geometry (Bohr, n atoms) whose features in `alf` are
/// `features`. A at the origin, X on +x at f1, Y in the xy plane at f2 (cos f3, sin f3, 0), every other atom
/// B (ascending index) at r (sin theta cos phi, sin theta sin phi, cos theta): the local frame becomes the
/// Cartesian one. A whole-molecule feature vector fixes the geometry up to rotation and translation, so
/// anything rigid-invariant (distances, angles, force-field energies) is the same at the rebuilt geometry.
/// std::invalid_argument when the sizes do not fit (features.size() != 3 n - 6 or the frame outside n).
Positions positions_from_features(const Alf& alf, const Eigen::Ref<const Eigen::VectorXd>& features,
                                  int number_of_atoms);

/// Adds -sum_h g_h d f_h/dr to `forces` (g = dE/df): the chain rule from feature gradient to Cartesian
/// forces.
void accumulate_forces(const AlfAdjoint& adjoint, const Eigen::Ref<const Eigen::VectorXd>& dE_df,
                       Positions& forces);

}  // namespace gpiqa::model
