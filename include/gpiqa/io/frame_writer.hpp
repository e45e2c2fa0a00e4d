#pragma once
// Trajectory frames in an H5MD-style layout (de Buyl et al., Comput. Phys. Commun. 185, 1546 (2014)):
//   particles/all/position/{step, time, value}   value: frames x N x 3, unit "angstrom"
//   particles/all/velocity/{step, time, value}   unit "angstrom/ps"
//   observables/{potential_energy, kinetic_energy, conserved_energy}/{step, time, value}  unit "hartree"
//   observables/temperature/{step, time, value}  unit "K"
//   time: unit "ps"; particles/all has attribute "elements" (comma separated, atom order).
// Resuming from a checkpoint drops frames written after the checkpoint's step, so the file equals that of an
// uninterrupted run.
#include <memory>
#include <string>
#include <vector>

#include "gpiqa/io/hdf5.hpp"
#include "gpiqa/md/state.hpp"

namespace gpiqa::io {

class FrameWriter {
 public:
  /// Writes below `root` (a file or a group); keeps frames with step <= keep_through_step when appending.
  FrameWriter(hid_t root, const std::vector<std::string>& elements, long long keep_through_step = -1);
  ~FrameWriter();
  /// Drops frames with step > `step` (resuming from a checkpoint at that step).
  void keep_through(long long step);
  void write(long long step, double time_ps, const md::Positions& positions_bohr,
             const md::Positions& velocities_atomic, double potential_hartree, double kinetic_hartree,
             double conserved_hartree, double temperature_K);
  /// One frame already in file units (positions Angstrom, velocities Angstrom/ps, N x 3 row-major).
  void write_row(long long step, double time_ps, const double* positions_angstrom,
                 const double* velocities_angstrom_per_ps, double potential_hartree, double kinetic_hartree,
                 double conserved_hartree, double temperature_K);

 private:
  struct Series;
  std::vector<std::unique_ptr<Series>> series_;
  int atoms_;
};

}  // namespace gpiqa::io
