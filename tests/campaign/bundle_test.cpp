// Bundles are made from the campaign alone: one molecule's GP tasks in task order cut to the bundle size,
// reference tasks alone, auto by the model set's size, the same for every shard split of the same tasks. If
// they depended on the number of ranks or on what has run, a resumed campaign could not be reproduced by
// construction (the results do not depend on bundles anyway: tests/run/lockstep_test.cpp).
#include "gpiqa/campaign/bundle.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "support/test_data.hpp"

namespace gpiqa::campaign {
namespace {

// Two molecules (a small set and a large one) x a GP variant, a reference variant and a second GP variant x
// 2 temperatures x 5 seeds: 60 tasks.
CampaignSpec spec() {
  CampaignSpec c;
  c.molecules.resize(2);
  c.molecules[0].name = "small";
  c.molecules[0].cost_per_step = 4 * 500 * 6;  // ammonia-sized
  c.molecules[1].name = "large";
  c.molecules[1].cost_per_step = 21 * 1000 * 57;  // aspirin-sized
  c.models = {{"file", "file", ModelKind::kGp},
              {"ref", "reference", ModelKind::kReference},
              {"min", "min", ModelKind::kGp}};
  c.temperatures_K = {300, 500};
  c.seeds = {1, 2, 3, 4, 5};
  return c;
}

TEST(Bundles, OneMoleculesGpTasksInTaskOrderReferenceTasksAlone) {
  const CampaignSpec c = spec();
  const std::vector<Task> tasks = expand_tasks(c, {});
  const auto bundles = form_bundles(c, tasks, 4);
  std::set<std::int64_t> seen;
  for (const auto& b : bundles) {
    ASSERT_FALSE(b.empty());
    EXPECT_LE(b.size(), 4u);
    EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
    for (std::int64_t id : b) {
      EXPECT_TRUE(seen.insert(id).second) << "task " << id << " in two bundles";
      const Task& t = tasks[static_cast<std::size_t>(id)];
      EXPECT_EQ(t.molecule, tasks[static_cast<std::size_t>(b.front())].molecule);
      if (c.models[t.model].is_reference()) {
        EXPECT_EQ(b.size(), 1u);
      }
    }
  }
  EXPECT_EQ(seen.size(), tasks.size());
  // 20 GP tasks per molecule in bundles of 4, 10 reference tasks per molecule alone
  EXPECT_EQ(bundles.size(), 2u * (5 + 10));
  EXPECT_EQ(bundles.front(), (std::vector<std::int64_t>{0, 1, 2, 3}));
}

TEST(Bundles, AutoBundlesLargeSetsOnlyAndOneTurnsThemOff) {
  const CampaignSpec c = spec();
  EXPECT_EQ(bundle_size(c.molecules[0], 0), 1);
  EXPECT_EQ(bundle_size(c.molecules[1], 0), kAutoBundle);
  EXPECT_EQ(bundle_size(c.molecules[0], 7), 7);
  const std::vector<Task> tasks = expand_tasks(c, {});
  for (const auto& b : form_bundles(c, tasks, 1)) EXPECT_EQ(b.size(), 1u);
  for (const auto& b : form_bundles(c, tasks, 0))
    EXPECT_EQ(b.size() > 1, tasks[static_cast<std::size_t>(b.front())].molecule == 1 && b.size() > 1);
}

// auto on the committed default water and ammonia sets (where bench_lockstep shows that a batch does not
// pay): every task alone, as an unbundled campaign runs it.
TEST(Bundles, AutoLeavesTheCommittedWaterAndAmmoniaSetsUnbundled) {
  const std::string root = GPIQA_SOURCE_DIR;
  const CampaignSpec c = parse_campaign(
      "name: small\n"
      "molecules:\n"
      "  water: {geometry: " +
          root + "/molecules/water.xyz, models: " + root +
          "/models/water}\n"
          "  ammonia: {geometry: " +
          root + "/molecules/ammonia.xyz, models: " + root +
          "/models/ammonia}\n"
          "models: {file: {mean: file}, MIN: {mean: min}}\n"
          "temperatures_K: [300]\n"
          "seeds: 4\n"
          "md: {duration_ps: 1}\n",
      "small.yaml");
  ASSERT_EQ(c.bundle, 0) << "auto is the default";
  for (const MoleculeEntry& m : c.molecules) {
    EXPECT_GT(m.cost_per_step, 0) << m.name;
    EXPECT_EQ(bundle_size(m, c.bundle), 1) << m.name;
    EXPECT_EQ(bundle_size(m, 4), 4) << m.name;
  }
  const std::vector<Task> tasks = expand_tasks(c, {});
  const auto bundles = form_bundles(c, tasks, c.bundle);
  EXPECT_EQ(bundles.size(), tasks.size());
}

TEST(Bundles, AShardBundlesItsOwnTasksTheSameWayEveryTime) {
  const CampaignSpec c = spec();
  const std::vector<Task> tasks = expand_tasks(c, {});
  for (int shard = 0; shard < 3; ++shard) {
    const auto a = form_bundles(c, tasks, 4, shard, 3), b = form_bundles(c, tasks, 4, shard, 3);
    EXPECT_EQ(a, b);
    for (const auto& bundle : a)
      for (std::int64_t id : bundle) EXPECT_EQ(id % 3, shard);
  }
}

}  // namespace
}  // namespace gpiqa::campaign
