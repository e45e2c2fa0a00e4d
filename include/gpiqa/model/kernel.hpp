#pragma once
// Stationary product kernels of GP-IQA models, as FEREBUS and ICHOR/gpytorch write them.
//
// A model's kernel is a product of factors k1*k2*..., each acting on its own active feature dimensions.
// Every supported factor has the form exp(-sum_h G_h(d_h)), d_h = x_h - x'_h, so the whole kernel is
//   k(x, x') = exp(-sum_terms G_term(d_h)),  with per-dimension terms
//   rbf          G = theta_h d^2
//   rbf-cyclic   G = theta_h wrap(d)^2 on phi features (every third feature from the sixth, wrap into
//                (-pi, pi]), theta_h d^2 on the others                       (FEREBUS, Di Pasquale et al.
//                2016)
//   periodic     G = c theta_h sin^2(d/2), period 2 pi; c = 2 for files written by gpytorch (ICHOR),
//                c = 4 for FEREBUS (as DL_FFLUX evaluates them)
// theta is used exactly as written in the file (no 1/2, no log). The gradient with respect to x is
//   dk/dx_h = -k G'_h(d_h):  rbf 2 theta d,  periodic c theta sin(d)/2.
#include <string>
#include <vector>

namespace gpiqa::model {

enum class TermKind { kSquared, kSquaredWrapped, kPeriodic };

/// One dimension's contribution to the exponent: coefficient * G(d) (periodic coefficient includes c).
struct KernelTerm {
  int dimension = 0;  // 0-based feature index
  TermKind kind = TermKind::kSquared;
  double coefficient = 0.0;
};

/// One factor as the file declares it (kept verbatim so that a written file reads back the same).
struct KernelFactor {
  std::string name;                    // "k1"
  std::string type;                    // "rbf", "rbf-cyclic", "periodic"
  std::vector<int> active_dimensions;  // 0-based
  std::vector<double> theta;           // one per active dimension
  std::string theta_key = "theta";     // "theta" or "thetas", as read
};

/// Which convention a periodic factor follows; decided by the program that wrote the file.
enum class PeriodicConvention { kGpytorch, kFerebus };
double periodic_factor(PeriodicConvention convention);  // c above: 2 or 4

/// True for 0-based feature index h that is an ALF phi (3rd of every spherical triple): h = 5, 8, 11, ...
inline bool is_phi_feature(int h) {
  return h >= 5 && (h - 5) % 3 == 0;
}

/// Flattens the factors into exponent terms. Throws std::invalid_argument for an unknown type.
std::vector<KernelTerm> kernel_terms(const std::vector<KernelFactor>& factors, PeriodicConvention convention);

bool is_supported_kernel_type(const std::string& type);

}  // namespace gpiqa::model
