#pragma once
// Runs campaign tasks on one process (no MPI here): loads each model set and variant once and keeps it, runs the
// trajectory, checkpoints it to <checkpoint_dir>/task-<id>.h5 every checkpoint_every_s seconds (and when told to
// stop), resumes from such a file when it exists, and returns the finished row with its frames.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "gpiqa/campaign/campaign_spec.hpp"
#include "gpiqa/campaign/task.hpp"
#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/molecule_model.hpp"

namespace gpiqa::campaign {

struct TaskResult {
  io::TaskRow row;
  io::FrameBuffer frames;
  bool interrupted = false;  // stopped early; the checkpoint file holds the state
  long long steps_this_run = 0;
};

/// The /tasks row of a task before it has run (status pending).
io::TaskRow pending_row(const CampaignSpec& spec, const Task& task);
std::string checkpoint_path(const std::string& checkpoint_dir, std::int64_t task_id);

class TaskRunner {
 public:
  TaskRunner(const CampaignSpec& spec, std::string checkpoint_dir, int rank, std::string host);
  /// `keep_going` is called every few hundred steps; returning false stops the task (checkpointed, interrupted).
  TaskResult run(const Task& task, const std::function<bool()>& keep_going);
  /// Energy-and-forces time of a molecule's model set, seconds per call (for plan estimates).
  double seconds_per_step(std::size_t molecule);

 private:
  model::MoleculeModel& model(std::size_t molecule, std::size_t variant);

  const CampaignSpec& spec_;
  std::string checkpoint_dir_;
  int rank_;
  std::string host_;
  std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<model::MoleculeModel>> models_;
  std::map<std::size_t, io::XyzFrame> geometries_;
};

}  // namespace gpiqa::campaign
