#include "gpiqa/run/job.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <type_traits>

#include <fmt/format.h>

#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/md/integrator.hpp"
#include "gpiqa/run/lockstep.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::run {
namespace {

// Every setting of a TrajectorySpec as (identity key, member): the one list job_identity and continue_spec
// use.
template <class S, class F>
void for_each_setting(S& s, F&& f) {
  f("thermostat", s.integrator.type);
  f("temperature_K", s.integrator.temperature_K);
  f("timestep_fs", s.integrator.timestep_fs);
  f("tau_fs", s.integrator.tau_fs);
  f("chain_length", s.integrator.chain_length);
  f("friction_per_ps", s.integrator.friction_per_ps);
  f("duration_ps", s.duration_ps);
  f("seed", s.seed);
  f("displace_angstrom", s.displace_angstrom);
  f("displace_mode", s.displace_mode);
  f("start_energy_above_minimum_kcal_mol", s.start_energy_above_minimum_kcal_mol);
  f("bond_stretch_angstrom", s.monitors.bond_stretch_angstrom);
  f("min_distance_angstrom", s.monitors.min_distance_angstrom);
  f("bond_compress_fraction", s.monitors.bond_compress_fraction);
  f("max_temperature_excess_K", s.monitors.max_temperature_excess_K);
  f("temperature_window_fs", s.monitors.temperature_window_fs);
  f("energy_floor_hartree", s.monitors.energy_floor_margin_hartree);
  f("extrapolation_kernel", s.monitors.extrapolation_kernel);
  f("extrapolation_every_fs", s.monitors.extrapolation_every_fs);
  f("extrapolation_variance", s.monitors.extrapolation_variance);
  f("bond_factor", s.monitors.bond_factor);
}

template <class T>
std::string text_of(const T& v) {
  if constexpr (std::is_same_v<T, DisplaceMode>)
    return to_string(v);
  else
    return fmt::format("{}", v);  // shortest round-trip form for doubles
}

template <class T>
T value_of(const std::string& text, const std::string& key, const std::string& checkpoint) {
  if constexpr (std::is_same_v<T, std::string>) {
    return text;
  } else if constexpr (std::is_same_v<T, DisplaceMode>) {
    return parse_displace_mode(text, checkpoint);
  } else {
    char* end = nullptr;
    T v{};
    if constexpr (std::is_floating_point_v<T>)
      v = std::strtod(text.c_str(), &end);
    else
      v = static_cast<T>(std::strtoull(text.c_str(), &end, 10));
    if (end == text.c_str() || *end != '\0')
      throw InputError(checkpoint, "checkpoint setting " + key + " = '" + text + "' is not a number");
    return v;
  }
}

}  // namespace

io::Identity job_identity(const io::Identity& potential, const TrajectorySpec& spec) {
  io::Identity id = potential;
  for_each_setting(spec, [&](const char* key, const auto& v) { id[key] = text_of(v); });
  return id;
}

TrajectorySpec continue_spec(const io::Identity& saved, const TrajectorySpec& requested,
                             const std::set<std::string>& given, const std::string& checkpoint) {
  TrajectorySpec spec = requested;
  for_each_setting(spec, [&](const char* key, auto& v) {
    using T = std::decay_t<decltype(v)>;
    const auto it = saved.find(key);
    if (it == saved.end()) return;
    if (!given.count(key)) {
      v = value_of<T>(it->second, key, checkpoint);
    } else if (std::string(key) != "duration_ps" && text_of(v) != it->second) {
      throw InputError(checkpoint, "checkpoint was made with " + std::string(key) + " = " + it->second +
                                       ", not " + text_of(v));
    }
  });
  return spec;
}

TrajectoryJob::TrajectoryJob(model::Potential& potential, TrajectorySpec spec, JobSettings settings)
    : potential_(potential), spec_(std::move(spec)), settings_(std::move(settings)) {}

TrajectoryJob::~TrajectoryJob() = default;

void TrajectoryJob::start(const Positions& equilibrium_bohr) {
  StartGeometry g;
  g.equilibrium_bohr = equilibrium_bohr;
  start(g);
}

MadeStart make_start(model::Potential& potential, const TrajectorySpec& spec, const StartGeometry& g) {
  const Positions& x0 = g.equilibrium_bohr;
  const Positions& base = g.frame_bohr ? *g.frame_bohr : x0;
  model::Potential& reference = g.reference ? *g.reference : potential;
  double minimum = g.reference_minimum_hartree;
  const bool controlled = !std::isnan(spec.start_energy_above_minimum_kcal_mol);
  if ((controlled || g.reference) && std::isnan(minimum)) minimum = equilibrium_energy(reference, x0);
  const md::RandomStream rng(spec.seed, spec.task_key);
  MadeStart made;
  made.start_bohr =
      controlled
          ? controlled_start(reference, base, minimum,
                             displacement_direction(static_cast<int>(x0.cols()), spec.displace_mode, rng),
                             spec.start_energy_above_minimum_kcal_mol, "start.energy_above_minimum_kcal_mol")
                .start_bohr
          : displaced(base, spec.displace_angstrom, spec.displace_mode, rng);
  if (g.reference || controlled) {
    try {
      made.reference_energy_above_minimum_kcal_mol =
          (reference.compute(made.start_bohr, nullptr, nullptr, nullptr) - minimum) *
          units::kKcalPerMolPerHartree;
    } catch (const GeometryError&) {
      // the reference cannot evaluate the start: nothing to record
    }
  }
  return made;
}

void TrajectoryJob::start(const StartGeometry& g) {
  const MadeStart made = make_start(potential_, spec_, g);
  trajectory_ = std::make_unique<Trajectory>(potential_, g.equilibrium_bohr, made.start_bohr, spec_);
  trajectory_->set_start_energy_by_reference(made.reference_energy_above_minimum_kcal_mol);
  fresh_ = true;
}

void TrajectoryJob::start_rejected(const StartGeometry& g, const std::string& reason) {
  trajectory_ = std::make_unique<Trajectory>(potential_, g.equilibrium_bohr,
                                             g.frame_bohr ? *g.frame_bohr : g.equilibrium_bohr, spec_);
  trajectory_->reject_start(reason);
  fresh_ = true;
}

void TrajectoryJob::resume(io::Checkpoint checkpoint) {
  trajectory_ = std::make_unique<Trajectory>(potential_, std::move(checkpoint), spec_);
  fresh_ = false;
}

void TrajectoryJob::append_frame() {
  const Trajectory& t = *trajectory_;
  const MdState& s = t.state();
  frames_->append(s.step, t.time_ps(), s.positions, s.velocities, s.forces, s.potential_hartree,
                  md::kinetic_energy(s), t.conserved_hartree(), t.temperature_K());
}

void TrajectoryJob::save() {
  if (frames_) frames_->flush();
  if (settings_.checkpoint.empty()) return;
  io::Checkpoint cp = trajectory_->checkpoint();
  cp.cadence = {settings_.frames_every, settings_.checkpoint_every_s};
  io::save_checkpoint(settings_.checkpoint, cp, settings_.identity, frames_ ? frames_->held() : nullptr);
}

double TrajectoryJob::checkpoint_every_s() const {
  return settings_.checkpoint.empty() ? std::numeric_limits<double>::infinity()
                                      : settings_.checkpoint_every_s;
}

void TrajectoryJob::begin(io::FrameSink* frames) {
  frames_ = frames;
  first_ = trajectory_->state().step;
  if (frames_ && !fresh_) frames_->keep_through(first_);
  if (frames_ && settings_.frames_every > 0 && fresh_ && first_ == 0) append_frame();
  fresh_ = false;
}

bool TrajectoryJob::after_step() {
  if (frames_ && settings_.frames_every > 0 && trajectory_->state().step % settings_.frames_every == 0)
    append_frame();
  return true;
}

void TrajectoryJob::end(double wall_seconds, bool stopped) {
  Trajectory& t = *trajectory_;
  t.conclude(wall_seconds);
  result_ = JobResult();
  result_.outcome = t.outcome();
  result_.steps_this_run = t.state().step - first_;
  if (stopped && !t.finished()) {
    result_.interrupted = true;
    save();
    return;
  }
  // the last frame of a run that ended between frame steps (a failure shows its final geometry)
  const std::int64_t every = settings_.frames_every;
  if (frames_ && every > 0 && result_.steps_this_run > 0 && result_.outcome.steps % every != 0)
    append_frame();
  if (settings_.checkpoint_at_end)
    save();
  else if (frames_)
    frames_->flush();
}

JobResult TrajectoryJob::run(io::FrameSink* frames, const KeepGoing& keep_going) {
  TrajectoryJob* self = this;
  return run_jobs({&self, 1}, {&frames, 1}, keep_going).front();
}

std::vector<JobResult> run_jobs(std::span<TrajectoryJob* const> jobs, std::span<io::FrameSink* const> frames,
                                const KeepGoing& keep_going, const JobEnded& ended) {
  std::vector<LockstepMember*> members;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    jobs[i]->begin(frames[i]);
    members.push_back(jobs[i]);
  }
  run_lockstep(members,
               keep_going
                   ? KeepRunning([&](std::size_t lead) { return keep_going(jobs[lead]->trajectory()); })
                   : KeepRunning(),
               [&](std::size_t i) {
                 if (ended) ended(i, jobs[i]->result());
               });
  std::vector<JobResult> results;
  for (TrajectoryJob* job : jobs) results.push_back(job->result());
  return results;
}

}  // namespace gpiqa::run
