// gpiqa run under real mpirun: the /tasks table (and the frames) are identical for 1, 2 and 4 ranks; a
// campaign killed with SIGKILL (the whole job, as a wall-time limit does) and run again ends with the same
// table as an uninterrupted run; a changed campaign is refused by an existing results file, which stays
// untouched.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "gpiqa/io/results_file.hpp"
#include "gpiqa/util/text.hpp"
#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

namespace fs = std::filesystem;

std::string campaign_yaml(double duration_ps, int frames_every, double checkpoint_s,
                          const std::string& stability = "") {
  return "name: ranks\n"
         "molecules:\n"
         "  water: {geometry: " +
         shared_data("geometries/water.xyz") + ", models: " + shared_data("models/water-dlfflux") +
         "}\n"
         "  ammonia: {geometry: " +
         shared_data("geometries/ammonia.xyz") + ", models: " + shared_data("models/ammonia-ichor") +
         "}\n"
         "models: {file: {mean: file}, MIN: {mean: min}}\n"
         "temperatures_K: [300, 900]\n"
         "seeds: 2\n"
         "md: {timestep_fs: 0.5, duration_ps: " +
         std::to_string(duration_ps) +
         ", thermostat: {type: langevin}}\n"
         "start: {displace_angstrom: 0.05}\n" +
         stability + "output: {file: results.h5, frames_every: " + std::to_string(frames_every) +
         ", checkpoint_every_s: " + std::to_string(checkpoint_s) + "}\n";
}

std::string write_campaign(const std::string& dir, const std::string& yaml) {
  std::ofstream(dir + "/campaign.yaml") << yaml;
  return dir + "/campaign.yaml";
}

int run_shell(const std::string& cmd) {
  const int status = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Every column that does not depend on where and how fast a task ran.
void expect_same_tables(const std::string& a, const std::string& b) {
  const auto ra = io::read_results_rows(a), rb = io::read_results_rows(b);
  ASSERT_EQ(ra.size(), rb.size());
  for (std::size_t i = 0; i < ra.size(); ++i) {
    SCOPED_TRACE(ra[i].label);
    EXPECT_EQ(ra[i].outcome.status, rb[i].outcome.status);
    EXPECT_EQ(ra[i].outcome.reason, rb[i].outcome.reason);
    EXPECT_EQ(ra[i].outcome.steps, rb[i].outcome.steps);
    EXPECT_EQ(ra[i].outcome.failure_step, rb[i].outcome.failure_step);
    EXPECT_EQ(ra[i].outcome.mean_temperature_K, rb[i].outcome.mean_temperature_K);
    EXPECT_EQ(ra[i].outcome.std_temperature_K, rb[i].outcome.std_temperature_K);
    EXPECT_EQ(ra[i].outcome.conserved_drift, rb[i].outcome.conserved_drift);
    EXPECT_EQ(ra[i].outcome.max_force, rb[i].outcome.max_force);
    EXPECT_EQ(ra[i].outcome.min_distance_angstrom, rb[i].outcome.min_distance_angstrom);
    EXPECT_EQ(ra[i].outcome.max_bond_deviation_angstrom, rb[i].outcome.max_bond_deviation_angstrom);
    EXPECT_EQ(ra[i].outcome.extrapolation_fraction, rb[i].outcome.extrapolation_fraction);
    EXPECT_EQ(ra[i].outcome.simulated_ps, rb[i].outcome.simulated_ps);
    EXPECT_NE(ra[i].outcome.status, stability::Status::kPending);
  }
}

TEST(RunCommand, SameTableAndFramesWithOneTwoAndFourRanks) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("ranks");
  const std::string c = write_campaign(dir, campaign_yaml(2 * long_run_scale(), 200, 300));
  for (int np : {1, 2, 4})
    ASSERT_EQ(
        run_shell(mpirun_gpiqa(np) + " run " + c + " --output " + dir + "/np" + std::to_string(np) + ".h5"),
        0)
        << np;
  expect_same_tables(dir + "/np1.h5", dir + "/np2.h5");
  expect_same_tables(dir + "/np1.h5", dir + "/np4.h5");
  for (std::int64_t id : {0, 5, 15}) {
    const io::FrameBuffer a = io::read_task_frames(dir + "/np1.h5", id),
                          b = io::read_task_frames(dir + "/np4.h5", id);
    EXPECT_GT(a.size(), 1u);
    EXPECT_EQ(a.step, b.step);
    EXPECT_EQ(a.positions_angstrom, b.positions_angstrom);
  }
  const io::ResultsHeader h = io::read_results_header(dir + "/np2.h5");
  EXPECT_EQ(h.campaign_name, "ranks");
  EXPECT_NE(h.campaign_yaml.find("temperatures_K: [300, 900]"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir + "/np2.h5.checkpoints")) << "checkpoints of finished tasks are cleaned up";
}

// Runs the campaign under `mpirun -n 2` with `extra` options, kills the whole job with SIGKILL as soon as
// the results file shows a finished task, resumes it, and expects the table of an uninterrupted run made
// with `straight_extra`. With `relocated`, also the machine-was-replaced case: the results file alone (no
// journal, checkpoints or lock: what a user copies back from a scratch file system that is gone) continued
// from another folder with a copy of the campaign file ends with the same table.
void expect_killed_run_resumes(const std::string& tag, const std::string& extra,
                               const std::string& straight_extra, bool relocated = false) {
  const std::string dir = temp_dir(tag);
  const std::string c = write_campaign(dir, campaign_yaml(30 * long_run_scale(), 0, 0.1));
  const pid_t pid = start_in_session(mpirun_gpiqa(2) + " run " + c + extra + " --output " + dir +
                                     "/killed.h5 >/dev/null 2>&1");
  // Kill as soon as the file shows a finished task (not after a fixed time: a loaded machine is slower).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    try {
      const auto rows = io::read_results_rows(dir + "/killed.h5");
      if (std::any_of(rows.begin(), rows.end(),
                      [](const io::TaskRow& r) { return r.outcome.status != stability::Status::kPending; }))
        break;
    } catch (const std::exception&) {
      // not created yet, or caught mid-write: look again
    }
  }
  kill_session(pid);
  ASSERT_TRUE(fs::exists(dir + "/killed.h5"));
  const auto partial = io::read_results_rows(dir + "/killed.h5");  // readable after SIGKILL
  const auto pending = std::count_if(partial.begin(), partial.end(), [](const io::TaskRow& r) {
    return r.outcome.status == stability::Status::kPending;
  });
  EXPECT_GT(pending, 0) << "the campaign finished before it was killed: the test proves nothing";
  EXPECT_LT(pending, static_cast<long>(partial.size())) << "nothing finished before the kill";
  const std::string elsewhere = dir + "/elsewhere";
  if (relocated) {
    fs::create_directories(elsewhere);
    fs::copy_file(dir + "/killed.h5", elsewhere + "/moved.h5");
    fs::copy_file(c, elsewhere + "/campaign.yaml");
  }
  ASSERT_EQ(run_shell(mpirun_gpiqa(2) + " run " + c + extra + " --output " + dir + "/killed.h5"), 0);
  ASSERT_EQ(run_shell(mpirun_gpiqa(2) + " run " + c + straight_extra + " --output " + dir + "/straight.h5"),
            0);
  expect_same_tables(dir + "/straight.h5", dir + "/killed.h5");
  if (relocated) {
    ASSERT_EQ(run_shell(mpirun_gpiqa(2) + " run " + elsewhere + "/campaign.yaml" + extra + " --output " +
                        elsewhere + "/moved.h5"),
              0);
    expect_same_tables(dir + "/straight.h5", elsewhere + "/moved.h5");
  }
}

TEST(RunCommand, KilledCampaignResumesToTheUninterruptedTable) {
  GPIQA_REQUIRE_SHARED_DATA();
  expect_killed_run_resumes("kill", "", "", /*relocated=*/true);
}

// The same with bundles of 4 trajectories in lockstep, against an unbundled uninterrupted run.
TEST(RunCommand, KilledBundledCampaignResumesToTheUnbundledTable) {
  GPIQA_REQUIRE_SHARED_DATA();
  expect_killed_run_resumes("kill-bundled", " --bundle 4", " --bundle 1");
}

// Bundles change a campaign's speed, never its results: bundles of 8 (each molecule's 8 GP tasks, mixed
// means, temperatures and seeds, in one bundle, whose members at 900 K fail at different steps under a tight
// bond-stretch limit and leave it) and of 3 at two ranks give the table and frames of unbundled runs, and so
// does auto (1 for these sets).
TEST(RunCommand, BundledAndUnbundledRunsGiveTheSameTableAndFrames) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("bundles");
  const std::string c =
      write_campaign(dir, campaign_yaml(2, 10, 300, "stability: {bond_stretch_angstrom: 0.15}\n"));
  ASSERT_EQ(run_shell(mpirun_gpiqa(1) + " run " + c + " --bundle 1 --output " + dir + "/single.h5"), 0);
  ASSERT_EQ(run_shell(mpirun_gpiqa(1) + " run " + c + " --bundle 8 --output " + dir + "/eight.h5"), 0);
  ASSERT_EQ(run_shell(mpirun_gpiqa(2) + " run " + c + " --bundle 3 --output " + dir + "/three.h5"), 0);
  ASSERT_EQ(run_shell(mpirun_gpiqa(2) + " run " + c + " --output " + dir + "/auto.h5"), 0);
  expect_same_tables(dir + "/single.h5", dir + "/eight.h5");
  expect_same_tables(dir + "/single.h5", dir + "/three.h5");
  expect_same_tables(dir + "/single.h5", dir + "/auto.h5");
  // The test proves something only if a bundle of 8 had members failing at different steps beside survivors.
  const auto rows = io::read_results_rows(dir + "/single.h5");
  bool mixed_bundle = false;
  for (const char* molecule : {"water", "ammonia"}) {
    std::set<std::int64_t> failure_steps;
    int stable = 0;
    for (const io::TaskRow& r : rows) {
      if (r.molecule != molecule) continue;
      if (r.outcome.status == stability::Status::kStable)
        ++stable;
      else
        failure_steps.insert(r.outcome.failure_step);
    }
    mixed_bundle = mixed_bundle || (stable > 0 && failure_steps.size() >= 2);
  }
  EXPECT_TRUE(mixed_bundle) << "no bundle with members failing at different steps: the test proves less";
  for (std::int64_t id = 0; id < 16; ++id) {
    const io::FrameBuffer a = io::read_task_frames(dir + "/single.h5", id),
                          b = io::read_task_frames(dir + "/eight.h5", id);
    EXPECT_GT(a.size(), 1u);
    EXPECT_EQ(a.step, b.step) << id;
    EXPECT_EQ(a.positions_angstrom, b.positions_angstrom) << id;
    EXPECT_EQ(a.potential_hartree, b.potential_hartree) << id;
  }
  EXPECT_NE(run_shell(mpirun_gpiqa(1) + " run " + c + " --bundle 0 --output " + dir + "/bad.h5"), 0);
}

// A rank that fails mid-campaign (here: every task's checkpoint is garbage, so whichever rank takes a task
// cannot read it) stops the whole job with its reason instead of leaving the other ranks waiting for it.
TEST(RunCommand, ARankThatFailsAbortsTheJobInsteadOfHangingIt) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("rank-fails");
  const std::string c = write_campaign(dir, campaign_yaml(0.5, 0, 300));
  fs::create_directories(dir + "/results.h5.checkpoints");
  for (int id = 0; id < 16; ++id)
    std::ofstream(dir + "/results.h5.checkpoints/task-" + std::to_string(id) + ".h5") << "not HDF5\n";
  const auto t0 = std::chrono::steady_clock::now();
  const int code = run_shell("{ timeout 120 " + mpirun_gpiqa(2) + " run " + c + " 2>" + dir + "/err.txt; }");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 100)
      << "the job hung";
  EXPECT_NE(code, 0);
  EXPECT_NE(code, 124) << "killed by timeout: the job hung";
  std::ifstream in(dir + "/err.txt");
  const std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(err.find("gpiqa: error: rank "), std::string::npos) << err;
  EXPECT_NE(err.find("task-"), std::string::npos) << "names the unreadable checkpoint: " << err;
  EXPECT_TRUE(fs::exists(dir + "/results.h5")) << "the results file stays, for the rerun";
}

TEST(RunCommand, ShardsMergeIntoTheSingleRunTable) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("shards");
  const std::string c = write_campaign(dir, campaign_yaml(1, 400, 300));
  ASSERT_EQ(run_shell(mpirun_gpiqa(2) + " run " + c + " --output " + dir + "/single.h5"), 0);
  std::string shards;
  for (int i = 0; i < 3; ++i) {
    // an explicit --output is the shard file itself (#15)
    const std::string shard = dir + "/out.shard-" + std::to_string(i) + "-of-3.h5";
    const ProcessResult r =
        run_gpiqa("run " + c + " --output " + shard + " --shard " + std::to_string(i) + "/3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    shards += " " + shard;
  }
  const ProcessResult missing = run_gpiqa("merge " + dir + "/out.shard-0-of-3.h5 -o " + dir + "/m.h5");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("shard 1 of 3 is missing"), std::string::npos) << missing.err;
  const ProcessResult merged = run_gpiqa("merge" + shards + " -o " + dir + "/merged.h5");
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  expect_same_tables(dir + "/single.h5", dir + "/merged.h5");
  for (std::int64_t id : {0, 7, 13}) {
    const io::FrameBuffer a = io::read_task_frames(dir + "/single.h5", id),
                          b = io::read_task_frames(dir + "/merged.h5", id);
    EXPECT_EQ(a.step, b.step);
    EXPECT_EQ(a.positions_angstrom, b.positions_angstrom);
  }
  EXPECT_EQ(io::read_results_header(dir + "/merged.h5").shard_count, 1);
  EXPECT_NE(run_gpiqa("merge" + shards + " -o " + dir + "/merged.h5").exit_code, 0) << "must not overwrite";
}

TEST(RunCommand, SlurmScriptNamesEveryShardAndTheMerge) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("slurm-script");
  const std::string c = write_campaign(dir, campaign_yaml(1, 0, 300));
  const ProcessResult r = run_gpiqa(
      "slurm " + c + " --array 4 --time 01:30:00 --ranks-per-task 2 --partition short --account chem");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* piece : {"--array=0-3", "--ntasks=2", "--time=01:30:00", "--partition='short'",
                            "--account='chem'", "--dependency=afterok:", "srun --mpi=pmix",
                            "--shard \"${SLURM_ARRAY_TASK_ID}/4\"", "results.shard-3-of-4.h5"})
    EXPECT_NE(r.out.find(piece), std::string::npos) << piece;
  EXPECT_NE(run_gpiqa("slurm " + c + " --array 2 --time soon").exit_code, 0);
}

TEST(RunCommand, ChangedCampaignIsRefusedAndTheFileIsUntouched) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("changed");
  const std::string c = write_campaign(dir, campaign_yaml(0.5, 0, 300));
  ASSERT_EQ(run_shell(mpirun_gpiqa(1) + " run " + c), 0);
  const auto before = fs::last_write_time(dir + "/results.h5");
  write_campaign(dir, campaign_yaml(0.6, 0, 300));
  const ProcessResult r = run_gpiqa("run " + c);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("another campaign or an earlier version"), std::string::npos) << r.err;
  EXPECT_EQ(fs::last_write_time(dir + "/results.h5"), before);
  // running the unchanged campaign again is a no-op resume that says so, and shows the summary
  write_campaign(dir, campaign_yaml(0.5, 0, 300));
  const ProcessResult again = run_gpiqa("run " + c);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.err, "gpiqa: all 16 tasks already recorded in " + dir + "/results.h5; nothing to do\n");
  EXPECT_NE(again.out.find("ranks (16 tasks"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("total"), std::string::npos) << again.out;
  EXPECT_EQ(fs::last_write_time(dir + "/results.h5"), before) << "nothing written";
}

// A variant {mean: SPEC, retrain: true} on gpiqa's committed water set: `gpiqa run` under two ranks builds
// the retrained set on first use exactly once (both ranks ask; one builds with progress on stderr, the other
// waits on the cache's lock), runs it, and a later `gpiqa plan` finds it built.
TEST(RunCommand, RetrainedVariantIsBuiltOnceOnFirstUse) {
  const std::string dir = temp_dir("run-retrain");
  const std::string repo = GPIQA_SOURCE_DIR;
  setenv("GPIQA_MODELS_CACHE", (dir + "/cache").c_str(), 1);
  const std::string c =
      write_campaign(dir,
                     "name: retrained\n"
                     "molecules:\n"
                     "  water: {geometry: " +
                         repo + "/molecules/water.xyz, models: " + repo +
                         "/models/water}\n"
                         "models: {MIN: {mean: min}, MIN-trained: {mean: min, retrain: true}}\n"
                         "temperatures_K: [300]\n"
                         "seeds: 2\n"
                         "md: {duration_ps: 0.05}\n"
                         "output: {file: results.h5}\n");
  const int status =
      std::system((mpirun_gpiqa(2) + " run " + c + " >/dev/null 2>" + dir + "/err.txt").c_str());
  const std::string err = util::read_text_file(dir + "/err.txt");
  const ProcessResult plan = run_gpiqa("plan " + c);
  unsetenv("GPIQA_MODELS_CACHE");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << err;
  auto count = [](const std::string& text, const std::string& piece) {
    int n = 0;
    for (auto at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(err, "gpiqa retrain"), 5) << err;  // the start, 3 atoms, built
  EXPECT_EQ(count(err, "water/MIN-trained: built " + dir + "/cache/retrained/water-min-"), 1) << err;
  const auto rows = io::read_results_rows(dir + "/results.h5");
  ASSERT_EQ(rows.size(), 4u);
  for (const io::TaskRow& r : rows) EXPECT_EQ(r.outcome.status, stability::Status::kStable) << r.label;
  EXPECT_EQ(rows[2].mean, "min");
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_EQ(plan.err.find("gpiqa retrain"), std::string::npos) << plan.err;
}

TEST(RunCommand, BadShardAndBadCampaignAreOneLineErrors) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("run-bad");
  const std::string c = write_campaign(dir, campaign_yaml(0.5, 0, 300));
  for (const std::string& args :
       {"run " + c + " --shard 3/3", "run " + c + " --shard x", "run " + dir + "/none.yaml",
        "run " + c + " --output /proc/forbidden/results.h5"}) {
    SCOPED_TRACE(args);
    const ProcessResult r = run_gpiqa(args);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/results.h5"));
  }
}

// A GP set beside the reference it imitates, in one campaign: the reference variant builds MMFF94 per runner
// from the molecule's SMILES, starts from the reference's own coordinates, and its rows are classified with
// mean "reference". MMFF94 water at 300 K for 0.2 ps is stable; anything else means the reference was not the
// potential that ran (or the start was not a sensible water).
TEST(RunCommand, ReferenceVariantRunsBesideTheGpSet) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("run-reference");
  const std::string c =
      write_campaign(dir,
                     "name: versus-reference\n"
                     "molecules:\n"
                     "  water: {smiles: \"O\", models: " +
                         shared_data("models/water-dlfflux") +
                         "}\n"
                         "models: {as-trained: {mean: file}, reference: {kind: reference}}\n"
                         "temperatures_K: [300]\n"
                         "seeds: 2\n"
                         "md: {timestep_fs: 0.5, duration_ps: 0.2}\n"
                         "output: {file: results.h5, frames_every: 100}\n");
  ASSERT_EQ(run_shell(mpirun_gpiqa(2) + " run " + c), 0);
  const auto rows = io::read_results_rows(dir + "/results.h5");
  ASSERT_EQ(rows.size(), 4u);
  int reference_rows = 0;
  for (const io::TaskRow& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_NE(r.outcome.status, stability::Status::kPending);
    if (r.model != "reference") continue;
    ++reference_rows;
    EXPECT_EQ(r.mean, "reference");
    EXPECT_EQ(r.outcome.status, stability::Status::kStable) << r.outcome.reason;
    EXPECT_EQ(r.outcome.steps, 400);
    EXPECT_TRUE(std::isfinite(r.outcome.mean_temperature_K));
  }
  EXPECT_EQ(reference_rows, 2);
  // Which potential ran shows in the energies: MMFF94 water is within millihartrees above zero, the IQA
  // energy of the GP set near -76 Hartree. Both variants start from the same (the reference's) coordinates.
  for (const io::TaskRow& r : rows) {
    SCOPED_TRACE(r.label);
    const io::FrameBuffer f = io::read_task_frames(dir + "/results.h5", r.task_id);
    ASSERT_EQ(f.size(), 5u);
    EXPECT_EQ(f.elements, (std::vector<std::string>{"O", "H", "H"}));
    for (double e : f.potential_hartree) {
      if (r.model == "reference") {
        EXPECT_GE(e, 0);
        EXPECT_LT(e, 0.05);
      } else {
        EXPECT_LT(e, -70);
      }
    }
    const io::FrameBuffer first =
        io::read_task_frames(dir + "/results.h5", rows[r.seed == rows[0].seed ? 0 : 1].task_id);
    EXPECT_EQ(std::vector<double>(f.positions_angstrom.begin(), f.positions_angstrom.begin() + 9),
              std::vector<double>(first.positions_angstrom.begin(), first.positions_angstrom.begin() + 9))
        << "paired variants start from the same geometry";
  }
}

// The main job's campaign, shortened to 1 ps (0.1 ps in a sanitizer build): it runs on the committed default
// models alone (no ../shared), every task finishes, and the MMFF94 control is stable at 300 K, as is every GP
// variant of water started from the same geometries.
TEST(RunCommand, QuickstartCampaignRunsOnTheCommittedDefaults) {
  const std::string dir = temp_dir("run-quickstart");
  std::ifstream in(std::string(GPIQA_SOURCE_DIR) + "/campaigns/quickstart.yaml");
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_NE(yaml.find("duration_ps: 100"), std::string::npos);
  yaml.replace(yaml.find("duration_ps: 100"), 16, "duration_ps: " + std::to_string(long_run_scale()));
  yaml.replace(yaml.find("../results/quickstart.h5"), 24, "results.h5");
  ASSERT_EQ(run_shell(mpirun_gpiqa(2) + " run " + write_campaign(dir, yaml)), 0);
  const auto rows = io::read_results_rows(dir + "/results.h5");
  ASSERT_EQ(rows.size(), 160u);
  int reference_rows = 0;
  for (const io::TaskRow& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_NE(r.outcome.status, stability::Status::kPending);
    EXPECT_NE(r.outcome.status, stability::Status::kFailed) << r.outcome.reason;
    if (r.temperature_K == 300 && (r.model == "reference" || r.molecule == "water")) {
      EXPECT_EQ(r.outcome.status, stability::Status::kStable) << r.outcome.reason;
      reference_rows += r.model == "reference";
    }
  }
  EXPECT_EQ(reference_rows, 20);
}

}  // namespace
}  // namespace gpiqa::test
