#pragma once
// The step loop: every trajectory gpiqa runs advances here, alone (a bundle of one: Trajectory::run,
// `gpiqa md`) or with others in lockstep (a campaign bundle, run/job.hpp run_jobs). Each round takes one step
// of every member still running, their forces evaluated in one batch (model::compute_batch: mean variants of
// one model set read its training data once for all of them) and their posterior-variance probes likewise. A
// member that ends (a failure, the end of its duration, its own stop) leaves the round and is reported at
// once. Every member's numbers are those of running it alone, bit for bit: the batch gives each geometry the
// bits of its own evaluation, and nothing else passes between members.
//
// The loop knows members only through LockstepMember: the step's phases (what a Trajectory does) and the
// driver's hooks (frames, checkpoints, the end), so that what it drives depends on it and not the other way.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>

#include "gpiqa/model/potential.hpp"

namespace gpiqa::run {

/// Stop requests are asked, and periodic checkpoints saved, when the lead member's step is a multiple of
/// this.
inline constexpr std::int64_t kPollSteps = 256;

class LockstepMember {
 public:
  virtual ~LockstepMember() = default;

  // One step, in phases: begin_step(); the forces at the geometry into force_entry() (batched with the
  // other members'); end_step(entry), false when the geometry could not be evaluated (the member has
  // ended); if probe_due(), the variance into variance_entry() (batched); observe(that entry or null), true
  // when the member has ended.
  /// Whether another step is due.
  virtual bool step_due() const = 0;
  virtual void begin_step() = 0;
  virtual model::BatchEntry force_entry() = 0;
  virtual bool end_step(const model::BatchEntry& forces) = 0;
  virtual bool probe_due() const = 0;
  virtual model::BatchEntry variance_entry() = 0;
  virtual bool observe(const model::BatchEntry* probe) = 0;
  /// The member's step count (stop requests are polled at multiples of kPollSteps of the lead's).
  virtual std::int64_t step() const = 0;

  // The driver's hooks.
  /// After every step the member survived; false ends it now, as stopped.
  virtual bool after_step() { return true; }
  /// Wall seconds between periodic checkpoints (save()); infinity: none.
  virtual double checkpoint_every_s() const { return std::numeric_limits<double>::infinity(); }
  virtual void save() {}
  /// The member has left the loop: it concluded (stopped false), or a stop request or its own after_step
  /// ended it early (stopped true). `wall_seconds`: its share of the rounds it took part in.
  virtual void end(double wall_seconds, bool stopped) = 0;
};

/// Asked with the index of the first running member whenever its step is a multiple of kPollSteps; false
/// stops every member still running (each ends as stopped).
using KeepRunning = std::function<bool(std::size_t lead)>;
/// Called once a member has ended (after its end()).
using MemberEnded = std::function<void(std::size_t member)>;

/// Runs the members (each ready for its first step, or with no step due) until every one has ended or
/// `keep_running` says stop. Periodic checkpoints (the shortest checkpoint_every_s of the members) are saved
/// at the polls. Each round's wall time is shared out among the members it advanced, so that their
/// wall_seconds add up to the bundle's.
void run_lockstep(std::span<LockstepMember* const> members, const KeepRunning& keep_running = {},
                  const MemberEnded& ended = {});

}  // namespace gpiqa::run
