#pragma once
// One trajectory job: the single driver behind `gpiqa md` and every campaign task. It owns the drive loop
// around a Trajectory: frames every N steps (and a last one where a run fails between them), periodic atomic
// checkpoints in one layout (io/checkpoint.hpp), stop requests, and resuming a checkpoint with its frames.
// Callers choose the potential and the start (run/potential_source.hpp) and where frames go (io::FrameSink).
//
// A checkpoint's identity records what the run was: the potential's identity and every setting of the
// TrajectorySpec (settings_identity), so `gpiqa md --restart FILE` continues from the file alone.
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/io/frame_sink.hpp"
#include "gpiqa/model/potential.hpp"
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

/// Asked every kPollSteps steps whether to go on (a stop signal, a coordinator's word); also the place for
/// progress lines. Returning false checkpoints the run and ends it as interrupted.
using KeepGoing = std::function<bool(const Trajectory&)>;
inline constexpr std::int64_t kPollSteps = 256;

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

class TrajectoryJob {
 public:
  TrajectoryJob(model::Potential& potential, TrajectorySpec spec, JobSettings settings);
  ~TrajectoryJob();

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
  /// The same as run_lockstep (run/lockstep.hpp) of this job alone.
  JobResult run(io::FrameSink* frames, const KeepGoing& keep_going = {});

  const Trajectory& trajectory() const { return *trajectory_; }
  Trajectory& trajectory() { return *trajectory_; }
  const JobSettings& settings() const { return settings_; }

  // The pieces of run() for run_lockstep: begin() before the first step; after_step() after every step the
  // trajectory survived (frames); save() for the periodic checkpoints; finish() once the trajectory has
  // concluded, or when a stop request interrupts it (`stopped`).
  void begin(io::FrameSink* frames);
  void after_step();
  void save();
  JobResult finish(bool stopped);

 private:
  void append_frame();

  model::Potential& potential_;
  TrajectorySpec spec_;
  JobSettings settings_;
  io::FrameSink* frames_ = nullptr;
  std::unique_ptr<Trajectory> trajectory_;
  bool fresh_ = false;      // started, not resumed: the first frame is due
  std::int64_t first_ = 0;  // the step this run began at
};

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
