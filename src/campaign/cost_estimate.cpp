#include "gpiqa/campaign/cost_estimate.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace gpiqa::campaign {

CostEstimate estimate_cost(const CampaignSpec& spec, TaskRunner& runner) {
  CostEstimate c;
  c.steps_per_task = spec.duration_ps * 1000.0 / spec.integrator.timestep_fs;
  const double tasks_per_variant =
      static_cast<double>(spec.temperatures_K.size() *
                          std::max<std::size_t>(1, spec.start_energies_kcal_mol.size()) * spec.seeds.size());
  for (std::size_t m = 0; m < spec.molecules.size(); ++m) {
    double sum = 0, seconds = 0;
    for (std::size_t v = 0; v < spec.models.size(); ++v) {
      const double per_step = runner.seconds_per_step(m, v);  // integrator and monitors included
      sum += per_step;
      seconds += per_step * c.steps_per_task * tasks_per_variant;
      c.longest_task_seconds = std::max(c.longest_task_seconds, per_step * c.steps_per_task);
    }
    c.seconds_per_step.push_back(sum / static_cast<double>(spec.models.size()));
    c.core_seconds.push_back(seconds);
    c.total_core_seconds += seconds;
  }
  return c;
}

std::string cost_warning(const CampaignSpec& spec, const CostEstimate& cost) {
  if (cost.longest_task_seconds <= kLongTaskSeconds) return "";
  return fmt::format(
      "{}: md.duration_ps {} ps at md.timestep_fs {} is {:.3g} steps per task: the longest task takes about "
      "{:.3g} core-hours, the whole campaign {:.3g} core-hours on this machine; check duration_ps and "
      "timestep_fs",
      spec.source, spec.duration_ps, spec.integrator.timestep_fs, cost.steps_per_task,
      cost.longest_task_seconds / 3600, cost.total_core_seconds / 3600);
}

std::string run_cost_warning(const CampaignSpec& spec) {
  if (spec.duration_ps * 1000.0 / spec.integrator.timestep_fs < 1e7) return "";
  TaskRunner runner(spec, "", 0, "");
  return cost_warning(spec, estimate_cost(spec, runner));
}

}  // namespace gpiqa::campaign
