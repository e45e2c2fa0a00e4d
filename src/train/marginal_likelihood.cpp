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
  // squared (wrapped) differences of feature h between all pairs; recomputed for the gradient rather than kept
  // (n^2 x nf doubles would be gigabytes for large sets)
  auto squared_differences = [&](Eigen::Index h) {
    Eigen::ArrayXXd d = (p.x.col(h).replicate(1, n) - p.x.col(h).transpose().replicate(n, 1)).array();
    if (p.wrap[static_cast<std::size_t>(h)]) d -= 2 * std::numbers::pi * (d / (2 * std::numbers::pi)).rint();
    return Eigen::ArrayXXd(d.square());
  };
  Eigen::MatrixXd K = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index h = 0; h < nf; ++h) K.array() -= theta(h) * squared_differences(h);
  K = K.array().exp().matrix();
  Eigen::MatrixXd Kn = K;
  Kn.diagonal().array() += s2;
  Eigen::LLT<Eigen::MatrixXd> llt(Kn);
  if (llt.info() != Eigen::Success) {
    if (gradient) gradient->setZero(phi.size());
    return -std::numeric_limits<double>::infinity();
  }
  const Eigen::VectorXd alpha = llt.solve(p.r);
  const double log_det_half = llt.matrixLLT().diagonal().array().log().sum();
  const double value = -0.5 * p.r.dot(alpha) - log_det_half - 0.5 * static_cast<double>(n) * std::log(2 * std::numbers::pi);
  if (gradient) {
    gradient->resize(phi.size());
    Eigen::MatrixXd W = llt.solve(Eigen::MatrixXd::Identity(n, n));  // K^-1
    W = alpha * alpha.transpose() - W;                               // alpha alpha^T - K^-1
    const Eigen::MatrixXd WK = W.cwiseProduct(K);
    for (Eigen::Index h = 0; h < nf; ++h)
      (*gradient)(h) = -0.5 * theta(h) * (WK.array() * squared_differences(h)).sum();
    if (fit_noise) (*gradient)(nf) = 0.5 * s2 * W.trace();
  }
  return value;
}

}  // namespace gpiqa::train
