// ALF features: golden values from ICHOR's test suite, the analytic Jacobian (the reverse-mode chain rule of
// accumulate_forces, applied to every unit feature gradient) against central differences, invariance under
// rigid motion, and degenerate frames.
#include "gpiqa/model/alf.hpp"

#include <cmath>
#include <fstream>
#include <numbers>
#include <random>

#include <gtest/gtest.h>
#include <Eigen/Geometry>
#include <nlohmann/json.hpp>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/synthetic_model.hpp"
#include "support/test_data.hpp"

namespace gpiqa::model {
namespace {

TEST(AlfFeatures, ReproduceIchorGoldenValues) {
  GPIQA_REQUIRE_SHARED_DATA();
  std::ifstream in(test::shared_data("alf-golden.json"));
  const nlohmann::json golden = nlohmann::json::parse(in);
  const int n = static_cast<int>(golden["atoms"].size());
  Positions pos(3, n);
  for (int a = 0; a < n; ++a)
    for (int k = 0; k < 3; ++k)
      pos(k, a) = golden["atoms"][a]["xyz"][k].get<double>() * units::kBohrPerAngstrom;
  for (int a = 0; a < n; ++a) {
    const auto& alf = golden["alf"][a];
    Eigen::VectorXd f(alf_feature_count(n));
    alf_features(pos, {alf[0].get<int>(), alf[1].get<int>(), alf[2].get<int>()}, f, nullptr);
    const auto& expected = golden["features"][a];
    ASSERT_EQ(static_cast<Eigen::Index>(expected.size()), f.size());
    for (Eigen::Index h = 0; h < f.size(); ++h)
      EXPECT_NEAR(f(h), expected[h].get<double>(), 1e-7) << "atom " << a << " feature " << h + 1;
  }
}

// Central differences of every feature with respect to every Cartesian coordinate.
void expect_jacobian_matches_differences(const Positions& pos, const Alf& alf, double rel_tol) {
  const int n = static_cast<int>(pos.cols());
  const int nf = alf_feature_count(n);
  Eigen::VectorXd f(nf);
  AlfAdjoint adjoint;
  alf_features(pos, alf, f, &adjoint);
  // row h: minus the forces of the unit gradient dE/df = e_h
  Eigen::MatrixXd dense = Eigen::MatrixXd::Zero(nf, 3 * n);
  for (int h = 0; h < nf; ++h) {
    Positions forces = Positions::Zero(3, n);
    accumulate_forces(adjoint, Eigen::VectorXd::Unit(nf, h), forces);
    dense.row(h) = -Eigen::Map<const Eigen::RowVectorXd>(forces.data(), 3 * n);
  }
  const double step = 1e-5;
  for (int a = 0; a < n; ++a)
    for (int k = 0; k < 3; ++k) {
      Positions p = pos, m = pos;
      p(k, a) += step;
      m(k, a) -= step;
      Eigen::VectorXd fp(nf), fm(nf);
      alf_features(p, alf, fp, nullptr);
      alf_features(m, alf, fm, nullptr);
      Eigen::VectorXd fd = (fp - fm) / (2 * step);
      for (int h = 5; h < nf; h += 3) {  // phi may wrap between the two evaluations
        const double d = fp(h) - fm(h);
        fd(h) = (d - 2 * std::numbers::pi * std::round(d / (2 * std::numbers::pi))) / (2 * step);
      }
      for (int h = 0; h < nf; ++h)
        EXPECT_NEAR(dense(h, 3 * a + k), fd(h), rel_tol * std::max(1.0, std::abs(fd(h))))
            << "feature " << h + 1 << " atom " << a + 1 << " coordinate " << k;
    }
}

TEST(AlfJacobian, MatchesCentralDifferencesOnRandomMolecules) {
  for (unsigned seed : {1u, 2u, 3u, 4u}) {
    const Positions pos = test::synthetic_geometry(7, seed);
    for (int a = 0; a < 7; ++a) expect_jacobian_matches_differences(pos, {a, (a + 1) % 7, (a + 3) % 7}, 1e-7);
  }
}

TEST(AlfJacobian, MatchesNearPhiWrapAround) {
  // Put atom 4 just either side of the local -x axis (phi = +-pi) of atom 1's frame.
  for (double y : {1e-4, -1e-4}) {
    Positions pos(3, 4);
    pos.col(0) << 0, 0, 0;
    pos.col(1) << 1.8, 0, 0;
    pos.col(2) << 0.3, 1.7, 0;
    pos.col(3) << -1.5, y, 0.9;
    Eigen::VectorXd f(6);
    alf_features(pos, {0, 1, 2}, f, nullptr);
    EXPECT_NEAR(std::abs(f(5)), std::numbers::pi, 1e-3);
    expect_jacobian_matches_differences(pos, {0, 1, 2}, 1e-6);
  }
}

TEST(AlfFeatures, InvariantUnderRotationAndTranslation) {
  const Positions pos = test::synthetic_geometry(6, 11);
  const Eigen::Matrix3d R = Eigen::AngleAxisd(0.7, Eigen::Vector3d(1, 2, 3).normalized()).toRotationMatrix();
  Positions moved = R * pos;
  moved.colwise() += Eigen::Vector3d(5, -3, 2);
  for (int a = 0; a < 6; ++a) {
    Eigen::VectorXd f(12), g(12);
    alf_features(pos, {a, (a + 1) % 6, (a + 2) % 6}, f, nullptr);
    alf_features(moved, {a, (a + 1) % 6, (a + 2) % 6}, g, nullptr);
    EXPECT_LT((f - g).cwiseAbs().maxCoeff(), 1e-12);
  }
}

// Kabsch: the largest distance between `a` and `b` after the rigid motion that best superposes b on a.
double superposed_max_deviation(const Positions& a, const Positions& b) {
  const Eigen::Vector3d ca = a.rowwise().mean(), cb = b.rowwise().mean();
  const Eigen::Matrix3Xd A = a.colwise() - ca, B = b.colwise() - cb;
  Eigen::JacobiSVD<Eigen::Matrix3d> svd(B * A.transpose(), Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::Matrix3d d = Eigen::Matrix3d::Identity();
  d(2, 2) = (svd.matrixV() * svd.matrixU().transpose()).determinant() < 0 ? -1 : 1;
  const Eigen::Matrix3d R = svd.matrixV() * d * svd.matrixU().transpose();
  return ((R * B) - A).colwise().norm().maxCoeff();
}

TEST(AlfFeatures, GeometriesRebuiltFromFeaturesReproduceTheMolecule) {
  // Every atom's whole feature vector fixes the geometry up to rigid motion: rebuilt and superposed, the
  // built-in molecules come back to 1e-8 A (aspirin: 21 atoms, 57 features per atom).
  for (const char* name : {"water", "ammonia", "glycine", "aspirin"}) {
    std::ifstream in(std::string(GPIQA_SOURCE_DIR) + "/molecules/" + name + ".xyz");
    ASSERT_TRUE(in) << name;
    int n = 0;
    std::string line;
    in >> n;
    std::getline(in, line);
    std::getline(in, line);
    Positions pos(3, n);
    for (int a = 0; a < n; ++a) {
      std::string el;
      in >> el >> pos(0, a) >> pos(1, a) >> pos(2, a);
    }
    pos *= units::kBohrPerAngstrom;
    for (int a = 0; a < n; ++a) {
      const Alf alf{a, (a + 1) % n, (a + 2) % n};
      Eigen::VectorXd f(alf_feature_count(n));
      alf_features(pos, alf, f, nullptr);
      const Positions rebuilt = positions_from_features(alf, f, n);
      EXPECT_LT(superposed_max_deviation(pos, rebuilt) / units::kBohrPerAngstrom, 1e-8)
          << name << " atom " << a;
      Eigen::VectorXd again(f.size());
      alf_features(rebuilt, alf, again, nullptr);
      EXPECT_LT((again - f).cwiseAbs().maxCoeff(), 1e-12) << name << " atom " << a;
    }
  }
  EXPECT_THROW(positions_from_features(Alf{0, 1, 2}, Eigen::VectorXd::Zero(4), 3), std::invalid_argument);
}

TEST(AlfFeatures, CollinearFrameIsAGeometryErrorNamingTheAtoms) {
  Positions pos(3, 3);
  pos << 0, 1, 2, 0, 0, 0, 0, 0, 0;
  Eigen::VectorXd f(3);
  try {
    alf_features(pos, {0, 1, 2}, f, nullptr);
    FAIL() << "collinear atoms must be rejected";
  } catch (const GeometryError& e) {
    EXPECT_NE(std::string(e.what()).find("collinear"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("atoms 1, 2, 3"), std::string::npos) << e.what();
  }
}

TEST(AlfFeatures, CoincidentAtomsAreAGeometryError) {
  Positions pos(3, 3);
  pos << 0, 0, 1, 0, 0, 1, 0, 0, 0;
  Eigen::VectorXd f(3);
  EXPECT_THROW(alf_features(pos, {0, 1, 2}, f, nullptr), GeometryError);
}

}  // namespace
}  // namespace gpiqa::model
