// Campaign variants {mean: SPEC, retrain: true}: the variant runs on the molecule's set trained again for its
// mean, built on first use into the model cache (with progress) and reused afterwards; bad retrain settings
// are one error naming the YAML line; the fingerprint tells a retrained variant from a re-solved one.
#include "gpiqa/campaign/retrained_sets.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "gpiqa/campaign/task.hpp"
#include "gpiqa/campaign/task_runner.hpp"
#include "gpiqa/run/potential_source.hpp"
#include "gpiqa/util/error.hpp"
#include "support/test_data.hpp"

namespace gpiqa::campaign {
namespace {

const std::string kRepo = GPIQA_SOURCE_DIR;

std::string yaml_with(const std::string& variant) {
  return "name: retrained\n"  // 1
         "molecules:\n"       // 2
         "  water: {geometry: " +
         kRepo + "/molecules/water.xyz, models: " + kRepo +
         "/models/water}\n"                   // 3
         "models:\n"                          // 4
         "  re-solved: {mean: quadratic+}\n"  // 5
         "  " +
         variant +
         "\n"                          // 6
         "temperatures_K: [300]\n"     // 7
         "seeds: 1\n"                  // 8
         "md: {duration_ps: 0.01}\n";  // 9
}

std::string write(const std::string& dir, const std::string& text) {
  std::ofstream(dir + "/campaign.yaml") << text;
  return dir + "/campaign.yaml";
}

// Points GPIQA_MODELS_CACHE at a fresh directory for one test.
class TempCache {
 public:
  TempCache() : dir_(test::temp_dir("campaign-retrain-cache")) {
    setenv("GPIQA_MODELS_CACHE", dir_.c_str(), 1);
  }
  ~TempCache() { unsetenv("GPIQA_MODELS_CACHE"); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

TEST(RetrainedSets, AVariantRunsOnTheSetTrainedForItsMeanBuiltOnFirstUse) {
  const TempCache cache;
  const CampaignSpec spec = load_campaign(
      write(test::temp_dir("retrain-spec"), yaml_with("trained: {mean: quadratic+, retrain: true}")));
  ASSERT_EQ(spec.models.size(), 2u);
  EXPECT_FALSE(spec.models[0].retrain);
  EXPECT_TRUE(spec.models[1].retrain);
  EXPECT_EQ(spec.models_of(0, 0), spec.molecules[0].models);
  const std::string trained = spec.models_of(0, 1);
  EXPECT_EQ(trained.rfind(cache.dir() + "/retrained/water-quadratic+-", 0), 0u) << trained;
  EXPECT_FALSE(spec.molecules[0].retrained.at("trained").is_built());

  std::ostringstream progress;
  EXPECT_EQ(build_retrained_sets(spec, &progress, 2), 1);
  EXPECT_NE(progress.str().find("gpiqa retrain"), std::string::npos) << progress.str();
  EXPECT_NE(progress.str().find("water/trained"), std::string::npos) << progress.str();
  EXPECT_NE(progress.str().find("built " + trained), std::string::npos) << progress.str();
  std::ostringstream again;
  EXPECT_EQ(build_retrained_sets(spec, &again, 2), 0) << "the second use finds it built";
  EXPECT_TRUE(again.str().empty()) << again.str();

  // the variant runs on the retrained set as trained, its rows name the mean
  const std::vector<Task> tasks = expand_tasks(spec, {});
  TaskRunner runner(spec, "", 0, "here");
  const TaskResult r = runner.run(tasks[1], [] { return true; });
  EXPECT_EQ(r.row.model, "trained");
  EXPECT_EQ(r.row.mean, "quadratic+");
  EXPECT_EQ(r.row.outcome.status, stability::Status::kStable) << r.row.outcome.reason;
  // another GP than the re-solved variant: other hyperparameters, the same mean
  const model::Positions start = run::start_geometry_bohr(kRepo + "/molecules/water.xyz", nullptr);
  const double e_trained =
      run::load_potential({trained, "file", "", {}}).potential->compute(start, nullptr, nullptr, nullptr);
  const double e_resolved = run::load_potential({spec.molecules[0].models, "quadratic+", "", {}})
                                .potential->compute(start, nullptr, nullptr, nullptr);
  EXPECT_NE(e_trained, e_resolved);
  EXPECT_NEAR(e_trained, e_resolved, 1e-4) << "both reproduce the same training data";
}

TEST(RetrainedSets, BadRetrainSettingsNameTheLine) {
  const TempCache cache;
  const std::string dir = test::temp_dir("retrain-bad");
  struct Bad {
    std::string variant;
    const char* message;
  };
  for (const Bad& b : {Bad{"trained: {mean: file, retrain: true}", "mean 'file' has none to fit"},
                       Bad{"trained: {retrain: true}", "mean 'file' has none to fit"},
                       Bad{"trained: {kind: reference, retrain: true}", "retrain is for kind: gp"},
                       Bad{"trained: {mean: min, retrain: maybe}", "must be true or false"},
                       Bad{"trained: {mean: range:x, retrain: true}", "range:x"}}) {
    SCOPED_TRACE(b.variant);
    try {
      load_campaign(write(dir, yaml_with(b.variant)));
      FAIL() << "accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
      EXPECT_EQ(e.file(), dir + "/campaign.yaml");
      EXPECT_EQ(e.line(), 6) << e.what();
      EXPECT_NE(std::string(e.what()).find(b.message), std::string::npos) << e.what();
    }
  }
}

TEST(RetrainedSets, FingerprintIncludesRetrain) {
  const TempCache cache;
  const std::string dir = test::temp_dir("retrain-fp");
  const std::string plain =
      campaign_fingerprint(load_campaign(write(dir, yaml_with("trained: {mean: min}"))));
  EXPECT_EQ(
      campaign_fingerprint(load_campaign(write(dir, yaml_with("trained: {mean: min, retrain: false}")))),
      plain)
      << "retrain: false is the default, and the same campaign";
  const std::string trained =
      campaign_fingerprint(load_campaign(write(dir, yaml_with("trained: {mean: min, retrain: true}"))));
  EXPECT_NE(trained, plain);
  EXPECT_NE(campaign_fingerprint(load_campaign(write(dir, yaml_with("trained: {mean: max, retrain: true}")))),
            trained);
}

}  // namespace
}  // namespace gpiqa::campaign

namespace gpiqa::campaign {
namespace {

// bonded+ (and mmff-bonded, set_trainer_test) have no model-file form: the retrained set carries a
// PRIOR_MEAN.json and the variant runs with the mean fitted again from it, as in training.
TEST(RetrainedSets, ABondedVariantRunsOnItsSetWithTheMeanItWasTrainedFor) {
  const TempCache cache;
  const CampaignSpec spec = load_campaign(
      write(test::temp_dir("retrain-bonded"), yaml_with("trained: {mean: bonded+, retrain: true}")));
  EXPECT_EQ(build_retrained_sets(spec, nullptr, 2), 1);
  const std::string trained = spec.models_of(0, 1);
  EXPECT_TRUE(std::filesystem::exists(trained + "/PRIOR_MEAN.json"));
  const std::vector<Task> tasks = expand_tasks(spec, {});
  TaskRunner runner(spec, "", 0, "here");
  const TaskResult r = runner.run(tasks[1], [] { return true; });
  EXPECT_EQ(r.row.mean, "bonded+");
  EXPECT_EQ(r.row.outcome.status, stability::Status::kStable) << r.row.outcome.reason;
  const model::Positions start = run::start_geometry_bohr(kRepo + "/molecules/water.xyz", nullptr);
  const double e_trained =
      run::load_potential({trained, "bonded+", "", {}}).potential->compute(start, nullptr, nullptr, nullptr);
  const double e_resolved =
      run::load_potential({spec.molecules[0].models, "bonded+", "", {"", kRepo + "/molecules/water.xyz"}})
          .potential->compute(start, nullptr, nullptr, nullptr);
  EXPECT_NE(e_trained, e_resolved) << "other hyperparameters";
  EXPECT_NEAR(e_trained, e_resolved, 1e-4) << "both reproduce the same training data";
}

}  // namespace
}  // namespace gpiqa::campaign
