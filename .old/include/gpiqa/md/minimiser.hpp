#pragma once
// Local energy minimisation of a potential in Cartesian coordinates: L-BFGS-B (LBFGSpp; Byrd, Lu, Nocedal &
// Zhu, SIAM J. Sci. Comput. 16, 1190 (1995)) on the energy with its analytic gradient (minus the forces).
// Every coordinate stays within max_shift_angstrom of the start, so the result is the minimum *near* the
// start: a GP with a low prior mean can have deeper, unphysical holes elsewhere, and those are what the
// monitors look for, not the reference they are measured against. The start is meant to be (near) a minimum
// already: a supplied equilibrium geometry, which the surrogate's own minimum differs from by hundredths of
// an Angstrom. Units: Bohr, Hartree.
#include "gpiqa/model/potential.hpp"

namespace gpiqa::md {

struct MinimiseOptions {
  double gradient_tolerance = 1e-6;  // Hartree/Bohr, largest force component at convergence
  int max_iterations = 1000;
  double max_shift_angstrom = 0.1;  // box around the start, per coordinate
};

struct MinimiseResult {
  model::Positions positions_bohr;
  double energy_hartree = 0.0;        // at positions_bohr (the lowest energy evaluated)
  double start_energy_hartree = 0.0;  // at the start
  double max_force = 0.0;             // Hartree/Bohr, largest force component at positions_bohr
  int iterations = 0;
};

/// Throws GeometryError when the start itself cannot be evaluated. Points the potential cannot evaluate
/// during the search are treated as infinitely high.
MinimiseResult minimise(model::Potential& potential, const model::Positions& start_bohr,
                        const MinimiseOptions& options = {});

}  // namespace gpiqa::md
