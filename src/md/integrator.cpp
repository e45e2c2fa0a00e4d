#include "gpiqa/md/integrator.hpp"

#include <cmath>
#include <numbers>
#include <vector>

#include <fmt/format.h>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::md {

void validate(const IntegratorConfig& c) {
  // "temperature: must be positive, got -300 K": the setting named once, the number as given
  auto positive = [](double v, const char* name, const char* unit) {
    if (!(v > 0) || !std::isfinite(v))
      throw InputError(name, "must be positive, got " + util::format_double(v) + unit);
  };
  if (c.type != "nve" && c.type != "nhc" && c.type != "csvr" && c.type != "langevin")
    throw InputError("thermostat", "unknown thermostat '" + c.type + "' (nhc, csvr, langevin, nve)");
  positive(c.timestep_fs, "timestep", " fs");
  if (c.timestep_fs < kMinTimestepFs || c.timestep_fs > kMaxTimestepFs)
    throw InputError(
        "timestep", fmt::format("{} fs is outside {}..{} fs", c.timestep_fs, kMinTimestepFs, kMaxTimestepFs));
  positive(c.temperature_K, "temperature", " K");
  positive(c.tau_fs, "thermostat tau", " fs");
  if (c.chain_length < 1)
    throw InputError("thermostat chain length", "must be at least 1, got " + std::to_string(c.chain_length));
  if (c.chain_length > kMaxChainLength)
    throw InputError("thermostat chain length",
                     fmt::format("{} is more than {}", c.chain_length, kMaxChainLength));
  if (c.nhc_substeps < 1)
    throw InputError("thermostat NHC sub-steps", "must be at least 1, got " + std::to_string(c.nhc_substeps));
  positive(c.friction_per_ps, "Langevin friction", " 1/ps");
}

double Integrator::timestep_atomic() const {
  return config_.timestep_fs * units::kAtomicTimePerFemtosecond;
}
double Integrator::kT_hartree() const {
  return units::kBoltzmannHartreePerKelvin * config_.temperature_K;
}

void Integrator::kick(MdState& s, double dt) {
  for (Eigen::Index a = 0; a < s.velocities.cols(); ++a)
    s.velocities.col(a) += (dt / s.masses(a)) * s.forces.col(a);
}
void Integrator::drift(MdState& s, double dt) {
  s.positions += dt * s.velocities;
}
void Integrator::finish_step(MdState& s) const {
  if (remove_rigid_) remove_rigid_motion(s.positions, s.masses, s.velocities);
  ++s.step;
}

void compute_forces(MdState& s, model::Potential& potential, model::Diagnostics* diagnostics) {
  s.potential_hartree = potential.compute(s.positions, &s.forces, nullptr, diagnostics);
}

void Integrator::step(MdState& s, model::Potential& p, const RandomStream& rng, model::Diagnostics* d) const {
  before_forces(s, rng);
  compute_forces(s, p, d);
  after_forces(s, rng);
}

namespace {

class VelocityVerlet final : public Integrator {
 public:
  VelocityVerlet(IntegratorConfig c, int dof) : Integrator(std::move(c), dof, true) {}
  void initialise(MdState& s) const override { s.thermostat.clear(); }
  void before_forces(MdState& s, const RandomStream&) const override {
    kick(s, timestep_atomic() / 2);
    drift(s, timestep_atomic());
  }
  void after_forces(MdState& s, const RandomStream&) const override {
    kick(s, timestep_atomic() / 2);
    finish_step(s);
  }
  double conserved_energy(const MdState& s) const override { return kinetic_energy(s) + s.potential_hartree; }
};

// Nose-Hoover chain. thermostat = [eta_1..eta_M, v_1..v_M].
class NoseHooverChain final : public Integrator {
 public:
  NoseHooverChain(IntegratorConfig c, int dof) : Integrator(std::move(c), dof, true) {
    const double tau = config_.tau_fs * units::kAtomicTimePerFemtosecond;
    const double kT = kT_hartree();
    Q_.assign(static_cast<std::size_t>(config_.chain_length), kT * tau * tau);
    Q_[0] = dof_ * kT * tau * tau;
  }
  void initialise(MdState& s) const override { s.thermostat.assign(2 * Q_.size(), 0.0); }

  void before_forces(MdState& s, const RandomStream&) const override {
    chain_half_step(s);
    kick(s, timestep_atomic() / 2);
    drift(s, timestep_atomic());
  }
  void after_forces(MdState& s, const RandomStream&) const override {
    kick(s, timestep_atomic() / 2);
    chain_half_step(s);
    finish_step(s);
  }

  double conserved_energy(const MdState& s) const override {
    const std::size_t M = Q_.size();
    const double kT = kT_hartree();
    double e = kinetic_energy(s) + s.potential_hartree;
    for (std::size_t j = 0; j < M; ++j) {
      const double eta = s.thermostat[j], v = s.thermostat[M + j];
      e += 0.5 * Q_[j] * v * v + (j == 0 ? dof_ * kT : kT) * eta;
    }
    return e;
  }

 private:
  // exp(iL_NHC dt/2) by MTK's Trotter factorisation with Suzuki-Yoshida order-3 weights.
  void chain_half_step(MdState& s) const {
    const std::size_t M = Q_.size();
    double* eta = s.thermostat.data();
    double* v = s.thermostat.data() + M;
    const double kT = kT_hartree();
    const double w1 = 1.0 / (2.0 - std::cbrt(2.0));
    const double weights[3] = {w1, 1.0 - 2.0 * w1, w1};
    double K2 = 2.0 * kinetic_energy(s);
    double scale = 1.0;
    std::vector<double> G(M);
    auto force = [&](std::size_t j) {
      return j == 0 ? (K2 - dof_ * kT) / Q_[0] : (Q_[j - 1] * v[j - 1] * v[j - 1] - kT) / Q_[j];
    };
    const int nc = config_.nhc_substeps;
    for (int c = 0; c < nc; ++c)
      for (double w : weights) {
        const double delta = w * timestep_atomic() / nc;
        v[M - 1] += 0.25 * delta * force(M - 1);
        for (std::size_t j = M - 1; j-- > 0;) {
          const double aa = std::exp(-0.125 * delta * v[j + 1]);
          v[j] = v[j] * aa * aa + 0.25 * delta * force(j) * aa;
        }
        const double f = std::exp(-0.5 * delta * v[0]);
        scale *= f;
        K2 *= f * f;
        for (std::size_t j = 0; j < M; ++j) eta[j] += 0.5 * delta * v[j];
        for (std::size_t j = 0; j + 1 < M; ++j) {
          const double aa = std::exp(-0.125 * delta * v[j + 1]);
          v[j] = v[j] * aa * aa + 0.25 * delta * force(j) * aa;
        }
        v[M - 1] += 0.25 * delta * force(M - 1);
      }
    s.velocities *= scale;
  }

  std::vector<double> Q_;
};

// Bussi stochastic velocity rescaling: the kinetic energy follows the exact Ornstein-Uhlenbeck-like update of
// the paper's eq. (A7) over dt/2, twice per step.
class BussiCsvr final : public Integrator {
 public:
  BussiCsvr(IntegratorConfig c, int dof) : Integrator(std::move(c), dof, true) {}
  void initialise(MdState& s) const override { s.thermostat.clear(); }

  void before_forces(MdState& s, const RandomStream& rng) const override {
    rescale(s, rng, 0);
    kick(s, timestep_atomic() / 2);
    drift(s, timestep_atomic());
  }
  void after_forces(MdState& s, const RandomStream& rng) const override {
    kick(s, timestep_atomic() / 2);
    rescale(s, rng, 1);
    finish_step(s);
  }
  double conserved_energy(const MdState& s) const override {
    return kinetic_energy(s) + s.potential_hartree + s.heat_removed_hartree;
  }

 private:
  void rescale(MdState& s, const RandomStream& rng, int half) const {
    if (dof_ <= 0) return;
    const double K = kinetic_energy(s);
    if (!(K > 0)) return;
    const double K_target = 0.5 * dof_ * kT_hartree();
    const double c = std::exp(-0.5 * timestep_atomic() / (config_.tau_fs * units::kAtomicTimePerFemtosecond));
    std::vector<double> R(static_cast<std::size_t>(dof_));
    rng.normals(2 * static_cast<std::uint64_t>(s.step) + static_cast<std::uint64_t>(half),
                RandomPurpose::kThermostat, R);
    double sum_sq = 0;
    for (double r : R) sum_sq += r * r;
    const double ratio = K_target / (dof_ * K);
    const double alpha2 = c + (1 - c) * sum_sq * ratio + 2 * R[0] * std::sqrt(c * (1 - c) * ratio);
    const double sign = (R[0] + std::sqrt(c / ((1 - c) * ratio))) < 0 ? -1.0 : 1.0;
    const double alpha = sign * std::sqrt(alpha2);
    s.velocities *= alpha;
    s.heat_removed_hartree += K - alpha2 * K;
  }
};

// Langevin BAOAB.
class LangevinBaoab final : public Integrator {
 public:
  LangevinBaoab(IntegratorConfig c, int atoms) : Integrator(std::move(c), 3 * atoms, false) {}
  void initialise(MdState& s) const override { s.thermostat.clear(); }

  void before_forces(MdState& s, const RandomStream& rng) const override {
    const double dt = timestep_atomic();
    kick(s, dt / 2);
    drift(s, dt / 2);
    // O: exact Ornstein-Uhlenbeck over dt
    const double gamma = config_.friction_per_ps / (1000.0 * units::kAtomicTimePerFemtosecond);
    const double c1 = std::exp(-gamma * dt);
    const double c2 = std::sqrt(1 - c1 * c1);
    const double K_before = kinetic_energy(s);
    std::vector<double> xi(static_cast<std::size_t>(s.velocities.size()));
    rng.normals(static_cast<std::uint64_t>(s.step), RandomPurpose::kThermostat, xi);
    const double kT = kT_hartree();
    for (Eigen::Index a = 0; a < s.velocities.cols(); ++a) {
      const double sigma = std::sqrt(kT / s.masses(a));
      for (int k = 0; k < 3; ++k)
        s.velocities(k, a) = c1 * s.velocities(k, a) + c2 * sigma * xi[static_cast<std::size_t>(3 * a + k)];
    }
    s.heat_removed_hartree += K_before - kinetic_energy(s);
    drift(s, dt / 2);
  }
  void after_forces(MdState& s, const RandomStream&) const override {
    kick(s, timestep_atomic() / 2);
    finish_step(s);
  }
  double conserved_energy(const MdState& s) const override {
    return kinetic_energy(s) + s.potential_hartree + s.heat_removed_hartree;
  }
};

}  // namespace

std::unique_ptr<Integrator> Integrator::create(const IntegratorConfig& config, int internal_dof, int atoms) {
  validate(config);
  if (config.type == "nve") return std::make_unique<VelocityVerlet>(config, internal_dof);
  if (config.type == "nhc") return std::make_unique<NoseHooverChain>(config, internal_dof);
  if (config.type == "csvr") return std::make_unique<BussiCsvr>(config, internal_dof);
  return std::make_unique<LangevinBaoab>(config, atoms);
}

}  // namespace gpiqa::md
