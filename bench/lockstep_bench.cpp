// Ensembles in lockstep (#14): B trajectories of one model set advanced together (run::run_jobs), for the
// default sets of water, ammonia, glycine, serine and aspirin, side by side in one run:
//   B<n>_steps/s     MD steps per second per core (summed over the bundle's trajectories; nhc, 300 K, the
//                    five prior means of the mean-function study in turn, different seeds; monitors and
//                    posterior-variance probes as in a campaign, every 100 fs; 2000 steps each, for every B)
//   B<n>_speedup     that over B = 1
//   B<n>_GFLOP/s     the two kernel products' floating-point operations per second of that MD (2 n M each per
//                    atom and step: the model's arithmetic, not counting exp, the prior or the integrator)
//   B<n>_peak%       that as a share of this core's double-precision peak (peak_GFLOP/s), measured in the
//   same
//                    run by a large dense matrix product (Eigen's GEMM, one thread: dense_peak)
// for B = 1, 4, 16 and 64. Times are CPU seconds of this process (the machine may be shared: wall time would
// count other processes' turns), the B values timed in interleaved rounds so that a noisy machine slows them
// alike. bench_md times single trajectories and the model alone.
#include <benchmark/benchmark.h>

#include <ctime>
#include <filesystem>
#include <random>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/reference/builtin.hpp"
#include "gpiqa/run/job.hpp"
#include "gpiqa/train/recipe.hpp"
#include "gpiqa/util/units.hpp"

namespace {

using namespace gpiqa;

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Double-precision peak of one core: the best of several 2048^3 products (2 n^3 flops each).
double measured_peak_gflops() {
  static const double peak = [] {
    Eigen::setNbThreads(1);
    const Eigen::Index n = 2048;
    const Eigen::MatrixXd a = Eigen::MatrixXd::Random(n, n), b = Eigen::MatrixXd::Random(n, n);
    Eigen::MatrixXd c(n, n);
    double best = 0;
    for (int i = 0; i < 4; ++i) {
      const double t0 = cpu_seconds();
      c.noalias() = a * b;
      benchmark::DoNotOptimize(c.data());
      best = std::max(best, 2.0 * static_cast<double>(n * n * n) / (cpu_seconds() - t0) / 1e9);
    }
    return best;
  }();
  return peak;
}

void dense_peak(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(measured_peak_gflops());
  state.counters["GFLOP/s"] = measured_peak_gflops();
}
BENCHMARK(dense_peak)->Iterations(1)->Unit(benchmark::kSecond);

constexpr int kSizes[] = {1, 4, 16, 64};
constexpr std::int64_t kStepsPerTrajectory = 2000;  // 1 ps at 0.5 fs

struct Molecule {
  model::MoleculeModel set;
  std::vector<model::MoleculeModel> variants;
  std::vector<double> equilibrium_hartree;  // per variant, so that no trajectory minimises its start
  model::Positions start;
  double flops_per_step = 0;  // the kernel products of one geometry with forces
};

Molecule load(const std::string& name, bool equilibria = true) {
  Molecule m;
  m.set = model::MoleculeModel::load(train::default_set_path(name));
  m.set.prepare_variance();
  m.start = io::read_xyz(reference::builtin_geometry(name))[0].positions_angstrom * units::kBohrPerAngstrom;
  for (const char* mean : {"file", "min", "mean", "quadratic", "quadratic+"}) {
    m.variants.push_back(m.set.with_mean(model::MeanSpec::parse(mean)));
    if (equilibria) m.equilibrium_hartree.push_back(run::equilibrium_energy(m.variants.back(), m.start));
  }
  for (const auto& a : m.set.atoms()) m.flops_per_step += a.products().flops_per_query(true);
  return m;
}

// B trajectories of `steps` steps in lockstep; returns (CPU seconds of the lockstep run, steps done).
std::pair<double, double> lockstep_run(Molecule& m, int B, std::int64_t steps, std::uint64_t round) {
  std::vector<std::unique_ptr<run::TrajectoryJob>> jobs;
  std::vector<run::TrajectoryJob*> pointers;
  for (int b = 0; b < B; ++b) {
    const std::size_t v = static_cast<std::size_t>(b) % m.variants.size();
    run::TrajectorySpec spec;
    spec.integrator.type = "nhc";
    spec.integrator.temperature_K = 300;
    spec.duration_ps = static_cast<double>(steps) * spec.integrator.timestep_fs / 1000;
    spec.seed = 1000 * round + static_cast<std::uint64_t>(b);
    spec.displace_angstrom = 0.02;
    spec.equilibrium_energy_hartree = m.equilibrium_hartree[v];
    jobs.push_back(std::make_unique<run::TrajectoryJob>(m.variants[v], spec, run::JobSettings{}));
    jobs.back()->start(m.start);
    pointers.push_back(jobs.back().get());
  }
  const std::vector<io::FrameSink*> no_frames(pointers.size(), nullptr);
  const double t0 = cpu_seconds();
  const std::vector<run::JobResult> results = run::run_jobs(pointers, no_frames, {}, {});
  const double seconds = cpu_seconds() - t0;
  double done = 0;
  for (const run::JobResult& r : results) done += static_cast<double>(r.steps_this_run);
  return {seconds, done};
}

void lockstep_md(benchmark::State& state, const char* name) {
  if (!std::filesystem::exists(train::default_set_path(name)))
    return state.SkipWithError(
        ("default set not built (gpiqa models build " + std::string(name) + ")").c_str());
  Molecule m = load(name);
  const double peak = measured_peak_gflops();
  // Every B runs trajectories of the same length (kStepsPerTrajectory: a campaign's per-step costs, with its
  // start and its probes in the same proportion whatever B), bundles of B again with new seeds until the
  // round has taken at least 0.3 CPU seconds.
  std::vector<double> seconds(std::size(kSizes), 0.0), steps(std::size(kSizes), 0.0);
  std::uint64_t round = 1;
  for (auto _ : state) {
    for (std::size_t s = 0; s < std::size(kSizes); ++s) {
      double cpu_round = 0;
      while (cpu_round < 0.3) {
        const auto [cpu, done] = lockstep_run(m, kSizes[s], kStepsPerTrajectory, round++);
        cpu_round += cpu;
        steps[s] += done;
      }
      seconds[s] += cpu_round;
    }
  }
  const double base = steps[0] / seconds[0];
  for (std::size_t s = 0; s < std::size(kSizes); ++s) {
    const std::string b = "B" + std::to_string(kSizes[s]) + "_";
    const double rate = steps[s] / seconds[s];
    state.counters[b + "steps/s"] = rate;
    state.counters[b + "speedup"] = rate / base;
    state.counters[b + "GFLOP/s"] = rate * m.flops_per_step / 1e9;
    state.counters[b + "peak%"] = 100 * rate * m.flops_per_step / 1e9 / peak;
  }
  state.counters["peak_GFLOP/s"] = peak;
}

// The model alone: energy and forces of B geometries (the start displaced by 0.05 A Gaussian noise) by one
// compute_batch, B<n>_calls/s geometries per CPU second and the kernel products' B<n>_GFLOP/s.
void batched_model(benchmark::State& state, const char* name) {
  if (!std::filesystem::exists(train::default_set_path(name)))
    return state.SkipWithError(
        ("default set not built (gpiqa models build " + std::string(name) + ")").c_str());
  Molecule m = load(name, false);
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal(0.0, 0.05 * units::kBohrPerAngstrom);
  std::vector<model::Positions> r(64, m.start), forces(r.size());
  for (auto& p : r)
    for (Eigen::Index k = 0; k < p.size(); ++k) p.data()[k] += normal(rng);
  std::vector<double> seconds(std::size(kSizes), 0.0), calls(std::size(kSizes), 0.0);
  for (auto _ : state) {
    for (std::size_t s = 0; s < std::size(kSizes); ++s) {
      std::vector<model::BatchEntry> batch(static_cast<std::size_t>(kSizes[s]));
      for (std::size_t k = 0; k < batch.size(); ++k) {
        batch[k].potential = &m.variants[k % m.variants.size()];
        batch[k].positions_bohr = &r[k];
        batch[k].forces = &forces[k];
      }
      const double t0 = cpu_seconds();
      do {
        model::compute_batch(batch);
        calls[s] += static_cast<double>(batch.size());
      } while (cpu_seconds() - t0 < 0.2);
      seconds[s] += cpu_seconds() - t0;
    }
  }
  for (std::size_t s = 0; s < std::size(kSizes); ++s) {
    const std::string b = "B" + std::to_string(kSizes[s]) + "_";
    state.counters[b + "calls/s"] = calls[s] / seconds[s];
    state.counters[b + "GFLOP/s"] = calls[s] / seconds[s] * m.flops_per_step / 1e9;
  }
}

BENCHMARK_CAPTURE(batched_model, glycine, "glycine")->Iterations(2)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(batched_model, aspirin, "aspirin")->Iterations(2)->Unit(benchmark::kSecond);

BENCHMARK_CAPTURE(lockstep_md, water, "water")->Iterations(3)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(lockstep_md, ammonia, "ammonia")->Iterations(3)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(lockstep_md, glycine, "glycine")->Iterations(3)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(lockstep_md, serine, "serine")->Iterations(3)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(lockstep_md, aspirin, "aspirin")->Iterations(3)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
