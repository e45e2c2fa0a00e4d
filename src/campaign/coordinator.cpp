#include "gpiqa/campaign/coordinator.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "gpiqa/campaign/bundle.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::campaign {

namespace fs = std::filesystem;

Coordinator::Coordinator(const CampaignSpec& spec, const RunOptions& opt, Transport& transport,
                         std::vector<Task> tasks, std::vector<io::TaskRow> rows, BundleRunner* own,
                         std::function<bool()> stop_requested)
    : spec_(spec),
      opt_(opt),
      transport_(transport),
      tasks_(std::move(tasks)),
      rows_(std::move(rows)),
      own_(own),
      stop_requested_(std::move(stop_requested)),
      store_(opt.output) {
  // Bundles from the campaign (campaign/bundle.hpp), then only their members still to run, the most
  // expensive bundles first.
  std::vector<std::pair<double, std::vector<std::int64_t>>> todo;
  for (const std::vector<std::int64_t>& bundle : form_bundles(
           spec_, tasks_, opt_.bundle < 0 ? spec_.bundle : opt_.bundle, opt_.shard_index, opt_.shard_count)) {
    std::vector<std::int64_t> members;
    double cost = 0;
    for (std::int64_t id : bundle)
      if (!io::is_recorded(rows_[static_cast<std::size_t>(id)]))
        members.push_back(id), cost += tasks_[static_cast<std::size_t>(id)].expected_cost;
    if (!members.empty()) todo.emplace_back(cost, std::move(members));
  }
  std::stable_sort(todo.begin(), todo.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  budget_steps_ = std::max(1.0, std::round(spec_.duration_ps * 1000.0 / spec_.integrator.timestep_fs));
  for (auto& [cost, members] : todo) {
    total_ += members.size();
    for (std::int64_t id : members) {
      const Task& t = tasks_[static_cast<std::size_t>(id)];
      estimate_.add_pending({t.molecule, t.model}, t.expected_cost);
    }
    queue_.push_back(std::move(members));
  }
  for (const io::TaskRow& r : rows_) {
    const Task& t = tasks_[static_cast<std::size_t>(r.task_id)];
    if (io::is_recorded(r) && t.id % opt_.shard_count == opt_.shard_index)
      ++counts_[r.outcome.status], ++already_done_;
  }
  for (int r = 1; r < transport_.size(); ++r) retired_[r] = false;
}

int Coordinator::run() {
  start_ = std::chrono::steady_clock::now();
  while (true) {
    service();
    if (own_ && !queue_.empty() && !stopping()) {
      const std::vector<std::int64_t> bundle = std::move(queue_.front());
      queue_.pop_front();
      std::vector<const Task*> members;
      for (std::int64_t id : bundle) members.push_back(&tasks_[static_cast<std::size_t>(id)]);
      running_ += static_cast<int>(members.size());
      own_->run_bundle(
          members,
          [&] {
            service();
            return !stopping();
          },
          [&](const TaskResult& r) {
            --running_;
            finish(r);
          });
      record_finished();
      continue;
    }
    const bool workers_done =
        std::all_of(retired_.begin(), retired_.end(), [](const auto& kv) { return kv.second; });
    // Workers retire when the queue is empty or on a stop; with work left and none of them, only losses
    // retired them, and the queue waits for a rerun unless rank 0 works.
    if (workers_done && (queue_.empty() || stopping() || !own_)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  report(true);
  std::size_t queued = 0;
  for (const auto& bundle : queue_) queued += bundle.size();
  const std::size_t left = queued + interrupted_ + lost_tasks_.size();
  if (!lost_.empty()) {
    std::string ranks, ids;
    for (int r : lost_) ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
    for (std::int64_t id : lost_tasks_) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
    std::cerr << "gpiqa: lost rank" << (lost_.size() > 1 ? "s " : " ") << ranks << " (running "
              << (ids.empty() ? std::string("no task") : "task " + ids) << "); " << left
              << " tasks left. Run the same command again to resume.\n";
    return kExitInterrupted;
  }
  if (stopping() || left > 0) {
    std::cerr << "gpiqa: interrupted; " << left << " tasks left. Run the same command again to resume.\n";
    return kExitInterrupted;
  }
  return 0;
}

void Coordinator::hand_out(int worker) {
  if (queue_.empty() || stopping()) {
    transport_.send(worker, {ToWorker::Kind::kStop, {}});
    retired_[worker] = true;
    return;
  }
  std::vector<std::int64_t> bundle = std::move(queue_.front());
  queue_.pop_front();
  running_ += static_cast<int>(bundle.size());
  active_[worker].insert(bundle.begin(), bundle.end());
  transport_.send(worker, {ToWorker::Kind::kBundle, std::move(bundle)});
}

void Coordinator::lose(int worker) {
  if (std::find(lost_.begin(), lost_.end(), worker) != lost_.end()) return;
  lost_.push_back(worker);
  retired_[worker] = true;
  const std::set<std::int64_t> unfinished = std::move(active_[worker]);
  active_.erase(worker);
  running_ -= static_cast<int>(unfinished.size());
  lost_tasks_.insert(unfinished.begin(), unfinished.end());
}

void Coordinator::service() {
  while (std::optional<ToCoordinator> msg = transport_.poll()) {
    const int from = msg->from;
    if (std::find(lost_.begin(), lost_.end(), from) != lost_.end()) continue;  // nothing counts after a loss
    switch (msg->kind) {
      case ToCoordinator::Kind::kRequest:
        hand_out(from);
        break;
      case ToCoordinator::Kind::kResult: {
        TaskResult r = std::move(msg->result);
        io::TaskRow row = rows_[static_cast<std::size_t>(r.row.task_id)];  // the identity is ours
        row.outcome = std::move(r.row.outcome);
        row.rank = r.row.rank;
        row.host = std::move(r.row.host);
        r.row = std::move(row);
        active_[from].erase(r.row.task_id);
        --running_;
        finish(r);
        break;
      }
      case ToCoordinator::Kind::kInterrupted:
        active_[from].erase(msg->result.row.task_id);
        --running_;
        ++interrupted_;
        steps_ += msg->result.steps_this_run;
        estimate_ended(msg->result.row.task_id, msg->result.steps_this_run, 0, true);
        break;
      case ToCoordinator::Kind::kLost:
        lose(from);
        break;
    }
  }
  record_finished();
  if (stopping() && !stop_sent_) {  // tell busy workers that did not get the signal themselves
    for (const auto& [worker, ids] : active_)
      if (!ids.empty()) transport_.send(worker, {ToWorker::Kind::kStopNow, {}});
    stop_sent_ = true;
  }
  report(false);
}

void Coordinator::estimate_ended(std::int64_t id, std::int64_t steps_this_run, std::int64_t steps,
                                 bool interrupted) {
  const Task& t = tasks_[static_cast<std::size_t>(id)];
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  estimate_.task_ended({t.molecule, t.model}, t.expected_cost,
                       static_cast<double>(steps_this_run) / budget_steps_,
                       static_cast<double>(steps) / budget_steps_, interrupted, elapsed);
}

void Coordinator::finish(const TaskResult& r) {
  steps_ += r.steps_this_run;
  estimate_ended(r.row.task_id, r.steps_this_run, r.row.outcome.steps, r.interrupted);
  if (r.interrupted) {
    ++interrupted_;
    return;
  }
  rows_[static_cast<std::size_t>(r.row.task_id)] = r.row;
  finished_rows_.push_back(r.row);
  if (r.frames.size() > 0) finished_frames_[r.row.task_id] = r.frames;
  ++done_;
  ++counts_[r.row.outcome.status];
}

// Records the tasks finished since the last call in one write (one journal fsync for all: with many ranks and
// short tasks, results arrive together), then drops their checkpoints.
void Coordinator::record_finished() {
  if (finished_rows_.empty()) return;
  const auto t0 = std::chrono::steady_clock::now();
  store_.record(finished_rows_, finished_frames_);
  write_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::error_code ec;
  for (const io::TaskRow& row : finished_rows_)
    fs::remove(checkpoint_path(checkpoint_dir_for(opt_.output), row.task_id), ec);
  finished_rows_.clear();
  finished_frames_.clear();
}

void Coordinator::report(bool final) {
  const auto now = std::chrono::steady_clock::now();
  const bool terminal = isatty(STDERR_FILENO) != 0;
  const double since = std::chrono::duration<double>(now - last_report_).count();
  if (!final && since < (terminal ? 0.25 : opt_.progress_interval_s)) return;
  last_report_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(steps_) / elapsed : 0;
  const auto [eta, eta_bound] = estimate_.eta_s(elapsed);
  const std::string eta_text =
      eta < 0 ? std::string("?")
              : (eta_bound > 1.05 * eta ? fmt::format("{} (at most {})", util::format_duration(eta),
                                                      util::format_duration(eta_bound))
                                        : util::format_duration(eta));
  std::string outcomes;
  for (stability::Status status : stability::kAllStatuses)
    if (status != stability::Status::kPending)
      outcomes +=
          fmt::format("{}{} {}", outcomes.empty() ? "" : " ", stability::to_string(status), counts_[status]);
  const std::string line =
      fmt::format("tasks {}/{} done, {} running | {} | {:.3g} steps/s | ETA {}", done_ + already_done_,
                  total_ + already_done_, running_, outcomes, rate, eta_text);
  if (terminal) {
    std::fprintf(stderr, final ? "\r\033[K%s\n" : "\r\033[K%s", line.c_str());
  } else {  // a batch log of a run that may last days: every line says when it was written
    const std::time_t t = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    std::fprintf(stderr, "%s %s\n", stamp, line.c_str());
  }
  if (final)
    std::fprintf(stderr, "wall %.2f s, of which writing the results file %.3f s (%.1f%%)\n", elapsed,
                 write_seconds_, elapsed > 0 ? 100 * write_seconds_ / elapsed : 0.0);
  std::fflush(stderr);
}

}  // namespace gpiqa::campaign
