// bonded+: zero gradient at the equilibrium geometry, non-negative curvature along every bond and angle,
// flat in non-bonded features, forces that match central differences (raw and standardised features).
#include "gpiqa/model/bonded_mean.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "support/synthetic_model.hpp"

namespace gpiqa::model {
namespace {

// A chain 0-1-2-3-4 with a branch 1-4 is not needed: the synthetic five-atom molecule gets bonds 0-1, 1-2,
// 2-3, 1-4 (atom 1 has three neighbours, so angles at atoms and at their neighbours both occur).
const std::vector<std::pair<int, int>> kBonds = {{0, 1}, {1, 2}, {2, 3}, {1, 4}};

MeanContext context_for(const test::SyntheticSpec& spec) {
  MeanContext c;
  c.equilibrium_bohr = test::synthetic_geometry(spec.atoms, spec.seed);
  c.bonds = kBonds;
  return c;
}

Positions moved(const Positions& p, int atom, const Eigen::Vector3d& d) {
  Positions q = p;
  q.col(atom) += d;
  return q;
}

class BondedMeanTest : public ::testing::TestWithParam<bool> {};  // standardised features or not

TEST_P(BondedMeanTest, ZeroGradientAtEquilibriumAndForcesMatchCentralDifferences) {
  test::SyntheticSpec spec;
  spec.standardise = GetParam();
  const MoleculeModel set = test::synthetic_molecule(spec);
  const MeanContext context = context_for(spec);
  MoleculeModel v = set.with_mean(MeanSpec::parse("bonded+"), context);
  const Positions eq = *context.equilibrium_bohr;
  double prior = 0;
  Positions f;
  ASSERT_TRUE(v.prior_mean(eq, prior, &f));
  EXPECT_LT(f.cwiseAbs().maxCoeff(), 1e-12);
  bool some_curvature = false;
  for (const AtomModel& m : v.atoms()) {
    ASSERT_EQ(m.mean().kind, MeanKind::kBonded);
    EXPECT_GE(m.mean().bonded->beta().minCoeff(), 0.0);
    some_curvature |= m.mean().bonded->beta().maxCoeff() > 0;
    // anchored at the atom's energy at equilibrium as trained
    Eigen::VectorXd x(m.feature_count()), none;
    alf_features(eq, m.alf(), x, nullptr);
    EXPECT_NEAR(m.prior_energy(x, none), set.atoms()[static_cast<std::size_t>(m.alf().central)].energy(x),
                1e-12 * std::max(1.0, std::abs(m.prior_energy(x, none))));
  }
  EXPECT_TRUE(some_curvature);
  // full energy and the prior alone: analytic forces against central differences, off equilibrium
  Positions p = eq;
  p(0, 2) += 0.05, p(1, 3) -= 0.04, p(2, 4) += 0.03;
  Positions analytic;
  v.compute(p, &analytic, nullptr, nullptr);
  Positions prior_analytic;
  v.prior_mean(p, prior, &prior_analytic);
  const double h = 1e-5;
  for (int a = 0; a < p.cols(); ++a)
    for (int d = 0; d < 3; ++d) {
      Positions plus = p, minus = p;
      plus(d, a) += h, minus(d, a) -= h;
      const double fd =
          -(v.compute(plus, nullptr, nullptr, nullptr) - v.compute(minus, nullptr, nullptr, nullptr)) /
          (2 * h);
      EXPECT_NEAR(analytic(d, a), fd, 1e-6 * std::max(1.0, std::abs(fd))) << "atom " << a << " dim " << d;
      double ep = 0, em = 0;
      v.prior_mean(plus, ep, nullptr);
      v.prior_mean(minus, em, nullptr);
      EXPECT_NEAR(prior_analytic(d, a), -(ep - em) / (2 * h),
                  1e-6 * std::max(1.0, std::abs(ep - em) / (2 * h)));
    }
}

TEST_P(BondedMeanTest, CurvatureAlongEveryBondAndAngleIsNonNegative) {
  test::SyntheticSpec spec;
  spec.standardise = GetParam();
  const MeanContext context = context_for(spec);
  MoleculeModel v = test::synthetic_molecule(spec).with_mean(MeanSpec::parse("bonded+"), context);
  const Positions eq = *context.equilibrium_bohr;
  const auto prior = [&](const Positions& p) {
    double e = 0;
    v.prior_mean(p, e, nullptr);
    return e;
  };
  const double e0 = prior(eq), h = 1e-3;
  for (const auto& [i, j] : kBonds) {  // stretch: move j along the bond, both ways
    const Eigen::Vector3d u = (eq.col(j) - eq.col(i)).normalized();
    const double c = prior(moved(eq, j, h * u)) + prior(moved(eq, j, -h * u)) - 2 * e0;
    EXPECT_GE(c, -1e-12) << "bond " << i << "-" << j;
    EXPECT_GE(prior(moved(eq, j, h * u)), e0 - 1e-13);
    EXPECT_GE(prior(moved(eq, j, -h * u)), e0 - 1e-13);
  }
  for (const auto& [i, j] : kBonds)  // bend: move j perpendicular to the bond, in the plane of a neighbour
    for (const auto& [k, l] : kBonds) {
      const int other = k == i && l != j ? l : (l == i && k != j ? k : -1);
      if (other < 0) continue;
      const Eigen::Vector3d b = eq.col(j) - eq.col(i), o = eq.col(other) - eq.col(i);
      const Eigen::Vector3d n = (o - o.dot(b.normalized()) * b.normalized()).normalized();
      const double c = prior(moved(eq, j, h * n)) + prior(moved(eq, j, -h * n)) - 2 * e0;
      EXPECT_GE(c, -1e-12) << "angle " << j << "-" << i << "-" << other;
    }
}

TEST_P(BondedMeanTest, FlatInNonBondedFeatures) {
  // Atom 3 is bonded to 2 only; moving atom 0 (not in any bond or angle of atom 3) leaves atom 3's mean.
  test::SyntheticSpec spec;
  spec.standardise = GetParam();
  const MeanContext context = context_for(spec);
  const MoleculeModel v = test::synthetic_molecule(spec).with_mean(MeanSpec::parse("bonded+"), context);
  const AtomModel& m = v.atoms()[3];
  const Positions eq = *context.equilibrium_bohr;
  Eigen::VectorXd x0(m.feature_count()), x1(m.feature_count()), none;
  alf_features(eq, m.alf(), x0, nullptr);
  alf_features(moved(eq, 0, Eigen::Vector3d(0.3, -0.2, 0.25)), m.alf(), x1, nullptr);
  ASSERT_GT((x1 - x0).cwiseAbs().maxCoeff(), 0.01);
  const double e0 = m.prior_energy(x0, none), e1 = m.prior_energy(x1, none);
  EXPECT_NEAR(e0, e1, 1e-12 * std::max(1.0, std::abs(e0)));
}

INSTANTIATE_TEST_SUITE_P(Features, BondedMeanTest, ::testing::Values(false, true));

}  // namespace
}  // namespace gpiqa::model
