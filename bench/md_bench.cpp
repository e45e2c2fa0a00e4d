// MD steps per second on the shared water and ammonia models for each thermostat, and the share of the step
// spent in the model (energy + forces), measured side by side in the same run.
#include <benchmark/benchmark.h>

#include <chrono>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/run/trajectory.hpp"
#include "gpiqa/util/units.hpp"
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

}  // namespace

BENCHMARK_MAIN();
