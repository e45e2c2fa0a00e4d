#include "gpiqa/run/job.hpp"

#include <chrono>
#include <cstdlib>
#include <type_traits>

#include <fmt/format.h>

#include "gpiqa/md/integrator.hpp"
#include "gpiqa/util/error.hpp"

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
  f("bond_stretch_angstrom", s.monitors.bond_stretch_angstrom);
  f("min_distance_angstrom", s.monitors.min_distance_angstrom);
  f("bond_compress_fraction", s.monitors.bond_compress_fraction);
  f("max_temperature_excess_K", s.monitors.max_temperature_excess_K);
  f("temperature_window_fs", s.monitors.temperature_window_fs);
  f("energy_floor_hartree", s.monitors.energy_floor_margin_hartree);
  f("extrapolation_kernel", s.monitors.extrapolation_kernel);
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

void TrajectoryJob::start(const Positions& start_bohr) {
  trajectory_ = std::make_unique<Trajectory>(potential_, start_bohr, spec_);
  fresh_ = true;
}

void TrajectoryJob::resume(io::Checkpoint checkpoint) {
  trajectory_ = std::make_unique<Trajectory>(potential_, std::move(checkpoint), spec_);
  fresh_ = false;
}

void TrajectoryJob::append_frame() {
  const Trajectory& t = *trajectory_;
  const MdState& s = t.state();
  frames_->append(s.step, t.time_ps(), s.positions, s.velocities, s.potential_hartree, md::kinetic_energy(s),
                  t.conserved_hartree(), t.temperature_K());
}

void TrajectoryJob::save() {
  if (frames_) frames_->flush();
  if (settings_.checkpoint.empty()) return;
  io::save_checkpoint(settings_.checkpoint, trajectory_->checkpoint(), settings_.identity,
                      frames_ ? frames_->held() : nullptr);
}

JobResult TrajectoryJob::run(io::FrameSink* frames, const KeepGoing& keep_going) {
  Trajectory& t = *trajectory_;
  frames_ = frames;
  const std::int64_t first = t.state().step, every = settings_.frames_every;
  const bool framing = frames_ && every > 0;
  if (frames_ && !fresh_) frames_->keep_through(first);
  if (framing && fresh_ && first == 0) append_frame();
  fresh_ = false;
  auto last_save = std::chrono::steady_clock::now();
  bool stopped = false;
  JobResult result;
  result.outcome = t.run([&](const Trajectory& tr) {
    const std::int64_t step = tr.state().step;
    if (framing && step % every == 0) append_frame();
    if (step % kPollSteps != 0) return true;
    if (keep_going && !keep_going(tr)) {
      stopped = true;
      return false;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!settings_.checkpoint.empty() &&
        std::chrono::duration<double>(now - last_save).count() > settings_.checkpoint_every_s) {
      save();
      last_save = now;
    }
    return true;
  });
  result.steps_this_run = t.state().step - first;
  if (stopped && !t.finished()) {
    result.interrupted = true;
    save();
    return result;
  }
  // the last frame of a run that ended between frame steps (a failure shows its final geometry)
  if (framing && result.steps_this_run > 0 && result.outcome.steps % every != 0) append_frame();
  if (settings_.checkpoint_at_end)
    save();
  else if (frames_)
    frames_->flush();
  return result;
}

}  // namespace gpiqa::run
