#pragma once
// What `gpiqa run` asks of a campaign run (campaign/scheduler.hpp), and where the run keeps its files.
#include <string>

namespace gpiqa::campaign {

struct RunOptions {
  std::string output;   // results file (campaign's output.file unless overridden)
  int shard_index = 0;  // this shard runs tasks with id % shard_count == shard_index
  int shard_count = 1;
  int bundle = -1;  // bundle size (--bundle): -1 the campaign's md.bundle, 0 auto, else the size
  int coordinator_works_below = 5;  // rank 0 also runs tasks when the job has fewer ranks than this
  double progress_interval_s = 30;  // batch-log progress lines (a terminal gets a live line)
  bool break_lock = false;          // take over a lock held on another host (--break-lock)
};

/// What a run did, beyond its exit code (on rank 0).
struct RunReport {
  bool nothing_to_do = false;  // every task of this shard was already recorded: nothing ran
};

/// The folder of the tasks' checkpoints (task-<id>.h5) beside the results file `output`.
inline std::string checkpoint_dir_for(const std::string& output) {
  return output + ".checkpoints";
}

}  // namespace gpiqa::campaign
