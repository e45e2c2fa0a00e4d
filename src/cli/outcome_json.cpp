#include "outcome_json.hpp"

#include <cmath>

namespace gpiqa::cli {
namespace {
nlohmann::ordered_json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nullptr;
}
}  // namespace

nlohmann::ordered_json outcome_json(const stability::Outcome& o) {
  nlohmann::ordered_json j;
  j["status"] = stability::to_string(o.status);
  j["time_to_failure_ps"] = number_or_null(o.time_to_failure_ps);
  j["failure_step"] = o.failure_step >= 0 ? nlohmann::ordered_json(o.failure_step) : nullptr;
  j["reason"] = o.reason;
  j["steps"] = o.steps;
  j["simulated_ps"] = o.simulated_ps;
  j["mean_temperature_K"] = number_or_null(o.mean_temperature_K);
  j["std_temperature_K"] = number_or_null(o.std_temperature_K);
  j["conserved_drift"] = number_or_null(o.conserved_drift);
  j["conserved_drift_unit"] = "hartree/ps/atom";
  j["max_bond_deviation_angstrom"] = o.max_bond_deviation_angstrom;
  j["min_distance_angstrom"] = number_or_null(o.min_distance_angstrom);
  j["max_force"] = o.max_force;
  j["max_force_unit"] = "hartree/bohr";
  j["extrapolation_fraction"] = o.extrapolation_fraction;
  j["wall_seconds"] = o.wall_seconds;
  j["steps_per_second"] = o.steps_per_second;
  return j;
}

}  // namespace gpiqa::cli
