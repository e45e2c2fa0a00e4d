#pragma once
// Runs campaign tasks on one process (no MPI here): a thin caller of run::TrajectoryJob and, for a bundle of
// tasks, run::run_jobs (run/job.hpp). It loads each molecule's GP model set once and makes every variant's
// potential from it (the set with the variant's prior mean, sharing its training data, so that the variants
// batch together), or the set retrained for the variant's mean (`retrain: true`: a set of its own, evaluated
// apart from the others of a bundle), or the molecule's own MMFF94 reference; potentials are kept, never
// shared between runners. A task resumes from <checkpoint_dir>/task-<id>.h5 when that exists; the result is
// the finished row with its frames.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "gpiqa/campaign/campaign_spec.hpp"
#include "gpiqa/campaign/task.hpp"
#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/run/job.hpp"
#include "gpiqa/run/potential_source.hpp"

namespace gpiqa::campaign {

struct TaskResult {
  io::TaskRow row;
  io::FrameBuffer frames;
  bool interrupted = false;  // stopped early; the checkpoint file holds the state
  std::int64_t steps_this_run = 0;
};

/// The /tasks row of a task before it has run (status pending).
io::TaskRow pending_row(const CampaignSpec& spec, const Task& task);
std::string checkpoint_path(const std::string& checkpoint_dir, std::int64_t task_id);

/// What check_starts found: tasks whose controlled start their seed's direction cannot give (run/start.hpp
/// UnreachableStart). A campaign records them as invalid-start and runs the others.
struct StartCheck {
  std::size_t unreachable_tasks = 0;
  std::string first_unreachable;  // the campaign, the task and the problem
  /// One line for stderr; empty when every start can be made.
  std::string warning() const;
};

/// Checks, before anything runs, every task's controlled start (start.energy_above_minimum_kcal_mol). One
/// InputError naming the campaign, the task and the problem when a start energy is reached by no task of a
/// molecule (the campaign asks for the impossible); otherwise the count of tasks whose own direction cannot
/// reach it. Nothing to do without controlled starts.
StartCheck check_starts(const CampaignSpec& spec, const std::vector<Task>& tasks);

/// What runs a bundle of tasks for the scheduler (campaign/coordinator.hpp, campaign/worker.hpp): a
/// TaskRunner, or a stand-in in tests.
class BundleRunner {
 public:
  virtual ~BundleRunner() = default;
  /// Runs the tasks in lockstep; `ended` gets each task's result as soon as it ends (finished, or
  /// interrupted when `keep_going`, asked every few hundred steps, says stop). Returns the results in task
  /// order, frames included.
  virtual std::vector<TaskResult> run_bundle(const std::vector<const Task*>& tasks,
                                             const std::function<bool()>& keep_going,
                                             const std::function<void(const TaskResult&)>& ended) = 0;
};

class TaskRunner : public BundleRunner {
 public:
  TaskRunner(const CampaignSpec& spec, std::string checkpoint_dir, int rank, std::string host);
  /// `keep_going` is called every few hundred steps; returning false stops the task (checkpointed,
  /// interrupted).
  TaskResult run(const Task& task, const std::function<bool()>& keep_going);
  /// Runs the tasks in lockstep (a bundle: campaign/bundle.hpp); `ended` gets each task's result as soon as
  /// it ends (finished, or interrupted at a stop). Returns the results in task order, frames included.
  std::vector<TaskResult> run_bundle(const std::vector<const Task*>& tasks,
                                     const std::function<bool()>& keep_going,
                                     const std::function<void(const TaskResult&)>& ended) override;
  /// Makes the task's start without running it: InputError when a controlled start cannot be reached.
  void check_start(const Task& task);
  /// CPU time of one MD step of a trajectory of a molecule under a variant, seconds (for plan estimates):
  /// measured on real steps of the campaign's integrator, thermostat and monitors (posterior-variance probes
  /// included) near the molecule's geometry, not on potential calls alone (for water those are a third of a
  /// step).
  double seconds_per_step(std::size_t molecule, std::size_t variant);
  /// The same per trajectory-step when `bundle` trajectories of the molecule's GP variants (in turn) advance
  /// in lockstep (run/lockstep.hpp).
  double seconds_per_step_bundled(std::size_t molecule, int bundle);
  int atom_count(std::size_t molecule) { return static_cast<int>(start_positions(molecule).cols()); }

 private:
  /// Seconds per trajectory-step of trajectories of `variants` (one each) advanced in lockstep.
  double md_seconds_per_step(std::size_t molecule, const std::vector<std::size_t>& variants);
  run::LoadedPotential& potential(std::size_t molecule, std::size_t variant);
  /// The molecule's GP model set, loaded once; its variants are made from it.
  const model::MoleculeModel& model_set(std::size_t molecule);
  run::StartGeometry start_geometry(const Task& task);
  /// The molecule's start geometry, Bohr: its geometry file, else its reference's coordinates.
  const model::Positions& start_positions(std::size_t molecule);
  /// The molecule's MMFF94 reference and its energy at its minimum near the start (loaded once); null without
  /// one.
  std::pair<model::Potential*, double> start_reference(std::size_t molecule);

  const CampaignSpec& spec_;
  std::string checkpoint_dir_;
  int rank_;
  std::string host_;
  std::map<std::pair<std::size_t, std::size_t>, run::LoadedPotential> potentials_;
  std::map<std::size_t, model::MoleculeModel>
      model_sets_;  // one per molecule: its variants share its factors
  std::map<std::pair<std::size_t, std::size_t>, double> equilibrium_energies_;  // Hartree, found once
  std::map<std::size_t, model::Positions> starts_;
  std::map<std::size_t, std::pair<run::LoadedPotential, double>> start_references_;
};

}  // namespace gpiqa::campaign
