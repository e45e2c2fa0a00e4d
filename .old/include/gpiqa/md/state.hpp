#pragma once
// The dynamic state of one trajectory, in Hartree atomic units: positions in Bohr, velocities in Bohr per
// atomic time unit (hbar/E_h = 0.0241888 fs), masses in electron masses, energies in Hartree.
// Everything a bit-identical restart needs is here (the random stream has no state of its own).
#include <vector>

#include <Eigen/Core>

#include "gpiqa/model/alf.hpp"

namespace gpiqa::md {

using model::Positions;

struct MdState {
  Positions positions;     // Bohr
  Positions velocities;    // Bohr / atomic time
  Eigen::VectorXd masses;  // electron masses
  long long step = 0;
  std::vector<double> thermostat;     // the integrator's own variables (e.g. NHC positions and velocities)
  double heat_removed_hartree = 0.0;  // energy the thermostat took out (CSVR, Langevin)
  // derived from positions (recomputed on restart, never saved)
  Positions forces;  // Hartree / Bohr
  double potential_hartree = 0.0;
};

/// Kinetic energy, Hartree.
double kinetic_energy(const MdState& s);
/// Instantaneous kinetic temperature for `dof` degrees of freedom, Kelvin.
double kinetic_temperature(const MdState& s, int dof);
/// Removes centre-of-mass velocity and rigid-body angular velocity (about the centre of mass).
void remove_rigid_motion(const Positions& positions, const Eigen::VectorXd& masses, Positions& velocities);
/// True when the atoms lie on a line (smallest principal moment negligible).
bool is_linear(const Positions& positions, const Eigen::VectorXd& masses);
/// Internal degrees of freedom: 3N-6, 3N-5 for a linear molecule, 1 for a diatomic, 0 for one atom.
int internal_degrees_of_freedom(const Positions& positions, const Eigen::VectorXd& masses);

}  // namespace gpiqa::md
