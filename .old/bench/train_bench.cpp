// Training time per atom for 500, 1000 and 2000 points on real reference data: glycine (10 atoms, 24
// features) sampled from the MMFF94 reference as `gpiqa models build` samples it (MD at 300-1500 K and
// displacements, farthest-point training sets; the first n of a farthest-point order are the farthest-point
// set of size n), the atomic energies of its alpha carbon C2, the hardest atom of the set.
//   BM_TrainAtom/n               one fit: rbf-cyclic, one optimiser start (`models build` runs kernel auto
//   with 4
//                                starts below 30 features: multiply by about 8 for its cost)
//   BM_LikelihoodAndGradient/n   one evaluation of the concentrated log likelihood and its gradient, the unit
//                                the optimiser pays for (O(n^3) Cholesky and inverse, O(n^2 nf) gradient)
// The sample is drawn once per run (about 10 s).
#include <filesystem>

#include <benchmark/benchmark.h>

#include "gpiqa/model/kernel.hpp"
#include "gpiqa/reference/builtin.hpp"
#include "gpiqa/reference/mmff_reference.hpp"
#include "gpiqa/train/marginal_likelihood.hpp"
#include "gpiqa/train/sampler.hpp"
#include "gpiqa/train/set_trainer.hpp"
#include "gpiqa/train/trainer.hpp"

namespace {

using namespace gpiqa;

const train::AtomJob& glycine_alpha_carbon() {
  static const train::AtomJob job = [] {
    const reference::Molecule mol = reference::Molecule::load(reference::builtin_molfile("glycine"));
    reference::MmffReference ref(mol);
    train::SampleOptions options;
    options.duration_ps = 12;  // 4 x 1200 MD frames + 400 displaced: enough candidates for 2000 points
    options.training_points = 2000;
    options.validation_points = 50;
    options.seed = 20261124;
    const train::SampledGeometries sample = train::sample_geometries(ref, mol.positions_bohr(), options);
    const std::string dir = (std::filesystem::temp_directory_path() / "gpiqa-bench-train-glycine").string();
    std::filesystem::remove_all(dir);
    train::write_training_sets(dir, "GLYCINE", ref, mol.local_frames(), sample);
    for (train::AtomJob& j : train::read_training_directory(dir, "GLYCINE"))
      if (j.identity.atom == "C2") return j;
    throw std::runtime_error("no C2 in " + dir);
  }();
  return job;
}

train::TrainingSet first_points(int n) {
  const train::TrainingSet& all = glycine_alpha_carbon().training;
  return {all.source, all.x.topRows(n), all.y.head(n)};
}

void BM_TrainAtom(benchmark::State& state) {
  const train::TrainingSet data = first_points(static_cast<int>(state.range(0)));
  train::TrainOptions opt;
  opt.starts = 1;
  int evaluations = 0;
  for (auto _ : state)
    evaluations = train::train_atom_model(data, glycine_alpha_carbon().identity, opt).evaluations;
  state.counters["features"] = static_cast<double>(data.x.cols());
  state.counters["evaluations"] = evaluations;
}

void BM_LikelihoodAndGradient(benchmark::State& state) {
  const train::TrainingSet data = first_points(static_cast<int>(state.range(0)));
  model::KernelFactor factor{"k1", "rbf-cyclic", {}, std::vector<double>(data.x.cols(), 1.0)};
  for (int h = 0; h < data.x.cols(); ++h) factor.active_dimensions.push_back(h);
  const train::LikelihoodProblem p{model::Kernel({factor}, model::PeriodicConvention::kFerebus, data.x),
                                   data.y.array() - data.y.mean(), true};
  Eigen::VectorXd phi = Eigen::VectorXd::Constant(data.x.cols() + 1, -3.0);
  phi(data.x.cols()) = std::log(1e-6);
  Eigen::VectorXd gradient;
  for (auto _ : state) benchmark::DoNotOptimize(train::log_marginal_likelihood(p, phi, 0, &gradient));
}

BENCHMARK(BM_LikelihoodAndGradient)->Arg(500)->Arg(1000)->Arg(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TrainAtom)->Arg(500)->Arg(1000)->Arg(2000)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
