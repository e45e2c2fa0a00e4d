// Bundles are made from the campaign alone: one molecule's GP tasks in task order cut to the bundle size,
// reference tasks alone, auto by the model set's size, the same for every shard split of the same tasks. If
// they depended on the number of ranks or on what has run, a resumed campaign could not be reproduced by
// construction (the results do not depend on bundles anyway: tests/run/lockstep_test.cpp).
#include "gpiqa/campaign/bundle.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

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
