// MD steps per second on the shared water and ammonia models for each thermostat, and the share of the step
// spent in the model (energy + forces), measured side by side in the same run; the cost of the
// posterior-variance probes beside the step for water, glycine- and aspirin-sized sets.
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/reference/builtin.hpp"
#include "gpiqa/run/trajectory.hpp"
#include "gpiqa/util/units.hpp"
#include "support/synthetic_model.hpp"
#include "support/test_data.hpp"

namespace {

using namespace gpiqa;

void md_steps(benchmark::State& state, const char* models, const char* xyz, const char* thermostat) {
  if (!test::have_shared_data()) return state.SkipWithError("../shared/data not found");
  model::MoleculeModel m = model::MoleculeModel::load(test::shared_data(models));
  const md::Positions start =
      io::read_xyz(test::shared_data(xyz))[0].positions_angstrom * units::kBohrPerAngstrom;
  run::TrajectorySpec spec;
  spec.integrator.type = thermostat;
  spec.integrator.temperature_K = 300;
  spec.duration_ps = 1e9;  // never ends within the benchmark
  run::Trajectory t(m, start, spec);
  const long long chunk = 1000;
  const auto start_wall = std::chrono::steady_clock::now();
  for (auto _ : state) {
    const long long stop = t.state().step + chunk;
    t.run([&](const run::Trajectory& tr) { return tr.state().step < stop; });
  }
  const double md_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_wall).count();
  // the model alone, at the trajectory's current geometry, same number of calls
  md::Positions forces;
  model::Diagnostics diag;
  const auto t0 = std::chrono::steady_clock::now();
  const long long calls = 20000;
  for (long long i = 0; i < calls; ++i)
    benchmark::DoNotOptimize(m.compute(t.state().positions, &forces, nullptr, &diag));
  const double model_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / calls;
  const double steps = static_cast<double>(state.iterations() * chunk);
  state.counters["steps/s"] = benchmark::Counter(steps, benchmark::Counter::kIsRate);
  state.counters["model_us"] = model_s * 1e6;
  state.counters["model_share"] = model_s * steps / md_s;  // fraction of the step spent in energy + forces
}

BENCHMARK_CAPTURE(md_steps, water_nve, "models/water-dlfflux", "geometries/water.xyz", "nve");
BENCHMARK_CAPTURE(md_steps, water_nhc, "models/water-dlfflux", "geometries/water.xyz", "nhc");
BENCHMARK_CAPTURE(md_steps, ammonia_nve, "models/ammonia-ichor", "geometries/ammonia.xyz", "nve");
BENCHMARK_CAPTURE(md_steps, ammonia_nhc, "models/ammonia-ichor", "geometries/ammonia.xyz", "nhc");
BENCHMARK_CAPTURE(md_steps, ammonia_csvr, "models/ammonia-ichor", "geometries/ammonia.xyz", "csvr");
BENCHMARK_CAPTURE(md_steps, ammonia_langevin, "models/ammonia-ichor", "geometries/ammonia.xyz", "langevin");

// The cost of the posterior-variance probes (#12) beside the MD step, measured side by side at one geometry:
// one energy+forces call (what a step costs, ~90% of it) and one probe of every atom's variance (a triangular
// solve with each atom's n x n Cholesky factor). probe_share is the probes' share of the step time at the
// default interval (extrapolation_every_fs 100 fs = 200 steps of 0.5 fs): probe / (200 step + probe).
void variance_probe_cost(benchmark::State& state, const char* which) {
  model::MoleculeModel m;
  md::Positions r;
  const std::string name = which;
  if (name == "water" || name == "glycine" || name == "aspirin") {
    // the default set (glycine and aspirin: built by `gpiqa models build NAME`)
    const std::string dir = reference::builtin_models_path(name);
    if (!std::filesystem::exists(dir))
      return state.SkipWithError(("default set not built (gpiqa models build " + name + ")").c_str());
    m = model::MoleculeModel::load(dir);
    r = io::read_xyz(reference::builtin_geometry(name))[0].positions_angstrom * units::kBohrPerAngstrom;
  } else {  // glycine-sized (10 atoms, 24 features, 750 points) or aspirin-sized (21, 57, 1000), as the
            // defaults
    test::SyntheticSpec spec;
    spec.atoms = name == "glycine_sized" ? 10 : 21;
    spec.training_points = name == "glycine_sized" ? 750 : 1000;
    spec.solve_weights = false;
    spec.kernel = "rbf";  // positive definite, as a trained set is (the probe's cost is the same for any)
    m = test::synthetic_molecule(spec);
    r = test::synthetic_geometry(spec.atoms, spec.seed);
  }
  const double factor_mb = static_cast<double>(m.prepare_variance()) / 1e6;
  md::Positions forces;
  Eigen::VectorXd v;
  double step_s = 0, probe_s = 0;
  long long rounds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) benchmark::DoNotOptimize(m.compute(r, &forces, nullptr, nullptr));
    const auto t1 = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) m.posterior_variance(r, v);
    const auto t2 = std::chrono::steady_clock::now();
    step_s += std::chrono::duration<double>(t1 - t0).count() / 20;
    probe_s += std::chrono::duration<double>(t2 - t1).count() / 20;
    ++rounds;
  }
  step_s /= static_cast<double>(rounds), probe_s /= static_cast<double>(rounds);
  state.counters["step_us"] = step_s * 1e6;
  state.counters["probe_us"] = probe_s * 1e6;
  state.counters["probe_share"] = probe_s / (200 * step_s + probe_s);
  state.counters["factor_MB"] = factor_mb;
}

BENCHMARK_CAPTURE(variance_probe_cost, water, "water");
BENCHMARK_CAPTURE(variance_probe_cost, glycine, "glycine");
BENCHMARK_CAPTURE(variance_probe_cost, aspirin, "aspirin");
BENCHMARK_CAPTURE(variance_probe_cost, glycine_sized, "glycine_sized");
BENCHMARK_CAPTURE(variance_probe_cost, aspirin_sized, "aspirin_sized");

}  // namespace

BENCHMARK_MAIN();
