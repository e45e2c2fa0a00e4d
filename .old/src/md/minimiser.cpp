#include "gpiqa/md/minimiser.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <LBFGSB.h>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::md {

MinimiseResult minimise(model::Potential& potential, const model::Positions& start,
                        const MinimiseOptions& options) {
  const Eigen::Index n = start.size();
  model::Positions forces;
  MinimiseResult result;
  result.start_energy_hartree = potential.compute(start, &forces, nullptr, nullptr);
  result.positions_bohr = start;
  result.energy_hartree = result.start_energy_hartree;
  result.max_force = forces.cwiseAbs().maxCoeff();
  if (!(result.max_force > options.gradient_tolerance)) return result;

  auto objective = [&](const Eigen::VectorXd& x, Eigen::VectorXd& gradient) {
    const Eigen::Map<const model::Positions> r(x.data(), 3, start.cols());
    double e = 0;
    try {
      e = potential.compute(r, &forces, nullptr, nullptr);
    } catch (const GeometryError&) {
      gradient.setZero(n);
      return std::numeric_limits<double>::max();
    }
    if (!std::isfinite(e) || !forces.allFinite()) {
      gradient.setZero(n);
      return std::numeric_limits<double>::max();
    }
    gradient = -Eigen::Map<const Eigen::VectorXd>(forces.data(), n);
    if (e < result.energy_hartree) {
      result.energy_hartree = e;
      result.positions_bohr = r;
      result.max_force = forces.cwiseAbs().maxCoeff();
    }
    return e;
  };
  const Eigen::VectorXd x0 = Eigen::Map<const Eigen::VectorXd>(start.data(), n);
  const double shift = options.max_shift_angstrom * units::kBohrPerAngstrom;
  const Eigen::VectorXd lower = x0.array() - shift, upper = x0.array() + shift;
  // LBFGSpp stops when the largest projected gradient component is below epsilon: the force criterion.
  LBFGSpp::LBFGSBParam<double> param;
  param.epsilon = options.gradient_tolerance;
  param.epsilon_rel = 0;
  param.past = 0;  // no stop on a slow decrease alone
  param.max_iterations = options.max_iterations;
  param.max_linesearch = 40;
  LBFGSpp::LBFGSBSolver<double> solver(param);
  // After a failed line search (a rugged GP surface) go on from the best point while that still improves.
  Eigen::VectorXd x = x0;
  for (int attempt = 0; attempt < 5 && result.max_force > options.gradient_tolerance; ++attempt) {
    const double before = result.energy_hartree;
    double value = 0;
    try {
      result.iterations += solver.minimize(objective, x, value, lower, upper);
    } catch (const std::exception&) {
      // a failed line search: go on from the best point
    }
    x = Eigen::Map<const Eigen::VectorXd>(result.positions_bohr.data(), n);
    if (!(result.energy_hartree < before - 1e-12)) break;
  }
  return result;
}

}  // namespace gpiqa::md
