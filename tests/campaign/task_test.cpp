// Campaign tasks (campaign/task.hpp): the task order is molecules x models x temperatures x start energies x
// seeds (a task's id is its row in the results file, so the order is a contract); the model variants of one
// molecule, temperature and seed share a random-stream key (a paired comparison of prior means) and nothing
// else does; a task's trajectory gets its own temperature, seed and start; and the fingerprint a results
// file stores changes with everything that decides results and with nothing else (an existing campaign must
// resume after an upgrade, and a changed one must be refused).
#include "gpiqa/campaign/task.hpp"

#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "support/test_data.hpp"

namespace gpiqa::campaign {
namespace {

namespace fs = std::filesystem;
const std::string kRepo = GPIQA_SOURCE_DIR;

std::string two_molecules(const std::string& extra = "") {
  return "name: tasks\n"
         "molecules:\n  water: {geometry: " +
         kRepo + "/molecules/water.xyz, models: " + kRepo + "/models/water}\n  ammonia: {geometry: " + kRepo +
         "/molecules/ammonia.xyz, models: " + kRepo +
         "/models/ammonia}\n"
         "models:\n  as-trained: {mean: file}\n  MIN: {mean: min}\n"
         "temperatures_K: [300, 1000]\nseeds: [4, 9]\nmd: {duration_ps: 2}\n" +
         extra;
}

TEST(Task, TheOrderIsMoleculesModelsTemperaturesSeeds) {
  const CampaignSpec spec = parse_campaign(two_molecules(), "tasks.yaml");
  const std::vector<Task> tasks = expand_tasks(spec, {3.0, 5.0});
  ASSERT_EQ(tasks.size(), 16u);
  for (std::size_t i = 0; i < tasks.size(); ++i) EXPECT_EQ(tasks[i].id, static_cast<std::int64_t>(i));
  EXPECT_EQ(tasks[0].label, "water/as-trained/300K/seed4");
  EXPECT_EQ(tasks[1].label, "water/as-trained/300K/seed9");
  EXPECT_EQ(tasks[2].label, "water/as-trained/1000K/seed4");
  EXPECT_EQ(tasks[4].label, "water/MIN/300K/seed4");
  EXPECT_EQ(tasks[8].label, "ammonia/as-trained/300K/seed4");
  EXPECT_EQ(tasks[8].molecule, 1u);
  EXPECT_EQ(tasks[0].expected_cost, 3.0 * 2);
  EXPECT_EQ(tasks[8].expected_cost, 5.0 * 2) << "the molecule's cost per step times the duration";
  EXPECT_EQ(expand_tasks(spec, {})[8].expected_cost, 2.0) << "no cost known: 1 per step";
}

TEST(Task, OnlyTheVariantsOfOneMoleculeTemperatureAndSeedShareAKey) {
  const CampaignSpec spec = parse_campaign(two_molecules(), "tasks.yaml");
  const std::vector<Task> tasks = expand_tasks(spec, {});
  EXPECT_EQ(tasks[0].key, tasks[4].key) << "as-trained and MIN of water/300K/seed4";
  std::set<std::uint64_t> keys;
  for (const Task& t : tasks) keys.insert(t.key);
  EXPECT_EQ(keys.size(), 8u) << "2 molecules x 2 temperatures x 2 seeds";
}

TEST(Task, ATasksTrajectoryHasItsOwnTemperatureSeedAndStart) {
  const CampaignSpec spec = parse_campaign(
      two_molecules("start: {displace_angstrom: 0.05, displace_mode: sphere}\n"), "tasks.yaml");
  const std::vector<Task> tasks = expand_tasks(spec, {});
  const run::TrajectorySpec t = trajectory_spec(spec, tasks[3]);  // water/as-trained/1000K/seed9
  EXPECT_EQ(t.integrator.temperature_K, 1000);
  EXPECT_EQ(t.seed, 9u);
  EXPECT_EQ(t.task_key, tasks[3].key);
  EXPECT_EQ(t.duration_ps, 2);
  EXPECT_EQ(t.displace_angstrom, 0.05);
  EXPECT_EQ(t.displace_mode, run::DisplaceMode::kSphere);
  EXPECT_TRUE(std::isnan(t.start_energy_above_minimum_kcal_mol));
  EXPECT_EQ(t.monitors.bond_stretch_angstrom, spec.monitors.bond_stretch_angstrom);
}

// Stored in every results file: the same campaign text must give the same fingerprint in every version, or
// a running campaign could not be resumed by the next build.
TEST(Task, AFingerprintIsStableAcrossVersions) {
  const CampaignSpec spec = parse_campaign(
      "name: pinned\nmolecules:\n  water: {smiles: \"O\"}\nmodels:\n  reference: {kind: reference}\n"
      "temperatures_K: [300]\nseeds: 2\nmd: {duration_ps: 1}\n",
      "pinned.yaml");
  EXPECT_EQ(campaign_fingerprint(spec), "d972f71dc456e5f5");
}

TEST(Task, TheFingerprintChangesWithWhatDecidesResultsAndNothingElse) {
  const std::string base = campaign_fingerprint(parse_campaign(two_molecules(), "a.yaml"));
  EXPECT_EQ(campaign_fingerprint(parse_campaign(two_molecules(), "b/other.yaml")), base);
  EXPECT_EQ(campaign_fingerprint(parse_campaign(
                two_molecules("output: {file: elsewhere.h5, checkpoint_every_s: 5}\n"), "a.yaml")),
            base)
      << "where results go and how often checkpoints are saved decide no result";
  std::string bundled = two_molecules();
  bundled.replace(bundled.find("md: {duration_ps: 2}"), 20, "md: {duration_ps: 2, bundle: 4}");
  EXPECT_EQ(campaign_fingerprint(parse_campaign(bundled, "a.yaml")), base) << "bundling changes speed only";
  for (const std::string& different : {std::string("output: {frames_every: 100}\n"),
                                       std::string("stability: {bond_stretch_angstrom: 0.6}\n"),
                                       std::string("start: {displace_angstrom: 0.1}\n")})
    EXPECT_NE(campaign_fingerprint(parse_campaign(two_molecules(different), "a.yaml")), base) << different;
  std::string hotter = two_molecules();
  hotter.replace(hotter.find("[300, 1000]"), 11, "[300, 1001]");
  EXPECT_NE(campaign_fingerprint(parse_campaign(hotter, "a.yaml")), base);

  // one byte more in a model file is another model
  const std::string dir = gpiqa::test::temp_dir("task-fingerprint");
  fs::copy(kRepo + "/models/water", dir + "/water", fs::copy_options::recursive);
  std::string copied = two_molecules();
  copied.replace(copied.find(kRepo + "/models/water"), (kRepo + "/models/water").size(), dir + "/water");
  const std::string before = campaign_fingerprint(parse_campaign(copied, "a.yaml"));
  EXPECT_EQ(before, base) << "the same bytes elsewhere";
  for (const auto& e : fs::directory_iterator(dir + "/water"))
    if (e.path().extension() == ".model") {
      std::ofstream(e.path(), std::ios::app) << "\n";
      break;
    }
  EXPECT_NE(campaign_fingerprint(parse_campaign(copied, "a.yaml")), before);
}

}  // namespace
}  // namespace gpiqa::campaign
