// The kernel sums as matrix products equal the plain per-term evaluation (kernel.hpp) to rounding for every
// term kind, including wrapped phi differences beyond +-pi; and a query's numbers are the same bits whether
// it is evaluated alone or anywhere in a batch of any size, with any weights beside it. If the second failed,
// bundled trajectories would drift apart from their unbundled twins.
#include "gpiqa/model/kernel_products.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <random>

#include <gtest/gtest.h>

#include "gpiqa/model/molecule_model.hpp"
#include "support/test_data.hpp"

namespace gpiqa::model {
namespace {

struct Case {
  const char* name;
  std::vector<KernelFactor> factors;
  PeriodicConvention convention;
};

// Seven features (h = 5 is a phi feature), theta small enough that k stays well above 0 for many points.
std::vector<Case> cases() {
  const std::vector<int> all = {0, 1, 2, 3, 4, 5, 6};
  const std::vector<double> theta = {0.11, 0.07, 0.13, 0.05, 0.09, 0.17, 0.08};
  return {
      {"rbf", {{"k1", "rbf", all, theta}}, PeriodicConvention::kFerebus},
      {"rbf-cyclic", {{"k1", "rbf-cyclic", all, theta}}, PeriodicConvention::kFerebus},
      {"rbf x periodic (gpytorch)",
       {{"k1", "rbf", {0, 1, 2, 3, 6}, {0.11, 0.07, 0.13, 0.05, 0.08}},
        {"k2", "periodic", {4, 5}, {0.3, 0.2}}},
       PeriodicConvention::kGpytorch},
      {"periodic x rbf-cyclic (ferebus)",
       {{"k1", "periodic", {5, 2}, {0.2, 0.15}},
        {"k2", "rbf-cyclic", {0, 1, 3, 4, 6}, {0.11, 0.07, 0.05, 0.09, 0.1}}},
       PeriodicConvention::kFerebus},
  };
}

// Features spread around the circle (phi differences pass +-pi), shifted away from 0 like bond lengths.
Eigen::MatrixXd inputs(int n, unsigned seed, double offset) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> angle(-std::numbers::pi, std::numbers::pi);
  Eigen::MatrixXd X(n, 7);
  for (int i = 0; i < n; ++i)
    for (int h = 0; h < 7; ++h) X(i, h) = angle(rng) + (h == 5 ? 0.0 : offset);
  return X;
}

Eigen::VectorXd random_weights(Eigen::Index n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::VectorXd w(n);
  for (Eigen::Index j = 0; j < n; ++j) w(j) = normal(rng);
  return w;
}

// The plain evaluation: sum_j w_j k(x, X_j) and its gradient from Kernel's per-term code.
double reference_sum(const Kernel& k, const Eigen::VectorXd& w, const Eigen::VectorXd& x,
                     Eigen::VectorXd& g) {
  Eigen::ArrayXd s = Eigen::ArrayXd::Zero(k.size());
  k.add_exponent(x, 0, k.size(), s);
  const Eigen::ArrayXd v = w.array() * (-s).exp();
  g.setZero(x.size());
  k.add_gradient(x, 0, k.size(), v, g);
  return v.sum();
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

TEST(KernelProducts, EqualThePlainEvaluationForEveryTermKind) {
  for (const Case& c : cases())
    for (int n : {1, 37, 100}) {
      SCOPED_TRACE(std::string(c.name) + ", n = " + std::to_string(n));
      const Kernel kernel(c.factors, c.convention, inputs(n, 3, 2.0));
      const KernelProducts products(kernel);
      EXPECT_EQ(products.size(), n);
      // queries inside and beyond the data: phi up to 3 pi away, so that wrap counts of 1 and 2 occur
      Eigen::MatrixXd x = inputs(6, 4, 2.0).transpose();
      x(5, 4) += 2 * std::numbers::pi;
      x(5, 5) -= 2 * std::numbers::pi;
      std::vector<Eigen::VectorXd> w;
      std::vector<const double*> wp;
      for (int b = 0; b < 6; ++b) w.push_back(random_weights(n, 10 + b));
      for (const auto& v : w) wp.push_back(v.data());
      KernelProducts::Workspace ws;
      Eigen::VectorXd energy(6), max_kernel;
      Eigen::MatrixXd gradient, values;
      products.sums(x, wp, ws, energy, &gradient, &max_kernel);
      products.values(x, ws, values);
      for (int b = 0; b < 6; ++b) {
        Eigen::VectorXd g;
        const double e = reference_sum(kernel, w[static_cast<std::size_t>(b)], x.col(b), g);
        const Eigen::ArrayXd k = kernel.values(x.col(b));
        const double scale = (w[static_cast<std::size_t>(b)].array() * k).abs().sum();
        EXPECT_NEAR(energy(b), e, 1e-13 * scale) << "query " << b;
        EXPECT_LT((gradient.col(b) - g).cwiseAbs().maxCoeff(),
                  1e-12 * std::max(scale, g.cwiseAbs().maxCoeff()))
            << "query " << b;
        EXPECT_LT((values.col(b).head(n).array() - k).abs().maxCoeff(), 1e-14) << "query " << b;
        EXPECT_NEAR(max_kernel(b), k.maxCoeff(), 1e-14) << "query " << b;
      }
    }
}

TEST(KernelProducts, ATrainingPointHasUnitKernel) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    const Kernel kernel(c.factors, c.convention, inputs(20, 5, 1.5));
    const KernelProducts products(kernel);
    KernelProducts::Workspace ws;
    Eigen::MatrixXd values;
    products.values(kernel.inputs().topRows(3).transpose(), ws, values);
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(values(b, b), 1.0, 1e-14);
  }
}

// Each query alone, then in batches of many sizes at every position, with other queries' weights beside it.
TEST(KernelProducts, AQueryGivesTheSameBitsAloneAndInAnyBatch) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    const int n = 45;  // not a whole number of SIMD packets: the padding is exercised
    const Kernel kernel(c.factors, c.convention, inputs(n, 7, 2.0));
    const KernelProducts products(kernel);
    const int total = 70;
    Eigen::MatrixXd x = inputs(total, 8, 2.0).transpose();
    x(5, 3) += 2 * std::numbers::pi;  // one query needs the wrap parts
    std::vector<Eigen::VectorXd> w;
    for (int b = 0; b < total; ++b) w.push_back(random_weights(n, static_cast<unsigned>(100 + b % 3)));
    // alone
    Eigen::VectorXd alone_e(total), alone_max(total);
    Eigen::MatrixXd alone_g(7, total);
    KernelProducts::Workspace ws;
    for (int b = 0; b < total; ++b) {
      const double* wb = w[static_cast<std::size_t>(b)].data();
      Eigen::VectorXd e(1), mx;
      Eigen::MatrixXd g;
      products.sums(x.col(b), {&wb, 1}, ws, e, &g, &mx);
      alone_e(b) = e(0), alone_max(b) = mx(0), alone_g.col(b) = g.col(0);
    }
    for (int B : {2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 33, 64, 70})
      for (int shift : {0, 1, 5}) {
        std::vector<int> members;
        for (int i = 0; i < B; ++i) members.push_back((i * 7 + shift) % total);  // any order, any position
        Eigen::MatrixXd xb(7, B);
        std::vector<const double*> wb;
        for (int i = 0; i < B; ++i) {
          xb.col(i) = x.col(members[static_cast<std::size_t>(i)]);
          wb.push_back(w[static_cast<std::size_t>(members[static_cast<std::size_t>(i)])].data());
        }
        Eigen::VectorXd e(B), mx;
        Eigen::MatrixXd g;
        products.sums(xb, wb, ws, e, &g, &mx);
        for (int i = 0; i < B; ++i) {
          const int b = members[static_cast<std::size_t>(i)];
          ASSERT_TRUE(same_bits(e(i), alone_e(b)))
              << "B " << B << " position " << i << ": " << e(i) << " vs " << alone_e(b);
          ASSERT_TRUE(same_bits(mx(i), alone_max(b))) << "B " << B << " position " << i;
          for (int h = 0; h < 7; ++h)
            ASSERT_TRUE(same_bits(g(h, i), alone_g(h, b)))
                << "B " << B << " position " << i << " feature " << h;
        }
        // energies without gradients are the same bits too
        Eigen::VectorXd e_only(B);
        products.sums(xb, wb, ws, e_only, nullptr, nullptr);
        for (int i = 0; i < B; ++i) ASSERT_TRUE(same_bits(e_only(i), e(i))) << "B " << B;
      }
  }
}

// The kernel's exponential (a division-free one where the build has AVX-512): exp(-s) within 2 ulp of
// std::exp over the whole range, s from 0 to past the underflow to 0. One training point at 0 and theta 1
// make S = x^2 exactly representable (x a multiple of 2^-20).
TEST(KernelProducts, KernelValuesAreExpOfMinusTheExponentToTwoUlp) {
  const Kernel kernel({{"k1", "rbf", {0}, {1.0}}}, PeriodicConvention::kFerebus, Eigen::MatrixXd::Zero(1, 1));
  const KernelProducts products(kernel);
  Eigen::MatrixXd x(1, 40000);
  for (Eigen::Index i = 0; i < x.cols(); ++i)
    x(0, i) = std::ldexp(std::round(std::ldexp(0.00069 * static_cast<double>(i), 20)), -20);
  KernelProducts::Workspace ws;
  Eigen::MatrixXd values;
  products.values(x, ws, values);
  double worst_ulp = 0;
  for (Eigen::Index i = 0; i < x.cols(); ++i) {
    const double s = x(0, i) * x(0, i), expected = std::exp(-s);
    if (expected == 0.0) {
      EXPECT_EQ(values(0, i), 0.0) << "s = " << s;
      continue;
    }
    const double ulp = std::abs(values(0, i) - expected) / (std::nextafter(expected, 1.0) - expected);
    worst_ulp = std::max(worst_ulp, ulp);
  }
  EXPECT_LE(worst_ulp, 2.0);
  EXPECT_GT(x(0, x.cols() - 1) * x(0, x.cols() - 1), 750.0) << "the range reaches the underflow";
}

// A non-finite feature must give non-finite sums (the MD monitors catch those), not a clamped exponent.
TEST(KernelProducts, ANonFiniteQueryGivesNonFiniteSums) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    const Kernel kernel(c.factors, c.convention, inputs(20, 5, 1.5));
    const KernelProducts products(kernel);
    for (int h = 0; h < 7; ++h) {
      Eigen::VectorXd x = inputs(1, 6, 1.5).row(0).transpose();
      x(h) = std::numeric_limits<double>::quiet_NaN();
      const Eigen::VectorXd w = random_weights(20, 3);
      const double* wp = w.data();
      KernelProducts::Workspace ws;
      Eigen::VectorXd e(1);
      Eigen::MatrixXd g;
      products.sums(x, {&wp, 1}, ws, e, &g, nullptr);
      EXPECT_TRUE(std::isnan(e(0))) << "feature " << h;
    }
  }
}

// The real models: every atom's kernel sum and gradient as products equal the plain evaluation at geometries
// around the data, relative to the sum's scale sum_j |w_j k_j| (what rounding can reach).
TEST(KernelProducts, EqualThePlainEvaluationOnTheSharedModels) {
  GPIQA_REQUIRE_SHARED_DATA();
  for (const char* dir : {"models/ammonia-ichor", "models/water-dlfflux"}) {
    const MoleculeModel set = test::shared_model(dir);
    double worst_e = 0, worst_g = 0;
    for (const AtomModel& atom : set.atoms()) {
      const Kernel& kernel = atom.kernel();
      std::mt19937_64 rng(9);
      std::normal_distribution<double> normal(0.0, 0.05);
      KernelProducts::Workspace ws;
      for (Eigen::Index j = 0; j < kernel.size(); j += 7) {
        Eigen::VectorXd x = kernel.inputs().row(j).transpose();
        for (Eigen::Index h = 0; h < x.size(); ++h) x(h) += normal(rng);
        Eigen::VectorXd g_ref;
        const double e_ref = reference_sum(kernel, atom.weights(), x, g_ref);
        const double scale = (atom.weights().array() * kernel.values(x)).abs().sum();
        const double* w = atom.weights().data();
        Eigen::VectorXd e(1);
        Eigen::MatrixXd g;
        atom.products().sums(x, {&w, 1}, ws, e, &g, nullptr);
        worst_e = std::max(worst_e, std::abs(e(0) - e_ref) / scale);
        worst_g = std::max(
            worst_g, (g.col(0) - g_ref).cwiseAbs().maxCoeff() / std::max(scale, g_ref.cwiseAbs().maxCoeff()));
      }
    }
    EXPECT_LT(worst_e, 1e-13) << dir;
    EXPECT_LT(worst_g, 1e-12) << dir;
    RecordProperty(std::string(dir) + " worst relative difference",
                   std::to_string(worst_e) + " " + std::to_string(worst_g));
    std::printf("%s: worst relative difference energy %.3g gradient %.3g\n", dir, worst_e, worst_g);
  }
}

}  // namespace
}  // namespace gpiqa::model
