// Training time per atom for 500, 1000 and 2000 points on synthetic data (features of displaced copies of a
// random molecule, smooth made-up energies): 9 atoms (21 features) and aspirin-sized 21 atoms (57 features).
// One optimiser start (the default is 4: multiply for the full cost).
#include <benchmark/benchmark.h>

#include "gpiqa/train/trainer.hpp"
#include "support/synthetic_model.hpp"

namespace {

using namespace gpiqa;

train::TrainingSet synthetic_set(int atoms, int points) {
  test::SyntheticSpec spec;
  spec.atoms = atoms;
  spec.training_points = points;
  spec.solve_weights = false;
  spec.mean = "constant";
  const model::MoleculeModel m = test::synthetic_molecule(spec);
  return {"synthetic", m.atoms()[0].training_x(), m.atoms()[0].training_y()};
}

void BM_TrainAtom(benchmark::State& state) {
  const int atoms = static_cast<int>(state.range(0)), points = static_cast<int>(state.range(1));
  const train::TrainingSet data = synthetic_set(atoms, points);
  train::AtomIdentity id;
  id.atom = "C1";
  id.alf = {0, 1, 2};
  id.number_of_atoms = atoms;
  train::TrainOptions opt;
  opt.starts = 1;
  int evaluations = 0;
  for (auto _ : state) evaluations = train::train_atom_model(data, id, opt).evaluations;
  state.counters["features"] = 3.0 * atoms - 6;
  state.counters["evaluations"] = evaluations;
}

BENCHMARK(BM_TrainAtom)->Args({9, 500})->Args({9, 1000})->Args({9, 2000})->Args({21, 500})->Args({21, 1000})
    ->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
