#include "gpiqa/io/frame_buffer.hpp"

#include "gpiqa/io/frame_units.hpp"

namespace gpiqa::io {

void FrameBuffer::append(std::int64_t s, double t, const md::Positions& r, const md::Positions& v,
                         const md::Positions& f, double epot, double ekin, double econs, double T) {
  step.push_back(s);
  time_ps.push_back(t);
  const auto atoms = static_cast<Eigen::Index>(elements.size());
  append_rows(r, kFileAngstromPerBohr, atoms, positions_angstrom);
  append_rows(v, kFileAngstromPerPsPerAtomicVelocity, atoms, velocities_angstrom_per_ps);
  append_rows(f, kFileKJPerMolAngstromPerAtomicForce, atoms, forces_kj_per_mol_angstrom);
  potential_hartree.push_back(epot);
  kinetic_hartree.push_back(ekin);
  conserved_hartree.push_back(econs);
  temperature_K.push_back(T);
}

void FrameBuffer::keep_through(std::int64_t last) {
  std::size_t keep = 0;
  while (keep < step.size() && step[keep] <= last) ++keep;
  truncate(keep);
}

void FrameBuffer::truncate(std::size_t keep) {
  const std::size_t n3 = 3 * elements.size();
  step.resize(keep), time_ps.resize(keep), potential_hartree.resize(keep), kinetic_hartree.resize(keep);
  conserved_hartree.resize(keep), temperature_K.resize(keep);
  positions_angstrom.resize(keep * n3), velocities_angstrom_per_ps.resize(keep * n3);
  forces_kj_per_mol_angstrom.resize(keep * n3);
}

}  // namespace gpiqa::io
