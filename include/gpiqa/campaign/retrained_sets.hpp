#pragma once
// The retrained model sets of a campaign's `retrain: true` variants (train/retrain.hpp), built on first use:
// `gpiqa run` (every rank; one builds, the others wait on the cache's lock) and `gpiqa plan` call this
// before anything loads a potential.
#include <ostream>

#include "gpiqa/campaign/campaign_spec.hpp"

namespace gpiqa::campaign {

/// Builds every retrained set the campaign needs that is not built yet, atoms in `threads` threads, with
/// progress lines on `progress` (null: quiet). Returns how many this process built.
int build_retrained_sets(const CampaignSpec& spec, std::ostream* progress, int threads);

}  // namespace gpiqa::campaign
