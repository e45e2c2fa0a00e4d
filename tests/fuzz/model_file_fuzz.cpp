// Fuzz target: a `.model` file as `gpiqa check-model` and `predict --mean min` use it. The text is parsed,
// must survive gpiqa's own writer (read -> write -> read), becomes a GP, and is evaluated (energy, gradient,
// posterior variance, the training-point predictions and a re-solved prior mean on small sets).
#include <Eigen/Core>

#include "fuzz_input.hpp"
#include "gpiqa/model/atom_model.hpp"
#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/model/model_file.hpp"

namespace {

// Above this many training points only the O(n nf) evaluations run: the O(n^3) solves of a 500-point set
// would slow the fuzzer down a hundredfold without reaching other code.
constexpr int kMaxPointsForSolves = 64;

void use(const gpiqa::model::ModelFile& file) {
  using namespace gpiqa::model;
  const AtomModel m = make_atom_model(file);
  const Eigen::VectorXd x = m.training_size() > 0 ? Eigen::VectorXd(file.x.row(0).transpose())
                                                  : Eigen::VectorXd::Zero(m.feature_count());
  Eigen::VectorXd gradient(m.feature_count());
  EvalScratch scratch;
  m.evaluate(x, gradient, scratch);
  m.prior_energy(x, gradient);
  if (m.training_size() > kMaxPointsForSolves) return;
  m.predict_training();
  m.posterior_variance(x);
  for (const char* spec : {"min", "quadratic+"})
    apply_mean(MeanSpec::parse(spec), m, file.element()).energy(x);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gpiqa;
  model::ModelFile file;
  try {
    file = model::parse_model_file(fuzz::as_text(data, size), "fuzz.model");
  } catch (const InputError&) {
    return 0;
  }
  // Whatever gpiqa accepts it must read back from its own writer: an InputError here escapes (a crash).
  model::parse_model_file(model::format_model_file(file), "fuzz.model (rewritten)");
  fuzz::expect_clean([&] { use(file); });
  return 0;
}
