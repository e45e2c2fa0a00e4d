#pragma once
// Rank 0 of a campaign run: the queue of bundles, the results and the only writer of the results file.
// It orders the bundles still to run (campaign/bundle.hpp; only the members not yet recorded) longest
// expected first, hands one to each worker that asks (campaign/transport.hpp), records every result as it
// arrives (several in one journaled write when they arrive together: io/results_store.hpp) and removes the
// recorded task's checkpoint, and prints progress: tasks done and running, outcomes so far, the MD step rate,
// and an ETA from the work left and the recent rate (campaign/progress_estimate.hpp), with its upper bound;
// batch-log lines carry the UTC time. Given a runner of its own
// (a small job: fewer ranks than RunOptions::coordinator_works_below), it runs bundles itself too, servicing
// the workers' messages between steps.
//
// A stop request (stop_requested true) hands out no more work, tells busy workers to stop now, and waits for
// every worker's interrupted tasks (checkpointed) and final request; the run ends with exit code 3.
//
// A lost worker (the transport's kLost: the rank died or its link broke): the coordinator keeps every result
// that arrived from it, counts the tasks it was running as unfinished (their checkpoints stay; the results
// file holds them as pending), never sends it anything again, and lets the remaining ranks work through the
// queue (rank 0 itself when it works; with no rank left to work, it hands out nothing more). The run ends
// with exit code 3 and names the lost ranks: running the same command again resumes the unfinished tasks.
// The coordinator does not rerun a lost rank's tasks itself: it cannot tell a dead rank from one cut off but
// still writing that task's checkpoint.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <vector>

#include "gpiqa/campaign/campaign_spec.hpp"
#include "gpiqa/campaign/progress_estimate.hpp"
#include "gpiqa/campaign/run_options.hpp"
#include "gpiqa/campaign/task.hpp"
#include "gpiqa/campaign/task_runner.hpp"
#include "gpiqa/campaign/transport.hpp"
#include "gpiqa/io/results_store.hpp"

namespace gpiqa::campaign {

/// Exit code of a run that ended before every task was recorded (a stop request, a lost rank): run the same
/// command again to resume.
inline constexpr int kExitInterrupted = 3;

class Coordinator {
 public:
  /// `rows`: the results file's table (options.output, which exists). `own`: the coordinator's runner when it
  /// works too (null: it only coordinates). `stop_requested` is asked between messages and steps.
  Coordinator(const CampaignSpec& spec, const RunOptions& options, Transport& transport,
              std::vector<Task> tasks, std::vector<io::TaskRow> rows, BundleRunner* own,
              std::function<bool()> stop_requested);

  /// Runs the campaign to its end. Returns 0 when every task of the shard is recorded, kExitInterrupted
  /// otherwise (stopped, or a worker lost).
  int run();

  /// The workers the transport reported lost, in the order it did.
  const std::vector<int>& lost_workers() const { return lost_; }
  /// The tasks the lost workers were running when they were lost.
  const std::set<std::int64_t>& lost_tasks() const { return lost_tasks_; }

 private:
  void service();
  void hand_out(int worker);
  void lose(int worker);
  void finish(const TaskResult& result);
  void record_finished();
  void report(bool final);
  /// Feeds the ETA: task `id` ended after `steps_this_run` steps (its trajectory at `steps` in all).
  void estimate_ended(std::int64_t id, std::int64_t steps_this_run, std::int64_t steps, bool interrupted);
  bool stopping() const { return stop_requested_ && stop_requested_(); }

  const CampaignSpec& spec_;
  const RunOptions& opt_;
  Transport& transport_;
  std::vector<Task> tasks_;
  std::vector<io::TaskRow> rows_;
  BundleRunner* own_;
  std::function<bool()> stop_requested_;
  io::ResultsStore store_;
  std::deque<std::vector<std::int64_t>> queue_;   // bundles (task ids) still to hand out
  std::map<int, std::set<std::int64_t>> active_;  // per worker, the tasks it is running
  std::vector<io::TaskRow> finished_rows_;        // finished, not yet recorded (record_finished)
  std::map<std::int64_t, io::FrameBuffer> finished_frames_;
  std::map<int, bool> retired_;  // per worker: told to stop, or lost
  std::vector<int> lost_;
  std::set<std::int64_t> lost_tasks_;
  std::map<stability::Status, std::size_t> counts_;
  std::size_t total_ = 0, done_ = 0, already_done_ = 0, interrupted_ = 0;
  int running_ = 0;
  long long steps_ = 0;
  bool stop_sent_ = false;
  double write_seconds_ = 0;
  ProgressEstimate estimate_;
  double budget_steps_ = 1;  // steps of a task that runs to its end
  std::chrono::steady_clock::time_point start_, last_report_;
};

}  // namespace gpiqa::campaign
