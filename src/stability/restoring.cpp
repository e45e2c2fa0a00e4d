#include "gpiqa/stability/restoring.hpp"

#include <cmath>
#include <limits>

#include <Eigen/QR>

#include "gpiqa/md/elements.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::stability {

std::vector<Bond> find_bonds(const std::vector<std::string>& elements, const model::Positions& ref,
                             double bond_factor) {
  std::vector<Bond> bonds;
  const int n = static_cast<int>(ref.cols());
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      const double cutoff = bond_factor *
                            (md::covalent_radius_angstrom(elements[static_cast<std::size_t>(i)]) +
                             md::covalent_radius_angstrom(elements[static_cast<std::size_t>(j)])) *
                            units::kBohrPerAngstrom;
      if ((ref.col(i) - ref.col(j)).norm() < cutoff) bonds.emplace_back(i, j);
    }
  return bonds;
}

RestoringProbe restoring_probe(const std::vector<Bond>& bonds, const model::Positions& r,
                               const model::Positions& r_eq, const model::Positions& forces) {
  const Eigen::Index nb = static_cast<Eigen::Index>(bonds.size()), n3 = r.size();
  // no bonds (atoms too far apart to be bonded): nothing displaced, nothing to decompose
  if (nb == 0) return {{}, std::numeric_limits<double>::quiet_NaN()};
  Eigen::MatrixXd B = Eigen::MatrixXd::Zero(nb, n3);
  for (Eigen::Index b = 0; b < nb; ++b) {
    const auto [i, j] = bonds[static_cast<std::size_t>(b)];
    const Eigen::Vector3d u = (r.col(j) - r.col(i)).normalized();
    B.block<1, 3>(b, 3 * j) = u.transpose();
    B.block<1, 3>(b, 3 * i) = -u.transpose();
  }
  const Eigen::Map<const Eigen::VectorXd> F(forces.data(), n3);
  // f = (B B^T)^+ B F, by a rank-revealing decomposition (bond sets of rings and crowded molecules may be
  // dependent)
  const Eigen::VectorXd f =
      Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd>(B * B.transpose()).solve(B * F);
  RestoringProbe probe;
  int displaced = 0, restoring = 0;
  for (Eigen::Index b = 0; b < nb; ++b) {
    const auto [i, j] = bonds[static_cast<std::size_t>(b)];
    BondForce bf;
    bf.atoms = {i, j};
    const double d = (r.col(j) - r.col(i)).norm() - (r_eq.col(j) - r_eq.col(i)).norm();
    bf.deviation_angstrom = d * units::kAngstromPerBohr;
    bf.force_hartree_per_bohr = f(b);
    bf.restoring = d * f(b) < 0;
    if (std::abs(d) > 1e-12) ++displaced, restoring += bf.restoring ? 1 : 0;
    probe.bonds.push_back(bf);
  }
  probe.restoring_fraction =
      displaced > 0 ? static_cast<double>(restoring) / displaced : std::numeric_limits<double>::quiet_NaN();
  return probe;
}

}  // namespace gpiqa::stability
