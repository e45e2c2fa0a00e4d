#include "gpiqa/train/marginal_likelihood.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include <Eigen/Cholesky>

namespace gpiqa::train {

double log_marginal_likelihood(const LikelihoodProblem& p, const Eigen::VectorXd& phi, double noise,
                               Eigen::VectorXd* gradient) {
  const Eigen::Index n = p.kernel.size(), nt = static_cast<Eigen::Index>(p.kernel.terms().size());
  const bool fit_noise = phi.size() == nt + 1;
  const model::Kernel kernel = p.kernel.with_log_theta(phi.head(nt));
  const double s2 = fit_noise ? std::exp(phi(nt)) : noise;
  const Eigen::MatrixXd K = kernel.matrix();
  Eigen::MatrixXd Kn = K;
  Kn.diagonal().array() += s2;
  Eigen::LLT<Eigen::MatrixXd> llt(Kn);
  if (llt.info() != Eigen::Success) {
    if (gradient) gradient->setZero(phi.size());
    return -std::numeric_limits<double>::infinity();
  }
  const Eigen::VectorXd alpha = llt.solve(p.r);
  const double log_det_half = llt.matrixLLT().diagonal().array().log().sum();
  const double nd = static_cast<double>(n), quad = p.r.dot(alpha);
  // Concentrated: the amplitude at its optimum, sigma2 = r^T alpha / n.
  const double sigma2 = p.concentrated ? quad / nd : 1.0;
  const double value =
      p.concentrated
          ? -0.5 * nd * std::log(sigma2) - log_det_half - 0.5 * nd * (1 + std::log(2 * std::numbers::pi))
          : -0.5 * quad - log_det_half - 0.5 * nd * std::log(2 * std::numbers::pi);
  if (gradient) {
    gradient->resize(phi.size());
    Eigen::MatrixXd W = Eigen::MatrixXd::Identity(n, n);
    llt.solveInPlace(W);                         // K^-1
    W = alpha * alpha.transpose() / sigma2 - W;  // alpha alpha^T / sigma2 - K^-1
    gradient->head(nt) = 0.5 * kernel.log_theta_gradient(W, K);
    if (fit_noise) (*gradient)(nt) = 0.5 * s2 * W.trace();
  }
  return value;
}

}  // namespace gpiqa::train
