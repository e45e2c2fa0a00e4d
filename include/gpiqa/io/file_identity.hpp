#pragma once
// What an existing file is, and which run wrote it: commands that write an output (`gpiqa md --out`,
// `--checkpoint`) write only into a file that is their own, and say which file and why otherwise. A gpiqa
// checkpoint and a `gpiqa md` trajectory record the run's identity (run::job_identity: the potential and
// every setting) as root attributes identity.<key>; a results file names its campaign.
#include <string>

#include "gpiqa/io/checkpoint_state.hpp"

namespace gpiqa::io {

struct FileIdentity {
  enum class Kind { kMissing, kTrajectory, kCheckpoint, kResults, kOtherHdf5, kUnopenableHdf5, kNotHdf5 };
  Kind kind = Kind::kMissing;
  Identity identity;  // trajectory or checkpoint: the run's identity (empty: written before it was kept)
  std::string
      description;  // "a gpiqa results file (campaign 'study')", "an HDF5 file gpiqa did not write", ...
};

/// Looks at `path` without changing it (read-only, no HDF5 file locking).
FileIdentity identify_file(const std::string& path);

/// The first setting, other than duration_ps (a continued run may extend it), in which two run identities
/// differ, as "KEY A, not B" ("" when they agree). A key only one side has counts as a difference.
std::string identity_difference(const Identity& file, const Identity& run);

}  // namespace gpiqa::io
