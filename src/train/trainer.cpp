#include "gpiqa/train/trainer.hpp"

#include <LBFGSB.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/train/marginal_likelihood.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"
#include "gpiqa/version.hpp"

namespace gpiqa::train {

std::pair<std::string, std::string> identity_from_file_name(const std::string& path) {
  const std::string stem = std::filesystem::path(path).stem().string();
  const std::string suffix = "_TRAINING_SET";
  if (stem.size() <= suffix.size() || stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) != 0)
    return {};
  const std::string base = stem.substr(0, stem.size() - suffix.size());
  const auto underscore = base.rfind('_');
  if (underscore == std::string::npos) return {};
  return {base.substr(0, underscore), base.substr(underscore + 1)};
}

model::Alf parse_alf(const std::string& ijk, int atoms, const std::string& where, int line) {
  const std::vector<std::string> t = util::split_whitespace(ijk);
  long long i = 0, j = 0, k = 0;
  if (t.size() != 3 || !util::parse_integer(t[0], i) || !util::parse_integer(t[1], j) ||
      !util::parse_integer(t[2], k))
    throw InputError(where, line, "expected three 1-based atom indices \"i j k\", got '" + ijk + "'");
  for (long long v : {i, j, k})
    if (v < 1 || v > atoms)
      throw InputError(where, line, fmt::format("atom index {} out of range 1..{}", v, atoms));
  if (i == j || i == k || j == k)
    throw InputError(where, line, "the three atoms of a local frame must differ");
  return {static_cast<int>(i - 1), static_cast<int>(j - 1), static_cast<int>(k - 1)};
}

model::Alf default_alf(const std::string& atom_label, int atoms, const std::string& where) {
  std::size_t digits = 0;
  while (digits < atom_label.size() && std::isalpha(static_cast<unsigned char>(atom_label[digits]))) ++digits;
  long long number = 0;
  if (!util::parse_integer(atom_label.substr(digits), number)) number = 0;
  std::vector<int> others;
  for (int a = 1; a <= atoms && others.size() < 2; ++a)
    if (a != number) others.push_back(a - 1);
  if (number < 1 || number > atoms || others.size() < 2)
    throw InputError(where,
                     "cannot choose a local frame for atom '" + atom_label + "'; give one (\"i j k\")");
  return {static_cast<int>(number - 1), others[0], others[1]};
}

const std::vector<std::string>& kernel_choices() {
  static const std::vector<std::string> all = {"rbf", "rbf-cyclic", "rbf-periodic", "auto"};
  return all;
}

std::vector<model::KernelFactor> kernel_factors(const std::string& kernel, int features) {
  auto factor = [](const std::string& name, const std::string& type, const std::vector<int>& dims) {
    return model::KernelFactor{name, type, dims, std::vector<double>(dims.size(), 1.0)};
  };
  std::vector<int> all, plain, phi;
  for (int h = 0; h < features; ++h) {
    all.push_back(h);
    (model::is_phi_feature(h) ? phi : plain).push_back(h);
  }
  if (kernel == "rbf" || kernel == "rbf-cyclic") return {factor("k1", kernel, all)};
  if (kernel == "rbf-periodic") {
    if (phi.empty()) return {factor("k1", "rbf", all)};
    return {factor("k1", "rbf", plain), factor("k2", "periodic", phi)};
  }
  throw InputError("--kernel", "unknown kernel '" + kernel + "' (rbf, rbf-cyclic, rbf-periodic, auto)");
}

std::vector<std::string> auto_candidates(int features) {
  // Without phi features the three kernels are the same plain rbf.
  if (features <= 5) return {"rbf"};
  return {"rbf", "rbf-cyclic", "rbf-periodic"};
}

void check_options(const TrainOptions& opt) {
  const auto& choices = kernel_choices();
  if (std::find(choices.begin(), choices.end(), opt.kernel) == choices.end())
    throw InputError("--kernel", "unknown kernel '" + opt.kernel + "' (rbf, rbf-cyclic, rbf-periodic, auto)");
  if (opt.starts < 1) throw InputError("--starts", "must be at least 1");
  if (!(opt.noise > 0)) throw InputError("--noise", "must be positive");
  if (model::MeanSpec::parse(opt.mean, "--mean").is_file())
    throw InputError("--mean",
                     "'file' keeps a model file's own mean, and training has no file: give a mean to fit "
                     "(mean, min, max, NUMBER, EL=NUM,..., linear, quadratic, quadratic+)");
}

std::string describe(const TrainOptions& o) {
  return fmt::format(
      "trainer_revision={} kernel={} mean={} optimise_noise={} concentrated={} noise={} noise_bounds={},{} "
      "log_theta_bounds={},{} starts={} max_iterations={} seed={}",
      kTrainerRevision, o.kernel, util::trim(o.mean), o.optimise_noise ? 1 : 0, o.concentrated ? 1 : 0,
      util::format_double(o.noise), util::format_double(o.min_noise), util::format_double(o.max_noise),
      util::format_double(o.min_log_theta), util::format_double(o.max_log_theta), o.starts, o.max_iterations,
      o.seed);
}

model::MeanFunction fit_training_mean(const TrainingSet& data, const AtomIdentity& id,
                                      const std::string& mean_spec) {
  // The mean acts in the model's internal space; the trainer writes unscaled files, so that is the raw
  // space. The kernel of the scaffold does not matter to any mean fitted from (X, y) alone.
  const Eigen::Index n = data.x.rows();
  const model::AtomModel scaffold(id.atom, id.alf, model::MeanFunction::make_constant(0),
                                  kernel_factors("rbf", static_cast<int>(data.x.cols())),
                                  model::PeriodicConvention::kFerebus, data.x, data.y,
                                  Eigen::VectorXd::Zero(n), 1.0);
  // The one place where training fits a prior mean: a spec that needs more than the training data (an
  // equilibrium geometry, a reference molecule) receives that context here, through model::fit_mean.
  return model::fit_mean(model::MeanSpec::parse(mean_spec, "--mean"), scaffold,
                         model::element_of_label(id.atom));
}

TrainResult train_atom_model(const TrainingSet& data, const AtomIdentity& id, const TrainOptions& opt,
                             const FixedPrior* prior) {
  check_options(opt);
  if (!prior && model::MeanSpec::parse(opt.mean, "--mean").needs_context())
    throw InputError("--mean", "'" + util::trim(opt.mean) +
                                   "' needs the whole molecule: train a set (gpiqa train --csv DIR), not "
                                   "one atom");
  if (prior && prior->at_training.size() != data.y.size())
    throw std::invalid_argument("train_atom_model: the prior has " +
                                std::to_string(prior->at_training.size()) + " values for " +
                                std::to_string(data.y.size()) + " training points");
  const Eigen::Index n = data.x.rows(), nf = data.x.cols();
  if (opt.kernel == "auto") {
    // Bayesian model selection between the kernels: the higher log marginal likelihood (same data, same
    // mean) wins. The wrapped rbf-cyclic kernel is not positive definite on the whole circle, and where phi
    // features are ill-defined (an atom near its local z axis, phi spread over all angles) it fits far
    // worse than plain rbf or rbf x periodic.
    std::optional<TrainResult> best;
    std::vector<std::pair<std::string, double>> tried;
    double seconds = 0;
    int evaluations = 0;
    std::string failures;
    for (const std::string& kernel : auto_candidates(static_cast<int>(nf))) {
      TrainOptions o = opt;
      o.kernel = kernel;
      try {
        TrainResult r = train_atom_model(data, id, o, prior);
        seconds += r.seconds, evaluations += r.evaluations;
        tried.emplace_back(kernel, r.log_likelihood);
        if (!best || r.log_likelihood > best->log_likelihood) best = std::move(r);
      } catch (const std::runtime_error& e) {
        failures += std::string(failures.empty() ? "" : "; ") + kernel + ": " + e.what();
      }
    }
    if (!best) throw std::runtime_error(failures);
    best->seconds = seconds;
    best->evaluations = evaluations;
    best->candidates = std::move(tried);
    std::string summary;
    for (const auto& [kernel, value] : best->candidates)
      summary += (summary.empty() ? "" : " ") + kernel + "=" + util::format_double(value);
    best->file.set_metadata("kernel_selection", "auto " + summary);
    return *best;
  }
  const auto t0 = std::chrono::steady_clock::now();

  // The prior mean is fitted to the data first and stays fixed while the hyperparameters are optimised.
  std::vector<model::KernelFactor> factors = kernel_factors(opt.kernel, static_cast<int>(nf));
  const model::MeanFunction mean = prior ? prior->file_mean : fit_training_mean(data, id, opt.mean);
  const LikelihoodProblem problem{model::Kernel(factors, model::PeriodicConvention::kFerebus, data.x),
                                  data.y - (prior ? prior->at_training : mean.values(data.x)),
                                  opt.concentrated};
  // One parameter per kernel term (factor by factor, in the order of their active dimensions), then noise.
  const std::vector<model::KernelTerm>& terms = problem.kernel.terms();
  const auto nt = static_cast<Eigen::Index>(terms.size());

  const Eigen::Index dim = nt + (opt.optimise_noise ? 1 : 0);
  Eigen::VectorXd lower = Eigen::VectorXd::Constant(dim, opt.min_log_theta);
  Eigen::VectorXd upper = Eigen::VectorXd::Constant(dim, opt.max_log_theta);
  if (opt.optimise_noise) lower(nt) = std::log(opt.min_noise), upper(nt) = std::log(opt.max_noise);

  int evaluations = 0;
  // The best point ever evaluated is kept, so a start whose line search gives up still counts.
  Eigen::VectorXd best;
  double best_value = std::numeric_limits<double>::infinity();
  auto objective = [&](const Eigen::VectorXd& phi, Eigen::VectorXd& grad) {
    ++evaluations;
    const double value = phi.allFinite() ? log_marginal_likelihood(problem, phi, opt.noise, &grad)
                                         : -std::numeric_limits<double>::infinity();
    if (!std::isfinite(value)) {
      grad.setZero(phi.size());
      return 1e300;
    }
    grad = -grad;
    if (-value < best_value) best_value = -value, best = phi;
    return -value;
  };

  // Starts: theta_h = 1 / (2 nf var(x_h)), so that for a typical pair (d_h^2 ~ 2 var_h) the exponent
  // sum_h theta_h d_h^2 is about 1 whatever the number of features (larger starts make K the identity and the
  // likelihood flat); then random log offsets. A periodic term 4 theta sin^2(d/2) is theta d^2 for small d,
  // so the same start fits it.
  Eigen::VectorXd base(dim);
  for (Eigen::Index t = 0; t < nt; ++t) {
    const auto h = static_cast<Eigen::Index>(terms[static_cast<std::size_t>(t)].dimension);
    const double var = (data.x.col(h).array() - data.x.col(h).mean()).square().mean();
    base(t) = std::clamp(std::log(0.5 / (static_cast<double>(nf) * std::max(var, 1e-12))), opt.min_log_theta,
                         opt.max_log_theta);
  }
  if (opt.optimise_noise) base(nt) = std::clamp(std::log(std::max(opt.noise, 1e-6)), lower(nt), upper(nt));
  // A start where K + noise I is numerically singular gives the optimiser nothing to follow: narrow the
  // kernel (and raise a fitted noise) until the Cholesky factorisation succeeds.
  auto make_feasible = [&](Eigen::VectorXd& phi) {
    Eigen::VectorXd g;
    for (int attempt = 0; attempt < 30 && objective(phi, g) >= 1e299; ++attempt) {
      for (Eigen::Index k = 0; k < nt; ++k) phi(k) = std::min(phi(k) + std::log(2.0), upper(k));
      if (opt.optimise_noise) phi(nt) = std::min(phi(nt) + std::log(3.0), upper(nt));
    }
  };
  std::mt19937_64 rng(opt.seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  LBFGSpp::LBFGSBParam<double> param;
  param.epsilon = 1e-6;
  param.max_iterations = opt.max_iterations;
  param.max_linesearch = 40;
  LBFGSpp::LBFGSBSolver<double> solver(param);
  for (int s = 0; s < opt.starts; ++s) {
    Eigen::VectorXd phi = base;
    if (s > 0)
      for (Eigen::Index k = 0; k < nt; ++k)
        phi(k) = std::clamp(base(k) + 1.5 * normal(rng), lower(k), upper(k));
    make_feasible(phi);
    // L-BFGS-B gives up when its line search fails (near a non-positive-definite region, say): restart it
    // from the best point evaluated so far while that keeps improving.
    for (int attempt = 0; attempt < 5; ++attempt) {
      const double before = best_value;
      double value = 0;
      try {
        solver.minimize(objective, phi, value, lower, upper);
        break;
      } catch (const std::exception&) {
        if (!(best_value < before - 1e-9 * std::abs(before)) && attempt > 0) break;
        phi = best;
      }
    }
  }
  if (!std::isfinite(best_value) || best_value >= 1e299)
    throw std::runtime_error("no start gave a positive definite kernel matrix for " + data.source);

  // The model file, with weights solved at the optimum.
  const double noise = opt.optimise_noise ? std::exp(best(nt)) : opt.noise;
  Eigen::Index t = 0;
  for (model::KernelFactor& factor : factors)
    for (double& theta : factor.theta) theta = std::exp(best(t++));
  model::ModelFile f;
  f.source = data.source;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  f.metadata = {{"program", "gpiqa"},
                {"version", kVersion},
                {"nugget", util::format_double(noise)},
                {"likelihood", util::format_double(-best_value)},
                {"training_seconds", fmt::format("{:.3f}", seconds)},
                {"training_set", std::filesystem::path(data.source).filename().string()},
                {"mean_spec", util::trim(opt.mean)}};
  // The file's constant stands in for a prior it cannot hold; the set's PRIOR_MEAN.json holds that prior.
  if (prior) f.set_metadata("prior_mean_record", "PRIOR_MEAN.json");
  f.system_name = id.system;
  f.atom_label = id.atom;
  f.property = "iqa";
  f.alf = id.alf;
  f.number_of_atoms = id.number_of_atoms > 0 ? id.number_of_atoms : static_cast<int>((nf + 6) / 3);
  f.number_of_features = static_cast<int>(nf);
  f.number_of_training_points = static_cast<int>(n);
  f.mean = mean;
  if (f.mean.kind != model::MeanKind::kConstant)
    f.mean_x_key = "xmin", f.mean_y_key = "ymin";  // FEREBUS spelling
  // FEREBUS and ICHOR spell a product of two factors "(k1*k2)".
  f.composition = factors.size() == 1 ? "k1" : "(k1*k2)";
  f.kernels = factors;
  std::string units;
  for (Eigen::Index h = 0; h < nf; ++h)
    units += (h ? " " : "") + std::string(model::is_angle_feature(static_cast<int>(h)) ? "radians" : "bohr");
  f.training_data_keys = {
      {"units.x", units}, {"units.y", "Ha"}, {"scaling.x", "none"}, {"scaling.y", "none"}};
  f.x = data.x;
  f.y = data.y;
  f.weights = Eigen::VectorXd::Zero(n);
  f.weights = model::make_atom_model(f).with_mean(mean).weights();
  TrainResult result;
  result.file = std::move(f);
  result.log_likelihood = -best_value;
  result.seconds = seconds;
  result.evaluations = evaluations;
  return result;
}

}  // namespace gpiqa::train
