// Ensembles in lockstep (#14): B trajectories of one model set evaluated together. For the default glycine,
// serine and aspirin sets (and water, ammonia), side by side in one run: energy+forces calls per second per
// core for B = 1, 4, 16, 64 geometries per batch, each B's speed-up over B = 1, and the GFLOP/s of the two
// kernel products beside this core's double-precision peak, measured in the same run by a large dense
// matrix product (Eigen's GEMM, one thread). The B values are timed in interleaved rounds so that a shared,
// noisy machine slows them alike.
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/reference/builtin.hpp"
#include "gpiqa/util/units.hpp"

namespace {

using namespace gpiqa;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Double-precision peak of one core: the best of several 1536^3 products (2 n^3 flops each).
double measured_peak_gflops() {
  static double peak = [] {
    Eigen::setNbThreads(1);
    const Eigen::Index n = 1536;
    const Eigen::MatrixXd a = Eigen::MatrixXd::Random(n, n), b = Eigen::MatrixXd::Random(n, n);
    Eigen::MatrixXd c(n, n);
    double best = 0;
    for (int i = 0; i < 5; ++i) {
      const auto t0 = Clock::now();
      c.noalias() = a * b;
      benchmark::DoNotOptimize(c.data());
      best = std::max(best, 2.0 * n * n * n / seconds_since(t0) / 1e9);
    }
    return best;
  }();
  return peak;
}

void dense_peak(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(measured_peak_gflops());
  state.counters["GFLOP/s"] = measured_peak_gflops();
}
BENCHMARK(dense_peak)->Iterations(1);

constexpr int kSizes[] = {1, 4, 16, 64};

// B geometries of the molecule (its start displaced by 0.05 A Gaussian noise), under 5 mean variants in turn.
void batched_calls(benchmark::State& state, const char* name) {
  const std::string dir = reference::builtin_models_path(name);
  if (!std::filesystem::exists(dir))
    return state.SkipWithError(("default set not built (gpiqa models build " + std::string(name) + ")").c_str());
  const model::MoleculeModel set = model::MoleculeModel::load(dir);
  set.prepare_variance();
  std::vector<model::MoleculeModel> variants;
  for (const char* mean : {"file", "min", "mean", "quadratic", "quadratic+"})
    variants.push_back(set.with_mean(model::MeanSpec::parse(mean)));
  const model::Positions start =
      io::read_xyz(reference::builtin_geometry(name))[0].positions_angstrom * units::kBohrPerAngstrom;
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal(0.0, 0.05 * units::kBohrPerAngstrom);
  const int most = kSizes[std::size(kSizes) - 1];
  std::vector<model::Positions> r(static_cast<std::size_t>(most), start), forces(r.size());
  for (auto& p : r)
    for (Eigen::Index k = 0; k < p.size(); ++k) p.data()[k] += normal(rng);
  double flops_per_geometry = 0;
  for (const auto& a : set.atoms()) flops_per_geometry += a.products().flops_per_query(true);
  const double peak = measured_peak_gflops();

  std::vector<double> seconds(std::size(kSizes), 0.0), calls(std::size(kSizes), 0.0);
  for (auto _ : state) {
    for (std::size_t s = 0; s < std::size(kSizes); ++s) {
      const int B = kSizes[s];
      std::vector<model::BatchEntry> batch(static_cast<std::size_t>(B));
      for (std::size_t k = 0; k < batch.size(); ++k) {
        batch[k].potential = &variants[k % variants.size()];
        batch[k].positions_bohr = &r[k];
        batch[k].forces = &forces[k];
      }
      // about 0.2 s per B and round
      const auto t0 = Clock::now();
      long long n = 0;
      do {
        model::compute_batch(batch);
        n += B;
      } while (seconds_since(t0) < 0.2);
      seconds[s] += seconds_since(t0);
      calls[s] += static_cast<double>(n);
    }
  }
  const double base = calls[0] / seconds[0];
  for (std::size_t s = 0; s < std::size(kSizes); ++s) {
    const std::string b = "B" + std::to_string(kSizes[s]) + "_";
    const double rate = calls[s] / seconds[s];
    state.counters[b + "calls/s"] = rate;
    state.counters[b + "speedup"] = rate / base;
    state.counters[b + "GFLOP/s"] = rate * flops_per_geometry / 1e9;
    state.counters[b + "peak%"] = 100 * rate * flops_per_geometry / 1e9 / peak;
  }
  state.counters["peak_GFLOP/s"] = peak;
}

BENCHMARK_CAPTURE(batched_calls, water, "water")->Iterations(3)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(batched_calls, ammonia, "ammonia")->Iterations(3)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(batched_calls, glycine, "glycine")->Iterations(3)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(batched_calls, serine, "serine")->Iterations(3)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(batched_calls, aspirin, "aspirin")->Iterations(3)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
