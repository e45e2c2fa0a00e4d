// Thermostats sample the canonical ensemble: on the real ammonia GP model the mean kinetic temperature equals
// the target, and the relative variance of the kinetic energy equals the canonical (Gamma) value 2/N_f, both
// over an ensemble of independent trajectories, within kStandardErrors standard errors estimated by the
// jackknife over the trajectories. (One trajectory is not enough: Nose-Hoover chains on a molecule this small
// are not ergodic on the scale of 100 ps; single 100 ps runs of 12 seeds gave relative variances spread by
// 0.025, three times their own block-average errors, so that a change in the last bit of the forces moved a
// seed in or out of tolerance.) Bussi's own check: with a tiny timestep and tau, the sampled kinetic energy
// follows the Gamma distribution (Kolmogorov-Smirnov). The ensemble (10 x 15 ps) runs in full in every build,
// the sanitizer build too: fewer samples would leave it too noisy to test.
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/run/trajectory.hpp"
#include "gpiqa/util/units.hpp"
#include "support/test_data.hpp"

namespace gpiqa::md {
namespace {

using run::Trajectory;
using run::TrajectorySpec;

struct Samples {
  std::vector<double> temperature;
  int dof = 0;
};

Samples sample(model::Potential& potential, const Positions& start, TrajectorySpec spec, long long discard) {
  Trajectory t(potential, start, spec);
  Samples s;
  s.dof = t.integrator().degrees_of_freedom();
  t.run([&](const Trajectory& tr) {
    if (tr.state().step > discard) s.temperature.push_back(tr.temperature_K());
    return true;
  });
  EXPECT_EQ(t.outcome().status, stability::Status::kStable) << t.outcome().reason;
  return s;
}

// f of all samples of all runs pooled, and its jackknife standard error over the (independent) runs.
template <typename F>
std::pair<double, double> jackknife_estimate(const std::vector<std::vector<double>>& runs, F f) {
  const auto pooled = [&](std::size_t leave_out) {
    std::vector<double> all;
    for (std::size_t r = 0; r < runs.size(); ++r)
      if (r != leave_out) all.insert(all.end(), runs[r].begin(), runs[r].end());
    return f(all);
  };
  const double estimate = pooled(runs.size());
  std::vector<double> partial;
  for (std::size_t r = 0; r < runs.size(); ++r) partial.push_back(pooled(r));
  const double k = static_cast<double>(runs.size());
  const double mean = std::accumulate(partial.begin(), partial.end(), 0.0) / k;
  double var = 0;
  for (double p : partial) var += (p - mean) * (p - mean);
  return {estimate, std::sqrt((k - 1) / k * var)};
}

// A jackknife over 10 runs gives an error estimate with 9 degrees of freedom: the deviation over it follows
// Student's t with 9 degrees of freedom, not a normal distribution. 4 (a normal-theory bound) is exceeded
// with probability 0.003 by chance, and a change in the last bits of the forces (a vectorised atan2 in the
// ALF features) drew a 4.04 in the sanitizer build's csvr ensemble. 6.6 is t_9's two-sided 1e-4 point; a
// broken thermostat (Berendsen-like suppressed fluctuations, a wrong N_f) is tens of standard errors off.
constexpr double kStandardErrors = 6.6;

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double relative_variance(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size() - 1) / (m * m);
}

class Canonical : public ::testing::TestWithParam<const char*> {};

TEST_P(Canonical, AmmoniaKineticTemperatureAndFluctuationsAreCanonical) {
  GPIQA_REQUIRE_SHARED_DATA();
  model::MoleculeModel m = test::shared_model("models/ammonia-ichor");
  const Positions start = test::shared_geometry_bohr("geometries/ammonia.xyz");
  TrajectorySpec spec;
  spec.integrator.type = GetParam();
  spec.integrator.temperature_K = 300;
  spec.integrator.timestep_fs = 0.5;
  spec.integrator.tau_fs = 50;
  spec.integrator.friction_per_ps = 20;
  spec.duration_ps = 15;
  std::vector<std::vector<double>> runs;
  int dof = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    spec.seed = seed;
    Samples s = sample(m, start, spec, 5000);  // 2.5 ps to forget the start
    dof = s.dof;
    runs.push_back(std::move(s.temperature));
  }
  const auto [T, T_err] = jackknife_estimate(runs, mean_of);
  EXPECT_LT(T_err, 0.05 * 300) << "too noisy to test";
  EXPECT_NEAR(T, 300.0, kStandardErrors * T_err) << "mean kinetic temperature";
  const auto [rv, rv_err] = jackknife_estimate(runs, relative_variance);
  EXPECT_LT(rv_err, 0.1 * 2.0 / dof) << "too noisy to test";
  const double canonical = 2.0 / dof;
  EXPECT_NEAR(rv, canonical, kStandardErrors * rv_err)
      << "relative variance of K (canonical 2/N_f = " << canonical << ")";
  RecordProperty("mean_T", std::to_string(T) + " +- " + std::to_string(T_err));
  RecordProperty("relvar", std::to_string(rv) + " +- " + std::to_string(rv_err));
}

INSTANTIATE_TEST_SUITE_P(Thermostats, Canonical, ::testing::Values("nhc", "csvr", "langevin"));

// Gamma(k = N_f/2, theta = kT) CDF for integer k (ammonia: N_f = 6): 1 - exp(-x) sum_{i<k} x^i / i!
double gamma_cdf_integer_shape(double x, int k) {
  double term = 1, sum = 1;
  for (int i = 1; i < k; ++i) term *= x / i, sum += term;
  return 1 - std::exp(-x) * sum;
}

TEST(BussiCsvr, TinyTimestepAndTauSampleTheCanonicalKineticEnergy) {
  GPIQA_REQUIRE_SHARED_DATA();
  model::MoleculeModel m = test::shared_model("models/ammonia-ichor");
  const Positions start = test::shared_geometry_bohr("geometries/ammonia.xyz");
  TrajectorySpec spec;
  spec.integrator.type = "csvr";
  spec.integrator.temperature_K = 300;
  spec.integrator.timestep_fs = 0.01;
  spec.integrator.tau_fs = 0.1;
  spec.duration_ps = 4 * test::long_run_scale();  // 400000 steps; K decorrelates in ~tau = 10 steps
  Trajectory t(m, start, spec);
  std::vector<double> K;
  t.run([&](const Trajectory& tr) {
    if (tr.state().step % 40 == 0) K.push_back(kinetic_energy(tr.state()));
    return true;
  });
  ASSERT_EQ(t.integrator().degrees_of_freedom(), 6);
  const double kT = units::kBoltzmannHartreePerKelvin * 300;
  std::sort(K.begin(), K.end());
  double ks = 0;
  const double n = static_cast<double>(K.size());
  for (std::size_t i = 0; i < K.size(); ++i) {
    const double F = gamma_cdf_integer_shape(K[i] / kT, 3);
    ks = std::max(
        {ks, std::abs(F - static_cast<double>(i) / n), std::abs(F - static_cast<double>(i + 1) / n)});
  }
  // Kolmogorov-Smirnov at the 0.1% level: D < 1.95 / sqrt(n)
  EXPECT_LT(ks, 1.95 / std::sqrt(static_cast<double>(K.size()))) << K.size() << " samples";
}

}  // namespace
}  // namespace gpiqa::md
