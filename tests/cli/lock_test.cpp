// One writer per output file, as users meet it: a second `gpiqa run` on a running campaign's output is
// refused at once (also under mpirun, every rank ending) with one line naming the holder, and the first run
// ends as if alone; a lock left by a SIGKILLed run is taken over with a note; another host's lock needs
// --break-lock; readers (summary, h5py) never need the lock; `merge` and `md` take it too, and `md` writes
// --out and --checkpoint only into its own files, leaving anything else byte for byte as it was.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "gpiqa/io/results_file.hpp"
#include "gpiqa/io/writer_lock.hpp"
#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Committed models only: runs without ../shared. `duration_ps` sets how long the campaign runs.
std::string write_campaign(const std::string& dir, double duration_ps, int seeds = 4) {
  std::ofstream(dir + "/campaign.yaml") << "name: locked\n"
                                           "molecules:\n"
                                           "  water: {builtin: water}\n"
                                           "models: {file: {mean: file}}\n"
                                           "temperatures_K: [300]\n"
                                           "seeds: "
                                        << seeds
                                        << "\n"
                                           "md: {timestep_fs: 0.5, duration_ps: "
                                        << duration_ps
                                        << ", thermostat: {type: langevin}}\n"
                                           "output: {file: results.h5, checkpoint_every_s: 1}\n";
  return dir + "/campaign.yaml";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string host() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

bool wait_for(const std::string& path, double seconds) {
  const auto give_up = Clock::now() + std::chrono::duration<double>(seconds);
  while (!fs::exists(path))
    if (Clock::now() > give_up)
      return false;
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return true;
}

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(WriterLockCli, ASecondRunIsRefusedAtOnceAndTheFirstEndsAsIfAlone) {
  const std::string dir = temp_dir("lock-two-runs");
  const std::string c = write_campaign(dir, 0.05);
  const std::string out = dir + "/results.h5";
  // The first run is held inside its write window (the writer's test hook: 50 ms between HDF5 calls, some
  // 2 s per task) so that it is writing throughout the attempts below, however fast this machine is.
  const pid_t first = start_in_session("env GPIQA_TEST_WRITE_PAUSE_MS=50 " + gpiqa_binary() + " run " + c +
                                       " >" + dir + "/first.out 2>" + dir + "/first.err");
  ASSERT_TRUE(wait_for(io::lock_path(out), 60)) << slurp(dir + "/first.err");
  ASSERT_TRUE(wait_for(out, 60)) << slurp(dir + "/first.err");

  const auto t0 = Clock::now();
  const ProcessResult second = run_gpiqa("run " + c);
  const double second_s = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_EQ(second.exit_code, 4) << second.err;
  EXPECT_EQ(lines(second.err), 1) << second.err;
  EXPECT_NE(second.err.find("results.h5: is being written by another gpiqa (host " + host() + ", pid " +
                            std::to_string(first) + ", started "),
            std::string::npos)
      << second.err;
  // under mpirun every rank ends, at once
  const auto t1 = Clock::now();
  const int mpi_status = std::system(
      ("timeout 60 " + mpirun_gpiqa(2) + " run " + c + " >" + dir + "/mpi.out 2>" + dir + "/mpi.err")
          .c_str());
  EXPECT_TRUE(WIFEXITED(mpi_status) && WEXITSTATUS(mpi_status) == 4)
      << "mpirun -n 2: " << mpi_status << " " << slurp(dir + "/mpi.err");
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t1).count(), 30) << "the refused job hung";
  const std::string mpi_err = slurp(dir + "/mpi.err");  // (and mpirun's own box about the exit code)
  EXPECT_EQ(mpi_err.rfind("gpiqa: "), 0u) << "one line, from rank 0 alone: " << mpi_err;
  EXPECT_NE(mpi_err.find("is being written by another gpiqa"), std::string::npos) << mpi_err;
  ASSERT_EQ(waitpid(first, nullptr, WNOHANG), 0) << "the first run ended already: hold it longer";
  // a reader meanwhile
  const ProcessResult summary = run_gpiqa("summary " + out);
  EXPECT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_NE(summary.out.find("locked (4 tasks"), std::string::npos) << summary.out;
  // ... which says the campaign is running, who writes it, and that its counts are provisional
  EXPECT_NE(summary.out.find("\nrunning: "), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("written by host " + host() + ", pid " + std::to_string(first)),
            std::string::npos)
      << summary.out;
  EXPECT_NE(summary.out.find("provisional"), std::string::npos) << summary.out;

  int status = 0;
  waitpid(first, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(dir + "/first.err");
  EXPECT_LT(second_s, 20) << "refused at once, not after the first run";
  EXPECT_EQ(slurp(dir + "/first.err").find("gpiqa: note"), std::string::npos) << "the first run saw nothing";
  for (const io::TaskRow& r : io::read_results_rows(out))
    EXPECT_EQ(r.outcome.steps, 100) << r.label << ": the first run ended every task, alone";
  EXPECT_FALSE(fs::exists(io::lock_path(out))) << "released at the end";
  EXPECT_NE(run_gpiqa("summary " + out).out.find("\ncomplete: every task recorded\n"), std::string::npos);
}

TEST(WriterLockCli, ALockLeftByASigkilledRunIsTakenOverWithANote) {
  const std::string dir = temp_dir("lock-stale-run");
  const std::string c = write_campaign(dir, 1.5);
  const std::string out = dir + "/results.h5";
  const pid_t killed = start_in_session(mpirun_gpiqa(2) + " run " + c + " >/dev/null 2>&1");
  ASSERT_TRUE(wait_for(out, 60));
  const pid_t holder = static_cast<pid_t>(io::read_lock_holder(io::lock_path(out)).pid);
  kill_session(killed);
  ASSERT_TRUE(fs::exists(io::lock_path(out))) << "the kill leaves the lock file";
  // a reader tells the stale lock from a live writer: the campaign is interrupted, not running
  const ProcessResult summary = run_gpiqa("summary " + out);
  EXPECT_NE(summary.out.find("\ninterrupted: "), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("run the campaign's command again to resume"), std::string::npos) << summary.out;
  const ProcessResult resumed = run_gpiqa("run " + c);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("gpiqa: note: took over the lock of " + out + " from a run that is gone (host " +
                             host() + ", pid " + std::to_string(holder)),
            std::string::npos)
      << resumed.err;
  for (const io::TaskRow& r : io::read_results_rows(out)) EXPECT_EQ(r.outcome.steps, 3000) << r.label;
}

TEST(WriterLockCli, AnotherHostsLockIsRefusedUnlessBrokenExplicitly) {
  const std::string dir = temp_dir("lock-other-host");
  const std::string c = write_campaign(dir, 0.05);
  const std::string out = dir + "/results.h5";
  std::ofstream(io::lock_path(out)) << "gpiqa writer lock\nhost: node-elsewhere\npid: 4242\nstarted: "
                                       "2025-01-31T09:00:00Z\ncommand: gpiqa run campaign.yaml\n";
  const ProcessResult refused = run_gpiqa("run " + c);
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_EQ(lines(refused.err), 1) << refused.err;
  EXPECT_NE(refused.err.find("is locked by a gpiqa on another host (host node-elsewhere, pid 4242, started "
                             "2025-01-31T09:00:00Z, 'gpiqa run campaign.yaml')"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("run again with --break-lock"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(out)) << "nothing written";
  const ProcessResult broken = run_gpiqa("run " + c + " --break-lock");
  ASSERT_EQ(broken.exit_code, 0) << broken.err;
  EXPECT_NE(broken.err.find("gpiqa: note: broke the lock of " + out +
                            " held on another host (host "
                            "node-elsewhere"),
            std::string::npos)
      << broken.err;
  EXPECT_FALSE(fs::exists(io::lock_path(out)));
}

// The test itself holds the lock: writers are refused, readers are not.
TEST(WriterLockCli, ReadersNeverNeedTheLockWritersAlwaysDo) {
  const std::string dir = temp_dir("lock-readers");
  const std::string c = write_campaign(dir, 0.05);
  const std::string out = dir + "/results.h5";
  ASSERT_EQ(run_gpiqa("run " + c).exit_code, 0);
  ASSERT_EQ(run_gpiqa("run " + c + " --shard 0/2").exit_code, 0);
  ASSERT_EQ(run_gpiqa("run " + c + " --shard 1/2").exit_code, 0);
  const io::WriterLock held(out, {false, "the test", nullptr});
  const std::string before = slurp(out);
  const ProcessResult summary = run_gpiqa("summary " + out);
  EXPECT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_NE(summary.out.find("total"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("\nrunning: 4 of 4 tasks recorded (100.0%), written by host " + host() +
                             ", pid " + std::to_string(getpid())),
            std::string::npos)
      << "a live lock holder is a running campaign even when every task is recorded: " << summary.out;
  EXPECT_EQ(io::read_results_rows(out).size(), 4u);
  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") == 0) {
    const int py = std::system(("/usr/bin/python3 -c \"import h5py; f = h5py.File('" + out +
                                "', 'r'); assert len(f['tasks/status']) == 4\"")
                                   .c_str());
    EXPECT_EQ(py, 0) << "h5py cannot read a locked results file";
  }
  for (const std::string& writer : {"run " + c, "merge " + dir + "/results.shard-0-of-2.h5 " + dir +
                                                    "/results.shard-1-of-2.h5 -o " + out + " --force"}) {
    const ProcessResult r = run_gpiqa(writer);
    EXPECT_EQ(r.exit_code, 4) << writer << ": " << r.err;
    EXPECT_NE(r.err.find("pid " + std::to_string(getpid()) + ", started"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'the test'"), std::string::npos) << r.err;
  }
  EXPECT_EQ(slurp(out), before);
}

std::string md_args(int seed) {
  const std::string repo = GPIQA_SOURCE_DIR;
  return "md --models " + repo + "/models/water --xyz " + repo +
         "/molecules/water.xyz --temperature 300 --duration-ps 0.05 --seed " + std::to_string(seed) + " ";
}

// md --out and --checkpoint write only into their own files: not into a results file (the damage of issue
// #16), an input model file, or another run's checkpoint or trajectory. Each is refused with one line naming
// the file and what it is, and stays byte for byte as it was; --overwrite replaces it on purpose.
TEST(WriterLockCli, MdWritesOnlyIntoItsOwnTrajectoryAndCheckpoint) {
  const std::string dir = temp_dir("lock-md-own");
  const std::string c = write_campaign(dir, 0.05);
  ASSERT_EQ(run_gpiqa("run " + c).exit_code, 0);
  const std::string results = dir + "/results.h5";
  fs::copy_file(std::string(GPIQA_SOURCE_DIR) + "/models/water/WATER_iqa_O1.model", dir + "/O1.model");
  ASSERT_EQ(
      run_gpiqa(md_args(5) + "--checkpoint " + dir + "/cp5.h5 --out " + dir + "/t5.h5 --frames-every 10")
          .exit_code,
      0);
  ASSERT_EQ(
      run_gpiqa(md_args(6) + "--checkpoint " + dir + "/cp6.h5 --out " + dir + "/t6.h5 --frames-every 10")
          .exit_code,
      0);
  struct Case {
    std::string args, file, message;
  };
  const std::vector<Case> cases = {
      {"md --restart " + dir + "/cp5.h5 --duration-ps 0.1 --out " + results + " --frames-every 1", results,
       results + ": --out exists and is a gpiqa results file (campaign 'locked'), not this run's trajectory: "
                 "refusing to write into it (choose another --out, or --overwrite to replace it)"},
      {md_args(5) + "--checkpoint " + results, results,
       "--checkpoint exists and is a gpiqa results file (campaign 'locked'), not this run's checkpoint"},
      {md_args(5) + "--checkpoint " + dir + "/O1.model", dir + "/O1.model",
       "--checkpoint exists and is a file that is not HDF5"},
      {md_args(7) + "--checkpoint " + dir + "/cp5.h5", dir + "/cp5.h5",
       "--checkpoint exists and is the checkpoint of another run (seed 5, not 7)"},
      {"md --restart " + dir + "/cp5.h5 --duration-ps 0.1 --out " + dir + "/t6.h5", dir + "/t6.h5",
       "--out exists and is the trajectory of another run (seed 6, not 5)"},
      {"md --restart " + dir + "/cp5.h5 --duration-ps 0.1 --checkpoint " + dir + "/t5.h5", dir + "/t5.h5",
       "--checkpoint exists and is a trajectory file, not this run's checkpoint"},
      {md_args(5) + "--out " + dir + "/t5.h5", dir + "/t5.h5",
       "--out already exists: this run's trajectory (continue it with --restart"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.args);
    const std::string before = slurp(k.file);
    const auto mtime = fs::last_write_time(k.file);
    const ProcessResult r = run_gpiqa(k.args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(k.message), std::string::npos) << r.err;
    EXPECT_EQ(slurp(k.file), before) << "changed";
    EXPECT_EQ(fs::last_write_time(k.file), mtime);
    EXPECT_FALSE(fs::exists(io::lock_path(k.file))) << "lock released";
  }
  // its own trajectory and checkpoint are continued
  const ProcessResult own = run_gpiqa("md --restart " + dir + "/cp5.h5 --duration-ps 0.1 --checkpoint " +
                                      dir + "/cp5.h5 --out " + dir + "/t5.h5 --frames-every 10");
  EXPECT_EQ(own.exit_code, 0) << own.err;
  // --overwrite replaces on purpose
  fs::copy_file(results, dir + "/copy.h5");
  const ProcessResult replaced = run_gpiqa(md_args(5) + "--checkpoint " + dir + "/copy.h5 --overwrite");
  EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
  // and md takes the lock: a held checkpoint is refused
  const io::WriterLock held(dir + "/cp6.h5", {false, "the test", nullptr});
  const ProcessResult locked =
      run_gpiqa("md --restart " + dir + "/cp6.h5 --duration-ps 0.1 --checkpoint " + dir + "/cp6.h5");
  EXPECT_EQ(locked.exit_code, 4) << locked.err;
  EXPECT_NE(locked.err.find("'the test'"), std::string::npos) << locked.err;
}

}  // namespace
}  // namespace gpiqa::test
