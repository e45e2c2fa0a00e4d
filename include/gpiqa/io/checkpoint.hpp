#pragma once
// Checkpoints of a trajectory in HDF5 (the plain data: io/checkpoint_state.hpp): every number a bit-identical
// restart needs, stored as native doubles (exact). One layout for `gpiqa md` and campaign tasks. Root of a
// checkpoint file:
//   attributes  format="gpiqa-checkpoint", format_version, seed, task_key, integrator, step,
//               heat_removed_hartree, outcome.<field> (the record of stability/outcome.hpp),
//               identity.<key> (what the run was: its potential, thermostat and settings; see run/job.hpp),
//               frames_every, checkpoint_every_s (the saving job's cadence; absent in older files)
//   datasets    positions_bohr, velocities_bohr_per_atomic_time, reference_bohr (N x 3), masses_electron (N),
//               thermostat (M)
//   groups      metrics (the running metrics as attributes), frames (the frames so far, H5MD-style, when the
//               run keeps them in memory: campaign tasks)
// Files are replaced atomically (temporary file + rename), so a kill mid-write leaves the previous
// checkpoint.
#include <string>

#include "gpiqa/io/checkpoint_state.hpp"
#include "gpiqa/io/frame_buffer.hpp"

namespace gpiqa::io {

/// Writes `path` atomically; `frames`, when given, are kept in the file.
void save_checkpoint(const std::string& path, const Checkpoint& checkpoint, const Identity& identity,
                     const FrameBuffer* frames = nullptr);
/// InputError naming the file when it is missing or not a gpiqa checkpoint. `frames`, when given, receives
/// the frames kept in the file (none: empty), cut to the checkpoint's step.
Checkpoint load_checkpoint(const std::string& path, Identity* identity, FrameBuffer* frames = nullptr);

}  // namespace gpiqa::io
