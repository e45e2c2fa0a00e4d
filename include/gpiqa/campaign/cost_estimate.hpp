#pragma once
// What a campaign will cost on this machine, before it runs: steps per task (duration_ps / timestep_fs) times
// the measured CPU time of real MD steps (TaskRunner::seconds_per_step: integrator, thermostat, monitors and
// posterior-variance probes included) of every molecule under every model variant, the GP variants at the
// per-trajectory cost of the bundles they run in (md.bundle or --bundle: campaign/bundle.hpp), the reference
// alone. An upper bound: every task is assumed to run to its end. `plan` prints it and `run` warns from it;
// this is the only place the arithmetic lives.
#include <string>
#include <vector>

#include "gpiqa/campaign/campaign_spec.hpp"
#include "gpiqa/campaign/task_runner.hpp"

namespace gpiqa::campaign {

struct MoleculeCost {
  double seconds_per_step = 0;  // mean over the model variants, each trajectory alone
  int bundle = 1;  // the size of the bundles its GP tasks run in (0: the campaign has no GP variant)
  double seconds_per_step_bundled = 0;  // per trajectory-step in such a bundle (0: no GP variant)
  double core_seconds = 0;              // all its tasks
};

struct CostEstimate {
  double steps_per_task = 0;
  std::vector<MoleculeCost> molecules;  // in campaign order
  double total_core_seconds = 0;
  /// The longest piece of work one rank runs without a break: a task alone, or a whole bundle.
  double longest_task_seconds = 0;
};

/// Measures MD steps of each (molecule, variant) alone and of one bundle per molecule through `runner`
/// (about 0.1 s each). `bundle`: 0 auto, N, or 1 (as md.bundle); negative: the campaign's md.bundle.
CostEstimate estimate_cost(const CampaignSpec& spec, TaskRunner& runner, int bundle = -1);

/// One task longer than this is worth a warning: no batch system runs it, and it is usually a typo in
/// md.duration_ps or md.timestep_fs.
inline constexpr double kLongTaskSeconds = 24 * 3600.0;

/// "CAMPAIGN: md.duration_ps ... is N steps per task, about ... core-hours ...", or "" when every task is
/// expected to finish within kLongTaskSeconds.
std::string cost_warning(const CampaignSpec& spec, const CostEstimate& cost);

/// The same warning for `gpiqa run`: measured only when a task has so many steps (10^7) that even a fast
/// potential could exceed kLongTaskSeconds, so ordinary campaigns start without the measurement.
std::string run_cost_warning(const CampaignSpec& spec);

}  // namespace gpiqa::campaign
