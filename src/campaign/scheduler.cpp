#include "gpiqa/campaign/scheduler.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <ctime>
#include <deque>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpiqa/campaign/bundle.hpp"
#include "gpiqa/campaign/cost_estimate.hpp"
#include "gpiqa/campaign/task.hpp"
#include "gpiqa/campaign/task_runner.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/io/results_journal.hpp"
#include "gpiqa/io/writer_lock.hpp"
#include "gpiqa/run/outcome_json.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"
#include "gpiqa/version.hpp"

namespace gpiqa::campaign {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr int kTagToCoordinator = 1;
constexpr int kTagToWorker = 2;
constexpr int kTagStopNow = 3;

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int sig) {
  g_stop = sig;
}

// ---- messages (JSON text; doubles round-trip exactly, NaN travels as null) ----
json row_to_json(const io::TaskRow& r) {
  return {
      {"task_id", r.task_id}, {"outcome", run::outcome_json(r.outcome)}, {"rank", r.rank}, {"host", r.host}};
}
void row_from_json(const json& j, io::TaskRow& r) {
  r.outcome = run::outcome_from_json(j["outcome"]);
  r.rank = j["rank"];
  r.host = j["host"];
}
json frames_to_json(const io::FrameBuffer& f) {
  return {{"elements", f.elements},
          {"step", f.step},
          {"time", f.time_ps},
          {"pos", f.positions_angstrom},
          {"vel", f.velocities_angstrom_per_ps},
          {"force", f.forces_kj_per_mol_angstrom},
          {"epot", f.potential_hartree},
          {"ekin", f.kinetic_hartree},
          {"econs", f.conserved_hartree},
          {"T", f.temperature_K}};
}
// A number array from JSON, null (how a NaN or infinity was sent: forces a failed evaluation never produced,
// an exploded geometry) read as NaN.
std::vector<double> doubles_from_json(const json& j) {
  std::vector<double> v;
  v.reserve(j.size());
  for (const json& x : j)
    v.push_back(x.is_null() ? std::numeric_limits<double>::quiet_NaN() : x.get<double>());
  return v;
}
io::FrameBuffer frames_from_json(const json& j) {
  io::FrameBuffer f;
  f.elements = j["elements"].get<std::vector<std::string>>();
  f.step = j["step"].get<std::vector<std::int64_t>>();
  f.time_ps = doubles_from_json(j["time"]);
  f.positions_angstrom = doubles_from_json(j["pos"]);
  f.velocities_angstrom_per_ps = doubles_from_json(j["vel"]);
  f.forces_kj_per_mol_angstrom = doubles_from_json(j["force"]);
  f.potential_hartree = doubles_from_json(j["epot"]);
  f.kinetic_hartree = doubles_from_json(j["ekin"]);
  f.conserved_hartree = doubles_from_json(j["econs"]);
  f.temperature_K = doubles_from_json(j["T"]);
  return f;
}

void send(MPI_Comm comm, int to, int tag, const std::string& text) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, comm);
}
std::string receive(MPI_Comm comm, int from, int tag, MPI_Status* status_out) {
  MPI_Status st;
  MPI_Probe(from, tag, comm, &st);
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  std::string text(static_cast<std::size_t>(n), '\0');
  MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, tag, comm, MPI_STATUS_IGNORE);
  if (status_out) *status_out = st;
  return text;
}

std::string host_name() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string checkpoint_dir_for(const std::string& output) {
  return output + ".checkpoints";
}

// ---- rank 0 ----
class Coordinator {
 public:
  Coordinator(const CampaignSpec& spec, const RunOptions& opt, MPI_Comm comm, std::vector<Task> tasks,
              std::vector<io::TaskRow> rows)
      : spec_(spec),
        opt_(opt),
        comm_(comm),
        tasks_(std::move(tasks)),
        rows_(std::move(rows)),
        runner_(spec, checkpoint_dir_for(opt.output), 0, host_name()),
        writer_(opt.output, io::ResultsWriter::Journal::kOn) {
    MPI_Comm_size(comm_, &size_);
    // Bundles from the campaign (campaign/bundle.hpp), then only their members still to run, the most
    // expensive bundles first.
    std::vector<std::pair<double, std::vector<std::int64_t>>> todo;
    for (const std::vector<std::int64_t>& bundle :
         form_bundles(spec_, tasks_, opt_.bundle < 0 ? spec_.bundle : opt_.bundle, opt_.shard_index,
                      opt_.shard_count)) {
      std::vector<std::int64_t> members;
      double cost = 0;
      for (std::int64_t id : bundle)
        if (rows_[static_cast<std::size_t>(id)].outcome.status == stability::Status::kPending)
          members.push_back(id), cost += tasks_[static_cast<std::size_t>(id)].expected_cost;
      if (!members.empty()) todo.emplace_back(cost, std::move(members));
    }
    std::stable_sort(todo.begin(), todo.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (auto& [cost, members] : todo) {
      total_ += members.size();
      queue_.push_back(std::move(members));
    }
    for (const io::TaskRow& r : rows_) {
      const Task& t = tasks_[static_cast<std::size_t>(r.task_id)];
      if (r.outcome.status != stability::Status::kPending && t.id % opt_.shard_count == opt_.shard_index)
        ++counts_[r.outcome.status], ++already_done_;
    }
    for (int r = 1; r < size_; ++r) retired_[r] = false;
  }

  int run() {
    const bool works = size_ < opt_.coordinator_works_below || size_ == 1;
    start_ = std::chrono::steady_clock::now();
    while (true) {
      service();
      if (works && !queue_.empty() && !g_stop) {
        const std::vector<std::int64_t> bundle = std::move(queue_.front());
        queue_.pop_front();
        std::vector<const Task*> members;
        for (std::int64_t id : bundle) members.push_back(&tasks_[static_cast<std::size_t>(id)]);
        running_ += static_cast<int>(members.size());
        runner_.run_bundle(
            members,
            [&] {
              service();
              return g_stop == 0;
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
      if (workers_done && (queue_.empty() || g_stop)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    report(true);
    if (g_stop) {
      std::size_t queued = 0;
      for (const auto& bundle : queue_) queued += bundle.size();
      std::cerr << "gpiqa: interrupted; " << queued + interrupted_
                << " tasks left. Run the same command again to resume.\n";
      return 3;
    }
    return 0;
  }

 private:
  void service() {
    int flag = 1;
    while (true) {
      MPI_Status st;
      MPI_Iprobe(MPI_ANY_SOURCE, kTagToCoordinator, comm_, &flag, &st);
      if (!flag) break;
      const json msg = json::parse(receive(comm_, st.MPI_SOURCE, kTagToCoordinator, nullptr));
      const int from = st.MPI_SOURCE;
      const std::string type = msg["type"];
      if (type == "request") {
        if (queue_.empty() || g_stop) {
          send(comm_, from, kTagToWorker, R"({"type":"stop"})");
          retired_[from] = true;
        } else {
          std::vector<std::int64_t> bundle = std::move(queue_.front());
          queue_.pop_front();
          running_ += static_cast<int>(bundle.size());
          send(comm_, from, kTagToWorker, json{{"type", "bundle"}, {"ids", bundle}}.dump());
          active_[from].insert(bundle.begin(), bundle.end());
        }
      } else if (type == "result") {
        TaskResult r;
        r.row = rows_[static_cast<std::size_t>(msg["row"]["task_id"].get<std::int64_t>())];
        row_from_json(msg["row"], r.row);
        if (msg.contains("frames")) r.frames = frames_from_json(msg["frames"]);
        r.steps_this_run = msg["steps_this_run"];
        active_[from].erase(r.row.task_id);
        --running_;
        finish(r);
      } else if (type == "interrupted") {
        active_[from].erase(msg["id"].get<std::int64_t>());
        --running_;
        ++interrupted_;
        steps_ += msg["steps_this_run"].get<long long>();
      }
    }
    record_finished();
    if (g_stop && !stop_sent_) {  // tell busy workers that did not get the signal themselves
      for (const auto& [rank, ids] : active_)
        if (!ids.empty()) send(comm_, rank, kTagStopNow, "stop");
      stop_sent_ = true;
    }
    report(false);
  }

  void finish(const TaskResult& r) {
    steps_ += r.steps_this_run;
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

  // Records the tasks finished since the last call in one write (one journal fsync for all: with many ranks
  // and short tasks, results arrive together), then drops their checkpoints.
  void record_finished() {
    if (finished_rows_.empty()) return;
    const auto t0 = std::chrono::steady_clock::now();
    writer_.record(finished_rows_, finished_frames_);
    write_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::error_code ec;
    for (const io::TaskRow& row : finished_rows_)
      fs::remove(checkpoint_path(checkpoint_dir_for(opt_.output), row.task_id), ec);
    finished_rows_.clear();
    finished_frames_.clear();
  }

  void report(bool final) {
    const auto now = std::chrono::steady_clock::now();
    const bool terminal = isatty(STDERR_FILENO) != 0;
    const double since = std::chrono::duration<double>(now - last_report_).count();
    if (!final && since < (terminal ? 0.25 : opt_.progress_interval_s)) return;
    last_report_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(steps_) / elapsed : 0;
    const double eta =
        done_ > 0 ? elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_) : -1;
    std::string outcomes;
    for (stability::Status status : stability::kAllStatuses)
      if (status != stability::Status::kPending)
        outcomes += fmt::format("{}{} {}", outcomes.empty() ? "" : " ", stability::to_string(status),
                                counts_[status]);
    const std::string line = fmt::format("tasks {}/{} done, {} running | {} | {:.3g} steps/s | ETA {}",
                                         done_ + already_done_, total_ + already_done_, running_, outcomes,
                                         rate, eta < 0 ? std::string("?") : fmt::format("{:.0f}s", eta));
    if (terminal)
      std::fprintf(stderr, final ? "\r\033[K%s\n" : "\r\033[K%s", line.c_str());
    else
      std::fprintf(stderr, "%s\n", line.c_str());
    if (final)
      std::fprintf(stderr, "wall %.2f s, of which writing the results file %.3f s (%.1f%%)\n", elapsed,
                   write_seconds_, elapsed > 0 ? 100 * write_seconds_ / elapsed : 0.0);
    std::fflush(stderr);
  }

  const CampaignSpec& spec_;
  const RunOptions& opt_;
  MPI_Comm comm_;
  int size_ = 1;
  std::vector<Task> tasks_;
  std::vector<io::TaskRow> rows_;
  TaskRunner runner_;
  io::ResultsWriter writer_;
  std::deque<std::vector<std::int64_t>> queue_;   // bundles (task ids) still to hand out
  std::map<int, std::set<std::int64_t>> active_;  // per rank, the tasks it is running
  std::vector<io::TaskRow> finished_rows_;        // finished, not yet recorded (record_finished)
  std::map<std::int64_t, io::FrameBuffer> finished_frames_;
  std::map<int, bool> retired_;
  std::map<stability::Status, std::size_t> counts_;
  std::size_t total_ = 0, done_ = 0, already_done_ = 0, interrupted_ = 0;
  int running_ = 0;
  long long steps_ = 0;
  bool stop_sent_ = false;
  double write_seconds_ = 0;
  std::chrono::steady_clock::time_point start_, last_report_;
};

// ---- other ranks ----
void work(const CampaignSpec& spec, const RunOptions& opt, MPI_Comm comm, const std::vector<Task>& tasks,
          int rank) {
  TaskRunner runner(spec, checkpoint_dir_for(opt.output), rank, host_name());
  while (true) {
    send(comm, 0, kTagToCoordinator, R"({"type":"request"})");
    const json reply = json::parse(receive(comm, 0, kTagToWorker, nullptr));
    if (reply["type"] == "stop") break;
    std::vector<const Task*> members;
    for (std::int64_t id : reply["ids"].get<std::vector<std::int64_t>>())
      members.push_back(&tasks[static_cast<std::size_t>(id)]);
    bool told_to_stop = false;
    // each member's result goes to the coordinator as soon as it ends
    runner.run_bundle(
        members,
        [&] {
          int flag = 0;
          MPI_Iprobe(0, kTagStopNow, comm, &flag, MPI_STATUS_IGNORE);
          if (flag) {
            receive(comm, 0, kTagStopNow, nullptr);
            told_to_stop = true;
          }
          return g_stop == 0 && !told_to_stop;
        },
        [&](const TaskResult& r) {
          if (r.interrupted) {
            send(comm, 0, kTagToCoordinator,
                 json{{"type", "interrupted"}, {"id", r.row.task_id}, {"steps_this_run", r.steps_this_run}}
                     .dump());
            return;
          }
          json msg{{"type", "result"}, {"row", row_to_json(r.row)}, {"steps_this_run", r.steps_this_run}};
          if (r.frames.size() > 0) msg["frames"] = frames_to_json(r.frames);
          send(comm, 0, kTagToCoordinator, msg.dump());
        });
    if (told_to_stop) g_stop = SIGTERM;
  }
}

std::vector<io::TaskRow> prepare_results(const CampaignSpec& spec, const RunOptions& opt,
                                         const std::vector<Task>& tasks) {
  std::vector<io::TaskRow> rows;
  for (const Task& t : tasks) rows.push_back(pending_row(spec, t));
  const std::string fingerprint = campaign_fingerprint(spec);
  // what the last run's kill left half done, the journal completes (io/results_journal.hpp)
  for (const std::string& note : io::recover_results(opt.output))
    std::cerr << "gpiqa: note: " << note << "\n";
  if (fs::exists(opt.output)) {
    const io::ResultsHeader h = io::read_results_header(opt.output);
    if (h.campaign_fingerprint != fingerprint)
      throw InputError(
          opt.output,
          "was made by another campaign or an earlier version of this one ('" + h.campaign_name +
              "', fingerprint " + h.campaign_fingerprint + ", now " + fingerprint +
              "); refusing to mix results: choose another output file (--output FILE) or move this one away");
    if (h.shard_index != opt.shard_index || h.shard_count != opt.shard_count)
      throw InputError(opt.output, fmt::format("belongs to shard {}/{}, not {}/{}", h.shard_index,
                                               h.shard_count, opt.shard_index, opt.shard_count));
    rows = io::read_results_rows(opt.output);
    if (rows.size() != tasks.size())
      throw InputError(opt.output, "has a different number of tasks than the campaign");
    return rows;
  }
  io::ResultsHeader h;
  h.campaign_name = spec.name;
  h.campaign_yaml = spec.text;
  h.campaign_fingerprint = fingerprint;
  h.software_version = kVersion;
  h.created = utc_now();
  h.shard_index = opt.shard_index;
  h.shard_count = opt.shard_count;
  h.duration_ps = spec.duration_ps;
  io::create_results(opt.output, h, rows);
  return rows;
}

}  // namespace

std::string shard_path(const std::string& output, int index, int count) {
  fs::path p(output);
  return (p.parent_path() /
          (p.stem().string() + ".shard-" + std::to_string(index) + "-of-" + std::to_string(count) + ".h5"))
      .string();
}

int run_campaign(const CampaignSpec& spec, const RunOptions& opt, MPI_Comm comm, RunReport* report) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::vector<double> cost;
  for (const MoleculeEntry& m : spec.molecules) cost.push_back(m.cost_per_step);
  const std::vector<Task> costed = expand_tasks(spec, cost);
  // Rank 0 takes the writer lock and checks the results file before any rank starts; the verdict is
  // broadcast so that a refused campaign (or one with nothing left to do) ends every rank cleanly.
  enum Verdict : int { kRun = 0, kNothingToDo = 1, kRefused = 2, kLocked = 4 };
  std::vector<io::TaskRow> rows;
  io::WriterLock lock;
  std::exception_ptr error;
  int verdict = kRun;
  std::size_t recorded = 0;
  if (rank == 0) {
    try {
      std::error_code ec;
      const fs::path dir = fs::path(opt.output).parent_path();
      if (!dir.empty()) fs::create_directories(dir, ec);
      if (ec) throw InputError(opt.output, "cannot create the results directory: " + ec.message());
      lock = io::WriterLock(opt.output, {opt.break_lock, "", &std::cerr});
      if (const std::string unreachable = check_starts(spec, costed).warning(); !unreachable.empty())
        std::cerr << "gpiqa: warning: " << util::printable(unreachable) << std::endl;
      if (const std::string warning = run_cost_warning(spec); !warning.empty())
        std::cerr << "gpiqa: warning: " << util::printable(warning) << std::endl;
      rows = prepare_results(spec, opt, costed);
      std::size_t mine = 0;
      for (const io::TaskRow& r : rows)
        if (r.task_id % opt.shard_count == opt.shard_index)
          ++mine, recorded += r.outcome.status != stability::Status::kPending;
      if (recorded == mine) verdict = kNothingToDo;
      // checkpoints of tasks the journal completed (io/results_journal.hpp) are spent
      for (const io::TaskRow& r : rows)
        if (r.outcome.status != stability::Status::kPending)
          fs::remove(checkpoint_path(checkpoint_dir_for(opt.output), r.task_id), ec);
    } catch (const io::LockedError&) {
      error = std::current_exception();
      verdict = kLocked;
    } catch (const InputError&) {
      error = std::current_exception();
      verdict = kRefused;
    } catch (const fs::filesystem_error& e) {  // e.g. a name the file system refuses: every rank still ends
      error = std::make_exception_ptr(InputError(opt.output, e.code().message()));
      verdict = kRefused;
    } catch (const std::exception& e) {
      error = std::make_exception_ptr(InputError(opt.output, e.what()));
      verdict = kRefused;
    }
  }
  MPI_Bcast(&verdict, 1, MPI_INT, 0, comm);
  if (verdict == kLocked || verdict == kRefused) {
    if (rank == 0) std::rethrow_exception(error);
    return verdict;
  }
  if (verdict == kNothingToDo) {
    if (rank == 0) {
      std::cerr << "gpiqa: all " << recorded << " tasks" << (opt.shard_count > 1 ? " of this shard" : "")
                << " already recorded in " << opt.output << "; nothing to do\n";
      io::retire_journal(opt.output);
      if (report) report->nothing_to_do = true;
    }
    return 0;
  }
  // From here on the ranks depend on each other: a rank that fails (an unreadable checkpoint, a full disk)
  // must not leave the others waiting for its messages forever. It says why and aborts the job; what is
  // finished is in the results file (flushed after every task) and a rerun resumes, as after a wall-time
  // kill.
  int size = 1;
  MPI_Comm_size(comm, &size);
  try {
    if (rank != 0) {
      work(spec, opt, comm, costed, rank);
      return 0;
    }
    fs::create_directories(checkpoint_dir_for(opt.output));
    Coordinator c(spec, opt, comm, costed, rows);
    const int code = c.run();
    if (code == 0) io::retire_journal(opt.output);  // every task recorded: the journal has done its work
    std::error_code ec;
    if (code == 0 && fs::is_empty(checkpoint_dir_for(opt.output), ec))
      fs::remove(checkpoint_dir_for(opt.output), ec);
    return code;
  } catch (const std::exception& e) {
    if (size == 1) throw;
    std::cerr << "gpiqa: error: rank " << rank << ": " << util::printable(e.what())
              << " (aborting the job; run it again to resume)" << std::endl;
    lock.release();  // rank 0's, before the abort kills it
    MPI_Abort(comm, 2);
    return 2;
  }
}

}  // namespace gpiqa::campaign
