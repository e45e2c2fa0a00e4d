#include "gpiqa/train/marginal_likelihood.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include <Eigen/Cholesky>

namespace gpiqa::train {

double log_marginal_likelihood(const LikelihoodProblem& p, const Eigen::VectorXd& phi, double noise,
                               Eigen::VectorXd* gradient) {
  const Eigen::Index n = p.x.rows(), nf = p.x.cols();
  const bool fit_noise = phi.size() == nf + 1;
  const Eigen::VectorXd theta = phi.head(nf).array().exp();
  const double s2 = fit_noise ? std::exp(phi(nf)) : noise;
  // K column by column: for point j, s = sum_h theta_h d_h^2 over all i (contiguous columns of X, no n x n
  // temporaries per feature).
  const double two_pi = 2 * std::numbers::pi;
  auto diff = [&](Eigen::Index h, Eigen::Index j) {
    Eigen::ArrayXd d = p.x.col(h).array() - p.x(j, h);
    if (p.wrap[static_cast<std::size_t>(h)]) d -= two_pi * (d / two_pi).rint();
    return d;
  };
  Eigen::MatrixXd K(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    Eigen::ArrayXd sum = Eigen::ArrayXd::Zero(n);
    for (Eigen::Index h = 0; h < nf; ++h) sum += theta(h) * diff(h, j).square();
    K.col(j) = (-sum).exp().matrix();
  }
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
    const Eigen::MatrixXd WK = W.cwiseProduct(K);
    Eigen::VectorXd acc = Eigen::VectorXd::Zero(nf);
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index h = 0; h < nf; ++h) acc(h) += (WK.col(j).array() * diff(h, j).square()).sum();
    for (Eigen::Index h = 0; h < nf; ++h) (*gradient)(h) = -0.5 * theta(h) * acc(h);
    if (fit_noise) (*gradient)(nf) = 0.5 * s2 * W.trace();
  }
  return value;
}

}  // namespace gpiqa::train
