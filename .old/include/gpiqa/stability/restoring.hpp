#pragma once
// The restoring-force probe: do a potential's forces at a strained geometry point back toward equilibrium?
// (The static evidence of the FFLUX mean-function study: at high-energy starts the surviving model's forces
// stretch short bonds and compress long ones, the collapsing models' do not.)
//
// At a geometry r with equilibrium r_eq, for every bond b (the monitors' bonds, found at r_eq): the deviation
// d_b = L_b(r) - L_b(r_eq) and the generalised force on the bond lengths
//   f = (B B^T)^+ B F,      B_bk = dL_b/dr_k at r (Wilson B matrix),  F the Cartesian forces,
// the force along each bond with the motion of the others accounted for in the least-squares sense (Wilson,
// Decius & Cross 1955; Pulay & Fogarasi, J. Chem. Phys. 96, 2856 (1992)). For an energy harmonic in the bond
// lengths, E = sum k_b d_b^2 / 2, it is exactly f_b = -k_b d_b, even where bonds share atoms; the plain
// projection (F_j - F_i).u_ij is not. Bond b restores when d_b f_b < 0 (a long bond pulled shorter, a short
// one pushed longer); restoring_fraction is the share of bonds with d_b != 0 that restore. Units: Bohr,
// Hartree/Bohr; deviations reported in Angstrom.
#include <string>
#include <utility>
#include <vector>

#include "gpiqa/model/alf.hpp"

namespace gpiqa::stability {

using Bond = std::pair<int, int>;

/// Atom pairs closer than bond_factor x (sum of covalent radii, Cordero 2008) in `reference_bohr`.
std::vector<Bond> find_bonds(const std::vector<std::string>& elements, const model::Positions& reference_bohr,
                             double bond_factor);

struct BondForce {
  Bond atoms;
  double deviation_angstrom = 0.0;      // L(r) - L(r_eq)
  double force_hartree_per_bohr = 0.0;  // f_b: > 0 pushes the bond longer
  bool restoring = false;
};

struct RestoringProbe {
  std::vector<BondForce> bonds;
  double restoring_fraction = 0.0;  // NaN when no bond deviates
};

RestoringProbe restoring_probe(const std::vector<Bond>& bonds, const model::Positions& positions_bohr,
                               const model::Positions& equilibrium_bohr, const model::Positions& forces);

}  // namespace gpiqa::stability
