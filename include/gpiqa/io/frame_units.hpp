#pragma once
// The units frames are kept in, in memory (io/frame_buffer.hpp) and in files (io/frame_writer.hpp, H5MD):
// positions in Angstrom, velocities in Angstrom/ps, forces in kJ/mol/Angstrom, atom-major N x 3 rows.
#include <cstddef>
#include <limits>
#include <vector>

#include "gpiqa/md/state.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::io {

// Factors from gpiqa's atomic units (Bohr, Bohr per atomic time, Hartree per Bohr) to the file's units.
inline constexpr double kFileAngstromPerBohr = units::kAngstromPerBohr;
inline constexpr double kFileAngstromPerPsPerAtomicVelocity =
    units::kAngstromPerBohr * 1000.0 * units::kAtomicTimePerFemtosecond;
inline constexpr double kFileKJPerMolAngstromPerAtomicForce =
    units::kKJPerMolPerHartree / units::kAngstromPerBohr;

/// Appends the 3 x N matrix `m` times `factor` to `out` as N x 3 rows (the file's atom-major order); N rows
/// of NaN when `m` is not 3 x `atoms` (forces a failed evaluation never produced).
inline void append_rows(const md::Positions& m, double factor, Eigen::Index atoms, std::vector<double>& out) {
  if (m.rows() != 3 || m.cols() != atoms) {
    out.insert(out.end(), static_cast<std::size_t>(3 * atoms), std::numeric_limits<double>::quiet_NaN());
    return;
  }
  for (Eigen::Index a = 0; a < atoms; ++a)
    for (int k = 0; k < 3; ++k) out.push_back(m(k, a) * factor);
}

}  // namespace gpiqa::io
