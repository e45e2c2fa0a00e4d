#pragma once
// Stability monitors: after every step, decide whether the molecule is still physical.
//   bonds       from the starting geometry: atoms closer than bond_factor x (sum of covalent radii, Cordero
//   2008) exploded    a bond stretched more than bond_stretch_angstrom beyond its reference length (0.5 A:
//   dissociation,
//               Fu et al., "Forces are not enough", 2022), or the kinetic temperature, averaged over
//               temperature_window_fs (exponential moving average: a small molecule's instantaneous
//               temperature swings by thousands of kelvin as a displaced start relaxes), above target +
//               max_temperature_excess_K
//   collapsed   two atoms closer than min_distance_angstrom, a bond shorter than bond_compress_fraction of
//   its
//               reference, or the potential energy more than energy_floor_margin_hartree below the sum of the
//               atoms' lowest training energies (a GP falling into a hole)
//   failed      non-finite energy or forces, or a degenerate local frame
//   extrapolation (recorded, never ends a run): a step counts when any atom has a feature outside its
//   training
//               min/max box or its largest kernel value to the training points is below extrapolation_kernel
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gpiqa/md/state.hpp"
#include "gpiqa/model/potential.hpp"
#include "gpiqa/stability/outcome.hpp"

namespace gpiqa::stability {

struct MonitorConfig {
  double bond_stretch_angstrom = 0.5;
  double min_distance_angstrom = 0.5;
  double bond_compress_fraction = 0.6;
  double max_temperature_excess_K = 10000.0;
  double temperature_window_fs = 50.0;
  double energy_floor_margin_hartree = 0.1;  // NaN switches the check off
  double extrapolation_kernel = 0.05;        // no longer used (see above)
  double extrapolation_every_fs = 100.0;     // posterior-variance probe interval (cost: see bench_md)
  double extrapolation_variance = 0.5;       // a probe above this is extrapolating
  double bond_factor = 1.2;
};

/// Throws InputError("stability", ...) for a non-positive or non-finite threshold.
void validate(const MonitorConfig& config);

struct Verdict {
  Status status;
  std::string reason;
  /// Judged on geometry or kinetic temperature alone (distances, bonds, temperature), the same for every
  /// potential; the energy floor and non-finite values judge the potential.
  bool potential_independent = false;
};

/// Running summaries of a trajectory; part of the checkpoint, so restarts reproduce them exactly.
/// X(type, name, initial): the one list the struct and the checkpoint's metrics group are made from.
// clang-format off
#define GPIQA_RUNNING_METRICS(X)                                                                        \
  X(std::int64_t, samples, 0)                                                                           \
  X(double, temperature_mean, 0.0) X(double, temperature_m2, 0.0)  /* Welford */                       \
  X(double, temperature_average, 0.0)  /* moving average over temperature_window_fs */                 \
  X(double, last_time_ps, 0.0)                                                                          \
  X(double, conserved_first, 0.0)  /* H at the first sample (the regression is on H - H0) */           \
  X(double, sum_t, 0.0) X(double, sum_tt, 0.0) X(double, sum_h, 0.0) X(double, sum_th, 0.0)  /* drift */ \
  X(double, max_bond_deviation_angstrom, 0.0)                                                           \
  X(double, min_distance_angstrom, 1e300)                                                               \
  X(double, max_force, 0.0)                                                                             \
  X(std::int64_t, probes, 0)  /* posterior-variance probes */                                          \
  X(std::int64_t, probes_above, 0)  /* ... with an atom above extrapolation_variance */                 \
  X(double, max_posterior_variance, 0.0)                                                                \
  X(double, time_to_extrapolation_ps, std::numeric_limits<double>::quiet_NaN())                        \
  X(double, wall_seconds, 0.0)
// clang-format on
struct RunningMetrics {
#define GPIQA_DECLARE_METRIC(type, name, initial) type name = initial;
  GPIQA_RUNNING_METRICS(GPIQA_DECLARE_METRIC)
#undef GPIQA_DECLARE_METRIC
};

class StabilityMonitor {
 public:
  StabilityMonitor(MonitorConfig config, std::vector<std::string> elements,
                   const md::Positions& reference_bohr, double target_temperature_K,
                   double lowest_training_energy_hartree);

  /// Checks the state after a step (forces and potential at the current positions), updating `metrics`.
  std::optional<Verdict> check(const md::MdState& state, double temperature_K, double conserved_hartree,
                               double time_ps, RunningMetrics& metrics) const;
  /// Records a posterior-variance probe at `time_ps`: the largest per-atom variance.
  void record_variance_probe(double max_variance, double time_ps, RunningMetrics& metrics) const;

  const std::vector<std::pair<int, int>>& bonds() const { return bonds_; }
  const MonitorConfig& config() const { return config_; }
  /// Potential energy below which a run is collapsed (Hartree): equilibrium energy minus the margin; NaN:
  /// off.
  double energy_floor_hartree() const { return energy_floor_hartree_; }

 private:
  std::string atom_name(int i) const;

  MonitorConfig config_;
  std::vector<std::string> elements_;
  std::vector<std::pair<int, int>> bonds_;
  std::vector<double> bond_reference_bohr_;
  double target_K_;
  double energy_floor_hartree_;
};

/// The outcome's summary fields from the running metrics (status and failure fields are left to the caller).
void fill_summary(const RunningMetrics& metrics, int atoms, Outcome& outcome);

}  // namespace gpiqa::stability
