#include "gpiqa/run/trajectory.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gpiqa/md/elements.hpp"
#include "gpiqa/md/integrator.hpp"
#include "gpiqa/md/minimiser.hpp"
#include "gpiqa/stability/restoring.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::run {

void validate(const TrajectorySpec& spec) {
  validate(spec.integrator);
  stability::validate(spec.monitors);
  if (!(spec.duration_ps > 0) || !std::isfinite(spec.duration_ps))
    throw InputError("duration", "must be positive, got " + util::format_double(spec.duration_ps) + " ps");
  const double steps = spec.duration_ps * 1000.0 / spec.integrator.timestep_fs;
  if (!(steps >= 0.5 && steps <= static_cast<double>(kMaxSteps)))
    throw InputError("duration", fmt::format("{} ps at {} fs per step is {:.4g} steps, outside 1..2^53",
                                             spec.duration_ps, spec.integrator.timestep_fs, steps));
  if (!(spec.displace_angstrom >= 0) || !std::isfinite(spec.displace_angstrom))
    throw InputError("displacement",
                     "must be >= 0, got " + util::format_double(spec.displace_angstrom) + " A");
  const double e = spec.start_energy_above_minimum_kcal_mol;
  if (!std::isnan(e)) {
    if (!(e > 0) || !std::isfinite(e))
      throw InputError("start energy",
                       fmt::format("must be a positive number of kcal/mol above the minimum, got {}", e));
    if (spec.displace_angstrom > 0)
      throw InputError(
          "start energy",
          "a controlled start scales the seed's direction itself: give it or a displacement, not both");
  }
}

namespace {
Eigen::VectorXd masses_of(const std::vector<std::string>& elements) {
  Eigen::VectorXd m(static_cast<Eigen::Index>(elements.size()));
  for (std::size_t a = 0; a < elements.size(); ++a)
    m(static_cast<Eigen::Index>(a)) = md::atomic_mass_dalton(elements[a]) * units::kElectronMassPerDalton;
  return m;
}
}  // namespace

Trajectory::Trajectory(model::Potential& potential, const Positions& equilibrium, TrajectorySpec spec)
    : Trajectory(potential, equilibrium,
                 displaced(equilibrium, spec.displace_angstrom, spec.displace_mode,
                           md::RandomStream(spec.seed, spec.task_key)),
                 spec) {}

Trajectory::Trajectory(model::Potential& potential, const Positions& equilibrium, const Positions& start,
                       TrajectorySpec spec)
    : potential_(potential), spec_(std::move(spec)), rng_(spec_.seed, spec_.task_key) {
  validate(spec_);
  const int n = potential_.atom_count();
  if (start.cols() != n || equilibrium.cols() != n)
    throw InputError("geometry has " + std::to_string(start.cols()) + " atoms, the model " +
                     std::to_string(n));
  reference_ = equilibrium;
  state_.masses = masses_of(potential_.elements());
  state_.positions = start;
  std::vector<double> xi(static_cast<std::size_t>(3 * n));
  rng_.normals(0, md::RandomPurpose::kInitialVelocities, xi);
  const double kT = units::kBoltzmannHartreePerKelvin * spec_.integrator.temperature_K;
  state_.velocities.resize(3, n);
  for (int a = 0; a < n; ++a)
    for (int k = 0; k < 3; ++k)
      state_.velocities(k, a) = std::sqrt(kT / state_.masses(a)) * xi[static_cast<std::size_t>(3 * a + k)];
  md::remove_rigid_motion(state_.positions, state_.masses, state_.velocities);
  integrator_ =
      Integrator::create(spec_.integrator, md::internal_degrees_of_freedom(reference_, state_.masses), n);
  integrator_->initialise(state_);
  outcome_.start_temperature_K = temperature_K();
  set_energy_floor();
  make_monitor();
  double max_bond_deviation = 0;
  for (const auto& [i, j] : monitor_->bonds())
    max_bond_deviation = std::max(
        max_bond_deviation,
        std::abs((start.col(i) - start.col(j)).norm() - (equilibrium.col(i) - equilibrium.col(j)).norm()));
  outcome_.start_max_bond_deviation_angstrom = max_bond_deviation * units::kAngstromPerBohr;
  try {
    md::compute_forces(state_, potential_, nullptr);
    outcome_.start_model_energy_above_minimum_kcal_mol =
        (state_.potential_hartree - outcome_.equilibrium_energy_hartree) * units::kKcalPerMolPerHartree;
    probe_variance();
    const auto& bonds = monitor_->bonds();
    outcome_.start_restoring_fraction =
        stability::restoring_probe(bonds, start, equilibrium, state_.forces).restoring_fraction;
    double prior_energy = 0;
    Positions prior_forces;
    if (potential_.prior_mean(start, prior_energy, &prior_forces))
      outcome_.start_restoring_fraction_prior =
          stability::restoring_probe(bonds, start, equilibrium, prior_forces).restoring_fraction;
    // A start that a geometry or temperature monitor rejects at step 0 is the start's failure, not the
    // model's.
    const auto verdict = monitor_->check(state_, temperature_K(), conserved_hartree(), time_ps(), metrics_);
    if (verdict)
      fail(verdict->potential_independent ? stability::Status::kInvalidStart : verdict->status,
           verdict->potential_independent ? "invalid start: " + verdict->reason : verdict->reason);
  } catch (const GeometryError& e) {
    fail(stability::Status::kFailed, e.what());
  }
}

Trajectory::Trajectory(model::Potential& potential, Checkpoint cp, TrajectorySpec spec)
    : potential_(potential), spec_(std::move(spec)), rng_(spec_.seed, spec_.task_key) {
  validate(spec_);
  if (cp.seed != spec_.seed || cp.task_key != spec_.task_key || cp.integrator != spec_.integrator.type)
    throw InputError("checkpoint belongs to another trajectory (seed, task or thermostat differ)");
  if (cp.state.positions.cols() != potential_.atom_count())
    throw InputError("checkpoint has " + std::to_string(cp.state.positions.cols()) + " atoms, the model " +
                     std::to_string(potential_.atom_count()));
  if (cp.reference_bohr.cols() != cp.state.positions.cols())
    throw InputError("checkpoint has " + std::to_string(cp.reference_bohr.cols()) + " reference atoms and " +
                     std::to_string(cp.state.positions.cols()) + " atoms");
  state_ = std::move(cp.state);
  reference_ = std::move(cp.reference_bohr);
  metrics_ = cp.metrics;
  outcome_ = cp.outcome;
  integrator_ = Integrator::create(
      spec_.integrator, md::internal_degrees_of_freedom(reference_, state_.masses), potential_.atom_count());
  // The thermostat variables must be the ones this integrator keeps (e.g. 2 per Nose-Hoover chain element).
  md::MdState fresh;
  integrator_->initialise(fresh);
  if (fresh.thermostat.size() != state_.thermostat.size())
    throw InputError(fmt::format("checkpoint has {} thermostat variables, the {} thermostat{} keeps {}",
                                 state_.thermostat.size(), spec_.integrator.type,
                                 spec_.integrator.type == "nhc"
                                     ? fmt::format(" with chain length {}", spec_.integrator.chain_length)
                                     : "",
                                 fresh.thermostat.size()));
  make_monitor();
  // A run that reached its end continues when the new duration is longer; a failure is final.
  if (outcome_.status == stability::Status::kStable && state_.step < total_steps()) {
    outcome_.status = stability::Status::kPending;
    outcome_.reason.clear();
  }
  if (!finished()) {
    try {
      md::compute_forces(state_, potential_, nullptr);
    } catch (const GeometryError& e) {
      fail(stability::Status::kFailed, e.what());
    }
  }
}

double equilibrium_energy(model::Potential& potential, const Positions& start_bohr) {
  try {
    return md::minimise(potential, start_bohr).energy_hartree;
  } catch (const GeometryError&) {
    return std::numeric_limits<double>::quiet_NaN();  // the start cannot be evaluated: it fails at step 0
  }
}

void Trajectory::set_energy_floor() {
  const double margin = spec_.monitors.energy_floor_margin_hartree;
  if (std::isnan(margin)) return;
  double e_eq = spec_.equilibrium_energy_hartree;
  if (std::isnan(e_eq)) e_eq = equilibrium_energy(potential_, reference_);
  outcome_.equilibrium_energy_hartree = e_eq;
  outcome_.energy_floor_hartree_absolute = e_eq - margin;
}

void Trajectory::make_monitor() {
  monitor_ = std::make_unique<stability::StabilityMonitor>(spec_.monitors, potential_.elements(), reference_,
                                                           spec_.integrator.temperature_K,
                                                           outcome_.equilibrium_energy_hartree);
}

std::int64_t Trajectory::total_steps() const {
  return std::llround(spec_.duration_ps * 1000.0 / spec_.integrator.timestep_fs);
}

double Trajectory::time_ps() const {
  return static_cast<double>(state_.step) * spec_.integrator.timestep_fs / 1000.0;
}

double Trajectory::temperature_K() const {
  return md::kinetic_temperature(state_, integrator_->degrees_of_freedom());
}

void Trajectory::reject_start(const std::string& reason) {
  outcome_.start_energy_above_minimum_kcal_mol = stability::kNoValue;
  outcome_.start_model_energy_above_minimum_kcal_mol = stability::kNoValue;
  outcome_.start_max_bond_deviation_angstrom = stability::kNoValue;
  outcome_.start_restoring_fraction = stability::kNoValue;
  outcome_.start_restoring_fraction_prior = stability::kNoValue;
  fail(stability::Status::kInvalidStart, "invalid start: " + reason);
}

void Trajectory::fail(stability::Status status, const std::string& reason) {
  outcome_.status = status;
  outcome_.reason = reason;
  outcome_.failure_step = state_.step;
  outcome_.time_to_failure_ps = time_ps();
}

std::int64_t Trajectory::probe_interval_steps() const {
  return std::max<std::int64_t>(
      1, std::llround(spec_.monitors.extrapolation_every_fs / spec_.integrator.timestep_fs));
}

void Trajectory::probe_variance() {
  model::BatchEntry probe = variance_entry();
  model::posterior_variance_batch({&probe, 1});
  record_probe(probe);
}

void Trajectory::record_probe(const model::BatchEntry& probe) {
  if (!probe.error.empty()) throw GeometryError(probe.error);
  if (!probe.has_variance) return;
  monitor_->record_variance_probe(variance_.maxCoeff(), time_ps(), metrics_);
}

bool Trajectory::step_due() const {
  return !finished() && state_.step < total_steps();
}

void Trajectory::begin_step() {
  integrator_->before_forces(state_, rng_);
}

model::BatchEntry Trajectory::force_entry() {
  model::BatchEntry e;
  e.potential = &potential_;
  e.positions_bohr = &state_.positions;
  e.forces = &state_.forces;
  return e;
}

bool Trajectory::end_step(const model::BatchEntry& forces) {
  if (!forces.error.empty()) {
    ++state_.step;  // the step that could not be completed
    fail(stability::Status::kFailed, forces.error);
    return false;
  }
  state_.potential_hartree = forces.energy_hartree;
  integrator_->after_forces(state_, rng_);
  return true;
}

bool Trajectory::probe_due() const {
  return state_.step % probe_interval_steps() == 0;
}

model::BatchEntry Trajectory::variance_entry() {
  model::BatchEntry e;
  e.potential = &potential_;
  e.positions_bohr = &state_.positions;
  e.variance = &variance_;
  return e;
}

bool Trajectory::observe(const model::BatchEntry* probe) {
  if (probe) record_probe(*probe);
  const auto verdict = monitor_->check(state_, temperature_K(), conserved_hartree(), time_ps(), metrics_);
  if (verdict) {
    fail(verdict->status, verdict->reason);
    // the variance where the model failed, too (a failure is final, so a continued run never repeats it)
    if (!probe) {
      try {
        probe_variance();
      } catch (const GeometryError&) {
        // a degenerate frame: no variance to measure
      }
    }
  }
  return finished();
}

void Trajectory::conclude(double wall_seconds) {
  metrics_.wall_seconds += wall_seconds;
  if (!finished() && state_.step >= total_steps()) {
    outcome_.status = stability::Status::kStable;
    outcome_.reason = "reached the end of the run";
  }
  outcome_.steps = state_.step;
  outcome_.simulated_ps = time_ps();
  stability::fill_summary(metrics_, potential_.atom_count(), outcome_);
}

stability::Outcome Trajectory::run(const StepCallback& after_step) {
  after_step_ = after_step ? &after_step : nullptr;
  LockstepMember* self = this;
  run_lockstep({&self, 1});
  after_step_ = nullptr;
  return outcome_;
}

Checkpoint Trajectory::checkpoint() const {
  Checkpoint cp;
  cp.state = state_;
  cp.state.forces.resize(3, 0);  // derived: recomputed on restart
  cp.metrics = metrics_;
  cp.reference_bohr = reference_;
  cp.outcome = outcome_;
  cp.seed = spec_.seed;
  cp.task_key = spec_.task_key;
  cp.integrator = spec_.integrator.type;
  return cp;
}

}  // namespace gpiqa::run
