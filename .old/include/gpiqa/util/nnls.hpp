#pragma once
// Non-negative least squares: min ||A x - b||_2 subject to x >= 0, by the active-set method of
// Lawson & Hanson, "Solving Least Squares Problems" (1974), ch. 23. Exact for small dense problems.
#include <Eigen/Core>

namespace gpiqa::util {

/// Returns the minimiser. `max_iterations` bounds the outer loop (default 3 * columns).
Eigen::VectorXd nnls(const Eigen::MatrixXd& A, const Eigen::VectorXd& b, int max_iterations = 0);

}  // namespace gpiqa::util
