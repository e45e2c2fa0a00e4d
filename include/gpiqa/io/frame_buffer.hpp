#pragma once
// Frames of one trajectory held in memory (a campaign task sends them to rank 0 with its outcome, and keeps
// them in its checkpoint so a resumed task still has its early frames). In the units of io/frame_units.hpp;
// written to and read from the H5MD layout by io/frame_writer.hpp (write_h5md_frames, read_h5md_frames).
#include <cstdint>
#include <string>
#include <vector>

#include "gpiqa/io/frame_sink.hpp"
#include "gpiqa/md/state.hpp"

namespace gpiqa::io {

struct FrameBuffer : FrameSink {
  std::vector<std::string> elements;
  std::vector<std::int64_t> step;
  std::vector<double> time_ps;
  std::vector<double> positions_angstrom, velocities_angstrom_per_ps,
      forces_kj_per_mol_angstrom;  // N x 3 per frame
  std::vector<double> potential_hartree, kinetic_hartree, conserved_hartree, temperature_K;

  std::size_t size() const { return step.size(); }
  void append(std::int64_t step, double time_ps, const md::Positions& positions_bohr,
              const md::Positions& velocities_atomic, const md::Positions& forces_hartree_per_bohr,
              double potential, double kinetic, double conserved, double temperature) override;
  /// Drops frames after `step`.
  void keep_through(std::int64_t step) override;
  /// Keeps the first `frames` frames.
  void truncate(std::size_t frames);
  const FrameBuffer* held() const override { return this; }
};

}  // namespace gpiqa::io
