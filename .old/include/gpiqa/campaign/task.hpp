#pragma once
// Tasks: the Cartesian product molecules x models x temperatures x start energies x seeds, in that nesting
// order (YAML order within each axis; one start "energy" when the campaign has no controlled-start list).
// task_id is the position in that order; the random stream key is a hash of the task's molecule, temperature
// and seed (names and values, not positions), so a task keeps its stream when the campaign grows, and all
// model variants of one (molecule, temperature, seed) share it: paired comparisons. Start energies share it
// too: one seed's direction scaled to each energy.
#include <cstdint>
#include <string>
#include <vector>

#include "gpiqa/campaign/campaign_spec.hpp"
#include "gpiqa/run/trajectory.hpp"

namespace gpiqa::campaign {

struct Task {
  std::int64_t id = 0;
  std::size_t molecule = 0, model = 0, temperature = 0, seed = 0;  // indices into the spec's axes
  std::size_t start = 0;  // index into start_energies_kcal_mol (0 when there is no list)
  std::string label;      // "water/MIN/300K/seed3", "water/MIN/300K/15kcal/seed3" with several start energies
  std::uint64_t key = 0;  // random stream key (shared by the model variants)
  double expected_cost = 0;  // relative cost, for longest-expected-first scheduling
};

/// `atoms_times_points[m]`: atoms x training points x features of molecule m's model set (cost per step).
std::vector<Task> expand_tasks(const CampaignSpec& spec, const std::vector<double>& cost_per_step);
run::TrajectorySpec trajectory_spec(const CampaignSpec& spec, const Task& task);
/// FNV-1a 64-bit of a canonical rendering of everything that decides results (all but `output`), including
/// the bytes of the model, geometry and reference molfiles (or the reference SMILES): a changed campaign is
/// refused by an existing results file.
std::string campaign_fingerprint(const CampaignSpec& spec);
std::uint64_t fnv1a64(const std::string& data, std::uint64_t hash = 14695981039346656037ull);

}  // namespace gpiqa::campaign
