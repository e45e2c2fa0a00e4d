#pragma once
// Runs a campaign over MPI ranks. Rank 0 coordinates (campaign/coordinator.hpp): it keeps a dynamic work
// queue of bundles (campaign/bundle.hpp: tasks a rank advances in lockstep; one task each where bundling is
// off) ordered longest-expected-first, hands a bundle to each rank that asks, receives every task's outcome
// and frames as a message as soon as that task ends and is the only writer of the results file, which it
// updates as tasks finish (several at once when their results arrive together: one journal fsync for them
// all); progress and ETA count tasks (trajectories). The other ranks work (campaign/worker.hpp). When the
// job is small (fewer than `coordinator_works_below` ranks) rank 0 runs trajectories too, servicing messages
// between steps, so `mpirun -np 2` keeps both cores busy. Results do not depend on the number of ranks: every
// task's random stream is keyed by the task itself. The ranks talk through campaign/transport.hpp; the MPI
// code is campaign/mpi_transport.cpp alone.
//
// One writer per results file: rank 0 takes the file's writer lock (io/writer_lock.hpp) before it reads or
// creates the file, and holds it to the end; a second run on the same output is refused on every rank at
// once.
//
// Interruption: SIGTERM or SIGINT on any rank stops handing out work; running tasks checkpoint and stop; the
// results file keeps every finished task. Re-running the same command resumes: finished tasks are kept, tasks
// with a checkpoint resume from it, the rest run.
#include <mpi.h>

#include <string>

#include "gpiqa/campaign/campaign_spec.hpp"
#include "gpiqa/campaign/run_options.hpp"
#include "gpiqa/campaign/transport.hpp"

namespace gpiqa::campaign {

/// Runs (or resumes) the campaign; collective over `comm`. Returns the process exit code (0: all tasks of
/// this shard finished, 3: interrupted, on ranks other than 0 also 2 and 4 as below). Throws on rank 0 before
/// anything runs: io::LockedError when another writer holds the results file (exit code 4), InputError for
/// bad input (2). `report`, when given, is filled on rank 0.
int run_campaign(const CampaignSpec& spec, const RunOptions& options, MPI_Comm comm,
                 RunReport* report = nullptr);
/// The same over any transport (campaign/transport.hpp; run_campaign over `comm` uses MpiTransport).
int run_campaign(const CampaignSpec& spec, const RunOptions& options, Transport& transport,
                 RunReport* report = nullptr);

/// Shard file name for `--shard I/N` without --output, and the files `gpiqa slurm` gives its shards:
/// "<stem>.shard-I-of-N.h5" beside the output.
std::string shard_path(const std::string& output, int index, int count);

}  // namespace gpiqa::campaign
