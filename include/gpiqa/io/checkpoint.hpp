#pragma once
// Checkpoints of a trajectory in HDF5: every number a bit-identical restart needs, stored as native doubles
// (exact). Layout of a checkpoint group:
//   attributes  format="gpiqa-checkpoint", format_version, seed, task_key, integrator, step,
//               heat_removed_hartree, status, reason, failure_step, identity.* (what the run was: models,
//               mean...)
//   datasets    positions_bohr, velocities_bohr_per_atomic_time, reference_bohr (N x 3), masses_electron (N),
//               thermostat (M), metrics (named attributes on a group)
#include <map>
#include <string>

#include "gpiqa/io/hdf5.hpp"
#include "gpiqa/md/trajectory.hpp"

namespace gpiqa::io {

using Identity = std::map<std::string, std::string>;

void write_checkpoint(hid_t group, const md::Checkpoint& checkpoint, const Identity& identity);
md::Checkpoint read_checkpoint(hid_t group, Identity* identity);

/// Writes `path` atomically (temporary file + rename), so a kill mid-write leaves the previous checkpoint.
void save_checkpoint(const std::string& path, const md::Checkpoint& checkpoint, const Identity& identity);
md::Checkpoint load_checkpoint(const std::string& path, Identity* identity);

}  // namespace gpiqa::io
