#include "gpiqa/campaign/cost_estimate.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "gpiqa/campaign/bundle.hpp"

namespace gpiqa::campaign {

CostEstimate estimate_cost(const CampaignSpec& spec, TaskRunner& runner, int bundle) {
  if (bundle < 0) bundle = spec.bundle;
  CostEstimate c;
  c.steps_per_task = spec.duration_ps * 1000.0 / spec.integrator.timestep_fs;
  const double tasks_per_variant =
      static_cast<double>(spec.temperatures_K.size() *
                          std::max<std::size_t>(1, spec.start_energies_kcal_mol.size()) * spec.seeds.size());
  for (std::size_t m = 0; m < spec.molecules.size(); ++m) {
    MoleculeCost mc;
    mc.bundle = spec.has_gp_variant() ? bundle_size(spec.molecules[m], bundle) : 0;
    if (mc.bundle > 1) {
      mc.seconds_per_step_bundled = runner.seconds_per_step_bundled(m, mc.bundle);
      c.longest_task_seconds =
          std::max(c.longest_task_seconds, mc.bundle * mc.seconds_per_step_bundled * c.steps_per_task);
    }
    double sum = 0, gp_sum = 0;
    for (std::size_t v = 0; v < spec.models.size(); ++v) {
      const double alone = runner.seconds_per_step(m, v);
      sum += alone;
      const bool bundled = mc.bundle > 1 && !spec.models[v].is_reference();
      if (!spec.models[v].is_reference()) gp_sum += alone;
      mc.core_seconds +=
          (bundled ? mc.seconds_per_step_bundled : alone) * c.steps_per_task * tasks_per_variant;
      c.longest_task_seconds = std::max(c.longest_task_seconds, alone * c.steps_per_task);
    }
    mc.seconds_per_step = sum / static_cast<double>(spec.models.size());
    if (mc.bundle == 1) {  // unbundled: the GP variants' own mean
      std::size_t gp = 0;
      for (const auto& model : spec.models) gp += model.is_reference() ? 0 : 1;
      mc.seconds_per_step_bundled = gp_sum / static_cast<double>(gp);
    }
    c.total_core_seconds += mc.core_seconds;
    c.molecules.push_back(mc);
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
