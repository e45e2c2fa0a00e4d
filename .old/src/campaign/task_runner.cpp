#include "gpiqa/campaign/task_runner.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>

#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/run/job.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::campaign {

namespace fs = std::filesystem;

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

void check_starts(const CampaignSpec& spec, const std::vector<Task>& tasks) {
  if (!spec.controlled_start()) return;
  TaskRunner runner(spec, "", 0, "");
  // with a reference every variant of a task key starts alike (at each start energy)
  std::set<std::pair<std::uint64_t, std::size_t>> done;
  for (const Task& task : tasks) {
    if (spec.molecules[task.molecule].has_reference() && !done.insert({task.key, task.start}).second)
      continue;
    runner.check_start(task);
  }
}

TaskRunner::TaskRunner(const CampaignSpec& spec, std::string checkpoint_dir, int rank, std::string host)
    : spec_(spec), checkpoint_dir_(std::move(checkpoint_dir)), rank_(rank), host_(std::move(host)) {}

run::LoadedPotential& TaskRunner::potential(std::size_t m, std::size_t v) {
  auto it = potentials_.find({m, v});
  if (it == potentials_.end()) {
    const MoleculeEntry& entry = spec_.molecules[m];
    run::PotentialSource source;
    if (spec_.models[v].is_reference())
      source.reference = entry.reference.empty() ? entry.smiles : entry.reference;
    else
      source = {entry.models,
                spec_.models[v].mean,
                "",
                {entry.reference.empty() ? entry.smiles : entry.reference, entry.geometry}};
    it = potentials_.emplace(std::make_pair(m, v), run::load_potential(source)).first;
  }
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
        run::PotentialSource{"", "file", entry.reference.empty() ? entry.smiles : entry.reference});
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
  } catch (const InputError& e) {
    throw InputError(spec_.source, "task " + task.label + ": " + e.what());
  }
}

double TaskRunner::seconds_per_step(std::size_t m, std::size_t v) {
  model::Potential& p = *potential(m, v).potential;
  const md::Positions& pos = start_positions(m);
  md::Positions forces;
  const auto t0 = std::chrono::steady_clock::now();
  int calls = 0;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(20) || calls < 3) {
    p.compute(pos, &forces, nullptr, nullptr);
    ++calls;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / calls;
}

TaskResult TaskRunner::run(const Task& task, const std::function<bool()>& keep_going) {
  TaskResult result;
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
  run::TrajectoryJob job(*loaded.potential, tspec, settings);
  io::FrameBuffer& frames = result.frames;
  frames.elements = loaded.potential->elements();
  if (!settings.checkpoint.empty() && fs::exists(settings.checkpoint)) {
    job.resume(io::load_checkpoint(settings.checkpoint, nullptr, &frames));
    frames.elements = loaded.potential->elements();
  } else {
    job.start(start_geometry(task));
  }
  const run::JobResult r = job.run(&frames, [&](const run::Trajectory&) { return keep_going(); });
  result.steps_this_run = r.steps_this_run;
  result.interrupted = r.interrupted;
  result.row.outcome = r.outcome;
  result.row.rank = rank_;
  result.row.host = host_;
  return result;
}

}  // namespace gpiqa::campaign
