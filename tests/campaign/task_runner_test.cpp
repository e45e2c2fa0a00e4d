// Campaign starts: a controlled start (start.energy_above_minimum_kcal_mol) is judged by the molecule's
// MMFF94 reference, so every model of a (molecule, temperature, seed) starts from the same geometry at the
// target energy (within 1%); start.frames gives seed i frame i; and every bad start setting is one error
// before anything runs.
#include "gpiqa/campaign/task_runner.hpp"

#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/test_data.hpp"

namespace gpiqa::campaign {
namespace {

const std::string kRepo = GPIQA_SOURCE_DIR;

std::string yaml_with_start(const std::string& start) {
  return "name: controlled\n"
         "molecules:\n"
         "  water: {geometry: " +
         kRepo + "/molecules/water.xyz, models: " + kRepo + "/models/water, reference: " + kRepo +
         "/molecules/water.mol}\n"
         "models:\n"
         "  as-trained: {mean: file}\n"
         "  MIN: {mean: min}\n"
         "  mmff: {kind: reference}\n"
         "temperatures_K: [300, 600]\n"
         "seeds: 3\n"
         "md: {duration_ps: 0.05}\n"
         "start: " +
         start + "\n";  // line 11
}

std::string write(const std::string& dir, const std::string& text) {
  std::ofstream(dir + "/campaign.yaml") << text;
  return dir + "/campaign.yaml";
}

TEST(CampaignStarts, EveryModelOfATaskKeyStartsAtTheTargetEnergyFromTheSameGeometry) {
  const CampaignSpec spec = load_campaign(
      write(test::temp_dir("starts-controlled"), yaml_with_start("{energy_above_minimum_kcal_mol: 12, "
                                                                 "displace_mode: sphere}")));
  const std::vector<Task> tasks = expand_tasks(spec, {1.0});
  check_starts(spec, tasks);
  TaskRunner runner(spec, "", 0, "here");
  std::map<std::uint64_t, std::vector<stability::Outcome>> by_key;
  for (const Task& task : tasks)
    by_key[task.key].push_back(runner.run(task, [] { return true; }).row.outcome);
  ASSERT_EQ(by_key.size(), 6u);  // 2 temperatures x 3 seeds
  for (const auto& [key, outcomes] : by_key) {
    ASSERT_EQ(outcomes.size(), 3u);
    for (const stability::Outcome& o : outcomes) {
      EXPECT_NEAR(o.start_energy_above_minimum_kcal_mol, 12.0, 0.12);
      EXPECT_EQ(o.start_energy_above_minimum_kcal_mol, outcomes[0].start_energy_above_minimum_kcal_mol);
      EXPECT_EQ(o.start_max_bond_deviation_angstrom, outcomes[0].start_max_bond_deviation_angstrom);
      EXPECT_EQ(o.start_temperature_K, outcomes[0].start_temperature_K);
      EXPECT_NE(o.status, stability::Status::kPending);
    }
    // the reference variant judges itself: its own energy above its minimum is the recorded start energy
    EXPECT_EQ(outcomes[2].start_model_energy_above_minimum_kcal_mol,
              outcomes[2].start_energy_above_minimum_kcal_mol);
    // the as-trained GP reproduces the reference's start energy closely (it was trained on it)
    EXPECT_NEAR(outcomes[0].start_model_energy_above_minimum_kcal_mol, 12.0, 0.5);
  }
}

TEST(CampaignStarts, AListOfStartEnergiesIsAnAxisSharingEachSeedsDirection) {
  const CampaignSpec spec = load_campaign(
      write(test::temp_dir("starts-sweep"), yaml_with_start("{energy_above_minimum_kcal_mol: [6, 18], "
                                                            "displace_mode: sphere}")));
  const std::vector<Task> tasks = expand_tasks(spec, {1.0});
  ASSERT_EQ(tasks.size(), 3u * 2 * 2 * 3);  // models x temperatures x start energies x seeds
  EXPECT_EQ(tasks[3].label, "water/as-trained/300K/18kcal/seed1");
  check_starts(spec, tasks);
  TaskRunner runner(spec, "", 0, "here");
  for (const Task& task : tasks) {
    if (task.model != 2 || task.temperature != 0) continue;  // the reference at 300 K
    const auto row = runner.run(task, [] { return true; }).row;
    const double target = task.start == 0 ? 6.0 : 18.0;
    EXPECT_EQ(row.start_energy_target_kcal_mol, target) << task.label;
    EXPECT_NEAR(row.outcome.start_energy_above_minimum_kcal_mol, target, 0.01 * target) << task.label;
    EXPECT_EQ(trajectory_spec(spec, task).start_energy_above_minimum_kcal_mol, target);
  }
  // one seed, both energies: the same key (one direction, two scales)
  EXPECT_EQ(tasks[0].key, tasks[3].key);
  EXPECT_THROW(load_campaign(write(test::temp_dir("starts-dup"),
                                   yaml_with_start("{energy_above_minimum_kcal_mol: [6, 6]}"))),
               InputError);
  EXPECT_THROW(load_campaign(write(test::temp_dir("starts-empty"),
                                   yaml_with_start("{energy_above_minimum_kcal_mol: []}"))),
               InputError);
}

TEST(CampaignStarts, SeedIStartsFromFrameI) {
  const std::string dir = test::temp_dir("starts-frames");
  const io::XyzFrame water = io::read_xyz(kRepo + "/molecules/water.xyz").front();
  for (int i = 0; i < 3; ++i) {
    io::XyzFrame f = water;
    f.positions_angstrom(2, 1) += 0.05 * (i + 1);  // stretch O-H2 by 0.05, 0.10, 0.15 A along z
    io::write_xyz_frame(dir + "/starts.xyz", f, i > 0);
  }
  const CampaignSpec spec = load_campaign(write(dir, yaml_with_start("{frames: " + dir + "/starts.xyz}")));
  const std::vector<Task> tasks = expand_tasks(spec, {1.0});
  TaskRunner runner(spec, "", 0, "here");
  for (const Task& task : tasks) {
    if (task.model != 2 || task.temperature != 0) continue;  // the reference at 300 K, seeds 1..3
    const stability::Outcome o = runner.run(task, [] { return true; }).row.outcome;
    const Eigen::Vector3d oh = water.positions_angstrom.col(1) - water.positions_angstrom.col(0);
    Eigen::Vector3d stretched = oh;
    stretched(2) += 0.05 * static_cast<double>(task.seed + 1);
    EXPECT_NEAR(o.start_max_bond_deviation_angstrom, stretched.norm() - oh.norm(), 1e-9) << task.label;
    EXPECT_GT(o.start_energy_above_minimum_kcal_mol, 0.0);
  }
}

// Water's direction for 750 K, seed 17 is close to a rigid motion: no scale up to 2 A raises MMFF94 to
// 100 kcal/mol. That task is recorded as invalid-start for every model, with the reason; the others run.
TEST(CampaignStarts, ATaskWhoseDirectionCannotReachTheTargetIsInvalidAndTheOthersRun) {
  const std::string dir = test::temp_dir("starts-unreachable");
  std::string yaml = yaml_with_start("{energy_above_minimum_kcal_mol: 100, displace_mode: sphere}");
  yaml.replace(yaml.find("temperatures_K: [300, 600]"), 26, "temperatures_K: [750]     ");
  yaml.replace(yaml.find("seeds: 3"), 8, "seeds: 17");
  const CampaignSpec spec = load_campaign(write(dir, yaml));
  const std::vector<Task> tasks = expand_tasks(spec, {1.0});
  const StartCheck check = check_starts(spec, tasks);
  EXPECT_EQ(check.unreachable_tasks, 3u);  // seed 17's three models
  EXPECT_NE(check.warning().find("task water/as-trained/750K/seed17: start.energy_above_minimum_kcal_mol: no "
                                 "displacement up to 2 A"),
            std::string::npos)
      << check.warning();
  EXPECT_NE(check.warning().find("3 tasks cannot reach"), std::string::npos) << check.warning();
  TaskRunner runner(spec, "", 0, "here");
  for (const Task& task : tasks) {
    if (task.seed != 16 && task.seed != 15) continue;  // seeds 17 and 16
    const stability::Outcome o = runner.run(task, [] { return true; }).row.outcome;
    if (task.seed == 16) {
      EXPECT_EQ(o.status, stability::Status::kInvalidStart) << task.label;
      EXPECT_EQ(
          o.reason.rfind("invalid start: start.energy_above_minimum_kcal_mol: no displacement up to 2 A", 0),
          0u)
          << o.reason;
      EXPECT_EQ(o.failure_step, 0);
      EXPECT_TRUE(std::isnan(o.start_energy_above_minimum_kcal_mol));
    } else {
      EXPECT_NE(o.status, stability::Status::kInvalidStart) << task.label << ": " << o.reason;
      EXPECT_NEAR(o.start_energy_above_minimum_kcal_mol, 100.0, 1.0);
    }
  }
}

TEST(CampaignStarts, BadStartSettingsAreOneErrorBeforeAnythingRuns) {
  const std::string dir = test::temp_dir("starts-bad");
  const io::XyzFrame water = io::read_xyz(kRepo + "/molecules/water.xyz").front();
  io::write_xyz_frame(dir + "/two.xyz", water, false);
  io::write_xyz_frame(dir + "/two.xyz", water, true);
  const io::XyzFrame ammonia = io::read_xyz(kRepo + "/molecules/ammonia.xyz").front();
  for (int i = 0; i < 3; ++i) io::write_xyz_frame(dir + "/ammonia3.xyz", ammonia, i > 0);
  struct Bad {
    std::string start, message;
  };
  for (const Bad& b : std::vector<Bad>{
           {"{energy_above_minimum_kcal_mol: 0}", "start.energy_above_minimum_kcal_mol must be positive"},
           {"{energy_above_minimum_kcal_mol: -3}", "must be positive"},
           {"{displace_angstrom: 0.1, energy_above_minimum_kcal_mol: 5}", "not both"},
           {"{frames: " + dir + "/two.xyz}", "has 2 frames, fewer than the 3 seeds"},
           {"{frames: " + dir + "/ammonia3.xyz}", "molecule 'water'"},
           {"{frames: " + dir + "/none.xyz}", "does not exist"}}) {
    SCOPED_TRACE(b.start);
    try {
      load_campaign(write(dir, yaml_with_start(b.start)));
      FAIL() << "accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
      EXPECT_NE(std::string(e.what()).find(b.message), std::string::npos) << e.what();
    }
  }
  // reachable only by the bisection: found before anything runs, naming the task
  const CampaignSpec spec =
      load_campaign(write(dir, yaml_with_start("{energy_above_minimum_kcal_mol: 1.0e7}")));
  try {
    check_starts(spec, expand_tasks(spec, {1.0}));
    FAIL() << "10^7 kcal/mol accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("task water/as-trained/300K/seed1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no displacement up to 2 A"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gpiqa::campaign
