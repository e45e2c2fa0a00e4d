#pragma once
// Log marginal likelihood of a GP-IQA model and its gradient in log hyperparameters (Rasmussen & Williams
// 2006, eqs. 2.30 and 5.9):
//   log p(y|X) = -1/2 r^T alpha - sum_i log L_ii - n/2 log 2 pi,   r = y - m(X),  K = K_theta + s2 I = L L^T,
//   alpha = K^-1 r,
//   d log p / d phi_j = 1/2 tr((alpha alpha^T - K^-1) dK/dphi_j).
// Kernel k = exp(-sum_h G_h(d_h)) with every G_h proportional to theta_h (model::Kernel: rbf, rbf-cyclic,
// periodic), so with phi_h = log theta_h
//   dK_ij/dphi_h = -theta_h G_h(d_ij,h) K_ij  (G per unit theta),    and with phi = log s2:  dK/dphi = s2 I.
// The kernel has unit amplitude, as in FEREBUS model files. With `concentrated` (what the trainer uses) the
// process variance sigma2 of K = sigma2 (K_theta + s2 I) is profiled out at its optimum sigma2 = r^T alpha /
// n (Jones, Schonlau & Welch 1998, the Kriging likelihood FEREBUS maximises):
//   log p = -n/2 log sigma2 - sum_i log L_ii - n/2 (1 + log 2 pi),
//   d log p / d phi_j = 1/2 tr((alpha alpha^T / sigma2 - K^-1) dK/dphi_j),
// so s2 is the noise relative to the signal variance and the predictive mean m + k^T alpha does not depend on
// sigma2. Without it the data's scale (atomic energies in Hartree) would be compared with a unit prior
// variance.
#include <Eigen/Core>

#include "gpiqa/model/kernel.hpp"

namespace gpiqa::train {

struct LikelihoodProblem {
  model::Kernel kernel;       // its factors, convention and training inputs X; its theta are replaced by phi
  Eigen::VectorXd r;          // y - m(X)
  bool concentrated = false;  // profile out the process variance (see above)
};

/// Value and gradient at phi = (log theta of every kernel term[, log s2]); for the trainer's single factor
/// over all features the terms are the features. `noise` is used when phi has no s2 entry.
/// Returns -infinity when K is not positive definite.
double log_marginal_likelihood(const LikelihoodProblem& p, const Eigen::VectorXd& phi, double noise,
                               Eigen::VectorXd* gradient);

}  // namespace gpiqa::train
