#include "gpiqa/campaign/task_runner.hpp"

#include <cmath>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>

#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/run/job.hpp"
#include "gpiqa/run/lockstep.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::campaign {

namespace fs = std::filesystem;

namespace {

// CPU seconds of this thread: a plan estimates core-hours, and wall time on a shared machine would count
// other processes' turns.
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

}  // namespace

io::TaskRow pending_row(const CampaignSpec& spec, const Task& task) {
  io::TaskRow r;
  r.task_id = task.id;
  r.label = task.label;
  r.molecule = spec.molecules[task.molecule].name;
  r.model = spec.models[task.model].name;
  r.mean = spec.models[task.model].mean;
  r.temperature_K = spec.temperatures_K[task.temperature];
  r.start_energy_target_kcal_mol = spec.controlled_start() ? spec.start_energies_kcal_mol[task.start]
                                                           : std::numeric_limits<double>::quiet_NaN();
  r.seed = static_cast<std::int64_t>(spec.seeds[task.seed]);
  return r;
}

std::string checkpoint_path(const std::string& dir, std::int64_t id) {
  return (fs::path(dir) / ("task-" + std::to_string(id) + ".h5")).string();
}

StartCheck check_starts(const CampaignSpec& spec, const std::vector<Task>& tasks) {
  StartCheck result;
  if (!spec.controlled_start()) return result;
  TaskRunner runner(spec, "", 0, "");
  // with a reference every variant of a task key starts alike (at each start energy)
  std::set<std::pair<std::uint64_t, std::size_t>> done;
  // per (molecule, start energy): starts made, and the first task that could not be
  std::map<std::pair<std::size_t, std::size_t>, std::pair<std::size_t, std::string>> groups;
  for (const Task& task : tasks) {
    const bool shared = spec.molecules[task.molecule].has_reference();
    if (shared && !done.insert({task.key, task.start}).second) continue;
    auto& group = groups[{task.molecule, task.start}];
    try {
      runner.check_start(task);
      ++group.first;
    } catch (const run::UnreachableStart& e) {
      // every variant of this key shares the direction, hence the verdict
      std::size_t variants = 0;
      for (const Task& other : tasks)
        variants += other.key == task.key && other.start == task.start && other.molecule == task.molecule;
      result.unreachable_tasks += shared ? variants : 1;
      if (group.second.empty()) group.second = e.what();
    }
  }
  // A start energy that no seed's direction reaches is the campaign's mistake, not a property of its tasks.
  for (const auto& [key, group] : groups)
    if (group.first == 0 && !group.second.empty()) throw InputError(group.second);
  for (const auto& [key, group] : groups)
    if (!group.second.empty()) {
      result.first_unreachable = group.second;
      break;
    }
  return result;
}

std::string StartCheck::warning() const {
  if (unreachable_tasks == 0) return {};
  return fmt::format(
      "{} task{} cannot reach {} controlled start along {} seed's direction and will be recorded as "
      "invalid-start (the first: {})",
      unreachable_tasks, unreachable_tasks == 1 ? "" : "s", unreachable_tasks == 1 ? "its" : "their",
      unreachable_tasks == 1 ? "its" : "their", first_unreachable);
}

TaskRunner::TaskRunner(const CampaignSpec& spec, std::string checkpoint_dir, int rank, std::string host)
    : spec_(spec), checkpoint_dir_(std::move(checkpoint_dir)), rank_(rank), host_(std::move(host)) {}

run::LoadedPotential& TaskRunner::potential(std::size_t m, std::size_t v) {
  auto it = potentials_.find({m, v});
  if (it == potentials_.end()) {
    const MoleculeEntry& entry = spec_.molecules[m];
    run::LoadedPotential loaded;
    if (spec_.models[v].is_reference()) {
      run::PotentialSource source;
      source.reference = entry.reference.empty() ? entry.smiles : entry.reference;
      loaded = run::load_potential(source);
    } else if (spec_.models[v].retrain) {
      // A retrained set runs as trained: its files hold the fitted mean and the weights solved for it; for a
      // mean FEREBUS files cannot hold (bonded+, mmff-bonded) they hold the hyperparameters, and the mean is
      // fitted again from the set's PRIOR_MEAN.json, exactly as in training (set_trainer.hpp).
      const std::string& mean = spec_.models[v].mean;
      loaded = run::load_potential(
          run::PotentialSource{spec_.models_of(m, v),
                               model::MeanSpec::parse(mean).needs_context() ? mean : "file",
                               "",
                               {entry.reference.empty() ? entry.smiles : entry.reference, entry.geometry}});
    } else {
      loaded = run::gp_variant(model_set(m), spec_.models[v].mean, entry.models,
                               {entry.reference.empty() ? entry.smiles : entry.reference, entry.geometry});
    }
    it = potentials_.emplace(std::make_pair(m, v), std::move(loaded)).first;
  }
  return it->second;
}

const model::MoleculeModel& TaskRunner::model_set(std::size_t m) {
  auto it = model_sets_.find(m);
  if (it == model_sets_.end())
    it = model_sets_.emplace(m, model::MoleculeModel::load(spec_.molecules[m].models)).first;
  return it->second;
}

const model::Positions& TaskRunner::start_positions(std::size_t m) {
  auto it = starts_.find(m);
  if (it == starts_.end()) {
    const MoleculeEntry& entry = spec_.molecules[m];
    std::optional<reference::Molecule> molecule;
    if (entry.geometry.empty()) molecule = reference_molecule(entry);
    it = starts_.emplace(m, run::start_geometry_bohr(entry.geometry, molecule ? &*molecule : nullptr)).first;
  }
  return it->second;
}

std::pair<model::Potential*, double> TaskRunner::start_reference(std::size_t m) {
  const MoleculeEntry& entry = spec_.molecules[m];
  if (!entry.has_reference()) return {nullptr, 0.0};
  auto it = start_references_.find(m);
  if (it == start_references_.end()) {
    run::LoadedPotential reference = run::load_potential(
        run::PotentialSource{"", "file", entry.reference.empty() ? entry.smiles : entry.reference, {}});
    const double minimum = run::equilibrium_energy(*reference.potential, start_positions(m));
    it = start_references_.emplace(m, std::make_pair(std::move(reference), minimum)).first;
  }
  return {it->second.first.potential.get(), it->second.second};
}

run::StartGeometry TaskRunner::start_geometry(const Task& task) {
  run::StartGeometry start;
  start.equilibrium_bohr = start_positions(task.molecule);
  if (!spec_.start_frames_bohr.empty()) start.frame_bohr = spec_.start_frames_bohr[task.seed];
  std::tie(start.reference, start.reference_minimum_hartree) = start_reference(task.molecule);
  return start;
}

void TaskRunner::check_start(const Task& task) {
  try {
    run::make_start(*potential(task.molecule, task.model).potential, trajectory_spec(spec_, task),
                    start_geometry(task));
  } catch (const run::UnreachableStart& e) {
    throw run::UnreachableStart(spec_.source, "task " + task.label + ": " + e.what());
  } catch (const InputError& e) {
    throw InputError(spec_.source, "task " + task.label + ": " + e.what());
  }
}

double TaskRunner::md_seconds_per_step(std::size_t m, const std::vector<std::size_t>& variants) {
  // Members start at the molecule's geometry with 0.02 A Gaussian noise (fixed) and the campaign's
  // integrator, thermostat, hottest temperature and monitors; the energy floor refers to the geometry's own
  // energy (no minimisation: only the cost is measured). A first round of 32 steps warms up and sizes a
  // second of about 50 ms, which is timed.
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal(0.0, 0.02 * units::kBohrPerAngstrom);
  const auto round = [&](std::int64_t steps) {
    std::vector<std::unique_ptr<run::TrajectoryJob>> jobs;
    std::vector<run::TrajectoryJob*> pointers;
    for (std::size_t k = 0; k < variants.size(); ++k) {
      model::Potential& p = *potential(m, variants[k]).potential;
      Task task;
      task.molecule = m, task.model = variants[k], task.temperature = spec_.temperatures_K.size() - 1;
      run::TrajectorySpec tspec = trajectory_spec(spec_, task);
      tspec.seed = k + 1, tspec.task_key = 1;
      tspec.duration_ps = static_cast<double>(steps) * tspec.integrator.timestep_fs / 1000.0;
      tspec.displace_angstrom = 0;
      tspec.start_energy_above_minimum_kcal_mol = std::numeric_limits<double>::quiet_NaN();
      run::StartGeometry g;
      g.equilibrium_bohr = start_positions(m);
      g.frame_bohr = g.equilibrium_bohr;
      for (Eigen::Index i = 0; i < g.frame_bohr->size(); ++i) g.frame_bohr->data()[i] += normal(rng);
      tspec.equilibrium_energy_hartree = p.compute(g.equilibrium_bohr, nullptr, nullptr, nullptr);
      jobs.push_back(std::make_unique<run::TrajectoryJob>(p, tspec, run::JobSettings{}));
      jobs.back()->start(g);
      pointers.push_back(jobs.back().get());
    }
    const std::vector<io::FrameSink*> sinks(pointers.size(), nullptr);
    const double t0 = thread_cpu_seconds();
    const std::vector<run::JobResult> results = run::run_jobs(pointers, sinks, {}, {});
    const double seconds = thread_cpu_seconds() - t0;
    std::int64_t done = 0;
    for (const run::JobResult& r : results) done += r.outcome.steps;
    return std::make_pair(seconds, done);
  };
  const auto [warm_s, warm_steps] = round(32);
  const double per_lockstep = warm_s / static_cast<double>(std::max<std::int64_t>(1, warm_steps)) *
                              static_cast<double>(variants.size());
  const auto [seconds, steps] =
      round(std::clamp<std::int64_t>(std::llround(0.05 / std::max(per_lockstep, 1e-9)), 32, 100000));
  return seconds / static_cast<double>(std::max<std::int64_t>(1, steps));
}

double TaskRunner::seconds_per_step(std::size_t m, std::size_t v) {
  return md_seconds_per_step(m, {v});
}

double TaskRunner::seconds_per_step_bundled(std::size_t m, int bundle) {
  std::vector<std::size_t> gp;
  for (std::size_t v = 0; v < spec_.models.size(); ++v)
    if (!spec_.models[v].is_reference()) gp.push_back(v);
  if (gp.empty()) return 0.0;
  std::vector<std::size_t> members(static_cast<std::size_t>(std::max(1, bundle)));
  for (std::size_t k = 0; k < members.size(); ++k) members[k] = gp[k % gp.size()];  // the variants in turn
  return md_seconds_per_step(m, members);
}

TaskResult TaskRunner::run(const Task& task, const std::function<bool()>& keep_going) {
  return std::move(run_bundle({&task}, keep_going, {}).front());
}

std::vector<TaskResult> TaskRunner::run_bundle(const std::vector<const Task*>& tasks,
                                               const std::function<bool()>& keep_going,
                                               const std::function<void(const TaskResult&)>& ended) {
  std::vector<TaskResult> results(tasks.size());
  std::vector<std::unique_ptr<run::TrajectoryJob>> jobs;
  std::vector<run::TrajectoryJob*> job_pointers;
  std::vector<io::FrameSink*> sinks;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const Task& task = *tasks[i];
    TaskResult& result = results[i];
    result.row = pending_row(spec_, task);
    const run::LoadedPotential& loaded = potential(task.molecule, task.model);
    run::TrajectorySpec tspec = trajectory_spec(spec_, task);
    if (!std::isnan(tspec.monitors.energy_floor_margin_hartree)) {
      auto eq = equilibrium_energies_.find({task.molecule, task.model});
      if (eq == equilibrium_energies_.end())
        eq = equilibrium_energies_
                 .emplace(std::make_pair(task.molecule, task.model),
                          run::equilibrium_energy(*loaded.potential, start_positions(task.molecule)))
                 .first;
      tspec.equilibrium_energy_hartree = eq->second;
    }
    run::JobSettings settings;
    settings.frames_every = spec_.frames_every;
    settings.checkpoint = checkpoint_dir_.empty() ? std::string() : checkpoint_path(checkpoint_dir_, task.id);
    settings.checkpoint_every_s = spec_.checkpoint_every_s;
    settings.checkpoint_at_end = false;  // the row is the result; the coordinator removes the checkpoint
    settings.identity = run::job_identity(loaded.identity, tspec);
    settings.identity["label"] = task.label;
    jobs.push_back(std::make_unique<run::TrajectoryJob>(*loaded.potential, tspec, settings));
    io::FrameBuffer& frames = result.frames;
    frames.elements = loaded.potential->elements();
    if (!settings.checkpoint.empty() && fs::exists(settings.checkpoint)) {
      jobs.back()->resume(io::load_checkpoint(settings.checkpoint, nullptr, &frames));
      frames.elements = loaded.potential->elements();
    } else {
      const run::StartGeometry geometry = start_geometry(task);
      try {
        jobs.back()->start(geometry);
      } catch (const run::UnreachableStart& e) {  // this task's direction: recorded, the others run
        jobs.back()->start_rejected(geometry, e.what());
      }
    }
    job_pointers.push_back(jobs.back().get());
    sinks.push_back(&frames);
  }
  run::run_jobs(
      job_pointers, sinks, [&](const run::Trajectory&) { return keep_going(); },
      [&](std::size_t i, const run::JobResult& r) {
        TaskResult& result = results[i];
        result.steps_this_run = r.steps_this_run;
        result.interrupted = r.interrupted;
        result.row.outcome = r.outcome;
        result.row.rank = rank_;
        result.row.host = host_;
        if (ended) ended(result);
      });
  return results;
}

}  // namespace gpiqa::campaign
