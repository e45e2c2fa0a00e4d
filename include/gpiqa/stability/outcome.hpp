#pragma once
// How a trajectory ended, and what it looked like on the way: the result record, defined once.
//
// GPIQA_OUTCOME_FIELDS is the one list of the record's fields, X(type, name, initial value, unit,
// description). Everything that carries a result is generated or iterated from it: the Outcome struct below,
// the /tasks columns of the results file and their `unit`/`description` attributes, the MPI message from a
// worker, the JSON that `gpiqa md` prints. A new metric is one line here (and the code that measures it).
// Units: time in ps, distances in Angstrom, temperatures in Kelvin, energies in Hartree, forces in
// Hartree/Bohr.
#include <array>
#include <cstdint>
#include <limits>
#include <string>

namespace gpiqa::stability {

/// kInvalidStart: the start geometry or velocities already tripped a monitor that judges geometry or
/// temperature at step 0 (the same verdict for every potential): the start's failure, not the model's.
enum class Status { kPending, kStable, kCollapsed, kExploded, kFailed, kInvalidStart };
/// Every status, in the order summaries list them.
inline constexpr std::array kAllStatuses{Status::kPending,  Status::kStable, Status::kCollapsed,
                                         Status::kExploded, Status::kFailed, Status::kInvalidStart};

const char* to_string(Status status);
/// Throws std::invalid_argument for an unknown name.
Status status_from_string(const std::string& name);

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

// clang-format off
#define GPIQA_OUTCOME_FIELDS(X)                                                                                     \
  X(::gpiqa::stability::Status, status, ::gpiqa::stability::Status::kPending, "",                                   \
    "pending, stable (reached the end), collapsed, exploded, failed, or invalid-start (the start tripped a "       \
    "geometry or temperature monitor at step 0, or its controlled start energy cannot be reached along the "     \
    "seed's direction)")                                             \
  X(std::string, reason, "", "", "what ended the run, naming the atoms (1-based, with elements)")                   \
  X(double, time_to_failure_ps, ::gpiqa::stability::kNoValue, "ps", "simulated time of the failure; NaN unless it failed") \
  X(std::int64_t, failure_step, -1, "", "step of the failure; -1 unless it failed")                                \
  X(std::int64_t, steps, 0, "", "steps simulated")                                                                  \
  X(double, simulated_ps, 0.0, "ps", "simulated time")                                                             \
  X(double, start_temperature_K, ::gpiqa::stability::kNoValue, "K",                                                 \
    "kinetic temperature of the starting velocities (after removing rigid motion)")                                 \
  X(double, start_energy_above_minimum_kcal_mol, ::gpiqa::stability::kNoValue, "kcal/mol",                         \
    "the start's energy above the minimum by the molecule's MMFF94 reference (NaN without one)")                    \
  X(double, start_model_energy_above_minimum_kcal_mol, ::gpiqa::stability::kNoValue, "kcal/mol",                   \
    "the start's energy above the potential's own minimum (equilibrium_energy_hartree)")                           \
  X(double, start_max_bond_deviation_angstrom, ::gpiqa::stability::kNoValue, "angstrom",                           \
    "largest deviation of a bond from its equilibrium length in the start geometry")                               \
  X(double, start_restoring_fraction, ::gpiqa::stability::kNoValue, "",                                            \
    "share of displaced bonds whose generalised force at the start points back toward equilibrium "                  \
    "(stability/restoring.hpp)")                                                                                     \
  X(double, start_restoring_fraction_prior, ::gpiqa::stability::kNoValue, "",                                      \
    "the same for the prior mean's forces alone (NaN for potentials without a prior mean)")                         \
  X(double, equilibrium_energy_hartree, ::gpiqa::stability::kNoValue, "hartree",                                    \
    "the potential's energy at the equilibrium geometry: the undisplaced start minimised under that potential")     \
  X(double, energy_floor_hartree_absolute, ::gpiqa::stability::kNoValue, "hartree",                                 \
    "potential energy below which the run counts as collapsed: the potential's energy at the equilibrium geometry "  \
    "(the start minimised under it) minus stability.energy_floor_hartree; NaN when that check is off")             \
  X(double, mean_temperature_K, ::gpiqa::stability::kNoValue, "K", "mean kinetic temperature over the run")        \
  X(double, std_temperature_K, ::gpiqa::stability::kNoValue, "K", "standard deviation of the kinetic temperature") \
  X(double, conserved_drift, ::gpiqa::stability::kNoValue, "hartree/ps/atom",                                       \
    "least-squares slope of the conserved energy against time, per atom")                                           \
  X(double, max_bond_deviation_angstrom, 0.0, "angstrom", "largest deviation of a bond from its reference length") \
  X(double, min_distance_angstrom, ::gpiqa::stability::kNoValue, "angstrom", "shortest interatomic distance seen") \
  X(double, max_force, 0.0, "hartree/bohr", "largest per-atom force norm seen")                                     \
  X(double, extrapolation_fraction, 0.0, "",                                                                        \
    "share of posterior-variance probes where an atom's variance exceeded stability.extrapolation_variance")       \
  X(double, max_posterior_variance, ::gpiqa::stability::kNoValue, "",                                               \
    "largest normalised GP posterior variance of any atom over the probes (0 on the data, 1 = prior only); "        \
    "NaN for potentials without training data")                                                                     \
  X(double, time_to_extrapolation_ps, ::gpiqa::stability::kNoValue, "ps",                                           \
    "time of the first probe where an atom's variance exceeded stability.extrapolation_variance; NaN if none")      \
  X(double, wall_seconds, 0.0, "s", "wall-clock time of the run")                                                  \
  X(double, steps_per_second, 0.0, "1/s", "steps per wall-clock second")
// clang-format on

struct Outcome {
#define GPIQA_DECLARE_FIELD(type, name, initial, unit, description) type name = initial;
  GPIQA_OUTCOME_FIELDS(GPIQA_DECLARE_FIELD)
#undef GPIQA_DECLARE_FIELD
};

/// What the record says of one field.
struct FieldInfo {
  const char* name;
  const char* unit;  // "" for dimensionless and text fields
  const char* description;
};

/// Calls f(FieldInfo, member) for every field of `outcome` (const or not), in the table's order. `f` is
/// generic over the member types: Status, std::string, std::int64_t, double.
template <class O, class F>
void for_each_field(O& outcome, F&& f) {
#define GPIQA_VISIT_FIELD(type, name, initial, unit, description) \
  f(FieldInfo{#name, unit, description}, outcome.name);
  GPIQA_OUTCOME_FIELDS(GPIQA_VISIT_FIELD)
#undef GPIQA_VISIT_FIELD
}

/// True when the field's name already says its unit (time_to_failure_ps, wall_seconds); the JSON output adds
/// a NAME_unit key for the others.
bool unit_in_name(const FieldInfo& field);

}  // namespace gpiqa::stability
