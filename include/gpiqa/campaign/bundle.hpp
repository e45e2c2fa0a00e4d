#pragma once
// Bundles: the tasks one rank advances in lockstep (run/lockstep.hpp), so that the mean variants,
// temperatures and seeds of one molecule's GP model set share every pass over its training data. Formed from
// the campaign alone, never from the number of ranks or from what has already run: the GP tasks of each
// molecule in task order, cut into bundles of the molecule's bundle size; every reference task alone. A
// member's results do not depend on its bundle at all (each geometry of a batch gets the bits of its own
// evaluation), so bundling changes the speed of a campaign, not its results, and a campaign may be resumed
// with another bundle size.
//
// md.bundle (or --bundle): N, 1 (off), or auto: kAutoBundle for model sets whose step costs at least
// kAutoBundleMinCost (atoms x training points x features), 1 below, where a batch does not pay
// (bench_lockstep: water and ammonia).
#include <cstdint>
#include <vector>

#include "gpiqa/campaign/campaign_spec.hpp"
#include "gpiqa/campaign/task.hpp"

namespace gpiqa::campaign {

inline constexpr int kAutoBundle = 16;
inline constexpr double kAutoBundleMinCost = 1e5;

/// The bundle size of a molecule's GP tasks under `bundle` (0: auto, else the size).
int bundle_size(const MoleculeEntry& molecule, int bundle);

/// The bundles (task ids, ascending) of the tasks with id % shard_count == shard_index.
std::vector<std::vector<std::int64_t>> form_bundles(const CampaignSpec& spec, const std::vector<Task>& tasks,
                                                    int bundle, int shard_index = 0, int shard_count = 1);

}  // namespace gpiqa::campaign
