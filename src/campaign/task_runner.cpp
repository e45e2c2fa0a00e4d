#include "gpiqa/campaign/task_runner.hpp"

#include <chrono>
#include <filesystem>

#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/io/xyz.hpp"
#include "gpiqa/md/trajectory.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/reference/mmff_reference.hpp"
#include "gpiqa/util/units.hpp"

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
  r.seed = static_cast<std::int64_t>(spec.seeds[task.seed]);
  return r;
}

std::string checkpoint_path(const std::string& dir, std::int64_t id) {
  return (fs::path(dir) / ("task-" + std::to_string(id) + ".h5")).string();
}

TaskRunner::TaskRunner(const CampaignSpec& spec, std::string checkpoint_dir, int rank, std::string host)
    : spec_(spec), checkpoint_dir_(std::move(checkpoint_dir)), rank_(rank), host_(std::move(host)) {}

model::Potential& TaskRunner::model(std::size_t m, std::size_t v) {
  auto& slot = models_[{m, v}];
  if (!slot) {
    if (spec_.models[v].is_reference()) {
      slot = std::make_unique<reference::MmffReference>(reference_molecule(m));
    } else {
      model::MoleculeModel set = model::MoleculeModel::load(spec_.molecules[m].models);
      const model::MeanSpec mean = model::MeanSpec::parse(spec_.models[v].mean);
      slot = std::make_unique<model::MoleculeModel>(mean.is_file() ? std::move(set) : set.with_mean(mean));
    }
  }
  return *slot;
}

const reference::Molecule& TaskRunner::reference_molecule(std::size_t m) {
  auto it = references_.find(m);
  if (it == references_.end())
    it = references_.emplace(m, campaign::reference_molecule(spec_.molecules[m])).first;
  return it->second;
}

const model::Positions& TaskRunner::start_positions(std::size_t m) {
  auto it = starts_.find(m);
  if (it == starts_.end()) {
    const MoleculeEntry& entry = spec_.molecules[m];
    model::Positions start = entry.geometry.empty()
                                 ? reference_molecule(m).positions_bohr()
                                 : model::Positions(io::read_xyz(entry.geometry).front().positions_angstrom *
                                                    units::kBohrPerAngstrom);
    it = starts_.emplace(m, std::move(start)).first;
  }
  return it->second;
}

double TaskRunner::seconds_per_step(std::size_t m, std::size_t v) {
  model::Potential& potential = model(m, v);
  const md::Positions& pos = start_positions(m);
  md::Positions forces;
  const auto t0 = std::chrono::steady_clock::now();
  int calls = 0;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(20) || calls < 3) {
    potential.compute(pos, &forces, nullptr, nullptr);
    ++calls;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / calls;
}

namespace {

void save_task_checkpoint(const std::string& path, const md::Trajectory& t, const io::FrameBuffer& frames,
                          const io::TaskRow& row) {
  const std::string tmp = path + ".tmp";
  fs::remove(tmp);
  {
    io::h5::Handle f = io::h5::open_file(tmp, io::h5::Mode::kCreateNew);
    io::write_checkpoint(f.id(), t.checkpoint(), {{"label", row.label}});
    if (frames.size() > 0) {
      io::h5::Handle g = io::h5::group(f.id(), "frames", true);
      frames.write(g.id());
    }
    io::h5::flush(f.id());
  }
  fs::rename(tmp, path);
}

void append_frame(io::FrameBuffer& frames, const md::Trajectory& t) {
  const md::MdState& s = t.state();
  frames.append(s.step, t.time_ps(), s.positions, s.velocities, s.potential_hartree, md::kinetic_energy(s),
                t.conserved_hartree(), t.temperature_K());
}

}  // namespace

TaskResult TaskRunner::run(const Task& task, const std::function<bool()>& keep_going) {
  TaskResult result;
  result.row = pending_row(spec_, task);
  model::Potential& potential = model(task.molecule, task.model);
  const md::TrajectorySpec tspec = trajectory_spec(spec_, task);
  const std::string ckpt =
      checkpoint_dir_.empty() ? std::string() : checkpoint_path(checkpoint_dir_, task.id);

  std::unique_ptr<md::Trajectory> t;
  io::FrameBuffer& frames = result.frames;
  frames.elements = potential.elements();
  if (!ckpt.empty() && fs::exists(ckpt)) {
    io::h5::Handle f = io::h5::open_file(ckpt, io::h5::Mode::kReadOnly);
    io::h5::Handle root = io::h5::group(f.id(), "/", false);
    md::Checkpoint cp = io::read_checkpoint(root.id(), nullptr);
    if (io::h5::exists(f.id(), "frames")) {
      io::h5::Handle g = io::h5::group(f.id(), "frames", false);
      frames = io::FrameBuffer::read(g.id());
      frames.keep_through(cp.state.step);
    }
    t = std::make_unique<md::Trajectory>(potential, std::move(cp), tspec);
  } else {
    t = std::make_unique<md::Trajectory>(potential, start_positions(task.molecule), tspec);
    if (spec_.frames_every > 0) append_frame(frames, *t);
  }
  const long long first = t->state().step;
  auto last_save = std::chrono::steady_clock::now();
  bool stopped = false;
  const stability::Outcome o = t->run([&](const md::Trajectory& tr) {
    const long long step = tr.state().step;
    if (spec_.frames_every > 0 && step % spec_.frames_every == 0) append_frame(frames, tr);
    if ((step & 255) != 0) return true;
    if (!keep_going()) {
      stopped = true;
      return false;
    }
    if (!ckpt.empty() && std::chrono::duration<double>(std::chrono::steady_clock::now() - last_save).count() >
                             spec_.checkpoint_every_s) {
      save_task_checkpoint(ckpt, tr, frames, result.row);
      last_save = std::chrono::steady_clock::now();
    }
    return true;
  });
  result.steps_this_run = t->state().step - first;
  if (stopped && !t->finished()) {
    result.interrupted = true;
    if (!ckpt.empty()) save_task_checkpoint(ckpt, *t, frames, result.row);
    return result;
  }
  if (spec_.frames_every > 0 && o.steps % spec_.frames_every != 0) append_frame(frames, *t);
  io::TaskRow& r = result.row;
  r.status = stability::to_string(o.status);
  r.reason = o.reason;
  r.time_to_failure_ps = o.time_to_failure_ps;
  r.failure_step = o.failure_step;
  r.simulated_ps = o.simulated_ps;
  r.steps = o.steps;
  r.mean_temperature_K = o.mean_temperature_K;
  r.std_temperature_K = o.std_temperature_K;
  r.conserved_drift = o.conserved_drift;
  r.max_bond_deviation_angstrom = o.max_bond_deviation_angstrom;
  r.min_distance_angstrom = o.min_distance_angstrom;
  r.max_force = o.max_force;
  r.extrapolation_fraction = o.extrapolation_fraction;
  r.wall_seconds = o.wall_seconds;
  r.steps_per_second = o.steps_per_second;
  r.rank = rank_;
  r.host = host_;
  return result;
}

}  // namespace gpiqa::campaign
