#include "gpiqa/campaign/scheduler.hpp"

#include <unistd.h>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "gpiqa/campaign/coordinator.hpp"
#include "gpiqa/campaign/cost_estimate.hpp"
#include "gpiqa/campaign/mpi_transport.hpp"
#include "gpiqa/campaign/task.hpp"
#include "gpiqa/campaign/task_runner.hpp"
#include "gpiqa/campaign/worker.hpp"
#include "gpiqa/io/results_store.hpp"
#include "gpiqa/io/writer_lock.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"
#include "gpiqa/version.hpp"

namespace gpiqa::campaign {
namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int sig) {
  g_stop = sig;
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

// The results file's table: recovered from its journal, checked against the campaign and shard, or created
// with every task pending.
std::vector<io::TaskRow> prepare_results(const CampaignSpec& spec, const RunOptions& opt,
                                         const std::vector<Task>& tasks) {
  std::vector<io::TaskRow> rows;
  for (const Task& t : tasks) rows.push_back(pending_row(spec, t));
  const std::string fingerprint = campaign_fingerprint(spec);
  // what the last run's kill left half done, the journal completes (io/results_store.hpp)
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
  MpiTransport transport(comm);
  return run_campaign(spec, opt, transport, report);
}

int run_campaign(const CampaignSpec& spec, const RunOptions& opt, Transport& transport, RunReport* report) {
  const int rank = transport.rank();
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
        if (r.task_id % opt.shard_count == opt.shard_index) ++mine, recorded += io::is_recorded(r);
      if (recorded == mine) verdict = kNothingToDo;
      // checkpoints of tasks the journal completed (io/results_store.hpp) are spent
      for (const io::TaskRow& r : rows)
        if (io::is_recorded(r)) fs::remove(checkpoint_path(checkpoint_dir_for(opt.output), r.task_id), ec);
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
  verdict = transport.broadcast(verdict);
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
  const int size = transport.size();
  const auto stop_requested = [] { return g_stop != 0; };
  try {
    TaskRunner runner(spec, checkpoint_dir_for(opt.output), rank, host_name());
    if (rank != 0) {
      work(transport, runner, costed, stop_requested);
      return 0;
    }
    fs::create_directories(checkpoint_dir_for(opt.output));
    const bool works = size < opt.coordinator_works_below || size == 1;
    Coordinator c(spec, opt, transport, costed, rows, works ? &runner : nullptr, stop_requested);
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
    transport.abort(2);
  }
}

}  // namespace gpiqa::campaign
