// Energy + forces per call of a GP-IQA model set: water and ammonia (shared FFLUX models) and a synthetic
// aspirin-sized set (21 atoms, 57 features, 2000 training points per atom, rbf-cyclic).
// Counters: bytes of training data streamed per call (two passes over X for energy+forces, one for energy,
// plus the weights) and the achieved rate.
#include <benchmark/benchmark.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/util/units.hpp"
#include "support/synthetic_model.hpp"
#include "support/test_data.hpp"

namespace {

using gpiqa::model::MoleculeModel;
using gpiqa::model::Positions;

struct Case {
  MoleculeModel model;
  Positions positions;
};

Case shared_case(const std::string& models, const std::string& xyz) {
  MoleculeModel m = MoleculeModel::load(gpiqa::test::shared_data(models));
  Positions pos = gpiqa::io::read_xyz(gpiqa::test::shared_data(xyz)).front().positions_angstrom *
                  gpiqa::units::kBohrPerAngstrom;
  return {std::move(m), pos};
}

Case aspirin_sized() {
  gpiqa::test::SyntheticSpec spec;
  spec.atoms = 21;
  spec.training_points = 2000;
  spec.kernel = "rbf-cyclic";
  spec.mean = "constant";
  spec.solve_weights = false;  // cost is what matters here
  return {gpiqa::test::synthetic_molecule(spec), gpiqa::test::synthetic_geometry(21, spec.seed)};
}

double bytes_per_call(const MoleculeModel& m, bool forces) {
  double bytes = 0;
  for (const auto& a : m.atoms())
    bytes += 8.0 * a.training_size() * (a.feature_count() * (forces ? 2.0 : 1.0) + 1.0);
  return bytes;
}

// flops: per training point and term ~3 (sub, mul, fma) for the exponent, ~3 more for the gradient, plus exp
double flops_per_call(const MoleculeModel& m, bool forces) {
  double f = 0;
  for (const auto& a : m.atoms())
    f += a.training_size() *
         (3.0 * static_cast<double>(a.terms().size()) * (forces ? 2.0 : 1.0) + 20.0 /* exp */ + 2.0);
  return f;
}

void run(benchmark::State& state, Case& c, bool forces) {
  Positions f;
  for (auto _ : state) {
    const double e = c.model.compute(c.positions, forces ? &f : nullptr, nullptr, nullptr);
    benchmark::DoNotOptimize(e);
    benchmark::DoNotOptimize(f.data());
  }
  const double calls = static_cast<double>(state.iterations());
  state.counters["bytes_per_call"] = bytes_per_call(c.model, forces);
  state.counters["GB/s"] =
      benchmark::Counter(bytes_per_call(c.model, forces) * calls / 1e9, benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops_per_call(c.model, forces) * calls / 1e9, benchmark::Counter::kIsRate);
}

void BM_Water(benchmark::State& state) {
  if (!gpiqa::test::have_shared_data()) return state.SkipWithError("../shared/data not found");
  static Case c = shared_case("models/water-dlfflux", "geometries/water.xyz");
  run(state, c, state.range(0));
}
void BM_Ammonia(benchmark::State& state) {
  if (!gpiqa::test::have_shared_data()) return state.SkipWithError("../shared/data not found");
  static Case c = shared_case("models/ammonia-ichor", "geometries/ammonia.xyz");
  run(state, c, state.range(0));
}
void BM_AspirinSized(benchmark::State& state) {
  static Case c = aspirin_sized();
  run(state, c, state.range(0));
}

BENCHMARK(BM_Water)->ArgName("forces")->Arg(0)->Arg(1);
BENCHMARK(BM_Ammonia)->ArgName("forces")->Arg(0)->Arg(1);
BENCHMARK(BM_AspirinSized)->ArgName("forces")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
