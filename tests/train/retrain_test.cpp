// Sets trained again for a prior mean (campaign variants {mean: SPEC, retrain: true}), on gpiqa's committed
// water set: the cache key follows the content (training data, mean, options) and nothing else, `file` is
// refused, a build happens once (concurrent builders wait for it and find it built), and the built set is
// the base set's data trained for that mean.
#include "gpiqa/train/retrain.hpp"

#include <cstdlib>
#include <filesystem>
#include <future>

#include <gtest/gtest.h>

#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/train/marginal_likelihood.hpp"
#include "gpiqa/util/error.hpp"
#include "support/test_data.hpp"

namespace gpiqa::train {
namespace {

const std::string kWater = std::string(GPIQA_SOURCE_DIR) + "/models/water";

// Points GPIQA_MODELS_CACHE at a fresh directory for one test.
class TempCache {
 public:
  TempCache() : dir_(test::temp_dir("retrain-cache")) { setenv("GPIQA_MODELS_CACHE", dir_.c_str(), 1); }
  ~TempCache() { unsetenv("GPIQA_MODELS_CACHE"); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

TEST(Retrain, KeyFollowsTrainingDataMeanAndNothingElse) {
  const TempCache cache;
  const model::MoleculeModel water = model::MoleculeModel::load(kWater);
  const RetrainRequest a = plan_retrain(water, kWater, "quadratic+");
  EXPECT_EQ(a.key.size(), 16u);
  EXPECT_EQ(a.options.mean, "quadratic+");
  EXPECT_EQ(std::filesystem::path(a.directory).parent_path(),
            std::filesystem::path(cache.dir()) / "retrained");
  EXPECT_FALSE(a.is_built());
  EXPECT_EQ(plan_retrain(water, kWater, " quadratic+ ").key, a.key);
  EXPECT_NE(plan_retrain(water, kWater, "quadratic").key, a.key);
  // the same data from another directory (a copy) is the same set
  const std::string copy = test::temp_dir("retrain-copy") + "/water";
  std::filesystem::copy(kWater, copy);
  EXPECT_EQ(plan_retrain(model::MoleculeModel::load(copy), copy, "quadratic+").key, a.key);
  // one training energy changed: another set
  std::vector<model::ModelFile> files = water.files();
  files[0].y(7) += 1e-9;
  EXPECT_NE(plan_retrain(model::MoleculeModel::from_files(files, "edited"), kWater, "quadratic+").key, a.key);
}

TEST(Retrain, FileAndBadSpecsAreOneClearError) {
  const TempCache cache;
  const model::MoleculeModel water = model::MoleculeModel::load(kWater);
  try {
    plan_retrain(water, kWater, "file");
    FAIL() << "accepted mean file";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("mean 'file' has none to fit"), std::string::npos) << e.what();
  }
  EXPECT_THROW(plan_retrain(water, kWater, "lowest"), InputError);
}

// One build, however many processes ask at once; the set is the base data trained for the mean, and for
// that mean its likelihood beats the base set's hyperparameters with re-solved weights.
TEST(Retrain, BuildsOnceAndTrainsForTheMean) {
  const TempCache cache;
  const model::MoleculeModel water = model::MoleculeModel::load(kWater);
  const RetrainRequest r = plan_retrain(water, kWater, "quadratic+");
  auto build = [&] { return build_retrained_set(r, 1); };
  auto first = std::async(std::launch::async, build), second = std::async(std::launch::async, build);
  EXPECT_EQ(int(first.get()) + int(second.get()), 1) << "exactly one of two concurrent builders trains";
  ASSERT_TRUE(r.is_built());
  EXPECT_FALSE(build_retrained_set(r, 1)) << "built sets are reused";
  const model::MoleculeModel set = model::MoleculeModel::load(r.directory);
  ASSERT_EQ(set.files().size(), water.files().size());
  for (std::size_t a = 0; a < set.files().size(); ++a) {
    const model::ModelFile& f = set.files()[a];
    const model::ModelFile& base = water.files()[a];
    SCOPED_TRACE(f.atom_label);
    EXPECT_EQ(f.x, base.x);
    EXPECT_EQ(f.y, base.y);
    EXPECT_EQ(*f.metadata_value("mean_spec"), "quadratic+");
    EXPECT_EQ(f.mean.kind, model::MeanKind::kQuadratic);
    const model::MeanFunction mean =
        model::fit_mean(model::MeanSpec::parse("quadratic+"), model::make_atom_model(base), base.element());
    EXPECT_EQ(f.mean.beta, mean.beta);
    auto likelihood = [&](const model::ModelFile& hyper) {
      const LikelihoodProblem p{model::Kernel(hyper.kernels, hyper.periodic_convention(), base.x),
                                base.y - mean.values(base.x), true};
      Eigen::VectorXd phi(p.kernel.terms().size() + 1);
      phi << p.kernel.log_theta(), std::log(hyper.noise());
      return log_marginal_likelihood(p, phi, 0, nullptr);
    };
    EXPECT_GT(likelihood(f), likelihood(base));
  }
}

}  // namespace
}  // namespace gpiqa::train
