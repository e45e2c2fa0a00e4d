// Thermostats sample the canonical ensemble: on the real ammonia GP model the mean kinetic temperature equals
// the target, and the relative variance of the kinetic energy equals the canonical (Gamma) value 2/N_f, both
// within tolerances derived from the sampling noise (block averages: 4 standard errors). Bussi's own check:
// with a tiny timestep and tau, the sampled kinetic energy follows the Gamma distribution
// (Kolmogorov-Smirnov).
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

// Mean and standard error from `blocks` block averages of f(sample).
template <typename F>
std::pair<double, double> block_estimate(const std::vector<double>& x, int blocks, F f) {
  const std::size_t len = x.size() / static_cast<std::size_t>(blocks);
  std::vector<double> means;
  for (int b = 0; b < blocks; ++b) {
    std::vector<double> block(x.begin() + static_cast<long>(b * len),
                              x.begin() + static_cast<long>((b + 1) * len));
    means.push_back(f(block));
  }
  const double mean = std::accumulate(means.begin(), means.end(), 0.0) / blocks;
  double var = 0;
  for (double m : means) var += (m - mean) * (m - mean);
  return {mean, std::sqrt(var / (blocks - 1) / blocks)};
}

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
  spec.duration_ps = 100;
  spec.seed = 42;
  const Samples s = sample(m, start, spec, 10000);
  const auto [T, T_err] = block_estimate(s.temperature, 20, mean_of);
  EXPECT_LT(T_err, 0.05 * 300) << "too noisy to test";
  EXPECT_NEAR(T, 300.0, 4 * T_err) << "mean kinetic temperature";
  const auto [rv, rv_err] = block_estimate(s.temperature, 20, relative_variance);
  const double canonical = 2.0 / s.dof;
  EXPECT_NEAR(rv, canonical, 4 * rv_err) << "relative variance of K (canonical 2/N_f = " << canonical << ")";
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
  spec.duration_ps = 4;  // 400000 steps; K decorrelates in ~tau = 10 steps
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
