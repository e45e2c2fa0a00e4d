#pragma once
// Prior mean functions of a GP-IQA model (the energy the GP falls back to far from its training data).
//   constant    m(x) = c
//   linear      m(x) = y_min + beta . (x - x_min)
//   quadratic   m(x) = y_min + sum_h beta_h (x_h - x_min,h)^2
// linear and quadratic are anchored at the lowest-energy training point (x_min, y_min), as FEREBUS writes
// them.
#include <string>

#include <Eigen/Core>

namespace gpiqa::model {

enum class MeanKind { kConstant, kLinear, kQuadratic };

struct MeanFunction {
  MeanKind kind = MeanKind::kConstant;
  std::string type_name = "constant";  // as written in [mean] type (e.g. "constant", "zero")
  double constant = 0.0;               // kConstant
  double y_min = 0.0;                  // kLinear, kQuadratic
  Eigen::VectorXd beta;
  Eigen::VectorXd x_min;

  static MeanFunction make_constant(double c);
  static MeanFunction make_linear(Eigen::VectorXd beta, Eigen::VectorXd x_min, double y_min);
  static MeanFunction make_quadratic(Eigen::VectorXd beta, Eigen::VectorXd x_min, double y_min);

  double value(const Eigen::Ref<const Eigen::VectorXd>& x) const;
  /// Adds dm/dx to `gradient`.
  void add_gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> gradient) const;
  /// m at every training point (rows of X, one point per row).
  Eigen::VectorXd values(const Eigen::MatrixXd& X) const;
  /// Short description for reports, e.g. "constant -75.48" or "quadratic (3 betas, min -75.49)".
  std::string describe() const;
};

}  // namespace gpiqa::model
