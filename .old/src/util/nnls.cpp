#include "gpiqa/util/nnls.hpp"

#include <limits>
#include <vector>

#include <Eigen/QR>

namespace gpiqa::util {
namespace {

// Least squares restricted to the passive set P (other components zero).
Eigen::VectorXd solve_passive(const Eigen::MatrixXd& A, const Eigen::VectorXd& b,
                              const std::vector<bool>& P) {
  std::vector<Eigen::Index> idx;
  for (Eigen::Index j = 0; j < A.cols(); ++j)
    if (P[static_cast<std::size_t>(j)]) idx.push_back(j);
  Eigen::MatrixXd Ap(A.rows(), static_cast<Eigen::Index>(idx.size()));
  for (std::size_t k = 0; k < idx.size(); ++k) Ap.col(static_cast<Eigen::Index>(k)) = A.col(idx[k]);
  const Eigen::VectorXd zp = Ap.colPivHouseholderQr().solve(b);
  Eigen::VectorXd z = Eigen::VectorXd::Zero(A.cols());
  for (std::size_t k = 0; k < idx.size(); ++k) z(idx[k]) = zp(static_cast<Eigen::Index>(k));
  return z;
}

}  // namespace

Eigen::VectorXd nnls(const Eigen::MatrixXd& A, const Eigen::VectorXd& b, int max_iterations) {
  const Eigen::Index n = A.cols();
  if (max_iterations <= 0) max_iterations = static_cast<int>(3 * n + 10);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  std::vector<bool> passive(static_cast<std::size_t>(n), false);
  const double tol = 10.0 * std::numeric_limits<double>::epsilon() * A.norm() *
                     static_cast<double>(std::max<Eigen::Index>(A.rows(), n)) * std::max(1.0, b.norm());
  for (int outer = 0; outer < max_iterations; ++outer) {
    const Eigen::VectorXd w = A.transpose() * (b - A * x);  // negative gradient
    Eigen::Index best = -1;
    double best_w = tol;
    for (Eigen::Index j = 0; j < n; ++j)
      if (!passive[static_cast<std::size_t>(j)] && w(j) > best_w) best_w = w(j), best = j;
    if (best < 0) break;  // KKT conditions hold
    passive[static_cast<std::size_t>(best)] = true;
    for (int inner = 0; inner <= n; ++inner) {
      Eigen::VectorXd z = solve_passive(A, b, passive);
      bool feasible = true;
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[static_cast<std::size_t>(j)] && z(j) <= 0) feasible = false;
      if (feasible) {
        x = z;
        break;
      }
      double alpha = 1.0;  // step from x toward z as far as feasibility allows
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[static_cast<std::size_t>(j)] && z(j) <= 0) alpha = std::min(alpha, x(j) / (x(j) - z(j)));
      x += alpha * (z - x);
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[static_cast<std::size_t>(j)] && x(j) <= tol)
          passive[static_cast<std::size_t>(j)] = false, x(j) = 0;
    }
  }
  return x;
}

}  // namespace gpiqa::util
