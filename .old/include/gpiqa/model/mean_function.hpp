#pragma once
// Prior mean functions of a GP-IQA model (the energy the GP falls back to far from its training data).
//   constant    m(x) = c
//   linear      m(x) = y_min + beta . (x - x_min)
//   quadratic   m(x) = y_min + sum_h beta_h (x_h - x_min,h)^2
//   bonded      m(x) = y_eq + sum_c beta_c (q_c(x) - q_c,eq)^2 over covalent coordinates (bonded_mean.hpp)
// linear and quadratic are anchored at the lowest-energy training point (x_min, y_min), as FEREBUS writes
// them; bonded at the equilibrium geometry. FEREBUS files hold constant, linear and quadratic means only.
#include <memory>
#include <string>

#include <Eigen/Core>

#include "gpiqa/model/bonded_mean.hpp"

namespace gpiqa::model {

enum class MeanKind { kConstant, kLinear, kQuadratic, kBonded };

struct MeanFunction {
  MeanKind kind = MeanKind::kConstant;
  std::string type_name = "constant";  // as written in [mean] type (e.g. "constant", "zero")
  double constant = 0.0;               // kConstant
  double y_min = 0.0;                  // kLinear, kQuadratic
  Eigen::VectorXd beta;
  Eigen::VectorXd x_min;
  std::shared_ptr<const BondedMean> bonded;  // kBonded

  static MeanFunction make_constant(double c);
  static MeanFunction make_linear(Eigen::VectorXd beta, Eigen::VectorXd x_min, double y_min);
  static MeanFunction make_quadratic(Eigen::VectorXd beta, Eigen::VectorXd x_min, double y_min);
  static MeanFunction make_bonded(BondedMean mean);

  double value(const Eigen::Ref<const Eigen::VectorXd>& x) const;
  /// Adds dm/dx to `gradient`.
  void add_gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> gradient) const;
  /// m at every training point (rows of X, one point per row).
  Eigen::VectorXd values(const Eigen::MatrixXd& X) const;
  /// Short description for reports, e.g. "constant -75.48" or "quadratic (3 betas, min -75.49)".
  std::string describe() const;
};

}  // namespace gpiqa::model
