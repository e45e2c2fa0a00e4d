// GP prediction: the shared FFLUX models reproduce their own training energies (and would not with the wrong
// periodic convention); feature gradients equal central differences, for every kernel kind and standardised
// models; the posterior variance is 0 on noise-free data, 1 far away, and equals a dense computation.
#include "gpiqa/model/atom_model.hpp"

#include <algorithm>
#include <random>

#include <gtest/gtest.h>
#include <Eigen/LU>

#include "gpiqa/model/model_file.hpp"
#include "support/synthetic_model.hpp"
#include "support/test_data.hpp"

namespace gpiqa::model {
namespace {

double max_training_residual(const AtomModel& m) {
  return (m.predict_training() - m.training_y()).cwiseAbs().maxCoeff();
}

TEST(AtomModel, WaterModelsReproduceTrainingEnergies) {
  GPIQA_REQUIRE_SHARED_DATA();
  for (const char* atom : {"O1", "H2", "H3"}) {
    const AtomModel m = make_atom_model(
        read_model_file(test::shared_data(std::string("models/water-dlfflux/WATER_iqa_") + atom + ".model")));
    EXPECT_LT(max_training_residual(m), 3e-5) << atom;
  }
}

TEST(AtomModel, AmmoniaModelsReproduceTrainingEnergiesOnlyWithTheGpytorchPeriodicConvention) {
  GPIQA_REQUIRE_SHARED_DATA();
  for (const char* atom : {"N1", "H2", "H3", "H4"}) {
    ModelFile f = read_model_file(
        test::shared_data(std::string("models/ammonia-ichor/AMMONIA_iqa_") + atom + ".model"));
    const AtomModel right = make_atom_model(f);
    EXPECT_LT(max_training_residual(right), 1.2e-4) << atom;
    f.set_metadata("program", "ferebus");  // would be evaluated with exp(-4 theta sin^2(d/2))
    const AtomModel wrong = make_atom_model(f);
    EXPECT_GT(max_training_residual(wrong), 10 * 1.2e-4) << atom << ": the periodic convention is not tested";
  }
}

TEST(AtomModel, PointEvaluationEqualsTrainingPrediction) {
  GPIQA_REQUIRE_SHARED_DATA();
  const AtomModel m =
      make_atom_model(read_model_file(test::shared_data("models/ammonia-ichor/AMMONIA_iqa_N1.model")));
  const Eigen::VectorXd all = m.predict_training();
  for (int i : {0, 17, 499}) EXPECT_NEAR(m.energy(m.training_x().row(i).transpose()), all(i), 1e-11);
}

void expect_feature_gradient_matches(const AtomModel& m, const Eigen::VectorXd& x, double rel_tol) {
  EvalScratch scratch;
  Eigen::VectorXd g(m.feature_count());
  m.evaluate(x, g, scratch);
  for (int h = 0; h < m.feature_count(); ++h) {
    const double step = 1e-5;
    Eigen::VectorXd p = x, q = x;
    p(h) += step;
    q(h) -= step;
    const double fd = (m.energy(p) - m.energy(q)) / (2 * step);
    EXPECT_NEAR(g(h), fd, rel_tol * std::max(std::abs(fd), 1e-4)) << "feature " << h + 1;
  }
}

TEST(AtomModel, FeatureGradientMatchesDifferencesForEveryKernelKind) {
  for (const char* kernel : {"rbf", "rbf-cyclic", "rbf+periodic"})
    for (const char* mean : {"constant", "linear", "quadratic"})
      for (bool standardise : {false, true}) {
        SCOPED_TRACE(std::string(kernel) + " " + mean + (standardise ? " standardised" : ""));
        test::SyntheticSpec spec;
        spec.atoms = 4;
        spec.training_points = 40;
        spec.kernel = kernel;
        spec.mean = mean;
        spec.standardise = standardise;
        const auto set = test::synthetic_molecule(spec);
        for (const AtomModel& m : set.atoms()) {
          Eigen::VectorXd x = m.training_x().row(3).transpose();
          x.array() += 0.05;
          x(5) = 3.1;  // near the phi wrap
          expect_feature_gradient_matches(m, x, 1e-6);
        }
      }
}

TEST(AtomModel, SolvedSyntheticModelReproducesItsTrainingData) {
  for (bool standardise : {false, true}) {
    test::SyntheticSpec spec;
    spec.standardise = standardise;
    const auto set = test::synthetic_molecule(spec);
    for (const AtomModel& m : set.atoms()) EXPECT_LT(max_training_residual(m), 1e-5) << standardise;
  }
}

TEST(AtomModel, RbfCyclicWrapsPhiButPlainRbfDoesNot) {
  // One training point with phi = pi - 0.05; query at phi = -pi + 0.05: 0.1 apart around the circle.
  Eigen::MatrixXd X(1, 6);
  X << 2, 2, 1.8, 2, 1.5, 3.1;
  Eigen::VectorXd y(1), w(1);
  y << 0.0;
  w << 1.0;
  KernelFactor k{"k1", "rbf-cyclic", {0, 1, 2, 3, 4, 5}, {1, 1, 1, 1, 1, 1}};
  Eigen::VectorXd x = X.row(0).transpose();
  x(5) = -3.1;
  const AtomModel cyclic("H1", {0, 1, 2}, MeanFunction::make_constant(0), {k}, PeriodicConvention::kFerebus,
                         X, y, w, 0);
  const double d = 2 * 3.141592653589793 - 6.2;
  EXPECT_NEAR(cyclic.energy(x), std::exp(-d * d), 1e-14);
  k.type = "rbf";
  const AtomModel plain("H1", {0, 1, 2}, MeanFunction::make_constant(0), {k}, PeriodicConvention::kFerebus, X,
                        y, w, 0);
  EXPECT_NEAR(plain.energy(x), std::exp(-6.2 * 6.2), 1e-20);
}

TEST(AtomModel, PeriodicConventionsDifferByTheFactor) {
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(1, 1);
  Eigen::VectorXd y = Eigen::VectorXd::Zero(1), w = Eigen::VectorXd::Ones(1);
  const KernelFactor k{"k1", "periodic", {0}, {0.3}};
  Eigen::VectorXd x(1);
  x << 1.0;
  const double s2 = std::pow(std::sin(0.5), 2);
  const AtomModel g("H1", {}, MeanFunction::make_constant(0), {k}, PeriodicConvention::kGpytorch, X, y, w, 0);
  const AtomModel f("H1", {}, MeanFunction::make_constant(0), {k}, PeriodicConvention::kFerebus, X, y, w, 0);
  EXPECT_NEAR(g.energy(x), std::exp(-2 * 0.3 * s2), 1e-15);
  EXPECT_NEAR(f.energy(x), std::exp(-4 * 0.3 * s2), 1e-15);
}

// The posterior variance v(x) = 1 - k*^T (K + s I)^-1 k* (#12): 0 at the training points of a noise-free
// model, rising to 1 far from the data (the prior mean alone speaks there); and on the shared ICHOR ammonia
// models it equals a dense direct computation.
TEST(AtomModel, PosteriorVarianceIsZeroOnTheDataAndOneFarAway) {
  test::SyntheticSpec spec;
  spec.training_points = 12;
  const auto set = test::synthetic_molecule(spec);
  for (const AtomModel& m : set.atoms()) {
    const AtomModel noiseless(m.label(), m.alf(), m.mean(), m.factors(), m.convention(), m.training_x(),
                              m.training_y(), m.weights(), 0.0, m.scaling());
    for (int j = 0; j < noiseless.training_size(); ++j)
      EXPECT_NEAR(noiseless.posterior_variance(noiseless.training_x().row(j).transpose()), 0.0, 1e-8) << j;
    const Eigen::VectorXd far = noiseless.training_x().row(0).transpose().array() + 50.0;
    EXPECT_NEAR(noiseless.posterior_variance(far), 1.0, 1e-12);
    const Eigen::VectorXd between =
        0.5 * (noiseless.training_x().row(0) + noiseless.training_x().row(1)).transpose();
    const double v = noiseless.posterior_variance(between);
    EXPECT_GT(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
}

TEST(AtomModel, PosteriorVarianceEqualsADenseDirectComputationOnAmmonia) {
  GPIQA_REQUIRE_SHARED_DATA();
  MoleculeModel set = test::shared_model("models/ammonia-ichor");
  const Positions start = test::shared_geometry_bohr("geometries/ammonia.xyz");
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal(0.0, 0.15);
  for (int g = 0; g < 5; ++g) {
    Positions r = start;
    for (Eigen::Index k = 0; k < r.size(); ++k) r.data()[k] += normal(rng);
    Eigen::VectorXd v;
    ASSERT_TRUE(set.posterior_variance(r, v));
    for (int a = 0; a < set.atom_count(); ++a) {
      const AtomModel& m = set.atoms()[static_cast<std::size_t>(a)];
      Eigen::VectorXd x(m.feature_count());
      alf_features(r, m.alf(), x, nullptr);
      const Eigen::VectorXd xs =
          m.scaling().x ? Eigen::VectorXd((x - m.scaling().x_mean).cwiseQuotient(m.scaling().x_std)) : x;
      Eigen::MatrixXd K = m.kernel_matrix();
      K.diagonal().array() += m.noise();
      const Eigen::VectorXd k = m.kernel().values(xs).matrix();
      const double direct = 1.0 - k.dot(K.fullPivLu().solve(k));
      EXPECT_NEAR(v(a), std::clamp(direct, 0.0, 1.0), 1e-10) << "geometry " << g << " atom " << a;
    }
  }
}

}  // namespace
}  // namespace gpiqa::model
