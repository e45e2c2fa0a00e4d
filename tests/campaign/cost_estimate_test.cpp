// The cost estimate of `plan` and `run`: a duration whose tasks would each run for longer than a day on this
// machine is named with its steps and core-hours (duration_ps: 1e12 was accepted without a word); an ordinary
// campaign is not, and `run` does not even measure it.
#include "gpiqa/campaign/cost_estimate.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "support/test_data.hpp"

namespace gpiqa::campaign {
namespace {

CampaignSpec water_campaign(const std::string& md) {
  const std::string root = GPIQA_SOURCE_DIR, dir = test::temp_dir("cost");
  std::ofstream(dir + "/c.yaml") << "name: c\nmolecules:\n  water: {geometry: " + root +
                                        "/molecules/water.xyz, models: " + root +
                                        "/models/water}\nmodels: {file: {}, MIN: {mean: min}}\n"
                                        "temperatures_K: [300, 500]\nseeds: 3\nmd: " +
                                        md + "\n";
  return load_campaign(dir + "/c.yaml");
}

TEST(CostEstimate, StepsAndCoreSecondsFollowTheCampaign) {
  const CampaignSpec spec = water_campaign("{timestep_fs: 0.5, duration_ps: 10}");
  TaskRunner runner(spec, "", 0, "");
  const CostEstimate c = estimate_cost(spec, runner);
  EXPECT_DOUBLE_EQ(c.steps_per_task, 20000);
  ASSERT_EQ(c.molecules.size(), 1u);
  EXPECT_GT(c.molecules[0].seconds_per_step, 0);
  EXPECT_EQ(c.molecules[0].bundle, 1) << "auto leaves water unbundled";
  // 2 variants x 2 temperatures x 3 seeds of 20000 steps
  EXPECT_NEAR(c.total_core_seconds, 12 * 20000 * c.molecules[0].seconds_per_step,
              1e-9 * c.total_core_seconds);
  EXPECT_EQ(cost_warning(spec, c), "");
  EXPECT_EQ(run_cost_warning(spec), "");
}

TEST(CostEstimate, EveryStartEnergyIsATask) {
  std::string root = GPIQA_SOURCE_DIR, dir = test::temp_dir("cost-starts");
  std::ofstream(dir + "/c.yaml") << "name: c\nmolecules:\n  water: {geometry: " + root +
                                        "/molecules/water.xyz, models: " + root +
                                        "/models/water, reference: " + root +
                                        "/molecules/water.mol}\nmodels: {file: {}, MIN: {mean: min}}\n"
                                        "temperatures_K: [300, 500]\nseeds: 3\nmd: {duration_ps: 10}\n"
                                        "start: {energy_above_minimum_kcal_mol: [10, 20, 30]}\n";
  const CampaignSpec spec = load_campaign(dir + "/c.yaml");
  TaskRunner runner(spec, "", 0, "");
  const CostEstimate c = estimate_cost(spec, runner);
  // 2 variants x 2 temperatures x 3 start energies x 3 seeds of 20000 steps
  EXPECT_NEAR(c.total_core_seconds, 36 * 20000 * c.molecules[0].seconds_per_step,
              1e-9 * c.total_core_seconds);
}

TEST(CostEstimate, BundledTasksCostTheirShareOfABundle) {
  const CampaignSpec spec = water_campaign("{duration_ps: 10, bundle: 4}");
  TaskRunner runner(spec, "", 0, "");
  const CostEstimate c = estimate_cost(spec, runner);
  ASSERT_EQ(c.molecules.size(), 1u);
  EXPECT_EQ(c.molecules[0].bundle, 4);
  EXPECT_GT(c.molecules[0].seconds_per_step_bundled, 0);
  // every task is a GP task: 12 of them at a bundle member's share
  EXPECT_NEAR(c.total_core_seconds, 12 * 20000 * c.molecules[0].seconds_per_step_bundled,
              1e-9 * c.total_core_seconds);
  // a whole bundle is the longest piece of work of a rank
  EXPECT_GE(c.longest_task_seconds, 4 * 20000 * c.molecules[0].seconds_per_step_bundled * (1 - 1e-12));
  // the bundle size asked for overrides md.bundle, as plan's --bundle does
  const CostEstimate alone = estimate_cost(spec, runner, 1);
  EXPECT_EQ(alone.molecules[0].bundle, 1);
  EXPECT_NEAR(alone.total_core_seconds, 12 * 20000 * alone.molecules[0].seconds_per_step,
              1e-9 * alone.total_core_seconds);
}

TEST(CostEstimate, ATaskLongerThanADayIsNamedWithItsCost) {
  const CampaignSpec spec = water_campaign("{duration_ps: 1e12}");
  const std::string warning = run_cost_warning(spec);
  EXPECT_NE(
      warning.find(spec.source + ": md.duration_ps 1000000000000 ps at md.timestep_fs 0.5 is 2e+15 steps "
                                 "per task"),
      std::string::npos)
      << warning;
  EXPECT_NE(warning.find("core-hours"), std::string::npos) << warning;
}

}  // namespace
}  // namespace gpiqa::campaign
