#pragma once
// One NVT (or NVE) trajectory of one molecule under one potential, watched by the stability monitors:
// initial conditions -> steps -> outcome. A Checkpoint holds everything needed to continue bit for bit.
//
// Initial conditions: the given geometry, optionally displaced (the "high-energy starting geometries" of
// FFLUX stability studies) by Gaussian noise of sigma displace_angstrom on every Cartesian coordinate
// (kGaussian: an atom moves by sigma sqrt(3) on average, so a bond deviates by about sigma sqrt(2) per
// direction), or by exactly displace_angstrom per atom in a uniformly random direction (kSphere: every atom
// moved by that distance); velocities from Maxwell-Boltzmann at the target temperature, then centre-of-mass
// translation and rotation removed. Bonds for the monitors come from the undisplaced geometry.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "gpiqa/io/checkpoint_state.hpp"
#include "gpiqa/md/integrator.hpp"
#include "gpiqa/md/random_stream.hpp"
#include "gpiqa/md/state.hpp"
#include "gpiqa/model/potential.hpp"
#include "gpiqa/run/lockstep.hpp"
#include "gpiqa/run/start.hpp"
#include "gpiqa/stability/monitor.hpp"
#include "gpiqa/stability/outcome.hpp"

namespace gpiqa::run {

using md::Integrator;
using md::IntegratorConfig;
using md::MdState;
using md::Positions;
using md::RandomStream;

struct TrajectorySpec {
  IntegratorConfig integrator;
  double duration_ps = 10.0;
  std::uint64_t seed = 1;
  std::uint64_t task_key = 0;  // identity of the task within a campaign: separates random streams
  double displace_angstrom = 0.0;
  DisplaceMode displace_mode = DisplaceMode::kGaussian;
  /// Controlled start (run/start.hpp): the seed's direction scaled so that the start lies this far above the
  /// minimum by a reference potential (the job's); NaN: displaced by displace_angstrom instead.
  double start_energy_above_minimum_kcal_mol = std::numeric_limits<double>::quiet_NaN();
  stability::MonitorConfig monitors;
  /// The potential's energy at its minimum near the (undisplaced) start; NaN: the trajectory finds it by
  /// minimising the start (md/minimiser.hpp). Callers that run many trajectories of one potential pass it.
  double equilibrium_energy_hartree = std::numeric_limits<double>::quiet_NaN();
};

/// The potential's energy at its minimum near `start_bohr` (md::minimise), Hartree; NaN when the start cannot
/// be evaluated (a degenerate local frame).
double equilibrium_energy(model::Potential& potential, const Positions& start_bohr);

/// The most steps one trajectory may have: 2^53, where step counts stop being exact as doubles (times).
inline constexpr std::int64_t kMaxSteps = std::int64_t{1} << 53;

/// Throws InputError for a non-positive duration, one shorter than a time step or longer than kMaxSteps
/// steps, a negative displacement, or bad integrator/monitor settings.
void validate(const TrajectorySpec& spec);

using Checkpoint = io::Checkpoint;

/// A LockstepMember (run/lockstep.hpp): the loop advances it, alone or with others.
class Trajectory : public LockstepMember {
 public:
  /// A fresh trajectory from `equilibrium_bohr` displaced by the spec's displacement (run/start.hpp).
  Trajectory(model::Potential& potential, const Positions& equilibrium_bohr, TrajectorySpec spec);
  /// A fresh trajectory from `start_bohr` as given; bonds, the energy floor and the start's strain are
  /// measured from `equilibrium_bohr`.
  Trajectory(model::Potential& potential, const Positions& equilibrium_bohr, const Positions& start_bohr,
             TrajectorySpec spec);
  /// Continues a checkpoint (the duration may differ from the original). Throws InputError when the
  /// checkpoint does not belong to this spec (seed, task or integrator differ, or the atom count).
  Trajectory(model::Potential& potential, Checkpoint checkpoint, TrajectorySpec spec);

  /// Called after every step; return false to stop early (the outcome then stays pending).
  using StepCallback = std::function<bool(const Trajectory&)>;
  /// Runs to the end of the duration or the first failure: the step loop (run/lockstep.hpp) with this
  /// trajectory alone.
  stability::Outcome run(const StepCallback& after_step = {});

  // One step, in the phases of LockstepMember (run/lockstep.hpp), for the step loop. After the last step,
  // conclude() (the loop's end()).
  bool step_due() const override;
  void begin_step() override;
  model::BatchEntry force_entry() override;
  bool end_step(const model::BatchEntry& forces) override;
  bool probe_due() const override;
  model::BatchEntry variance_entry() override;
  bool observe(const model::BatchEntry* probe) override;
  std::int64_t step() const override { return state_.step; }
  bool after_step() override { return !after_step_ || (*after_step_)(*this); }
  void end(double wall_seconds, bool /*stopped*/) override { conclude(wall_seconds); }
  /// Ends a run: adds its wall time, sets stable at the end of the duration, fills the summary fields.
  void conclude(double wall_seconds);

  Checkpoint checkpoint() const;
  /// Ends a fresh trajectory at step 0 as invalid-start with `reason` (a controlled start its direction
  /// cannot give, run/start.hpp); the start measurements, taken at the unscaled geometry, are cleared.
  void reject_start(const std::string& reason);
  /// Records the start's energy above the minimum by the molecule's reference (the job measures it).
  void set_start_energy_by_reference(double kcal_mol) {
    outcome_.start_energy_above_minimum_kcal_mol = kcal_mol;
  }
  const MdState& state() const { return state_; }
  const stability::Outcome& outcome() const { return outcome_; }
  const stability::RunningMetrics& metrics() const { return metrics_; }
  const Integrator& integrator() const { return *integrator_; }
  std::int64_t total_steps() const;
  double time_ps() const;
  double temperature_K() const;
  double conserved_hartree() const { return integrator_->conserved_energy(state_); }
  bool finished() const { return outcome_.status != stability::Status::kPending; }

 private:
  void make_monitor();
  /// Sets the outcome's energy floor: the spec's equilibrium energy (or the start's minimum) minus the
  /// margin.
  void set_energy_floor();
  /// Posterior-variance probes (stability/monitor.hpp): at the start, every extrapolation_every_fs, at a
  /// failure.
  std::int64_t probe_interval_steps() const;
  void probe_variance();
  void record_probe(const model::BatchEntry& probe);
  void fail(stability::Status status, const std::string& reason);

  model::Potential& potential_;
  TrajectorySpec spec_;
  RandomStream rng_;
  std::unique_ptr<Integrator> integrator_;
  std::unique_ptr<stability::StabilityMonitor> monitor_;
  MdState state_;
  Positions reference_;
  stability::RunningMetrics metrics_;
  stability::Outcome outcome_;
  Eigen::VectorXd variance_;                  // per atom, reused between probes
  const StepCallback* after_step_ = nullptr;  // run()'s, while it runs
};

}  // namespace gpiqa::run
