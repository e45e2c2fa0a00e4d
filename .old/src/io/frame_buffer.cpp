#include "gpiqa/io/frame_buffer.hpp"

#include <algorithm>
#include <limits>

#include "gpiqa/io/frame_writer.hpp"

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

void FrameBuffer::write(hid_t group) const {
  FrameWriter w(group, elements);
  const std::size_t n3 = 3 * elements.size();
  for (std::size_t f = 0; f < size(); ++f)
    w.write_row(step[f], time_ps[f], positions_angstrom.data() + f * n3,
                velocities_angstrom_per_ps.data() + f * n3, forces_kj_per_mol_angstrom.data() + f * n3,
                potential_hartree[f], kinetic_hartree[f], conserved_hartree[f], temperature_K[f]);
}

FrameBuffer FrameBuffer::read(hid_t g) {
  FrameBuffer b;
  h5::Handle all = h5::group(g, "particles/all", false);
  const std::string joined = h5::string_attribute(all.id(), "elements");
  std::size_t start = 0;
  while (start < joined.size()) {
    std::size_t end = joined.find(',', start);
    if (end == std::string::npos) end = joined.size();
    b.elements.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  b.step = h5::read_ints(g, "particles/all/position/step");
  b.time_ps = h5::read_doubles(g, "particles/all/position/time");
  b.positions_angstrom = h5::read_doubles(g, "particles/all/position/value");
  b.velocities_angstrom_per_ps = h5::read_doubles(g, "particles/all/velocity/value");
  if (h5::exists(g, "particles/all/force/value"))
    b.forces_kj_per_mol_angstrom = h5::read_doubles(g, "particles/all/force/value");
  else
    b.forces_kj_per_mol_angstrom.assign(b.positions_angstrom.size(),
                                        std::numeric_limits<double>::quiet_NaN());
  b.potential_hartree = h5::read_doubles(g, "observables/potential_energy/value");
  b.kinetic_hartree = h5::read_doubles(g, "observables/kinetic_energy/value");
  b.conserved_hartree = h5::read_doubles(g, "observables/conserved_energy/value");
  b.temperature_K = h5::read_doubles(g, "observables/temperature/value");
  // A file whose writer was killed mid-frame: keep the frames every element has.
  const std::size_t n3 = 3 * b.elements.size();
  std::size_t complete =
      std::min({b.step.size(), b.time_ps.size(), b.potential_hartree.size(), b.kinetic_hartree.size(),
                b.conserved_hartree.size(), b.temperature_K.size()});
  if (n3 > 0)
    complete = std::min({complete, b.positions_angstrom.size() / n3, b.velocities_angstrom_per_ps.size() / n3,
                         b.forces_kj_per_mol_angstrom.size() / n3});
  b.truncate(complete);
  return b;
}

}  // namespace gpiqa::io
