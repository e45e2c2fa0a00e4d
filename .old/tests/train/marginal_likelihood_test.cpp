// The log marginal likelihood's analytic gradient equals central differences, for rbf, wrapped
// (rbf-cyclic) and periodic features, with the noise fixed and fitted, plain and concentrated; its value
// matches the textbook formula computed densely, and the concentrated value is the plain one at the best
// process variance.
#include "gpiqa/train/marginal_likelihood.hpp"

#include <cmath>
#include <numbers>
#include <random>

#include <gtest/gtest.h>
#include <Eigen/LU>

namespace gpiqa::train {
namespace {

LikelihoodProblem random_problem(int n, int nf, bool wrap, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> angle(-std::numbers::pi, std::numbers::pi);
  LikelihoodProblem p;
  Eigen::MatrixXd x(n, nf);
  p.r.resize(n);
  for (int i = 0; i < n; ++i) {
    for (int h = 0; h < nf; ++h) x(i, h) = (wrap && h == nf - 1) ? angle(rng) : 2.0 + 0.2 * normal(rng);
    p.r(i) = 0.01 * std::sin(3 * x(i, 0)) + 0.005 * std::cos(x(i, nf - 1)) + 1e-4 * normal(rng);
  }
  // rbf-cyclic wraps phi features only: with wrap, nf = 6 and the last feature (h = 5) is the one phi.
  model::KernelFactor factor{"k1", wrap ? "rbf-cyclic" : "rbf", {}, std::vector<double>(nf, 1.0)};
  for (int h = 0; h < nf; ++h) factor.active_dimensions.push_back(h);
  p.kernel = model::Kernel({factor}, model::PeriodicConvention::kFerebus, x);
  return p;
}

void expect_gradient_matches(const LikelihoodProblem& p, const Eigen::VectorXd& phi, double noise) {
  Eigen::VectorXd g;
  log_marginal_likelihood(p, phi, noise, &g);
  for (Eigen::Index k = 0; k < phi.size(); ++k) {
    const double h = 1e-5;
    Eigen::VectorXd a = phi, b = phi;
    a(k) += h;
    b(k) -= h;
    const double fd =
        (log_marginal_likelihood(p, a, noise, nullptr) - log_marginal_likelihood(p, b, noise, nullptr)) /
        (2 * h);
    EXPECT_NEAR(g(k), fd, 1e-6 * std::max(1.0, std::abs(fd))) << "parameter " << k;
  }
}

TEST(MarginalLikelihood, GradientMatchesDifferencesRbf) {
  const LikelihoodProblem p = random_problem(30, 4, false, 1);
  expect_gradient_matches(p, Eigen::Vector4d(0.3, -0.5, 1.0, -1.2), 1e-6);
}

TEST(MarginalLikelihood, GradientMatchesDifferencesWrappedAndNoiseFitted) {
  const LikelihoodProblem p = random_problem(30, 6, true, 2);
  Eigen::VectorXd phi(7);
  phi << 0.1, -0.4, 0.8, -1.0, 0.2, -0.3, std::log(1e-5);
  expect_gradient_matches(p, phi, 0.0);
}

TEST(MarginalLikelihood, ConcentratedGradientMatchesDifferences) {
  LikelihoodProblem p = random_problem(30, 6, true, 4);
  p.concentrated = true;
  Eigen::VectorXd phi(7);
  phi << 0.1, -0.4, 0.8, -1.0, 0.2, -0.3, std::log(1e-3);
  expect_gradient_matches(p, phi, 0.0);
  expect_gradient_matches(p, phi.head(6), 1e-6);
}

// The likelihood takes any kernel the model files hold: periodic factors train too.
TEST(MarginalLikelihood, GradientMatchesDifferencesWithAPeriodicFactor) {
  LikelihoodProblem p = random_problem(30, 4, false, 6);
  p.kernel = model::Kernel({{"k1", "rbf", {0, 1}, {1.0, 1.0}}, {"k2", "periodic", {3, 2}, {1.0, 1.0}}},
                           model::PeriodicConvention::kGpytorch, p.kernel.inputs());
  p.concentrated = true;
  Eigen::VectorXd phi(5);
  phi << 0.1, -0.4, 0.8, -1.0, std::log(1e-4);
  expect_gradient_matches(p, phi, 0.0);
}

// With K = sigma2 (K_theta + s2 I), scaling the residuals by 1/s is the same as a process variance s^2:
// log p_sigma2(r) = log p_1(r / s) - n log s. The concentrated likelihood is that at its maximum over s.
TEST(MarginalLikelihood, ConcentratedIsThePlainOneAtTheBestProcessVariance) {
  LikelihoodProblem plain = random_problem(25, 3, false, 5);
  LikelihoodProblem conc = plain;
  conc.concentrated = true;
  const Eigen::Vector3d phi(0.2, -0.1, 0.5);
  const double n = 25, noise = 1e-6;
  auto plain_at = [&](double s) {
    LikelihoodProblem q = plain;
    q.r /= s;
    return log_marginal_likelihood(q, phi, noise, nullptr) - n * std::log(s);
  };
  const Eigen::MatrixXd& x = plain.kernel.inputs();
  Eigen::MatrixXd K(25, 25);
  for (int i = 0; i < 25; ++i)
    for (int j = 0; j < 25; ++j) {
      double e = 0;
      for (int h = 0; h < 3; ++h) e += std::exp(phi(h)) * std::pow(x(i, h) - x(j, h), 2);
      K(i, j) = std::exp(-e) + (i == j ? noise : 0.0);
    }
  const double best_s = std::sqrt(plain.r.dot(K.inverse() * plain.r) / n);
  const double value = log_marginal_likelihood(conc, phi, noise, nullptr);
  EXPECT_NEAR(value, plain_at(best_s), 1e-8 * std::abs(value));
  EXPECT_GT(value, plain_at(best_s * 1.3));
  EXPECT_GT(value, plain_at(best_s / 1.3));
}

TEST(MarginalLikelihood, ValueIsTheTextbookFormula) {
  const LikelihoodProblem p = random_problem(12, 3, false, 3);
  const Eigen::Vector3d phi(0.2, -0.1, 0.5);
  const Eigen::MatrixXd& x = p.kernel.inputs();
  Eigen::MatrixXd K(12, 12);
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 12; ++j) {
      double s = 0;
      for (int h = 0; h < 3; ++h) s += std::exp(phi(h)) * std::pow(x(i, h) - x(j, h), 2);
      K(i, j) = std::exp(-s) + (i == j ? 1e-4 : 0.0);
    }
  const double expected = -0.5 * p.r.dot(K.inverse() * p.r) - 0.5 * std::log(K.determinant()) -
                          6 * std::log(2 * std::numbers::pi);
  EXPECT_NEAR(log_marginal_likelihood(p, phi, 1e-4, nullptr), expected, 1e-8 * std::abs(expected));
}

}  // namespace
}  // namespace gpiqa::train
