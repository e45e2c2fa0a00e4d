// The crash storm: campaigns killed with SIGKILL (the whole session: mpirun and its ranks, as SLURM kills a
// job) at random moments, at least 50 times, and resumed after every kill. After each kill the results file
// must open, every task recorded before must still be recorded, unchanged, and every recorded row must equal
// the uninterrupted run's: a row that is recorded but wrong is a partly written one. Frames of recorded tasks
// must equal the uninterrupted run's after every run that got through its start (which repairs the file from
// its journal); a kill that tears HDF5's own metadata write may hide some until then, which is counted. Each
// campaign, run to its end, must equal the uninterrupted run, frames included. A share of the kills is aimed
// inside the results writer's write window: through its test hook (GPIQA_TEST_WRITE_PAUSE_MS: a pause between
// HDF5 calls that a random kill then lands in; GPIQA_TEST_WRITE_KILL_AT: SIGKILL at the K-th call), and
// inside HDF5 itself (tests/support/kill_at_write.c: SIGKILL at the K-th write(2) to the results file, or
// half-way through it). Every resume also takes over the stale writer lock the kill left behind.
//
// GPIQA_CRASH_STORM_KILLS (default 50) and GPIQA_CRASH_STORM_SEED (default 16) set the count and the random
// kill schedule; bench/crash_storm.sh runs it with 200 kills and more. The figures go to stdout.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "gpiqa/io/results_file.hpp"
#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Tasks of a few hundred steps with frames and frequent checkpoints: many finish, and many are resumed from
// a checkpoint, between two kills. Committed models only: runs without ../shared.
std::string storm_campaign() {
  return "name: storm\n"
         "molecules:\n"
         "  water: {builtin: water}\n"
         "models: {file: {mean: file}, MIN: {mean: min}}\n"
         "temperatures_K: [300, 2000]\n"
         "seeds: 10\n"
         "md: {timestep_fs: 0.5, duration_ps: 0.2, thermostat: {type: langevin}}\n"
         "start: {displace_angstrom: 0.05}\n"
         "output: {file: results.h5, frames_every: 40, checkpoint_every_s: 0.02}\n";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

long env_or(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v ? std::atol(v) : fallback;
}

// Every column that does not depend on where and how fast a task ran; NaN equals NaN. "" when equal.
std::string row_difference(const io::TaskRow& a, const io::TaskRow& b) {
  std::map<std::string, std::string> ca, cb;
  auto collect = [](const io::TaskRow& r, std::map<std::string, std::string>& cells) {
    io::for_each_column(r, [&](const stability::FieldInfo& field, const auto& v) {
      using T = std::decay_t<decltype(v)>;
      const std::string name = field.name;
      if (name == "wall_seconds" || name == "steps_per_second" || name == "rank" || name == "host") return;
      if constexpr (std::is_same_v<T, double>)
        cells[name] = std::isnan(v) ? "nan" : fmt::format("{}", v);
      else if constexpr (std::is_same_v<T, stability::Status>)
        cells[name] = stability::to_string(v);
      else
        cells[name] = fmt::format("{}", v);
    });
  };
  collect(a, ca);
  collect(b, cb);
  for (const auto& [name, value] : ca)
    if (cb[name] != value) return name + " " + value + " vs " + cb[name];
  return "";
}

bool recorded(const io::TaskRow& r) {
  return r.outcome.status != stability::Status::kPending;
}

struct Figures {
  int kills = 0, random_kills = 0, paused_kills = 0, step_kills = 0, write_kills = 0, mpi_kills = 0;
  int file_missing = 0, campaigns = 0, resumes_without_kill = 0;
  int unreadable = 0, lost = 0, wrong_rows = 0, wrong_frames = 0, wrong_tables = 0, frames_until_repair = 0;
  int rebuilds = 0, completions = 0, takeovers = 0;
  long rows_checked = 0;
};

TEST(CrashStorm, FiftyKillsLoseNothingAndEndInTheUninterruptedTable) {
  const int wanted = static_cast<int>(env_or("GPIQA_CRASH_STORM_KILLS", 50));
  const auto seed = static_cast<unsigned>(env_or("GPIQA_CRASH_STORM_SEED", 16));
  const std::string dir = temp_dir("crash-storm");
  std::ofstream(dir + "/campaign.yaml") << storm_campaign();
  const std::string campaign = dir + "/campaign.yaml";

  // the uninterrupted run, and how long it takes here (the kill schedule scales with it)
  const auto t0 = Clock::now();
  const ProcessResult straight_run = run_gpiqa("run " + campaign + " --output " + dir + "/straight.h5");
  ASSERT_EQ(straight_run.exit_code, 0) << straight_run.err;
  const double full_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const std::vector<io::TaskRow> straight = io::read_results_rows(dir + "/straight.h5");
  std::map<std::int64_t, io::FrameBuffer> straight_frames;
  for (const io::TaskRow& r : straight)
    straight_frames[r.task_id] = io::read_task_frames(dir + "/straight.h5", r.task_id);

  std::mt19937 random(seed);
  Figures f;
  const auto start = Clock::now();
  std::string output;
  std::map<std::int64_t, io::TaskRow> before;  // recorded rows of the current campaign after the last kill

  // A failed check keeps the evidence: the file, its journal and lock, as the kill left them.
  auto keep_evidence = [&](const std::string& when) {
    const std::string evidence = dir + "/evidence-" + std::to_string(f.kills);
    if (fs::exists(evidence)) return;
    fs::create_directories(evidence);
    for (const char* suffix : {"", ".journal", ".lock"})
      if (fs::exists(output + suffix)) fs::copy(output + suffix, evidence, fs::copy_options::recursive);
    if (fs::exists(output + ".journal.d")) fs::copy(output + ".journal.d", evidence + "/journal.d");
    std::cout << "evidence of '" << when << "' kept in " << evidence << "\n";
  };
  // After a kill: the file opens, no recorded task is gone, every recorded row is the uninterrupted run's.
  // Frames of recorded tasks are compared too; a kill that tears HDF5's own metadata write can leave some
  // unreadable until the next run repairs the file from its journal, so after a kill that is counted, and
  // after a run that ended (repair included) it is a failure.
  auto check = [&](const std::string& when, bool frames_exact) {
    if (!fs::exists(output)) {
      ++f.file_missing;
      EXPECT_TRUE(before.empty()) << when << ": the results file disappeared";
      f.lost += static_cast<int>(before.size());
      return;
    }
    std::vector<io::TaskRow> rows;
    try {
      rows = io::read_results_rows(output);
    } catch (const std::exception& e) {
      ++f.unreadable;
      keep_evidence(when);
      ADD_FAILURE() << when << ": the results file does not open: " << e.what();
      return;
    }
    ASSERT_EQ(rows.size(), straight.size());
    for (const auto& [id, row] : before)
      if (!recorded(rows[static_cast<std::size_t>(id)])) {
        ++f.lost;
        keep_evidence(when);
        ADD_FAILURE() << when << ": task " << id << " was recorded and is gone";
      }
    before.clear();
    int unreadable_frames = 0;
    for (const io::TaskRow& r : rows) {
      if (!recorded(r)) continue;
      ++f.rows_checked;
      before[r.task_id] = r;
      const std::string difference = row_difference(r, straight[static_cast<std::size_t>(r.task_id)]);
      if (!difference.empty()) {
        ++f.wrong_rows;
        keep_evidence(when);
        ADD_FAILURE() << when << ": task " << r.task_id << " is recorded wrongly (" << difference << ")";
      }
      io::FrameBuffer frames;
      try {
        frames = io::read_task_frames(output, r.task_id);
      } catch (const std::exception&) {
      }
      const io::FrameBuffer& expected = straight_frames[r.task_id];
      if (frames.step == expected.step && frames.positions_angstrom == expected.positions_angstrom) continue;
      ++unreadable_frames;
      if (frames_exact) {
        ++f.wrong_frames;
        keep_evidence(when);
        ADD_FAILURE() << when << ": task " << r.task_id << " has other frames than the uninterrupted run ("
                      << frames.size() << " vs " << expected.size() << ")";
      }
    }
    f.frames_until_repair += !frames_exact && unreadable_frames > 0;
  };
  // what the runs said they repaired
  auto count_notes = [&](const std::string& err) {
    for (std::size_t at = err.find("gpiqa: note: "); at != std::string::npos;
         at = err.find("gpiqa: note: ", at + 1)) {
      const std::string line = err.substr(at, err.find('\n', at) - at);
      f.rebuilds += line.find("rebuilt it from its journal") != std::string::npos;
      f.completions += line.find("task rows in") != std::string::npos;
      f.takeovers += line.find("took over the lock") != std::string::npos;
    }
  };
  auto finish_campaign = [&]() {
    const ProcessResult r = run_gpiqa("run " + campaign + " --output " + output);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    count_notes(r.err);
    check("after the campaign's last run", true);
    const std::vector<io::TaskRow> rows = io::read_results_rows(output);
    bool equal = true;
    for (const io::TaskRow& row : rows) {
      EXPECT_TRUE(recorded(row)) << "task " << row.task_id << " pending at the end";
      const std::string difference = row_difference(row, straight[static_cast<std::size_t>(row.task_id)]);
      EXPECT_EQ(difference, "") << row.task_id;
      equal = equal && recorded(row) && difference.empty();
    }
    f.wrong_tables += !equal;
    ++f.campaigns;
  };

  while (f.kills < wanted) {
    if (output.empty()) {
      output = dir + "/storm-" + std::to_string(f.campaigns) + ".h5";
      before.clear();
    }
    // how to kill this time
    std::string env, runner = gpiqa_binary();
    const int mode = std::uniform_int_distribution<int>(0, 9)(random);
    double delay_s = std::uniform_real_distribution<double>(0.1, 0.1 + 0.35 * full_s)(random);
    const char* what = "random";
    if (mode < 2) {  // pause 5 ms between HDF5 calls: a kill now lands inside the write window
      env = "GPIQA_TEST_WRITE_PAUSE_MS=5 ";
      what = "write window, paused";
    } else if (mode < 4) {  // SIGKILL at a random HDF5 call of the next records
      env = "GPIQA_TEST_WRITE_KILL_AT=" + std::to_string(std::uniform_int_distribution<int>(1, 150)(random)) +
            " ";
      delay_s = 60;  // the hook kills it (or the campaign ends first)
      what = "write window, between HDF5 calls";
    } else if (mode < 6) {  // SIGKILL at a random write(2) to the results file, inside HDF5, maybe torn
      env =
          "LD_PRELOAD=" GPIQA_KILL_AT_WRITE_SHIM " GPIQA_TEST_KILL_PATH=" + output +
          " GPIQA_TEST_KILL_AT_WRITE=" + std::to_string(std::uniform_int_distribution<int>(1, 120)(random)) +
          (mode == 5 ? " GPIQA_TEST_KILL_TORN=1 " : " ");
      delay_s = 60;
      what = mode == 5 ? "inside an HDF5 write, torn" : "inside HDF5, before a write";
    } else if (mode == 9) {
      runner = mpirun_gpiqa(2);
      delay_s += 1.0;  // mpirun's own start
      what = "mpirun -n 2, random";
    }
    const pid_t session = start_in_session((env.empty() ? "" : "env " + env) + runner + " run " + campaign +
                                           " --output " + output + " >/dev/null 2>" + dir + "/run.err");
    const auto deadline = Clock::now() + std::chrono::duration<double>(delay_s);
    int status = 0;
    bool ended = false;
    while (Clock::now() < deadline)
      if (waitpid(session, &status, WNOHANG) == session) {
        ended = true;
        break;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    if (ended && WIFEXITED(status)) {  // the campaign ended before the kill
      ASSERT_EQ(WEXITSTATUS(status), 0) << "a resumed campaign failed (" << what << ")";
      ++f.resumes_without_kill;
      count_notes(slurp(dir + "/run.err"));
      check("after a run that ended by itself", true);
      finish_campaign();
      output.clear();
      continue;
    }
    kill_session(session);  // (killed by the hook: mpirun's leftovers, if any)
    ++f.kills;
    f.random_kills += mode >= 6 && mode < 9;
    f.paused_kills += mode < 2;
    f.step_kills += mode >= 2 && mode < 4;
    f.write_kills += mode >= 4 && mode < 6;
    f.mpi_kills += mode == 9;
    count_notes(slurp(dir + "/run.err"));
    check(fmt::format("after kill {} ({}, {:.2f} s)", f.kills, what, delay_s), false);
    if (HasFatalFailure()) return;
  }
  if (!output.empty()) finish_campaign();
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << fmt::format(
      "crash storm (seed {}): {} kills in {:.0f} s over {} campaigns of {} tasks (uninterrupted run {:.1f} "
      "s): "
      "{} at random moments, {} inside the write window by a pause, {} between HDF5 calls by the hook, {} at "
      "a "
      "write(2) inside HDF5 (half of them torn), {} of mpirun -n 2; {} before the file existed; {} runs "
      "ended "
      "before their kill\n"
      "after every kill: file unreadable {} times, recorded tasks lost {}, rows recorded wrongly {} (of {} "
      "recorded rows checked); kills after which some recorded task's frames could not be read until the "
      "next "
      "run repaired them: {}; frames wrong after a completed run {}; campaigns whose final table differs "
      "from "
      "the uninterrupted run's {}\n"
      "the runs' notes: {} stale locks taken over, {} files rebuilt from the journal, {} repairs completing "
      "rows "
      "from it\n",
      seed, f.kills, took, f.campaigns, straight.size(), full_s, f.random_kills, f.paused_kills, f.step_kills,
      f.write_kills, f.mpi_kills, f.file_missing, f.resumes_without_kill, f.unreadable, f.lost, f.wrong_rows,
      f.rows_checked, f.frames_until_repair, f.wrong_frames, f.wrong_tables, f.takeovers, f.rebuilds,
      f.completions);
  EXPECT_GE(f.kills, wanted);
}

}  // namespace
}  // namespace gpiqa::test
