#pragma once
// Trajectory frames as an H5MD 1.1 structure (de Buyl, Colberg, Hoefling, Comput. Phys. Commun. 185, 1546
// (2014); https://www.nongnu.org/h5md/h5md.html), rooted at a file (`gpiqa md --out`) or at a group (a
// campaign task's /trajectories/<task_id>/, a checkpoint's /frames):
//   h5md/                 version = [1, 1]; author/ (name), creator/ (name = "gpiqa", version)
//   particles/all/box     dimension = 3, boundary = ["none", "none", "none"] (a molecule in the gas phase: no
//                         periodic cell, so no edges)
//   particles/all/species atomic numbers, in atom order (time-independent); particles/all has the attribute
//                         `elements` too (symbols, comma separated)
//   particles/all/{position, velocity, force}/{step, time, value}   value: frames x N x 3
//   observables/{potential_energy, kinetic_energy, conserved_energy, temperature}/{step, time, value}
//   observables/dt/{step, time, value}   the time between frames, ps: the first two frames' interval, one
//                         value per frame (MDAnalysis's H5MD reader copies every observable of a frame into
//                         Timestep.data, and Timestep.dt reads data["dt"]: without it, dt warns and is 1 ps).
//                         Written from the second frame on (the first is backfilled then), so a file always
//                         has it for every frame or, while it has one frame, not at all: a shorter series
//                         would stop MDAnalysis reading the file.
// Units, as `unit` attributes in the notation of H5MD's units module that MDAnalysis's H5MD reader
// translates: position "Angstrom", velocity "Angstrom ps-1", force "kJ mol-1 Angstrom-1", time "ps"; the
// energies "hartree", temperature "K". The `unit` attributes are variable-length strings (MDAnalysis 2.4
// matches them as text and cannot match fixed-length ones, which h5py reads as bytes); the /h5md metadata and
// `boundary` are fixed-length ASCII as the specification says. Resuming from a checkpoint drops frames
// written after the checkpoint's step, so the file equals that of an uninterrupted run. A trajectory from
// before forces were written gets NaN forces for its earlier frames.
#include <memory>
#include <string>
#include <vector>

#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/frame_units.hpp"
#include "gpiqa/io/hdf5.hpp"
#include "gpiqa/md/state.hpp"

namespace gpiqa::io {

class FrameWriter {
 public:
  /// Writes the H5MD metadata below `root` (a file or a group) and opens or creates the frame datasets; keeps
  /// frames with step <= keep_through_step when appending.
  FrameWriter(hid_t root, const std::vector<std::string>& elements, long long keep_through_step = -1);
  ~FrameWriter();
  /// Drops frames with step > `step` (resuming from a checkpoint at that step).
  void keep_through(long long step);
  void write(long long step, double time_ps, const md::Positions& positions_bohr,
             const md::Positions& velocities_atomic, const md::Positions& forces_hartree_per_bohr,
             double potential_hartree, double kinetic_hartree, double conserved_hartree,
             double temperature_K);
  /// One frame already in file units (N x 3 row-major: Angstrom, Angstrom/ps, kJ/mol/Angstrom).
  void write_row(long long step, double time_ps, const double* positions_angstrom,
                 const double* velocities_angstrom_per_ps, const double* forces_kj_per_mol_angstrom,
                 double potential_hartree, double kinetic_hartree, double conserved_hartree,
                 double temperature_K);

 private:
  struct Series;
  std::vector<std::unique_ptr<Series>> series_;
  Eigen::Index atoms_;
  struct Interval;  // observables/dt
  std::unique_ptr<Interval> interval_;
};

/// The /h5md metadata group of an H5MD structure rooted at `root`: version [1, 1], author (the user's name
/// from the password database, else the login name) and creator (gpiqa and its version). Replaces what an
/// older gpiqa wrote there (version and creator as plain string attributes).
void write_h5md_metadata(hid_t root);

/// Writes held frames as the H5MD structure of FrameWriter rooted at `root` (a group or a file).
void write_h5md_frames(hid_t root, const FrameBuffer& frames);
/// Reads the frames below `root` into memory; forces are NaN where a trajectory from before forces were
/// written has none, and a frame a killed writer left incomplete is dropped.
FrameBuffer read_h5md_frames(hid_t root);

}  // namespace gpiqa::io
