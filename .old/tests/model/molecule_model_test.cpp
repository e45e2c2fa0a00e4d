// Model sets: energies and forces of whole molecules. Forces are the exact negative gradient (central
// differences), energy is invariant under rigid motion, forces rotate with the molecule and sum to zero.
#include "gpiqa/model/molecule_model.hpp"

#include <filesystem>

#include <gtest/gtest.h>
#include <Eigen/Geometry>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/synthetic_model.hpp"
#include "support/test_data.hpp"

namespace gpiqa::model {
namespace {

Positions load_xyz_bohr(const std::string& rel) {
  return io::read_xyz(test::shared_data(rel)).front().positions_angstrom * units::kBohrPerAngstrom;
}

// Fourth-order central differences: truncation ~h^4, rounding ~(rounding of E)/h. The real models have
// weights of order 1e3 that cancel in the kernel sum (E rounding ~1e-12 Ha), so they want h ~ 1e-3 Bohr; the
// synthetic rbf-cyclic model has genuine derivative jumps where a wrapped phi difference reaches pi, so it
// wants a small h that keeps them out of the stencil.
void expect_forces_are_minus_gradient(MoleculeModel& m, const Positions& pos, double rel_tol,
                                      double step = 1e-3) {
  Positions forces;
  m.compute(pos, &forces, nullptr, nullptr);
  auto energy_at = [&](Eigen::Index a, int k, double dx) {
    Positions p = pos;
    p(k, a) += dx;
    return m.compute(p, nullptr, nullptr, nullptr);
  };
  double worst = 0;
  for (Eigen::Index a = 0; a < pos.cols(); ++a)
    for (int k = 0; k < 3; ++k) {
      const double fd = -(-energy_at(a, k, 2 * step) + 8 * energy_at(a, k, step) -
                          8 * energy_at(a, k, -step) + energy_at(a, k, -2 * step)) /
                        (12 * step);
      const double err = std::abs(forces(k, a) - fd) / std::max(forces.cwiseAbs().maxCoeff(), 1e-12);
      worst = std::max(worst, err);
      EXPECT_LT(err, rel_tol) << "atom " << a + 1 << " coordinate " << k << ": analytic " << forces(k, a)
                              << " vs difference " << fd;
    }
  ::testing::Test::RecordProperty("worst_relative_force_error", std::to_string(worst));
}

TEST(MoleculeModel, WaterForcesAreMinusTheEnergyGradient) {
  GPIQA_REQUIRE_SHARED_DATA();
  MoleculeModel m = MoleculeModel::load(test::shared_data("models/water-dlfflux"));
  Positions pos = load_xyz_bohr("geometries/water.xyz");
  expect_forces_are_minus_gradient(m, pos, 1e-6);
  pos(0, 1) += 0.2;  // away from equilibrium too
  expect_forces_are_minus_gradient(m, pos, 1e-6);
}

TEST(MoleculeModel, AmmoniaForcesAreMinusTheEnergyGradient) {
  GPIQA_REQUIRE_SHARED_DATA();
  MoleculeModel m = MoleculeModel::load(test::shared_data("models/ammonia-ichor"));
  Positions pos = load_xyz_bohr("geometries/ammonia.xyz");
  expect_forces_are_minus_gradient(m, pos, 1e-6);
  pos(2, 3) += 0.15;
  expect_forces_are_minus_gradient(m, pos, 1e-6);
}

TEST(MoleculeModel, SyntheticRbfCyclicQuadraticMeanForcesAreMinusTheGradient) {
  test::SyntheticSpec spec;
  spec.atoms = 6;
  MoleculeModel m = test::synthetic_molecule(spec);
  const Positions pos = test::synthetic_geometry(6, spec.seed);
  expect_forces_are_minus_gradient(m, pos, 1e-6, 2e-5);
}

TEST(MoleculeModel, ForcesAreMinusTheGradientNearPhiWrapAround) {
  // Ammonia with H4 moved onto phi ~ +-pi of N1's frame (just either side of the local -x half-plane).
  GPIQA_REQUIRE_SHARED_DATA();
  MoleculeModel m = MoleculeModel::load(test::shared_data("models/ammonia-ichor"));
  const Positions base = load_xyz_bohr("geometries/ammonia.xyz");
  for (double side : {1e-3, -1e-3}) {
    Positions pos = base;  // N at origin, H2 on +x, H3 in the xy plane: frame axes are the global ones
    pos.col(3) << -0.9 * units::kBohrPerAngstrom, side, -0.5 * units::kBohrPerAngstrom;
    Eigen::VectorXd f(6);
    alf_features(pos, m.atoms()[0].alf(), f, nullptr);
    ASSERT_GT(std::abs(f(5)), 3.1) << "H4 is not at the wrap of N1's phi";
    expect_forces_are_minus_gradient(m, pos, 1e-6);
  }
}

TEST(MoleculeModel, EnergyInvariantAndForcesCovariantUnderRigidMotion) {
  GPIQA_REQUIRE_SHARED_DATA();
  MoleculeModel m = MoleculeModel::load(test::shared_data("models/ammonia-ichor"));
  Positions pos = load_xyz_bohr("geometries/ammonia.xyz");
  pos(1, 2) += 0.1;
  Positions f0, f1;
  const double e0 = m.compute(pos, &f0, nullptr, nullptr);
  const Eigen::Matrix3d R =
      Eigen::AngleAxisd(2.1, Eigen::Vector3d(-1, 0.5, 2).normalized()).toRotationMatrix();
  Positions moved = R * pos;
  moved.colwise() += Eigen::Vector3d(10, -4, 7);
  const double e1 = m.compute(moved, &f1, nullptr, nullptr);
  EXPECT_NEAR(e0, e1, 1e-11);
  EXPECT_LT((R * f0 - f1).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_LT(f0.rowwise().sum().norm(), 1e-10) << "net force";
  Eigen::Vector3d torque = Eigen::Vector3d::Zero();
  for (Eigen::Index a = 0; a < pos.cols(); ++a)
    torque += Eigen::Vector3d(pos.col(a)).cross(Eigen::Vector3d(f0.col(a)));
  EXPECT_LT(torque.norm(), 1e-10) << "net torque";
}

TEST(MoleculeModel, AtomicEnergiesSumToTheTotal) {
  GPIQA_REQUIRE_SHARED_DATA();
  MoleculeModel m = MoleculeModel::load(test::shared_data("models/water-dlfflux"));
  Eigen::VectorXd atomic;
  const double e = m.compute(load_xyz_bohr("geometries/water.xyz"), nullptr, &atomic, nullptr);
  EXPECT_NEAR(atomic.sum(), e, 1e-12);
  EXPECT_NEAR(atomic(0), -75.48, 0.05);  // O in water, Hartree
}

TEST(MoleculeModel, MissingAtomIsReported) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = test::temp_dir("missing-atom");
  for (const char* atom : {"O1", "H2"})
    std::filesystem::copy_file(
        test::shared_data(std::string("models/water-dlfflux/WATER_iqa_") + atom + ".model"),
        dir + "/WATER_iqa_" + atom + ".model");
  try {
    MoleculeModel::load(dir);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no iqa model for atom 3"), std::string::npos) << e.what();
  }
}

TEST(MoleculeModel, OtherPropertiesAreIgnoredWithANote) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = test::temp_dir("q00");
  for (const char* atom : {"O1", "H2", "H3"})
    std::filesystem::copy_file(
        test::shared_data(std::string("models/water-dlfflux/WATER_iqa_") + atom + ".model"),
        dir + "/WATER_iqa_" + atom + ".model");
  ModelFile q = read_model_file(dir + "/WATER_iqa_O1.model");
  q.property = "q00";
  write_model_file(dir + "/WATER_q00_O1.model", q);
  std::ostringstream notes;
  const MoleculeModel m = MoleculeModel::load(dir, &notes);
  EXPECT_EQ(m.atom_count(), 3);
  EXPECT_NE(notes.str().find("q00"), std::string::npos);
}

TEST(MoleculeModel, XyzThatDoesNotMatchIsReported) {
  GPIQA_REQUIRE_SHARED_DATA();
  const MoleculeModel m = MoleculeModel::load(test::shared_data("models/water-dlfflux"));
  EXPECT_THROW(m.check_matches({"O", "H"}, "w.xyz"), InputError);
  EXPECT_THROW(m.check_matches({"H", "O", "H"}, "w.xyz"), InputError);
  EXPECT_NO_THROW(m.check_matches({"O", "H", "H"}, "w.xyz"));
}

TEST(MoleculeModel, WrittenSetPredictsIdentically) {
  GPIQA_REQUIRE_SHARED_DATA();
  MoleculeModel a = MoleculeModel::load(test::shared_data("models/ammonia-ichor"));
  const std::string dir = test::temp_dir("roundtrip");
  a.write(dir);
  MoleculeModel b = MoleculeModel::load(dir);
  Positions pos = load_xyz_bohr("geometries/ammonia.xyz");
  pos(0, 1) += 0.05;
  Positions fa, fb;
  EXPECT_EQ(a.compute(pos, &fa, nullptr, nullptr), b.compute(pos, &fb, nullptr, nullptr));
  EXPECT_EQ(fa, fb);
}

// The energy's two parts for the restoring-force probe: the prior mean alone and the kernel part alone, each
// computed on its own, sum to the full energy; the prior mean's forces are minus its gradient.
TEST(MoleculeModel, PriorAndKernelPartsSumToTheEnergyAndPriorForcesAreItsGradient) {
  for (bool standardise : {false, true}) {
    test::SyntheticSpec spec;
    spec.standardise = standardise;
    spec.mean = "quadratic";
    MoleculeModel set = test::synthetic_molecule(spec);
    const Positions r0 = test::synthetic_geometry(spec.atoms, spec.seed);
    for (int g = 0; g < 4; ++g) {
      Positions r = r0;
      r(g % 3, g % spec.atoms) += 0.1 * (g + 1);
      const double full = set.compute(r, nullptr, nullptr, nullptr);
      const double prior = set.prior_mean_energy(r), kernel = set.kernel_energy(r);
      EXPECT_NEAR(prior + kernel, full, 1e-12 * std::max(1.0, std::abs(full))) << standardise << " " << g;
      double e = 0;
      Positions forces;
      ASSERT_TRUE(set.prior_mean(r, e, &forces));
      EXPECT_DOUBLE_EQ(e, prior);
      for (Eigen::Index k = 0; k < r.size(); ++k) {
        Positions a = r, b = r;
        a.data()[k] += 1e-5;
        b.data()[k] -= 1e-5;
        const double fd = -(set.prior_mean_energy(a) - set.prior_mean_energy(b)) / 2e-5;
        EXPECT_NEAR(forces.data()[k], fd, 1e-6 * std::max(1.0, std::abs(fd))) << k;
      }
    }
  }
}

}  // namespace
}  // namespace gpiqa::model
