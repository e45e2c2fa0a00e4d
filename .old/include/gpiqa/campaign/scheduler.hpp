#pragma once
// Runs a campaign over MPI ranks (the only MPI code in gpiqa). Rank 0 coordinates: it keeps a dynamic work
// queue ordered longest-expected-first, hands a task to each rank that asks, receives outcomes and frames as
// messages and is the only writer of the results file, which it updates after every finished task. When the
// job is small (at most `coordinator_works_below` ranks) rank 0 runs trajectories too, servicing messages
// between steps, so `mpirun -np 2` keeps both cores busy. Results do not depend on the number of ranks: every
// task's random stream is keyed by the task itself.
//
// Interruption: SIGTERM or SIGINT on any rank stops handing out work; running tasks checkpoint and stop; the
// results file keeps every finished task. Re-running the same command resumes: finished tasks are kept, tasks
// with a checkpoint resume from it, the rest run.
#include <mpi.h>

#include <string>

#include "gpiqa/campaign/campaign_spec.hpp"

namespace gpiqa::campaign {

struct RunOptions {
  std::string output;   // results file (campaign's output.file unless overridden)
  int shard_index = 0;  // this shard runs tasks with id % shard_count == shard_index
  int shard_count = 1;
  int coordinator_works_below = 5;  // rank 0 also runs tasks when the job has fewer ranks than this
  double progress_interval_s = 30;  // batch-log progress lines (a terminal gets a live line)
};

/// Runs (or resumes) the campaign; collective over `comm`. Returns the process exit code (0: all tasks of
/// this shard finished, 3: interrupted). Throws InputError on rank 0 for bad input before anything runs.
int run_campaign(const CampaignSpec& spec, const RunOptions& options, MPI_Comm comm);

/// Shard file name for `--shard I/N` without --output, and the files `gpiqa slurm` gives its shards:
/// "<stem>.shard-I-of-N.h5" beside the output.
std::string shard_path(const std::string& output, int index, int count);

}  // namespace gpiqa::campaign
