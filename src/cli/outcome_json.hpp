#pragma once
// The outcome of one trajectory as JSON (the contract of `gpiqa md`; campaigns store the same fields).
#include <nlohmann/json.hpp>

#include "gpiqa/stability/outcome.hpp"

namespace gpiqa::cli {

/// Keys: status, time_to_failure_ps (null unless failed), failure_step, reason, steps, simulated_ps,
/// mean_temperature_K, std_temperature_K, conserved_drift (Hartree/ps/atom), max_bond_deviation_angstrom,
/// min_distance_angstrom, max_force (Hartree/Bohr), extrapolation_fraction, wall_seconds, steps_per_second.
nlohmann::ordered_json outcome_json(const stability::Outcome& outcome);

}  // namespace gpiqa::cli
