#include "gpiqa/train/trainer.hpp"

#include <LBFGSB.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <random>

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

TrainResult train_atom_model(const TrainingSet& data, const AtomIdentity& id, const TrainOptions& opt) {
  if (opt.kernel == "auto") {
    // Bayesian model selection between the two kernels: the higher log marginal likelihood wins. The wrapped
    // (rbf-cyclic) kernel is not positive definite on the whole circle, and where phi features are
    // ill-defined (an atom near its local z axis, phi spread over all angles) it fits far worse than plain
    // rbf.
    TrainOptions o = opt;
    o.kernel = "rbf-cyclic";
    TrainResult cyclic = train_atom_model(data, id, o);
    o.kernel = "rbf";
    TrainResult plain = train_atom_model(data, id, o);
    TrainResult& best = plain.log_likelihood > cyclic.log_likelihood ? plain : cyclic;
    best.seconds = cyclic.seconds + plain.seconds;
    best.evaluations = cyclic.evaluations + plain.evaluations;
    return best;
  }
  if (opt.kernel != "rbf" && opt.kernel != "rbf-cyclic")
    throw InputError("--kernel", "unknown kernel '" + opt.kernel + "' (rbf, rbf-cyclic, auto)");
  if (opt.starts < 1) throw InputError("--starts", "must be at least 1");
  if (!(opt.noise > 0)) throw InputError("--noise", "must be positive");
  const auto t0 = std::chrono::steady_clock::now();
  const Eigen::Index n = data.x.rows(), nf = data.x.cols();

  // The prior mean is fitted to the data first and stays fixed while the hyperparameters are optimised.
  model::KernelFactor factor{"k1", opt.kernel, {}, std::vector<double>(static_cast<std::size_t>(nf), 1.0)};
  for (int h = 0; h < nf; ++h) factor.active_dimensions.push_back(h);
  const model::AtomModel scaffold(id.atom, id.alf, model::MeanFunction::make_constant(0), {factor},
                                  model::PeriodicConvention::kFerebus, data.x, data.y,
                                  Eigen::VectorXd::Zero(n), opt.noise);
  const model::MeanFunction mean =
      model::fit_mean(model::MeanSpec::parse(opt.mean, "--mean"), scaffold, model::element_of_label(id.atom));

  // The scaffold's kernel over the training inputs; one parameter per feature (its terms are the factor's
  // active dimensions 0..nf-1, in order).
  const LikelihoodProblem problem{scaffold.kernel(), data.y - mean.values(data.x), opt.concentrated};

  const Eigen::Index dim = nf + (opt.optimise_noise ? 1 : 0);
  Eigen::VectorXd lower = Eigen::VectorXd::Constant(dim, opt.min_log_theta);
  Eigen::VectorXd upper = Eigen::VectorXd::Constant(dim, opt.max_log_theta);
  if (opt.optimise_noise) lower(nf) = std::log(opt.min_noise), upper(nf) = std::log(opt.max_noise);

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
  // likelihood flat); then random log offsets.
  Eigen::VectorXd base(dim);
  for (Eigen::Index h = 0; h < nf; ++h) {
    const double var = (data.x.col(h).array() - data.x.col(h).mean()).square().mean();
    base(h) = std::clamp(std::log(0.5 / (static_cast<double>(nf) * std::max(var, 1e-12))), opt.min_log_theta,
                         opt.max_log_theta);
  }
  if (opt.optimise_noise) base(nf) = std::clamp(std::log(std::max(opt.noise, 1e-6)), lower(nf), upper(nf));
  // A start where K + noise I is numerically singular gives the optimiser nothing to follow: narrow the
  // kernel (and raise a fitted noise) until the Cholesky factorisation succeeds.
  auto make_feasible = [&](Eigen::VectorXd& phi) {
    Eigen::VectorXd g;
    for (int attempt = 0; attempt < 30 && objective(phi, g) >= 1e299; ++attempt) {
      for (Eigen::Index k = 0; k < nf; ++k) phi(k) = std::min(phi(k) + std::log(2.0), upper(k));
      if (opt.optimise_noise) phi(nf) = std::min(phi(nf) + std::log(3.0), upper(nf));
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
      for (Eigen::Index k = 0; k < nf; ++k)
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
  const double noise = opt.optimise_noise ? std::exp(best(nf)) : opt.noise;
  for (Eigen::Index h = 0; h < nf; ++h) factor.theta[static_cast<std::size_t>(h)] = std::exp(best(h));
  model::ModelFile f;
  f.source = data.source;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  f.metadata = {{"program", "gpiqa"},
                {"version", kVersion},
                {"nugget", util::format_double(noise)},
                {"likelihood", util::format_double(-best_value)},
                {"training_seconds", fmt::format("{:.3f}", seconds)},
                {"training_set", std::filesystem::path(data.source).filename().string()},
                {"mean_spec", opt.mean}};
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
  f.composition = "k1";
  f.kernels = {factor};
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
