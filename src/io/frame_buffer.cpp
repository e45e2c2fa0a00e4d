#include "gpiqa/io/frame_buffer.hpp"

#include "gpiqa/io/frame_writer.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::io {

void FrameBuffer::append(std::int64_t s, double t, const md::Positions& r, const md::Positions& v,
                         double epot, double ekin, double econs, double T) {
  step.push_back(s);
  time_ps.push_back(t);
  const double v_unit = units::kAngstromPerBohr * 1000.0 * units::kAtomicTimePerFemtosecond;
  for (Eigen::Index a = 0; a < r.cols(); ++a)
    for (int k = 0; k < 3; ++k) {
      positions_angstrom.push_back(r(k, a) * units::kAngstromPerBohr);
      velocities_angstrom_per_ps.push_back(v(k, a) * v_unit);
    }
  potential_hartree.push_back(epot);
  kinetic_hartree.push_back(ekin);
  conserved_hartree.push_back(econs);
  temperature_K.push_back(T);
}

void FrameBuffer::keep_through(std::int64_t last) {
  std::size_t keep = 0;
  while (keep < step.size() && step[keep] <= last) ++keep;
  const std::size_t n3 = 3 * elements.size();
  step.resize(keep), time_ps.resize(keep), potential_hartree.resize(keep), kinetic_hartree.resize(keep);
  conserved_hartree.resize(keep), temperature_K.resize(keep);
  positions_angstrom.resize(keep * n3), velocities_angstrom_per_ps.resize(keep * n3);
}

void FrameBuffer::write(hid_t group) const {
  FrameWriter w(group, elements);
  const std::size_t n3 = 3 * elements.size();
  for (std::size_t f = 0; f < size(); ++f)
    w.write_row(step[f], time_ps[f], positions_angstrom.data() + f * n3,
                velocities_angstrom_per_ps.data() + f * n3, potential_hartree[f], kinetic_hartree[f],
                conserved_hartree[f], temperature_K[f]);
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
  b.potential_hartree = h5::read_doubles(g, "observables/potential_energy/value");
  b.kinetic_hartree = h5::read_doubles(g, "observables/kinetic_energy/value");
  b.conserved_hartree = h5::read_doubles(g, "observables/conserved_energy/value");
  b.temperature_K = h5::read_doubles(g, "observables/temperature/value");
  return b;
}

}  // namespace gpiqa::io
