// Forward substitution for many right-hand sides: it solves L z = k (against Eigen's triangular solve, to
// rounding), and a column solved alone gives the same bits as in a batch of any size, whatever the size of L
// (whole SIMD packets and a remainder, several blocks and less than one).
#include "gpiqa/util/forward_substitution.hpp"

#include <cmath>
#include <cstring>
#include <random>

#include <gtest/gtest.h>
#include <Eigen/Cholesky>

namespace gpiqa::util {
namespace {

// The Cholesky factor of a well-conditioned symmetric positive definite matrix, with garbage above the
// diagonal (as an LLT keeps it).
Eigen::MatrixXd factor(Eigen::Index n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd A(n, n);
  for (Eigen::Index i = 0; i < A.size(); ++i) A.data()[i] = normal(rng);
  Eigen::MatrixXd K = A * A.transpose() / static_cast<double>(n) + Eigen::MatrixXd::Identity(n, n);
  Eigen::LLT<Eigen::MatrixXd> llt(K);
  return llt.matrixLLT();
}

Eigen::MatrixXd right_hand_sides(Eigen::Index n, Eigen::Index B, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd K(n, B);
  for (Eigen::Index i = 0; i < K.size(); ++i) K.data()[i] = normal(rng);
  return K;
}

TEST(ForwardSubstitution, SolvesTheLowerTriangularSystem) {
  for (Eigen::Index n : {1, 5, 8, 13, 64, 203}) {
    const Eigen::MatrixXd L = factor(n, 3);
    const Eigen::MatrixXd K = right_hand_sides(n, 6, 4);
    Eigen::MatrixXd Z = K;
    forward_substitute(L, Z);
    const Eigen::MatrixXd expected = L.triangularView<Eigen::Lower>().solve(K);
    EXPECT_LT((Z - expected).cwiseAbs().maxCoeff(), 1e-12 * expected.cwiseAbs().maxCoeff()) << "n " << n;
    EXPECT_LT((L.triangularView<Eigen::Lower>() * Z - K).cwiseAbs().maxCoeff(), 1e-12) << "n " << n;
  }
}

TEST(ForwardSubstitution, AColumnGivesTheSameBitsAloneAndInAnyBatch) {
  for (Eigen::Index n : {7, 45, 130}) {
    const Eigen::MatrixXd L = factor(n, 5);
    const Eigen::MatrixXd K = right_hand_sides(n, 40, 6);
    Eigen::MatrixXd alone = K;
    for (Eigen::Index b = 0; b < K.cols(); ++b) {
      Eigen::MatrixXd z = K.col(b);
      forward_substitute(L, z);
      alone.col(b) = z;
    }
    for (Eigen::Index B : {2, 3, 17, 40}) {
      // in a padded matrix with more rows than L, as the kernel values come
      Eigen::MatrixXd Z = Eigen::MatrixXd::Constant(n + 3, B, 7.0);
      Z.topRows(n) = K.leftCols(B);
      auto top = Z.topRows(n);
      forward_substitute(L, top);
      EXPECT_EQ(
          std::memcmp(Z.topRows(n).eval().data(), alone.leftCols(B).eval().data(), sizeof(double) * n * B), 0)
          << "n " << n << ", B " << B;
      EXPECT_TRUE((Z.bottomRows(3).array() == 7.0).all()) << "rows below L are left alone";
    }
  }
}

// The order the header promises, one number at a time: z_ib takes -L_il z_lb for l = 0 .. i-1 by (fused)
// multiply-adds, then the division. Blocking and register tiles must not change a bit of it.
TEST(ForwardSubstitution, EveryNumberTakesItsTermsInTheDocumentedOrder) {
  for (Eigen::Index n : {3, 16, 17, 61, 150}) {
    const Eigen::MatrixXd L = factor(n, 7);
    const Eigen::MatrixXd K = right_hand_sides(n, 13, 8);
    Eigen::MatrixXd expected = K;
    for (Eigen::Index b = 0; b < K.cols(); ++b)
      for (Eigen::Index i = 0; i < n; ++i) {
        double z = expected(i, b);
        for (Eigen::Index l = 0; l < i; ++l) {
#ifdef __FMA__
          z = std::fma(-L(i, l), expected(l, b), z);
#else
          z = -L(i, l) * expected(l, b) + z;
#endif
        }
        expected(i, b) = z / L(i, i);
      }
    for (Eigen::Index B : {1, 4, 5, 8, 13}) {
      Eigen::MatrixXd Z = K.leftCols(B);
      forward_substitute(L, Z);
      EXPECT_EQ(std::memcmp(Z.data(), expected.leftCols(B).eval().data(), sizeof(double) * n * B), 0)
          << "n " << n << ", B " << B;
    }
  }
}

}  // namespace
}  // namespace gpiqa::util
