// Prior-mean variants: re-solved models still interpolate their training data; far from the data the energy
// is the sum of the atoms' prior means; quadratic+ has non-negative curvature; specs parse strictly.
#include "gpiqa/model/mean_variant.hpp"

#include <gtest/gtest.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/synthetic_model.hpp"
#include "support/test_data.hpp"

namespace gpiqa::model {
namespace {

const char* kSpecs[] = {"file",           "mean",   "min",       "max",       "-75.4",
                        "O=-75.5,H=-0.6", "linear", "quadratic", "quadratic+"};

TEST(MeanVariant, ReSolvedWaterStillReproducesTrainingEnergies) {
  // A noisy GP does not interpolate exactly: at the training points m + K w = y - noise * w. The weights must
  // satisfy that identity to rounding for every spec, and for sensible means the residual stays within 3e-5
  // Ha.
  GPIQA_REQUIRE_SHARED_DATA();
  const MoleculeModel set = MoleculeModel::load(test::shared_data("models/water-dlfflux"));
  for (const char* text : kSpecs) {
    const MoleculeModel v = set.with_mean(MeanSpec::parse(text));
    for (const AtomModel& m : v.atoms()) {
      const Eigen::VectorXd r = m.predict_training() - m.training_y();
      if (std::string(text) != "file") {
        EXPECT_LT((r + m.noise() * m.weights()).cwiseAbs().maxCoeff(), 1e-9) << text << " " << m.label();
      }
      if (std::string(text) != "-75.4") {
        EXPECT_LT(r.cwiseAbs().maxCoeff(), 3e-5) << text << " " << m.label();
      }
    }
  }
}

TEST(MeanVariant, ReSolvedAmmoniaReproducesTrainingEnergies) {
  GPIQA_REQUIRE_SHARED_DATA();
  const MoleculeModel set = MoleculeModel::load(test::shared_data("models/ammonia-ichor"));
  for (const char* text : {"min", "quadratic+"}) {
    const MoleculeModel v = set.with_mean(MeanSpec::parse(text));
    for (const AtomModel& m : v.atoms())
      EXPECT_LT((m.predict_training() - m.training_y()).cwiseAbs().maxCoeff(), 1.2e-4)
          << text << " " << m.label();
  }
}

TEST(MeanVariant, FarFromTheDataTheEnergyTendsToTheSumOfPriorMeans) {
  GPIQA_REQUIRE_SHARED_DATA();
  const MoleculeModel set = MoleculeModel::load(test::shared_data("models/ammonia-ichor"));
  const Positions pos = io::read_xyz(test::shared_data("geometries/ammonia.xyz")).front().positions_angstrom *
                        units::kBohrPerAngstrom;
  for (const char* text : kSpecs) {
    if (std::string(text) == "O=-75.5,H=-0.6") continue;  // ammonia has N
    MoleculeModel v = set.with_mean(MeanSpec::parse(text));
    const Positions far = pos * 8.0;  // every distance x8: far outside the training data
    const double e = v.compute(far, nullptr, nullptr, nullptr);
    EXPECT_NEAR(e, v.prior_mean_energy(far), 1e-9) << text;
    // and the prior means are what the spec says
    if (std::string(text) == "min") {
      double sum_min = 0;
      for (const AtomModel& m : v.atoms()) sum_min += m.training_y().minCoeff();
      EXPECT_NEAR(e, sum_min, 1e-9);
    }
  }
}

TEST(MeanVariant, ConstantsAreTheTrainingStatistics) {
  GPIQA_REQUIRE_SHARED_DATA();
  const AtomModel m = MoleculeModel::load(test::shared_data("models/water-dlfflux")).atoms()[0];
  EXPECT_DOUBLE_EQ(fit_mean(MeanSpec::parse("min"), m, "O").constant, m.training_y().minCoeff());
  EXPECT_DOUBLE_EQ(fit_mean(MeanSpec::parse("max"), m, "O").constant, m.training_y().maxCoeff());
  EXPECT_DOUBLE_EQ(fit_mean(MeanSpec::parse("mean"), m, "O").constant, m.training_y().mean());
  EXPECT_DOUBLE_EQ(fit_mean(MeanSpec::parse("-75.4"), m, "O").constant, -75.4);
  EXPECT_DOUBLE_EQ(fit_mean(MeanSpec::parse("O1=-75.1,O=-75.2"), m, "O").constant, -75.1);
  EXPECT_DOUBLE_EQ(fit_mean(MeanSpec::parse("file"), m, "O").constant, m.mean().constant);
}

TEST(MeanVariant, QuadraticPlusHasNonNegativeCurvaturesAndNoneOnPhi) {
  test::SyntheticSpec spec;
  spec.atoms = 5;
  const MoleculeModel set = test::synthetic_molecule(spec);
  for (const AtomModel& m : set.atoms()) {
    const MeanFunction q = fit_mean(MeanSpec::parse("quadratic+"), m, "C");
    ASSERT_EQ(q.kind, MeanKind::kQuadratic);
    EXPECT_GE(q.beta.minCoeff(), 0.0);
    for (int h = 5; h < q.beta.size(); h += 3) EXPECT_EQ(q.beta(h), 0.0);
    EXPECT_DOUBLE_EQ(q.y_min, m.training_y().minCoeff());
    // it is anchored at the lowest training point, and unconstrained least squares would do no better
    const MeanFunction u = fit_mean(MeanSpec::parse("quadratic"), m, "C");
    const auto sse = [&](const MeanFunction& f) {
      return (f.values(m.training_x()) - m.training_y()).squaredNorm();
    };
    EXPECT_LE(sse(u), sse(q) * (1 + 1e-12));
  }
}

TEST(MeanVariant, LinearMeanIsTheLeastSquaresFitAnchoredAtTheMinimum) {
  test::SyntheticSpec spec;
  const MoleculeModel set = test::synthetic_molecule(spec);
  const AtomModel& m = set.atoms()[0];
  const MeanFunction lin = fit_mean(MeanSpec::parse("linear"), m, "C");
  Eigen::Index i = 0;
  m.training_y().minCoeff(&i);
  EXPECT_EQ(lin.x_min, m.training_x().row(i).transpose());
  // normal equations: A^T (A beta - b) = 0
  const Eigen::MatrixXd A = m.training_x().rowwise() - lin.x_min.transpose();
  const Eigen::VectorXd r = A * lin.beta - (m.training_y().array() - lin.y_min).matrix();
  EXPECT_LT((A.transpose() * r).norm(), 1e-9);
}

TEST(MeanVariant, RangeZeroAndOneAreMinAndMaxExactly) {
  test::SyntheticSpec spec;
  spec.atoms = 4;
  const MoleculeModel set = test::synthetic_molecule(spec);
  for (const AtomModel& m : set.atoms()) {
    EXPECT_EQ(fit_mean(MeanSpec::parse("range:0"), m, "C").constant,
              fit_mean(MeanSpec::parse("min"), m, "C").constant);
    EXPECT_EQ(fit_mean(MeanSpec::parse("range:1"), m, "C").constant,
              fit_mean(MeanSpec::parse("max"), m, "C").constant);
    // K = 5 sits five training ranges above the lowest energy
    const double lo = m.training_y().minCoeff(), hi = m.training_y().maxCoeff();
    EXPECT_NEAR(fit_mean(MeanSpec::parse("range:5"), m, "C").constant, lo + 5 * (hi - lo),
                1e-12 * std::abs(hi));
  }
  // and the re-solved sets are the same to the last bit
  const MoleculeModel r0 = set.with_mean(MeanSpec::parse("range:0")),
                      mn = set.with_mean(MeanSpec::parse("min"));
  const MoleculeModel r1 = set.with_mean(MeanSpec::parse("range:1")),
                      mx = set.with_mean(MeanSpec::parse("max"));
  for (std::size_t a = 0; a < set.atoms().size(); ++a) {
    EXPECT_EQ(r0.atoms()[a].weights(), mn.atoms()[a].weights());
    EXPECT_EQ(r1.atoms()[a].weights(), mx.atoms()[a].weights());
  }
}

TEST(MeanVariant, RangeOnRealStandardisedData) {
  GPIQA_REQUIRE_SHARED_DATA();
  const MoleculeModel set = MoleculeModel::load(test::shared_data("models/ammonia-ichor"));
  for (const AtomModel& m : set.atoms()) {
    EXPECT_EQ(fit_mean(MeanSpec::parse("range:0"), m, "N").constant,
              fit_mean(MeanSpec::parse("min"), m, "N").constant);
    EXPECT_EQ(fit_mean(MeanSpec::parse("range:1"), m, "N").constant,
              fit_mean(MeanSpec::parse("max"), m, "N").constant);
  }
}

TEST(MeanVariant, SpecsThatNeedAMoleculeSayWhatIsMissing) {
  test::SyntheticSpec spec;
  const MoleculeModel set = test::synthetic_molecule(spec);
  for (const char* text : {"bonded+", "mmff-bonded"}) {
    SCOPED_TRACE(text);
    try {
      set.with_mean(MeanSpec::parse(text));
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_NE(
          std::string(e.what()).find(std::string(text) == "bonded+" ? "equilibrium geometry" : "MMFF94"),
          std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(MeanSpec::parse("bonded+:eq.xyz").argument, "eq.xyz");
  EXPECT_EQ(MeanSpec::parse("mmff-bonded:x.mol").argument, "x.mol");
  EXPECT_TRUE(MeanSpec::parse("mmff-bonded").argument.empty());
}

TEST(MeanVariant, UnknownSpecsAreRejected) {
  for (const char* bad : {"minimum", "", "quad", "O=", "=1", "O=abc", "inf", "nan", "range:-1", "range:x",
                          "range:", "range:nan", "range:inf", "bonded+:", "mmff-bonded:", "bonded", "mmff"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(MeanSpec::parse(bad), InputError);
  }
}

TEST(MeanVariant, PerElementSpecWithoutTheElementIsAnError) {
  GPIQA_REQUIRE_SHARED_DATA();
  const MoleculeModel set = MoleculeModel::load(test::shared_data("models/water-dlfflux"));
  EXPECT_THROW(set.with_mean(MeanSpec::parse("O=-75.4")), InputError);
}

}  // namespace
}  // namespace gpiqa::model
