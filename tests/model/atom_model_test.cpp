// GP prediction: the shared FFLUX models reproduce their own training energies (and would not with the wrong
// periodic convention); feature gradients equal central differences, for every kernel kind and standardised
// models.
#include "gpiqa/model/atom_model.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace gpiqa::model
