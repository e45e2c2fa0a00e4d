// NNLS against exhaustive search over active sets (exact for small problems).
#include "gpiqa/util/nnls.hpp"

#include <random>

#include <gtest/gtest.h>
#include <Eigen/QR>

namespace gpiqa::util {
namespace {

Eigen::VectorXd brute_force_nnls(const Eigen::MatrixXd& A, const Eigen::VectorXd& b) {
  const int n = static_cast<int>(A.cols());
  Eigen::VectorXd best = Eigen::VectorXd::Zero(n);
  double best_r = b.squaredNorm();
  for (int mask = 1; mask < (1 << n); ++mask) {
    std::vector<int> cols;
    for (int j = 0; j < n; ++j)
      if (mask & (1 << j)) cols.push_back(j);
    Eigen::MatrixXd As(A.rows(), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t k = 0; k < cols.size(); ++k) As.col(static_cast<Eigen::Index>(k)) = A.col(cols[k]);
    const Eigen::VectorXd z = As.colPivHouseholderQr().solve(b);
    if (z.minCoeff() < 0) continue;
    Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
    for (std::size_t k = 0; k < cols.size(); ++k) x(cols[k]) = z(static_cast<Eigen::Index>(k));
    const double r = (A * x - b).squaredNorm();
    if (r < best_r) best_r = r, best = x;
  }
  return best;
}

TEST(Nnls, MatchesExhaustiveSearch) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 50; ++trial) {
    Eigen::MatrixXd A(12, 5);
    Eigen::VectorXd b(12);
    for (Eigen::Index i = 0; i < A.size(); ++i) A.data()[i] = normal(rng);
    for (Eigen::Index i = 0; i < b.size(); ++i) b(i) = normal(rng);
    const Eigen::VectorXd x = nnls(A, b);
    const Eigen::VectorXd ref = brute_force_nnls(A, b);
    EXPECT_GE(x.minCoeff(), 0.0);
    EXPECT_NEAR((A * x - b).squaredNorm(), (A * ref - b).squaredNorm(), 1e-10) << trial;
    EXPECT_LT((x - ref).norm(), 1e-8) << trial;
  }
}

TEST(Nnls, UnconstrainedSolutionWhenItIsFeasible) {
  Eigen::MatrixXd A(3, 2);
  A << 1, 0, 0, 1, 1, 1;
  const Eigen::VectorXd x_true = Eigen::Vector2d(0.5, 2.0);
  const Eigen::VectorXd x = nnls(A, A * x_true);
  EXPECT_LT((x - x_true).norm(), 1e-12);
}

}  // namespace
}  // namespace gpiqa::util
