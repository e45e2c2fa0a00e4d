#pragma once
// What a checkpoint holds, as plain data: every number a trajectory needs to continue bit for bit, the run's
// identity and the cadence its job kept. No file format here: io/checkpoint.hpp reads and writes it, and the
// run layer (run/trajectory.hpp, run/job.hpp) fills and continues it without seeing HDF5.
#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "gpiqa/md/state.hpp"
#include "gpiqa/stability/monitor.hpp"
#include "gpiqa/stability/outcome.hpp"

namespace gpiqa::io {

/// A run's identity (run/job.hpp job_identity): its potential and every setting, by key.
using Identity = std::map<std::string, std::string>;

/// How often the job that saved a checkpoint wrote frames and checkpoints, so that a continued run keeps it.
/// The initial values mean "not recorded" (checkpoints from before the cadence was kept).
struct Cadence {
  std::int64_t frames_every = -1;                                        // a frame every N steps (0: none)
  double checkpoint_every_s = std::numeric_limits<double>::quiet_NaN();  // wall seconds between checkpoints
  bool recorded() const { return frames_every >= 0; }
};

/// Everything a trajectory needs to continue bit for bit.
struct Checkpoint {
  md::MdState state;  // forces and potential are recomputed on restart
  stability::RunningMetrics metrics;
  md::Positions reference_bohr;  // undisplaced start geometry (bonds)
  stability::Outcome outcome;    // pending while running
  std::uint64_t seed = 0, task_key = 0;
  std::string integrator;
  Cadence cadence;  // the saving job's; not part of the trajectory's state
};

}  // namespace gpiqa::io
