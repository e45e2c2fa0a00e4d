#include "gpiqa/model/mean_function.hpp"

#include <fmt/format.h>

namespace gpiqa::model {

MeanFunction MeanFunction::make_constant(double c) {
  MeanFunction m;
  m.constant = c;
  return m;
}

MeanFunction MeanFunction::make_linear(Eigen::VectorXd beta, Eigen::VectorXd x_min, double y_min) {
  MeanFunction m;
  m.kind = MeanKind::kLinear;
  m.type_name = "linear";
  m.beta = std::move(beta);
  m.x_min = std::move(x_min);
  m.y_min = y_min;
  return m;
}

MeanFunction MeanFunction::make_quadratic(Eigen::VectorXd beta, Eigen::VectorXd x_min, double y_min) {
  MeanFunction m = make_linear(std::move(beta), std::move(x_min), y_min);
  m.kind = MeanKind::kQuadratic;
  m.type_name = "quadratic";
  return m;
}

MeanFunction MeanFunction::make_bonded(BondedMean mean) {
  MeanFunction m;
  m.kind = MeanKind::kBonded;
  m.type_name = "bonded+";
  m.y_min = mean.y_eq();
  m.bonded = std::make_shared<const BondedMean>(std::move(mean));
  return m;
}

double MeanFunction::value(const Eigen::Ref<const Eigen::VectorXd>& x) const {
  switch (kind) {
    case MeanKind::kConstant:
      return constant;
    case MeanKind::kLinear:
      return y_min + beta.dot(x - x_min);
    case MeanKind::kQuadratic:
      return y_min + beta.dot((x - x_min).cwiseAbs2());
    case MeanKind::kBonded:
      return bonded->value(x);
  }
  return constant;
}

void MeanFunction::add_gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                                Eigen::Ref<Eigen::VectorXd> gradient) const {
  switch (kind) {
    case MeanKind::kConstant:
      return;
    case MeanKind::kLinear:
      gradient += beta;
      return;
    case MeanKind::kQuadratic:
      gradient += 2.0 * beta.cwiseProduct(x - x_min);
      return;
    case MeanKind::kBonded:
      bonded->add_gradient(x, gradient);
      return;
  }
}

Eigen::VectorXd MeanFunction::values(const Eigen::MatrixXd& X) const {
  Eigen::VectorXd out(X.rows());
  for (Eigen::Index i = 0; i < X.rows(); ++i) out(i) = value(X.row(i).transpose());
  return out;
}

std::string MeanFunction::describe() const {
  switch (kind) {
    case MeanKind::kConstant:
      return fmt::format("{} {:.10g}", type_name, constant);
    case MeanKind::kLinear:
    case MeanKind::kQuadratic:
      return fmt::format("{} (anchored at y_min {:.10g}, beta in [{:.4g}, {:.4g}])", type_name, y_min,
                         beta.size() ? beta.minCoeff() : 0.0, beta.size() ? beta.maxCoeff() : 0.0);
    case MeanKind::kBonded:
      return fmt::format(
          "{} (anchored at y_eq {:.10g}, {} bonds and {} angles, beta in [{:.4g}, {:.4g}])", type_name,
          bonded->y_eq(), bonded->bond_count(), bonded->size() - bonded->bond_count(),
          bonded->size() ? bonded->beta().minCoeff() : 0.0, bonded->size() ? bonded->beta().maxCoeff() : 0.0);
  }
  return type_name;
}

}  // namespace gpiqa::model
