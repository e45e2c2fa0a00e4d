#include "gpiqa/campaign/bundle.hpp"

#include <map>

namespace gpiqa::campaign {

int bundle_size(const MoleculeEntry& molecule, int bundle) {
  if (bundle > 0) return bundle;
  return molecule.cost_per_step >= kAutoBundleMinCost ? kAutoBundle : 1;
}

std::vector<std::vector<std::int64_t>> form_bundles(const CampaignSpec& spec, const std::vector<Task>& tasks,
                                                    int bundle, int shard_index, int shard_count) {
  std::vector<std::vector<std::int64_t>> bundles;
  std::map<std::size_t, std::size_t> open;  // molecule -> its bundle being filled
  for (const Task& t : tasks) {
    if (t.id % shard_count != shard_index) continue;
    const int size = bundle_size(spec.molecules[t.molecule], bundle);
    if (spec.models[t.model].is_reference() || size == 1) {
      bundles.push_back({t.id});
      continue;
    }
    auto it = open.find(t.molecule);
    if (it == open.end() || bundles[it->second].size() >= static_cast<std::size_t>(size)) {
      bundles.emplace_back();
      it = open.insert_or_assign(t.molecule, bundles.size() - 1).first;
    }
    bundles[it->second].push_back(t.id);
  }
  return bundles;
}

}  // namespace gpiqa::campaign
