#pragma once
// In-process stand-ins for the scheduler's tests (no MPI, no MD): a runner that "runs" a task by making up
// a result from its id, the coordinator's end of a transport whose workers are scripted (they answer the
// moment they are given a bundle, or hold it until told to stop now, or die part way through it), and a
// worker's end whose coordinator is a script of replies. Every message passes through its wire encoding
// (campaign/transport.hpp), as it would between MPI ranks.
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

#include "gpiqa/campaign/transport.hpp"

namespace gpiqa::campaign::test {

/// A result made up from the task id alone: what a run of the task on `rank` would report.
inline TaskResult made_up_result(const Task& task, int rank) {
  TaskResult r;
  r.row.task_id = task.id;
  r.row.outcome.status = task.id % 3 == 0 ? stability::Status::kExploded : stability::Status::kStable;
  r.row.outcome.steps = 100 + task.id;
  r.row.outcome.conserved_drift = static_cast<double>(task.id) / 7.0;
  r.row.rank = rank;
  r.row.host = "host" + std::to_string(rank);
  r.steps_this_run = 100 + task.id;
  return r;
}

/// Runs each task of a bundle at once (made_up_result), asking keep_going before each; once keep_going has
/// said stop, every task left ends interrupted.
class FakeRunner : public BundleRunner {
 public:
  explicit FakeRunner(int rank) : rank_(rank) {}
  std::vector<TaskResult> run_bundle(const std::vector<const Task*>& tasks,
                                     const std::function<bool()>& keep_going,
                                     const std::function<void(const TaskResult&)>& ended) override {
    bundles.emplace_back();
    for (const Task* t : tasks) bundles.back().push_back(t->id);
    std::vector<TaskResult> results;
    bool go = true;
    for (const Task* t : tasks) {
      if (before_each) before_each();
      go = go && keep_going();
      TaskResult r = made_up_result(*t, rank_);
      if (!go) {
        r.interrupted = true;
        r.row.outcome = stability::Outcome();
        r.steps_this_run = 0;
      }
      if (ended) ended(r);
      results.push_back(r);
    }
    return results;
  }
  std::vector<std::vector<std::int64_t>> bundles;  // what it was given, in order
  std::function<void()> before_each;               // called before each task's poll

 private:
  int rank_;
};

/// The coordinator's end, with scripted workers 1..n. A worker's answers reach the coordinator one service
/// later (after poll() has once said there is nothing more), as a real worker's take a while.
class ScriptedWorkers : public Transport {
 public:
  enum class Behaviour { kAnswer, kHold, kDieAfter };
  struct Worker {
    Behaviour behaviour = Behaviour::kAnswer;
    int results_before_dying = 0;  // kDieAfter: results it sends before it is lost
  };

  ScriptedWorkers(std::vector<Worker> workers, const std::vector<Task>& tasks)
      : workers_(std::move(workers)), tasks_(tasks) {
    for (int w = 1; w <= static_cast<int>(workers_.size()); ++w)
      from(w, {ToCoordinator::Kind::kRequest, w, {}});
    inbox_.swap(later_);
  }
  int rank() const override { return 0; }
  int size() const override { return static_cast<int>(workers_.size()) + 1; }

  std::optional<ToCoordinator> poll() override {
    if (inbox_.empty()) {
      inbox_.swap(later_);
      return std::nullopt;
    }
    auto [w, text] = inbox_.front();
    inbox_.pop_front();
    ToCoordinator m = decode_to_coordinator(text, w);
    results_polled += m.kind == ToCoordinator::Kind::kResult;
    return m;
  }

  void send(int w, const ToWorker& message) override {
    const ToWorker m = decode_to_worker(encode(message));
    sent.emplace_back(w, m);
    if (dead.count(w)) throw std::logic_error("a message to a lost worker");
    Worker& worker = workers_.at(static_cast<std::size_t>(w - 1));
    if (m.kind == ToWorker::Kind::kStop) {
      stopped.insert(w);
    } else if (m.kind == ToWorker::Kind::kBundle) {
      if (worker.behaviour == Behaviour::kHold) {
        held_[w] = m.ids;
        return;
      }
      for (std::int64_t id : m.ids) {
        if (worker.behaviour == Behaviour::kDieAfter && worker.results_before_dying-- == 0) {
          dead.insert(w);
          from(w, {ToCoordinator::Kind::kLost, w, {}});
          return;
        }
        from(w,
             {ToCoordinator::Kind::kResult, w, made_up_result(tasks_.at(static_cast<std::size_t>(id)), w)});
      }
      from(w, {ToCoordinator::Kind::kRequest, w, {}});
    } else if (m.kind == ToWorker::Kind::kStopNow && held_.count(w)) {  // the held bundle ends interrupted
      for (std::int64_t id : held_[w]) {
        TaskResult r;
        r.row.task_id = id;
        r.steps_this_run = 7;
        r.interrupted = true;
        from(w, {ToCoordinator::Kind::kInterrupted, w, r});
      }
      held_.erase(w);
      from(w, {ToCoordinator::Kind::kRequest, w, {}});
    }
  }

  void send(const ToCoordinator&) override { throw std::logic_error("the coordinator's end"); }
  ToWorker wait() override { throw std::logic_error("the coordinator's end"); }
  bool stop_now() override { return false; }
  int broadcast(int value) override { return value; }
  [[noreturn]] void abort(int code) override { throw std::runtime_error("abort " + std::to_string(code)); }

  std::vector<std::pair<int, ToWorker>> sent;  // every message to a worker, in order
  std::set<int> stopped, dead;
  int results_polled = 0;  // results the coordinator has taken in

  /// The bundles handed out, in order.
  std::vector<std::vector<std::int64_t>> bundles() const {
    std::vector<std::vector<std::int64_t>> b;
    for (const auto& [w, m] : sent)
      if (m.kind == ToWorker::Kind::kBundle) b.push_back(m.ids);
    return b;
  }

 private:
  void from(int w, const ToCoordinator& m) { later_.emplace_back(w, encode(m)); }

  std::vector<Worker> workers_;
  const std::vector<Task>& tasks_;
  std::deque<std::pair<int, std::string>> inbox_, later_;
  std::map<int, std::vector<std::int64_t>> held_;
};

/// A worker's end (rank `rank`), whose coordinator replies from a script: the n-th request gets replies[n]
/// (then kStop); stop_now() is true at the calls listed in `stop_now_at` (counted from 1).
class ScriptedCoordinator : public Transport {
 public:
  ScriptedCoordinator(int rank, std::vector<ToWorker> replies, std::set<int> stop_now_at = {})
      : rank_(rank), replies_(replies.begin(), replies.end()), stop_now_at_(std::move(stop_now_at)) {}
  int rank() const override { return rank_; }
  int size() const override { return rank_ + 1; }
  std::optional<ToCoordinator> poll() override { throw std::logic_error("a worker's end"); }
  void send(int, const ToWorker&) override { throw std::logic_error("a worker's end"); }

  void send(const ToCoordinator& message) override {
    received.push_back(decode_to_coordinator(encode(message), rank_));
  }
  ToWorker wait() override {
    if (received.empty() || received.back().kind != ToCoordinator::Kind::kRequest)
      throw std::logic_error("waited without asking");
    if (replies_.empty()) return {ToWorker::Kind::kStop, {}};
    ToWorker m = replies_.front();
    replies_.pop_front();
    return decode_to_worker(encode(m));
  }
  bool stop_now() override { return stop_now_at_.count(++stop_now_calls) > 0; }
  int broadcast(int value) override { return value; }
  [[noreturn]] void abort(int code) override { throw std::runtime_error("abort " + std::to_string(code)); }

  std::vector<ToCoordinator> received;  // what the worker sent, in order
  int stop_now_calls = 0;

 private:
  int rank_;
  std::deque<ToWorker> replies_;
  std::set<int> stop_now_at_;
};

/// One rank alone (the coordinator, which then works): what `gpiqa run` without mpirun is.
class SingleRank : public Transport {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::optional<ToCoordinator> poll() override { return std::nullopt; }
  void send(int, const ToWorker&) override { throw std::logic_error("no workers"); }
  void send(const ToCoordinator&) override { throw std::logic_error("no coordinator"); }
  ToWorker wait() override { throw std::logic_error("no coordinator"); }
  bool stop_now() override { return false; }
  int broadcast(int value) override { return value; }
  [[noreturn]] void abort(int code) override { throw std::runtime_error("abort " + std::to_string(code)); }
};

}  // namespace gpiqa::campaign::test
