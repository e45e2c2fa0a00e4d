#pragma once
// Trajectory frames as extended XYZ (the libAtoms/ASE convention: https://github.com/libAtoms/extxyz), what
// `gpiqa export` writes for ASE and OVITO. Each frame is "N", a comment line of key=value pairs, then one
// line per atom with the columns the comment's Properties key names:
//   Properties=species:S:1:pos:R:3:masses:R:1:momenta:R:3:velo:R:3:forces:R:3
//   energy=<potential, eV> kinetic_energy=<eV> total_energy=<potential + kinetic, eV>
//   conserved_energy=<the integrator's conserved quantity, eV> temperature=<K> time=<ps> step=<MD step>
//   pbc="F F F" units="..." (every quantity's unit)
// Units are ASE's where ASE interprets a column: ase.io.read maps pos to get_positions() (Angstrom), forces
// and energy to the calculator's results (eV/Angstrom, eV), masses to get_masses() (amu) and momenta to
// get_momenta() in ASE's unit sqrt(eV amu), so get_velocities() = momenta / masses is in ASE's velocity unit
// Angstrom / (Angstrom sqrt(amu/eV)) = Angstrom / 10.1805 fs. `velo` holds the same velocities in
// Angstrom/fs, the column name OVITO and the libAtoms tools read as velocities (ASE keeps it as a plain
// array). Per-atom values have 10 decimals; the comment's numbers are written to round-trip exactly.
#include <ostream>

#include "gpiqa/io/frame_buffer.hpp"

namespace gpiqa::io {

/// Writes every frame of `frames`. InputError for an element gpiqa has no mass for.
void write_extxyz(std::ostream& out, const FrameBuffer& frames);

}  // namespace gpiqa::io
