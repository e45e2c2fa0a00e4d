#include "gpiqa/stability/monitor.hpp"

#include <cmath>

#include <fmt/format.h>

#include "gpiqa/md/elements.hpp"
#include "gpiqa/stability/restoring.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::stability {

void validate(const MonitorConfig& c) {
  auto positive = [](double v, const char* name) {
    if (!(v > 0) || !std::isfinite(v))
      throw InputError("stability",
                       std::string(name) + " must be a positive number, got " + fmt::format("{}", v));
  };
  positive(c.bond_stretch_angstrom, "bond_stretch_angstrom");
  positive(c.min_distance_angstrom, "min_distance_angstrom");
  positive(c.bond_compress_fraction, "bond_compress_fraction");
  positive(c.max_temperature_excess_K, "max_temperature_excess_K");
  positive(c.bond_factor, "bond_factor");
  positive(c.temperature_window_fs, "temperature_window_fs");
  if (c.bond_compress_fraction >= 1) throw InputError("stability", "bond_compress_fraction must be below 1");
  if (!(c.extrapolation_kernel >= 0 && c.extrapolation_kernel < 1))
    throw InputError("stability", "extrapolation_kernel must be in [0, 1)");
  positive(c.extrapolation_every_fs, "extrapolation_every_fs");
  if (!(c.extrapolation_variance > 0 && c.extrapolation_variance < 1))
    throw InputError("stability", "extrapolation_variance must be in (0, 1)");
  if (!std::isnan(c.energy_floor_margin_hartree) && !(c.energy_floor_margin_hartree > 0))
    throw InputError("stability", "energy_floor_margin_hartree must be positive (or .nan to switch it off)");
}

StabilityMonitor::StabilityMonitor(MonitorConfig config, std::vector<std::string> elements,
                                   const md::Positions& ref, double target_K, double equilibrium_energy)
    : config_(config), elements_(std::move(elements)), target_K_(target_K) {
  validate(config_);
  bonds_ = find_bonds(elements_, ref, config_.bond_factor);
  for (const auto& [i, j] : bonds_) bond_reference_bohr_.push_back((ref.col(i) - ref.col(j)).norm());
  energy_floor_hartree_ = equilibrium_energy - config_.energy_floor_margin_hartree;  // NaN if either is
}

std::string StabilityMonitor::atom_name(int i) const {
  return elements_[static_cast<std::size_t>(i)] + std::to_string(i + 1);
}

std::optional<Verdict> StabilityMonitor::check(const md::MdState& s, double T, double H, double t_ps,
                                               RunningMetrics& m) const {
  const double A = units::kAngstromPerBohr;
  // summaries first, so that the failing step is part of them
  ++m.samples;
  const double dT = T - m.temperature_mean;
  m.temperature_mean += dT / static_cast<double>(m.samples);
  m.temperature_m2 += dT * (T - m.temperature_mean);
  if (m.samples == 1) {
    m.conserved_first = H;
    m.temperature_average = T;
  } else {
    const double alpha = 1.0 - std::exp(-(t_ps - m.last_time_ps) * 1000.0 / config_.temperature_window_fs);
    m.temperature_average += alpha * (T - m.temperature_average);
  }
  m.last_time_ps = t_ps;
  const double h = H - m.conserved_first;
  m.sum_t += t_ps, m.sum_tt += t_ps * t_ps, m.sum_h += h, m.sum_th += t_ps * h;
  double max_f = 0;
  for (Eigen::Index a = 0; a < s.forces.cols(); ++a) max_f = std::max(max_f, s.forces.col(a).norm());
  if (std::isfinite(max_f)) m.max_force = std::max(m.max_force, max_f);

  if (!std::isfinite(s.potential_hartree) || !std::isfinite(max_f) || !s.positions.allFinite() ||
      !s.velocities.allFinite())
    return Verdict{Status::kFailed, "non-finite energy, forces or coordinates"};

  // closest pair
  const int n = static_cast<int>(s.positions.cols());
  double dmin = 1e300;
  int ci = 0, cj = 1;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      const double d = (s.positions.col(i) - s.positions.col(j)).norm();
      if (d < dmin) dmin = d, ci = i, cj = j;
    }
  m.min_distance_angstrom = std::min(m.min_distance_angstrom, dmin * A);
  if (dmin * A < config_.min_distance_angstrom)
    return Verdict{Status::kCollapsed,
                   fmt::format("atoms {} and {} are {:.3f} A apart (< {} A)", atom_name(ci), atom_name(cj),
                               dmin * A, config_.min_distance_angstrom),
                   true};
  std::optional<Verdict> bond_verdict;
  for (std::size_t b = 0; b < bonds_.size(); ++b) {
    const auto [i, j] = bonds_[b];
    const double d = (s.positions.col(i) - s.positions.col(j)).norm();
    const double ref = bond_reference_bohr_[b];
    m.max_bond_deviation_angstrom = std::max(m.max_bond_deviation_angstrom, std::abs(d - ref) * A);
    if (bond_verdict) continue;
    if ((d - ref) * A > config_.bond_stretch_angstrom)
      bond_verdict =
          Verdict{Status::kExploded,
                  fmt::format("bond {}-{} stretched to {:.3f} A (reference {:.3f} A, limit +{} A)",
                              atom_name(i), atom_name(j), d * A, ref * A, config_.bond_stretch_angstrom),
                  true};
    else if (d < config_.bond_compress_fraction * ref)
      bond_verdict =
          Verdict{Status::kCollapsed,
                  fmt::format("bond {}-{} compressed to {:.3f} A (reference {:.3f} A, limit x{})",
                              atom_name(i), atom_name(j), d * A, ref * A, config_.bond_compress_fraction),
                  true};
  }
  if (bond_verdict) return bond_verdict;
  if (m.temperature_average > target_K_ + config_.max_temperature_excess_K)
    return Verdict{
        Status::kExploded,
        fmt::format("kinetic temperature ({:.0f} fs average) {:.0f} K exceeds target {:.0f} K + {:.0f} K",
                    config_.temperature_window_fs, m.temperature_average, target_K_,
                    config_.max_temperature_excess_K),
        true};
  if (s.potential_hartree < energy_floor_hartree_)
    return Verdict{
        Status::kCollapsed,
        fmt::format("potential energy {:.6f} Ha fell {:.4f} Ha below the equilibrium energy {:.6f} Ha",
                    s.potential_hartree,
                    energy_floor_hartree_ + config_.energy_floor_margin_hartree - s.potential_hartree,
                    energy_floor_hartree_ + config_.energy_floor_margin_hartree)};
  return std::nullopt;
}

void StabilityMonitor::record_variance_probe(double v, double t_ps, RunningMetrics& m) const {
  ++m.probes;
  m.max_posterior_variance = std::max(m.max_posterior_variance, v);
  if (v > config_.extrapolation_variance) {
    ++m.probes_above;
    if (std::isnan(m.time_to_extrapolation_ps)) m.time_to_extrapolation_ps = t_ps;
  }
}

void fill_summary(const RunningMetrics& m, int atoms, Outcome& o) {
  if (m.samples > 0) {
    o.mean_temperature_K = m.temperature_mean;
    o.std_temperature_K =
        m.samples > 1 ? std::sqrt(m.temperature_m2 / static_cast<double>(m.samples - 1)) : 0.0;
    const double n = static_cast<double>(m.samples);
    const double denom = n * m.sum_tt - m.sum_t * m.sum_t;
    o.conserved_drift = denom > 0 ? (n * m.sum_th - m.sum_t * m.sum_h) / denom / atoms : 0.0;
  }
  if (m.probes > 0)
    o.extrapolation_fraction = static_cast<double>(m.probes_above) / static_cast<double>(m.probes);
  o.max_posterior_variance = m.probes > 0 ? m.max_posterior_variance : o.max_posterior_variance;
  o.time_to_extrapolation_ps = m.time_to_extrapolation_ps;
  o.max_bond_deviation_angstrom = m.max_bond_deviation_angstrom;
  o.min_distance_angstrom =
      m.min_distance_angstrom < 1e299 ? m.min_distance_angstrom : o.min_distance_angstrom;
  o.max_force = m.max_force;
  o.wall_seconds = m.wall_seconds;
  o.steps_per_second = m.wall_seconds > 0 ? static_cast<double>(m.samples) / m.wall_seconds : 0.0;
}

}  // namespace gpiqa::stability
