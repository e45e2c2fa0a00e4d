#pragma once
// Where a trajectory's frames go: held in memory (FrameBuffer: campaign tasks send them to rank 0 and keep
// them in their checkpoints) or streamed to a trajectory file (TrajectoryFile: `gpiqa md --out`). The run
// layer's job drives either through this interface.
#include <cstdint>

#include "gpiqa/md/state.hpp"

namespace gpiqa::io {

struct FrameBuffer;

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  /// One frame: positions in Bohr, velocities in Bohr per atomic time unit, forces in Hartree per Bohr,
  /// energies in Hartree.
  virtual void append(std::int64_t step, double time_ps, const md::Positions& positions_bohr,
                      const md::Positions& velocities_atomic, const md::Positions& forces_hartree_per_bohr,
                      double potential_hartree, double kinetic_hartree, double conserved_hartree,
                      double temperature_K) = 0;
  /// Drops frames after `step` (a run resumed from a checkpoint at that step rewrites them).
  virtual void keep_through(std::int64_t step) = 0;
  /// Makes the frames so far durable (a file flushes); called with every checkpoint.
  virtual void flush() {}
  /// The frames, when they are held in memory (then checkpoints keep them); nullptr otherwise.
  virtual const FrameBuffer* held() const { return nullptr; }
};

}  // namespace gpiqa::io
