// gpiqa plan CAMPAIGN [--bundle auto|N]: validates the campaign and prints the expanded task table (count,
// per-axis sizes) and an estimate of its cost, from the measured speed of every molecule's potentials (each
// model variant's, GP or reference; us/step is their mean) on this machine, without running anything. GP
// tasks run in bundles (campaign/bundle.hpp: md.bundle, or --bundle): their cost is measured with that many
// geometries per batch (us/step bundled, per trajectory step). The retrained sets of `retrain: true`
// variants are built first if they are not yet (their first use).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "gpiqa/campaign/bundle.hpp"
#include "gpiqa/campaign/campaign_spec.hpp"
#include "gpiqa/campaign/cost_estimate.hpp"
#include "gpiqa/campaign/retrained_sets.hpp"
#include "gpiqa/campaign/task.hpp"
#include "gpiqa/campaign/task_runner.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::cli {

void add_plan(CLI::App& app) {
  struct Options {
    std::string campaign, bundle;
    bool list = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "plan", "Validate a campaign and show its tasks and estimated cost, without running");
  sub->add_option("campaign", o->campaign, "Campaign YAML file")->required();
  sub->add_flag("--list", o->list, "List every task");
  sub->add_option("--bundle", o->bundle, "Estimate for this bundle size (auto, N, 1) instead of md.bundle");
  sub->callback([o] {
    const campaign::CampaignSpec spec = campaign::load_campaign(o->campaign);
    // retrain: true variants run on sets trained for their mean: built here on first use (progress on stderr)
    campaign::build_retrained_sets(spec, &std::cerr,
                                   static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    const int bundle = o->bundle.empty() ? spec.bundle : campaign::parse_bundle(o->bundle, "--bundle");
    const std::vector<campaign::Task> tasks = campaign::expand_tasks(spec, {});
    if (const std::string unreachable = campaign::check_starts(spec, tasks).warning(); !unreachable.empty())
      std::cerr << "gpiqa: warning: " << util::printable(unreachable) << "\n";
    campaign::TaskRunner runner(spec, "", 0, "");
    const campaign::CostEstimate cost = campaign::estimate_cost(spec, runner, bundle);
    const double steps = cost.steps_per_task;
    std::cout << fmt::format(
        "campaign {}: {} tasks = {} molecules x {} models x {} temperatures x {}{} seeds\n", spec.name,
        tasks.size(), spec.molecules.size(), spec.models.size(), spec.temperatures_K.size(),
        spec.start_energies_kcal_mol.size() > 1
            ? fmt::format("{} start energies x ", spec.start_energies_kcal_mol.size())
            : std::string(),
        spec.seeds.size());
    const std::string direction = spec.displace_mode == run::DisplaceMode::kSphere
                                      ? "every atom, random direction"
                                      : "Gaussian sigma per coordinate";
    const std::string start =
        spec.controlled_start()
            ? fmt::format("start {} kcal/mol above the minimum by the reference ({})",
                          fmt::join(spec.start_energies_kcal_mol, ", "), direction)
            : fmt::format("start displaced by {} A ({})", spec.displace_angstrom, direction);
    std::cout << fmt::format("each task: {} ps at {} fs = {:.0f} steps, thermostat {}, {}{}\n",
                             spec.duration_ps, spec.integrator.timestep_fs, steps, spec.integrator.type,
                             start,
                             spec.start_frames.empty() ? "" : ", from the frames of " + spec.start_frames);
    std::cout << fmt::format("{:<16} {:>6} {:>12} {:>12} {:>7} {:>14} {:>14} {:>16}\n", "molecule", "atoms",
                             "train pts", "us/step", "bundle", "us/step bndl", "core-h (all)",
                             "variance MB/rank");
    for (std::size_t m = 0; m < spec.molecules.size(); ++m) {
      std::string points = "-", factor_mb = "-";  // a reference-only campaign has no training points
      if (!spec.molecules[m].models.empty()) {
        const model::MoleculeModel set = model::MoleculeModel::load(spec.molecules[m].models);
        int n = 0;
        double bytes = 0;  // the posterior-variance factors: n^2 doubles per atom, once per set and rank
        for (const auto& a : set.atoms()) {
          n += a.training_size();
          bytes += 8.0 * a.training_size() * a.training_size();
        }
        points = std::to_string(n);
        factor_mb = fmt::format("{:.1f}", bytes / 1e6);
      }
      // measured MD steps: integrator, thermostat and monitors included (campaign/cost_estimate.hpp)
      const campaign::MoleculeCost& mc = cost.molecules[m];
      std::cout << fmt::format("{:<16} {:>6} {:>12} {:>12.2f} {:>7} {:>14} {:>14.3f} {:>16}\n",
                               spec.molecules[m].name, runner.atom_count(m), points,
                               mc.seconds_per_step * 1e6, mc.bundle > 0 ? std::to_string(mc.bundle) : "-",
                               mc.bundle > 0 ? fmt::format("{:.2f}", mc.seconds_per_step_bundled * 1e6) : "-",
                               mc.core_seconds / 3600, factor_mb);
    }
    std::cout << fmt::format(
        "upper bound (every task runs to the end): {:.3f} core-hours; {:.1f} minutes on 2 cores\n",
        cost.total_core_seconds / 3600, cost.total_core_seconds / 120);
    if (const std::string warning = campaign::cost_warning(spec, cost); !warning.empty())
      std::cerr << "gpiqa: warning: " << util::printable(warning) << "\n";
    std::cout << "results: " << spec.output_file << "\n";
    if (o->list)
      for (const campaign::Task& t : tasks) std::cout << t.id << "\t" << t.label << "\n";
  });
}

}  // namespace gpiqa::cli
