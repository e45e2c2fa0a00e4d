#pragma once
// How a trajectory ended, and what it looked like on the way. Time in ps, distances in Angstrom, temperatures
// in Kelvin, energies in Hartree, forces in Hartree/Bohr.
#include <limits>
#include <string>

namespace gpiqa::stability {

enum class Status { kPending, kStable, kCollapsed, kExploded, kFailed };

const char* to_string(Status status);
/// Throws std::invalid_argument for an unknown name.
Status status_from_string(const std::string& name);

struct Outcome {
  Status status = Status::kPending;
  std::string reason;  // names the atoms involved (1-based, with elements)
  long long failure_step = -1;
  double time_to_failure_ps = std::numeric_limits<double>::quiet_NaN();
  long long steps = 0;
  double simulated_ps = 0.0;
  double mean_temperature_K = std::numeric_limits<double>::quiet_NaN();
  double std_temperature_K = std::numeric_limits<double>::quiet_NaN();
  double conserved_drift = std::numeric_limits<double>::quiet_NaN();  // Hartree per ps per atom
  double max_bond_deviation_angstrom = 0.0;
  double min_distance_angstrom = std::numeric_limits<double>::quiet_NaN();
  double max_force = 0.0;  // Hartree / Bohr, largest per-atom force norm
  double extrapolation_fraction = 0.0;
  double wall_seconds = 0.0;
  double steps_per_second = 0.0;
};

}  // namespace gpiqa::stability
