#include "gpiqa/model/potential.hpp"

#include <utility>

#include "gpiqa/util/error.hpp"

namespace gpiqa::model {
namespace {

// Runs `evaluate(group)` for every group of entries with one batch key (entries without a key one by one), in
// the order of each group's first entry.
template <class Evaluate>
void by_group(std::span<BatchEntry> entries, Evaluate&& evaluate) {
  std::vector<std::pair<const void*, std::vector<BatchEntry*>>> groups;
  for (BatchEntry& e : entries) {
    const void* key = e.potential->batch_key();
    auto it = groups.end();
    if (key)
      for (auto g = groups.begin(); g != groups.end(); ++g)
        if (g->first == key) it = g;
    if (it == groups.end())
      groups.push_back({key, {&e}});
    else
      it->second.push_back(&e);
  }
  for (auto& [key, group] : groups) evaluate(*group.front()->potential, std::span<BatchEntry* const>(group));
}

}  // namespace

void compute_batch(std::span<BatchEntry> entries) {
  by_group(entries, [](Potential& p, std::span<BatchEntry* const> group) { p.compute_group(group); });
}

void posterior_variance_batch(std::span<BatchEntry> entries) {
  by_group(entries,
           [](Potential& p, std::span<BatchEntry* const> group) { p.posterior_variance_group(group); });
}

void Potential::compute_group(std::span<BatchEntry* const> group) {
  for (BatchEntry* e : group) {
    e->error.clear();
    try {
      e->energy_hartree =
          e->potential->compute(*e->positions_bohr, e->forces, e->atomic_energies, e->diagnostics);
    } catch (const GeometryError& error) {
      e->error = error.what();
    }
  }
}

void Potential::posterior_variance_group(std::span<BatchEntry* const> group) {
  for (BatchEntry* e : group) {
    e->error.clear();
    try {
      e->has_variance = e->potential->posterior_variance(*e->positions_bohr, *e->variance);
    } catch (const GeometryError& error) {
      e->error = error.what();
    }
  }
}

}  // namespace gpiqa::model
