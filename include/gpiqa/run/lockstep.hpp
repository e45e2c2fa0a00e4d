#pragma once
// Trajectories in lockstep (#14): several TrajectoryJobs advance together, one step of each per round, their
// forces evaluated in one batch (model::compute_batch: mean variants of one model set read its training data
// once for all of them) and their posterior-variance probes likewise. Each member keeps its own random
// stream, monitors, frames, checkpoint and result; a member that ends (a failure, the end of its duration)
// leaves the bundle and is reported at once. Every member's numbers are those of running its job alone, bit
// for bit: the batch gives each geometry the bits of its own evaluation, and nothing else passes between
// members. A stop request (keep_going false) checkpoints every member still running, as it does a job alone.
#include <functional>
#include <span>
#include <vector>

#include "gpiqa/io/frame_sink.hpp"
#include "gpiqa/run/job.hpp"

namespace gpiqa::run {

/// Called when member `member` ends (finished, or interrupted by a stop request), with its result.
using MemberEnded = std::function<void(std::size_t member, const JobResult& result)>;

/// Runs the jobs (each started or resumed) together until every one has ended or `keep_going` says stop; it
/// is asked with the first running member whenever that member's step is a multiple of kPollSteps, as a job
/// alone asks, and periodic checkpoints (the shortest checkpoint_every_s of the members) are saved then.
/// frames[i] (may be null) is job i's frame sink. Each round's wall time is shared out among the members it
/// advanced, so that their wall_seconds add up to the bundle's. Returns every job's result, in job order.
std::vector<JobResult> run_lockstep(std::span<TrajectoryJob* const> jobs,
                                    std::span<io::FrameSink* const> frames, const KeepGoing& keep_going,
                                    const MemberEnded& ended);

}  // namespace gpiqa::run
