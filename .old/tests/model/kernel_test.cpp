// Kernel factor flattening: which dimensions wrap, which are periodic and with what factor. The kernel's
// x-gradient and log-theta derivatives equal central differences for every term kind (rbf, rbf-cyclic on a
// wrapped phi, periodic in both conventions); k(X, X) is symmetric with a unit diagonal.
#include "gpiqa/model/kernel.hpp"

#include <cmath>
#include <numbers>
#include <random>

#include <gtest/gtest.h>

namespace gpiqa::model {
namespace {

TEST(Kernel, PhiFeaturesAreEveryThirdFromTheSixth) {
  std::vector<int> phi;
  for (int h = 0; h < 15; ++h)
    if (is_phi_feature(h)) phi.push_back(h);
  EXPECT_EQ(phi, (std::vector<int>{5, 8, 11, 14}));
}

TEST(Kernel, TermsFollowTypeAndConvention) {
  const std::vector<KernelFactor> factors = {{"k1", "rbf-cyclic", {0, 4, 5}, {0.1, 0.2, 0.3}},
                                             {"k2", "periodic", {8}, {0.5}}};
  const auto t = kernel_terms(factors, PeriodicConvention::kGpytorch);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].kind, TermKind::kSquared);
  EXPECT_EQ(t[1].kind, TermKind::kSquared);
  EXPECT_EQ(t[2].kind, TermKind::kSquaredWrapped);
  EXPECT_DOUBLE_EQ(t[2].coefficient, 0.3);
  EXPECT_EQ(t[3].kind, TermKind::kPeriodic);
  EXPECT_DOUBLE_EQ(t[3].coefficient, 1.0);
  EXPECT_DOUBLE_EQ(kernel_terms(factors, PeriodicConvention::kFerebus)[3].coefficient, 2.0);
}

TEST(Kernel, UnknownTypeThrows) {
  EXPECT_THROW(kernel_terms({{"k1", "matern", {0}, {1.0}}}, PeriodicConvention::kFerebus),
               std::invalid_argument);
}

// Inputs spread over the whole circle in every feature, so that differences pass +-pi (wrapping and
// periodicity matter) and the kernel is neither 1 nor 0 everywhere.
Eigen::MatrixXd circle_inputs(int n, int nf, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> angle(-std::numbers::pi, std::numbers::pi);
  Eigen::MatrixXd X(n, nf);
  for (int i = 0; i < n; ++i)
    for (int h = 0; h < nf; ++h) X(i, h) = angle(rng);
  return X;
}

struct Case {
  const char* name;
  std::vector<KernelFactor> factors;
  PeriodicConvention convention;
  TermKind kind;  // the kind under test; at least one term has it
};

// Six features (the sixth, h = 5, is a phi feature), small theta so that k stays well above 0.
std::vector<Case> cases() {
  const std::vector<int> all = {0, 1, 2, 3, 4, 5};
  const std::vector<double> theta = {0.11, 0.07, 0.13, 0.05, 0.09, 0.17};
  return {
      {"rbf", {{"k1", "rbf", all, theta}}, PeriodicConvention::kFerebus, TermKind::kSquared},
      {"rbf-cyclic",
       {{"k1", "rbf-cyclic", all, theta}},
       PeriodicConvention::kFerebus,
       TermKind::kSquaredWrapped},
      {"periodic gpytorch",
       {{"k1", "rbf", {0, 1, 2, 3}, {0.11, 0.07, 0.13, 0.05}}, {"k2", "periodic", {4, 5}, {0.3, 0.2}}},
       PeriodicConvention::kGpytorch,
       TermKind::kPeriodic},
      {"periodic ferebus",
       {{"k1", "periodic", {5, 2}, {0.2, 0.15}},
        {"k2", "rbf-cyclic", {0, 1, 3, 4}, {0.11, 0.07, 0.05, 0.09}}},
       PeriodicConvention::kFerebus,
       TermKind::kPeriodic},
  };
}

bool has_kind(const Kernel& k, TermKind kind) {
  for (const KernelTerm& t : k.terms())
    if (t.kind == kind) return true;
  return false;
}

// sum_j w_j k(x, X_j) and its x-gradient, the gradient summed over two blocks of training points.
double weighted_sum(const Kernel& k, const Eigen::VectorXd& w, const Eigen::VectorXd& x, Eigen::VectorXd* g) {
  const Eigen::Index n = k.size(), half = n / 2;
  Eigen::ArrayXd s = Eigen::ArrayXd::Zero(n);
  k.add_exponent(x, 0, half, s.head(half));
  k.add_exponent(x, half, n - half, s.tail(n - half));
  const Eigen::ArrayXd v = w.array() * (-s).exp();
  if (g) {
    g->setZero(x.size());
    k.add_gradient(x, 0, half, v.head(half), *g);
    k.add_gradient(x, half, n - half, v.tail(n - half), *g);
  }
  return v.sum();
}

TEST(Kernel, XGradientMatchesDifferencesForEveryTermKind) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    const Kernel k(c.factors, c.convention, circle_inputs(40, 6, 11));
    ASSERT_TRUE(has_kind(k, c.kind));
    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal;
    Eigen::VectorXd w(k.size());
    for (Eigen::Index j = 0; j < w.size(); ++j) w(j) = normal(rng);
    Eigen::VectorXd x = circle_inputs(1, 6, 12).row(0).transpose();
    EXPECT_NEAR(weighted_sum(k, w, x, nullptr), (w.array() * k.values(x)).sum(), 1e-13);
    Eigen::VectorXd g;
    weighted_sum(k, w, x, &g);
    for (int h = 0; h < 6; ++h) {
      const double step = 1e-6;
      Eigen::VectorXd p = x, q = x;
      p(h) += step;
      q(h) -= step;
      const double fd = (weighted_sum(k, w, p, nullptr) - weighted_sum(k, w, q, nullptr)) / (2 * step);
      EXPECT_NEAR(g(h), fd, 1e-7 * std::max(1.0, std::abs(fd))) << "feature " << h;
    }
  }
}

TEST(Kernel, LogThetaDerivativeMatchesDifferencesForEveryTermKind) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    const Kernel k(c.factors, c.convention, circle_inputs(25, 6, 13));
    const Eigen::VectorXd phi = k.log_theta();
    const Eigen::MatrixXd K = k.matrix();
    EXPECT_LT((k.with_log_theta(phi).matrix() - K).cwiseAbs().maxCoeff(), 1e-15);
    // A symmetric weight matrix, as the likelihood's alpha alpha^T / sigma2 - K^-1 is.
    std::mt19937_64 rng(6);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd W(k.size(), k.size());
    for (Eigen::Index i = 0; i < W.size(); ++i) W.data()[i] = normal(rng);
    W = (W + W.transpose()).eval();
    const Eigen::VectorXd traces = k.log_theta_gradient(W, K);
    ASSERT_EQ(traces.size(), phi.size());
    for (std::size_t t = 0; t < k.terms().size(); ++t) {
      const Eigen::Index ti = static_cast<Eigen::Index>(t);
      const double step = 1e-5;
      Eigen::VectorXd a = phi, b = phi;
      a(ti) += step;
      b(ti) -= step;
      const Eigen::MatrixXd fd = (k.with_log_theta(a).matrix() - k.with_log_theta(b).matrix()) / (2 * step);
      const Eigen::MatrixXd D = k.log_theta_derivative(t, K);
      EXPECT_LT((D - fd).cwiseAbs().maxCoeff(), 1e-9) << "term " << t;
      EXPECT_GT(D.cwiseAbs().maxCoeff(), 1e-3) << "term " << t << " has no effect on K";
      EXPECT_NEAR(traces(ti), W.cwiseProduct(D).sum(), 1e-11 * std::max(1.0, std::abs(traces(ti))));
    }
  }
}

TEST(Kernel, MatrixIsSymmetricWithUnitDiagonal) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    const Kernel k(c.factors, c.convention, circle_inputs(30, 6, 14));
    const Eigen::MatrixXd K = k.matrix();
    ASSERT_EQ(K.rows(), 30);
    // Periodic terms evaluate cos(x - X) from cos and sin of either side: equal to rounding only.
    EXPECT_LT((K - K.transpose()).cwiseAbs().maxCoeff(), 1e-15);
    EXPECT_LT((K.diagonal().array() - 1.0).abs().maxCoeff(), 1e-15);
    EXPECT_LT(K.minCoeff(), 0.5);  // not trivially all ones
    for (Eigen::Index j = 0; j < K.cols(); ++j)
      EXPECT_LT((K.col(j).array() - k.values(k.inputs().row(j).transpose())).abs().maxCoeff(), 1e-15);
  }
}

TEST(Kernel, WrappedAndPeriodicTermsRepeatEvery2Pi) {
  for (const Case& c : cases()) {
    if (c.kind == TermKind::kSquared) continue;
    SCOPED_TRACE(c.name);
    const Kernel k(c.factors, c.convention, circle_inputs(10, 6, 15));
    const Eigen::VectorXd x = circle_inputs(1, 6, 16).row(0).transpose();
    for (const KernelTerm& t : k.terms()) {
      if (t.kind == TermKind::kSquared) continue;
      Eigen::VectorXd y = x;
      y(t.dimension) += 2 * std::numbers::pi;
      EXPECT_LT((k.values(y) - k.values(x)).abs().maxCoeff(), 1e-12) << "feature " << t.dimension;
    }
  }
}

}  // namespace
}  // namespace gpiqa::model
