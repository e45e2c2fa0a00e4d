// gpiqa md as a user runs it: the JSON contract, restart after SIGTERM and after kill -9 equal to an
// uninterrupted run, and bad input rejected with one line, a non-zero exit and nothing written.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/io/hdf5.hpp"
#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

namespace fs = std::filesystem;

std::string ammonia_args() {
  return "--models " + shared_data("models/ammonia-ichor") + " --xyz " +
         shared_data("geometries/ammonia.xyz") + " --temperature 600 --seed 9 ";
}

TEST(MdCommand, PrintsTheOutcomeContract) {
  GPIQA_REQUIRE_SHARED_DATA();
  const ProcessResult r = run_gpiqa("md " + ammonia_args() + "--duration-ps 0.5 --thermostat csvr");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key :
       {"status", "time_to_failure_ps", "reason", "steps", "simulated_ps", "mean_temperature_K",
        "conserved_drift", "steps_per_second", "max_bond_deviation_angstrom", "min_distance_angstrom",
        "max_force", "extrapolation_fraction", "wall_seconds", "std_temperature_K"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["status"], "stable");
  EXPECT_TRUE(j["time_to_failure_ps"].is_null());
  EXPECT_EQ(j["steps"], 1000);
  EXPECT_DOUBLE_EQ(j["simulated_ps"].get<double>(), 0.5);
}

TEST(MdCommand, FramesFollowTheH5mdLayoutWithUnits) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("md-frames");
  const ProcessResult r =
      run_gpiqa("md " + ammonia_args() + "--duration-ps 0.1 --frames-every 20 --out " + dir + "/t.h5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  io::h5::Handle f = io::h5::open_file(dir + "/t.h5", io::h5::Mode::kReadOnly);
  std::vector<hsize_t> dims;
  io::h5::read_doubles(f.id(), "particles/all/position/value", &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{11, 4, 3}));  // steps 0, 20, ..., 200
  EXPECT_EQ(io::h5::read_ints(f.id(), "particles/all/position/step").back(), 200);
  for (const char* obs : {"potential_energy", "kinetic_energy", "conserved_energy", "temperature"})
    EXPECT_EQ(io::h5::read_doubles(f.id(), std::string("observables/") + obs + "/value").size(), 11u) << obs;
  io::h5::read_doubles(f.id(), "particles/all/force/value", &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{11, 4, 3}));
  io::h5::Handle v = io::h5::Handle(H5Dopen2(f.id(), "particles/all/position/value", H5P_DEFAULT), H5Dclose);
  EXPECT_EQ(io::h5::string_attribute(v.id(), "unit"), "Angstrom");
  EXPECT_TRUE(io::h5::exists(f.id(), "h5md/creator") && io::h5::exists(f.id(), "particles/all/box"));
}

// Runs `args` in the background, sends `sig` `delay` after `ready_file` appears (however slow the build:
// a sanitizer build starts and steps many times slower), waits for it; returns the exit status.
int run_and_signal(const std::string& args, int sig, const std::string& ready_file,
                   std::chrono::milliseconds delay) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cmd = "exec " + gpiqa_binary() + " " + args + " >/dev/null 2>&1";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  while (!fs::exists(ready_file) && std::chrono::steady_clock::now() < give_up)
    if (waitpid(pid, &status, WNOHANG) == pid)
      return status;  // ended before it was ready
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(delay);
  kill(pid, sig);
  waitpid(pid, &status, 0);
  return status;
}

void expect_resume_equals_straight_run(int sig) {
  const std::string dir = temp_dir("md-kill");
  const std::string run = "md " + ammonia_args() + "--duration-ps " + std::to_string(60 * long_run_scale()) +
                          " --thermostat nhc --frames-every 500 ";
  const std::string killed =
      run + "--out " + dir + "/k.h5 --checkpoint " + dir + "/k.ckpt --checkpoint-every-s 0.2";
  const int status = run_and_signal(killed, sig, dir + "/k.ckpt", std::chrono::milliseconds(300));
  ASSERT_TRUE(WIFSIGNALED(status) || WEXITSTATUS(status) == 128 + sig)
      << "the run finished before the signal";
  ASSERT_TRUE(fs::exists(dir + "/k.ckpt")) << "no checkpoint written before the signal";
  const io::Checkpoint mid = io::load_checkpoint(dir + "/k.ckpt", nullptr);
  EXPECT_GT(mid.state.step, 0);
  EXPECT_EQ(mid.outcome.status, stability::Status::kPending);
  const ProcessResult resumed = run_gpiqa(killed + " --restart " + dir + "/k.ckpt");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const ProcessResult straight = run_gpiqa(run + "--out " + dir + "/s.h5 --checkpoint " + dir + "/s.ckpt");
  ASSERT_EQ(straight.exit_code, 0) << straight.err;
  const io::Checkpoint a = io::load_checkpoint(dir + "/k.ckpt", nullptr),
                       b = io::load_checkpoint(dir + "/s.ckpt", nullptr);
  EXPECT_EQ(a.state.step, b.state.step);
  EXPECT_EQ(a.state.positions, b.state.positions);
  EXPECT_EQ(a.state.velocities, b.state.velocities);
  EXPECT_EQ(a.state.thermostat, b.state.thermostat);
  io::h5::Handle fa = io::h5::open_file(dir + "/k.h5", io::h5::Mode::kReadOnly);
  io::h5::Handle fb = io::h5::open_file(dir + "/s.h5", io::h5::Mode::kReadOnly);
  EXPECT_EQ(io::h5::read_ints(fa.id(), "particles/all/position/step"),
            io::h5::read_ints(fb.id(), "particles/all/position/step"));
  EXPECT_EQ(io::h5::read_doubles(fa.id(), "particles/all/position/value"),
            io::h5::read_doubles(fb.id(), "particles/all/position/value"));
  auto ja = nlohmann::json::parse(resumed.out), jb = nlohmann::json::parse(straight.out);
  for (const char* key :
       {"status", "steps", "mean_temperature_K", "conserved_drift", "max_force", "min_distance_angstrom"})
    EXPECT_EQ(ja[key], jb[key]) << key;
}

TEST(MdCommand, ResumeAfterSigtermEqualsAnUninterruptedRun) {
  GPIQA_REQUIRE_SHARED_DATA();
  expect_resume_equals_straight_run(SIGTERM);
}

TEST(MdCommand, ResumeAfterKillMinus9EqualsAnUninterruptedRun) {
  GPIQA_REQUIRE_SHARED_DATA();
  expect_resume_equals_straight_run(SIGKILL);
}

TEST(MdCommand, BadInputIsOneLineNonZeroAndWritesNothing) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("md-bad");
  const std::string outputs = " --out " + dir + "/t.h5 --checkpoint " + dir + "/c.h5 --frames-every 10";
  const std::string water =
      "--models " + shared_data("models/water-dlfflux") + " --xyz " + shared_data("geometries/ammonia.xyz");
  struct Case {
    std::string args;
    const char* fragment;
  };
  const std::vector<Case> cases = {
      {"--models " + shared_data("models/ammonia-ichor") + " --xyz " + shared_data("geometries/ammonia.xyz") +
           " --temperature -300 --duration-ps 1",
       "gpiqa: error: temperature: must be positive, got -300 K\n"},
      {ammonia_args() + "--duration-ps -1", "duration: must be positive, got -1 ps"},
      {ammonia_args() + "--duration-ps 1 --timestep-fs 0", "timestep: must be positive, got 0 fs"},
      {ammonia_args() + "--duration-ps 1 --thermostat berendsen", "unknown thermostat 'berendsen'"},
      {ammonia_args() + "--duration-ps 1 --displace -0.2", "displacement: must be >= 0, got -0.2 A"},
      {water + " --temperature 300 --duration-ps 1", "4 atoms, but model set WATER"},
      {ammonia_args() + "--duration-ps 1 --mean lowest", "unknown mean spec"},
      {ammonia_args() + "--duration-ps 1 --restart " + dir + "/missing.h5", "does not exist"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args);
    const ProcessResult r = run_gpiqa("md " + c.args + outputs);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.fragment), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/t.h5"));
    EXPECT_FALSE(fs::exists(dir + "/c.h5"));
  }
}

TEST(MdCommand, RefusesToOverwriteAnExistingTrajectory) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("md-exists");
  std::ofstream(dir + "/t.h5") << "precious";
  const ProcessResult r = run_gpiqa("md " + ammonia_args() + "--duration-ps 0.1 --out " + dir + "/t.h5");
  EXPECT_NE(r.exit_code, 0);
  std::ifstream in(dir + "/t.h5");
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST(MdCommand, CheckpointOfAnotherRunIsRefused) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("md-other");
  ASSERT_EQ(run_gpiqa("md " + ammonia_args() + "--duration-ps 0.1 --checkpoint " + dir + "/c.h5").exit_code,
            0);
  const ProcessResult r =
      run_gpiqa("md " + ammonia_args() + "--duration-ps 0.2 --mean min --restart " + dir + "/c.h5");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("mean = file, not min"), std::string::npos) << r.err;
}

// The reference through gpiqa md: without --xyz it starts from the molecule's own (MMFF94-minimised)
// coordinates, and MMFF94 water at 300 K is stable. Its checkpoint records the reference, so a GP model set
// cannot continue it.
TEST(MdCommand, ReferenceRunsFromItsOwnCoordinatesAndGuardsItsCheckpoint) {
  const std::string dir = temp_dir("md-reference");
  const ProcessResult r = run_gpiqa(
      "md --reference O --temperature 300 --duration-ps 0.2 --seed 4 --checkpoint " + dir + "/c.h5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "stable") << j["reason"];
  EXPECT_EQ(j["steps"], 400);
  io::Identity saved;
  io::load_checkpoint(dir + "/c.h5", &saved);
  EXPECT_EQ(saved["reference"], "O");
  EXPECT_EQ(saved.count("system"), 0u);
  if (!have_shared_data()) return;
  std::ofstream(dir + "/water.xyz") << "3\nw\nO 0 0 0.1173\nH 0 0.7572 -0.4692\nH 0 -0.7572 -0.4692\n";
  const ProcessResult gp =
      run_gpiqa("md --models " + shared_data("models/water-dlfflux") + " --xyz " + dir +
                "/water.xyz --temperature 300 --duration-ps 0.4 --seed 4 --restart " + dir + "/c.h5");
  EXPECT_NE(gp.exit_code, 0);
  EXPECT_NE(gp.err.find("checkpoint was made with --reference O"), std::string::npos) << gp.err;
  const ProcessResult both = run_gpiqa("md --reference O --models " + shared_data("models/water-dlfflux") +
                                       " --temperature 300 --duration-ps 0.1");
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("exactly one of --models"), std::string::npos) << both.err;
}

// gpiqa md --restart FILE from the checkpoint alone: the file records the potential (model set and mean, or
// the reference), the geometry and every setting. Continued to a longer duration it equals one straight run
// of that duration; a flag that contradicts the checkpoint is refused by name; flags that agree are accepted.
TEST(MdCommand, RestartFromTheCheckpointAlone) {
  const std::string dir = temp_dir("md-restart-alone");
  const std::string repo = GPIQA_SOURCE_DIR;
  const std::string start = "md --models " + repo + "/models/water --mean quadratic+ --xyz " + repo +
                            "/molecules/water.xyz --thermostat csvr --tau-fs 40 --temperature 450 --seed 5 "
                            "--displace 0.05 --displace-mode sphere --bond-stretch-angstrom 0.7 ";
  ASSERT_EQ(run_gpiqa(start + "--duration-ps 0.1 --checkpoint " + dir + "/c.h5").exit_code, 0);
  const ProcessResult continued =
      run_gpiqa("md --restart " + dir + "/c.h5 --duration-ps 0.2 --checkpoint " + dir + "/c.h5");
  ASSERT_EQ(continued.exit_code, 0) << continued.err;
  const ProcessResult straight = run_gpiqa(start + "--duration-ps 0.2 --checkpoint " + dir + "/s.h5");
  ASSERT_EQ(straight.exit_code, 0) << straight.err;
  const auto jc = nlohmann::json::parse(continued.out), js = nlohmann::json::parse(straight.out);
  EXPECT_EQ(jc["steps"], 400);
  for (const char* key : {"status", "steps", "start_temperature_K", "mean_temperature_K", "conserved_drift",
                          "max_force", "min_distance_angstrom", "max_bond_deviation_angstrom"})
    EXPECT_EQ(jc[key], js[key]) << key;
  io::Identity saved;
  const io::Checkpoint a = io::load_checkpoint(dir + "/c.h5", &saved),
                       b = io::load_checkpoint(dir + "/s.h5", nullptr);
  EXPECT_EQ(a.state.positions, b.state.positions);
  EXPECT_EQ(a.state.velocities, b.state.velocities);
  EXPECT_EQ(saved["mean"], "quadratic+");
  EXPECT_EQ(saved["tau_fs"], "40");
  EXPECT_EQ(saved["bond_stretch_angstrom"], "0.7");

  // the finished run, asked again without a duration: its own duration, nothing left to do
  const ProcessResult again = run_gpiqa("md --restart " + dir + "/c.h5 --thermostat csvr --temperature 450");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["steps"], 400);

  for (const auto& [flags, message] : std::vector<std::pair<std::string, std::string>>{
           {"--thermostat nve", "checkpoint was made with thermostat = csvr, not nve"},
           {"--temperature 300", "checkpoint was made with temperature_K = 450, not 300"},
           {"--mean min", "checkpoint was made with mean = quadratic+, not min"},
           {"--reference O", "checkpoint was made with a GP model set, not --reference"}}) {
    const ProcessResult r = run_gpiqa("md --restart " + dir + "/c.h5 --duration-ps 0.3 " + flags);
    EXPECT_NE(r.exit_code, 0) << flags;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }

  // the reference too: its checkpoint names the molecule
  ASSERT_EQ(
      run_gpiqa("md --reference O --temperature 300 --duration-ps 0.1 --seed 4 --checkpoint " + dir + "/r.h5")
          .exit_code,
      0);
  const ProcessResult reference = run_gpiqa("md --restart " + dir + "/r.h5 --duration-ps 0.2");
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  EXPECT_EQ(nlohmann::json::parse(reference.out)["steps"], 400);
}

// The checkpoint keeps the run's cadence: `md --restart FILE --out TRAJ` from the checkpoint alone continues
// the trajectory file with the frames the run was writing, so the file equals that of one straight run; a
// --frames-every on the restart's command line wins.
TEST(MdCommand, RestartFromTheCheckpointAloneKeepsTheFrameCadence) {
  const std::string dir = temp_dir("md-restart-cadence");
  const std::string repo = GPIQA_SOURCE_DIR;
  const std::string start =
      "md --models " + repo + "/models/water --xyz " + repo +
      "/molecules/water.xyz --temperature 400 --seed 3 --displace 0.05 --frames-every 20 ";
  ASSERT_EQ(run_gpiqa(start + "--duration-ps 0.1 --checkpoint-every-s 45 --out " + dir +
                      "/t.h5 --checkpoint " + dir + "/c.h5")
                .exit_code,
            0);
  const io::Checkpoint saved = io::load_checkpoint(dir + "/c.h5", nullptr);
  EXPECT_EQ(saved.cadence.frames_every, 20);
  EXPECT_EQ(saved.cadence.checkpoint_every_s, 45);
  const ProcessResult continued = run_gpiqa("md --restart " + dir + "/c.h5 --duration-ps 0.2 --out " + dir +
                                            "/t.h5 --checkpoint " + dir + "/c.h5");
  ASSERT_EQ(continued.exit_code, 0) << continued.err;
  ASSERT_EQ(run_gpiqa(start + "--duration-ps 0.2 --out " + dir + "/s.h5").exit_code, 0);
  auto series = [](const std::string& path, const char* name) {
    io::h5::Handle f = io::h5::open_file(path, io::h5::Mode::kReadOnly);
    return io::h5::read_doubles(f.id(), name);
  };
  auto steps = [](const std::string& path) {
    io::h5::Handle f = io::h5::open_file(path, io::h5::Mode::kReadOnly);
    return io::h5::read_ints(f.id(), "particles/all/position/step");
  };
  EXPECT_EQ(steps(dir + "/t.h5").size(), 21u) << "steps 0, 20, ..., 400: the continued half has its frames";
  EXPECT_EQ(steps(dir + "/t.h5"), steps(dir + "/s.h5"));
  EXPECT_EQ(series(dir + "/t.h5", "particles/all/position/value"),
            series(dir + "/s.h5", "particles/all/position/value"));
  EXPECT_EQ(io::load_checkpoint(dir + "/c.h5", nullptr).cadence.checkpoint_every_s, 45)
      << "the continued run saved the cadence it kept";

  const ProcessResult denser =
      run_gpiqa("md --restart " + dir + "/c.h5 --duration-ps 0.25 --frames-every 50 --out " + dir +
                "/t.h5 --checkpoint " + dir + "/c.h5");
  ASSERT_EQ(denser.exit_code, 0) << denser.err;
  const std::vector<std::int64_t> s = steps(dir + "/t.h5");
  EXPECT_EQ(std::vector<std::int64_t>(s.begin() + 21, s.end()), (std::vector<std::int64_t>{450, 500}))
      << "the command line's cadence";
}

// Without --restart a run needs its temperature and duration.
TEST(MdCommand, TemperatureAndDurationAreRequiredForAFreshRun) {
  const std::string repo = GPIQA_SOURCE_DIR;
  const ProcessResult r = run_gpiqa("md --models " + repo + "/models/water --xyz " + repo +
                                    "/molecules/water.xyz --duration-ps 1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--temperature: is required (unless continuing a checkpoint with --restart)"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace gpiqa::test
