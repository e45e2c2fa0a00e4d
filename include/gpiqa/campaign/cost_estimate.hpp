#pragma once
// What a campaign will cost on this machine, before it runs: steps per task (duration_ps / timestep_fs) times
// the measured energy-and-forces time of every molecule's potential under every model variant, plus ~10% for
// the integrator and the monitors. An upper bound: every task is assumed to run to its end.
#include <string>
#include <vector>

#include "gpiqa/campaign/campaign_spec.hpp"
#include "gpiqa/campaign/task_runner.hpp"

namespace gpiqa::campaign {

struct CostEstimate {
  double steps_per_task = 0;
  std::vector<double> seconds_per_step;  // per molecule, mean over the model variants (overhead included)
  std::vector<double> core_seconds;      // per molecule, all its tasks
  double total_core_seconds = 0;
  double longest_task_seconds = 0;
};

/// Measures MD steps of each (molecule, variant) once through `runner` (about 0.1 s each).
CostEstimate estimate_cost(const CampaignSpec& spec, TaskRunner& runner);

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
