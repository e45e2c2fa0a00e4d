#pragma once
// One trajectory job: the single driver behind `gpiqa md` and every campaign task. A job is a member of the
// step loop (run/lockstep.hpp) around a Trajectory: frames every N steps (and a last one where a run fails
// between them), periodic atomic checkpoints in one layout (io/checkpoint.hpp), stop requests, and resuming a
// checkpoint with its frames. Callers choose the potential and the start (run/potential_source.hpp) and where
// frames go (io::FrameSink).
//
// A checkpoint's identity records what the run was: the potential's identity and every setting of the
// TrajectorySpec (settings_identity), so `gpiqa md --restart FILE` continues from the file alone; the
// checkpoint keeps the job's cadence too (frames_every, checkpoint_every_s).
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "gpiqa/io/checkpoint_state.hpp"
#include "gpiqa/io/frame_sink.hpp"
#include "gpiqa/model/potential.hpp"
#include "gpiqa/run/lockstep.hpp"
#include "gpiqa/run/trajectory.hpp"

namespace gpiqa::run {

struct JobSettings {
  std::int64_t frames_every = 0;   // a frame every N steps, and the start; 0: none
  std::string checkpoint;          // checkpoint file; empty: none
  double checkpoint_every_s = 60;  // wall seconds between periodic checkpoints
  bool checkpoint_at_end = true;   // also save when the run ends (to be continued to a longer duration)
  io::Identity identity;           // recorded in checkpoints (see job_identity)
};

struct JobResult {
  stability::Outcome outcome;
  bool interrupted = false;  // stopped on request before its end; the checkpoint holds the state
  std::int64_t steps_this_run = 0;
};

/// Asked every kPollSteps steps (run/lockstep.hpp) whether to go on (a stop signal, a coordinator's word),
/// with the lead trajectory; also the place for progress lines. Returning false checkpoints the run and ends
/// it as interrupted.
using KeepGoing = std::function<bool(const Trajectory&)>;

/// Where a job starts (run/start.hpp).
struct StartGeometry {
  Positions equilibrium_bohr;  // the molecule's geometry: bonds, the energy floor and the start's strain
                               // refer to it
  std::optional<Positions>
      frame_bohr;  // a given start geometry (campaign start.frames), displaced like x0 if asked
  /// The molecule's reference: it sets controlled starts (spec.start_energy_above_minimum_kcal_mol) and the
  /// recorded start_energy_above_minimum_kcal_mol. Null: controlled starts use the trajectory's own potential
  /// and nothing is recorded.
  model::Potential* reference = nullptr;
  double reference_minimum_hartree = std::numeric_limits<double>::quiet_NaN();  // found when NaN
};

struct MadeStart {
  Positions start_bohr;
  double reference_energy_above_minimum_kcal_mol =
      std::numeric_limits<double>::quiet_NaN();  // NaN: no reference
};
/// The start geometry of a trajectory of `spec` on `potential` (run/start.hpp): a given frame or the
/// equilibrium geometry, displaced, or scaled to the spec's energy by the geometry's reference (else by
/// `potential`). UnreachableStart when a controlled start cannot be reached.
MadeStart make_start(model::Potential& potential, const TrajectorySpec& spec, const StartGeometry& geometry);

class TrajectoryJob : public LockstepMember {
 public:
  TrajectoryJob(model::Potential& potential, TrajectorySpec spec, JobSettings settings);
  ~TrajectoryJob() override;

  /// A fresh trajectory from `equilibrium_bohr`, displaced or energy-controlled as the spec says.
  void start(const Positions& equilibrium_bohr);
  /// A fresh trajectory from `geometry`. UnreachableStart (run/start.hpp) for a controlled start the
  /// reference cannot reach.
  void start(const StartGeometry& geometry);
  /// A fresh trajectory that ends at step 0 as invalid-start with `reason`: what a campaign records for a
  /// task whose controlled start cannot be made (UnreachableStart), so that the others run.
  void start_rejected(const StartGeometry& geometry, const std::string& reason);
  /// Continues `checkpoint`. InputError when the checkpoint belongs to another trajectory.
  void resume(io::Checkpoint checkpoint);
  /// Runs to the end of the duration, the first failure, or a stop request. Frames go to `frames` (may be
  /// null): a fresh run's first frame, every frames_every steps, the last one; a resumed run first drops the
  /// sink's frames after its checkpoint's step. A sink that holds its frames is kept in the checkpoints.
  /// The same as run_jobs of this job alone.
  JobResult run(io::FrameSink* frames, const KeepGoing& keep_going = {});

  const Trajectory& trajectory() const { return *trajectory_; }
  Trajectory& trajectory() { return *trajectory_; }
  const JobSettings& settings() const { return settings_; }
  /// What the job's last run ended with (valid once the step loop has ended it).
  const JobResult& result() const { return result_; }

  /// Before the job enters the step loop: where its frames go (the first frame of a fresh run is due now).
  void begin(io::FrameSink* frames);

  // LockstepMember: the trajectory's step phases, and the job's hooks (frames after a step, checkpoints,
  // the end).
  bool step_due() const override { return trajectory_->step_due(); }
  void begin_step() override { trajectory_->begin_step(); }
  model::BatchEntry force_entry() override { return trajectory_->force_entry(); }
  bool end_step(const model::BatchEntry& forces) override { return trajectory_->end_step(forces); }
  bool probe_due() const override { return trajectory_->probe_due(); }
  model::BatchEntry variance_entry() override { return trajectory_->variance_entry(); }
  bool observe(const model::BatchEntry* probe) override { return trajectory_->observe(probe); }
  std::int64_t step() const override { return trajectory_->step(); }
  bool after_step() override;
  double checkpoint_every_s() const override;
  void save() override;
  void end(double wall_seconds, bool stopped) override;

 private:
  void append_frame();

  model::Potential& potential_;
  TrajectorySpec spec_;
  JobSettings settings_;
  io::FrameSink* frames_ = nullptr;
  std::unique_ptr<Trajectory> trajectory_;
  JobResult result_;
  bool fresh_ = false;      // started, not resumed: the first frame is due
  std::int64_t first_ = 0;  // the step this run began at
};

/// Called when job `job` ends (finished, or interrupted by a stop request), with its result.
using JobEnded = std::function<void(std::size_t job, const JobResult& result)>;

/// Runs the jobs (each started or resumed) together in the step loop (run/lockstep.hpp) until every one has
/// ended or `keep_going` says stop (asked with the lead trajectory). frames[i] (may be null) is job i's frame
/// sink. Returns every job's result, in job order.
std::vector<JobResult> run_jobs(std::span<TrajectoryJob* const> jobs, std::span<io::FrameSink* const> frames,
                                const KeepGoing& keep_going = {}, const JobEnded& ended = {});

/// A checkpoint's identity: the potential's identity plus every setting of `spec` (thermostat, temperature_K,
/// timestep_fs, tau_fs, chain_length, friction_per_ps, duration_ps, seed, displace_angstrom, displace_mode
/// and the monitor thresholds), numbers in shortest round-trip form.
io::Identity job_identity(const io::Identity& potential, const TrajectorySpec& spec);

/// The spec to continue a checkpoint with: each setting the checkpoint records, unless it is in `given` (said
/// on the command line), then the requested one, which must agree with the checkpoint's (InputError naming
/// `checkpoint` otherwise) except duration_ps, which may change. Settings the checkpoint lacks (older files)
/// keep the requested value.
TrajectorySpec continue_spec(const io::Identity& saved, const TrajectorySpec& requested,
                             const std::set<std::string>& given, const std::string& checkpoint);

}  // namespace gpiqa::run
