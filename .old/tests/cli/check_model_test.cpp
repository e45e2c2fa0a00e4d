// gpiqa check-model: reports each file, and a file whose stored mean does not match its weights shows up as a
// large residual instead of being papered over.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpiqa/model/model_file.hpp"
#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

TEST(CheckModelCommand, ReportsEveryFileAsJson) {
  GPIQA_REQUIRE_SHARED_DATA();
  const ProcessResult r =
      run_gpiqa("check-model --json " + shared_data("models/ammonia-ichor/AMMONIA_iqa_N1.model") + " " +
                shared_data("models/water-dlfflux/WATER_iqa_O1.model"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string l1, l2;
  std::getline(in, l1);
  std::getline(in, l2);
  const auto a = nlohmann::json::parse(l1), w = nlohmann::json::parse(l2);
  EXPECT_EQ(a["atom"], "N1");
  EXPECT_EQ(a["program"], "gpytorch");
  EXPECT_EQ(a["training_points"], 500);
  EXPECT_EQ(a["kernels"].size(), 2u);
  EXPECT_LT(a["max_abs_residual_hartree"].get<double>(), 1.2e-4);
  EXPECT_EQ(w["atom"], "O1");
  EXPECT_LT(w["max_abs_residual_hartree"].get<double>(), 3e-5);
}

TEST(CheckModelCommand, MeanThatDoesNotMatchTheWeightsShowsAsALargeResidual) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("check-mismatch");
  model::ModelFile f = model::read_model_file(shared_data("models/water-dlfflux/WATER_iqa_O1.model"));
  f.mean.constant -= 0.01;  // stored mean off by 10 mHa, weights unchanged
  model::write_model_file(dir + "/WATER_iqa_O1.model", f);
  const ProcessResult r = run_gpiqa("check-model --json " + dir + "/WATER_iqa_O1.model");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(nlohmann::json::parse(r.out)["max_abs_residual_hartree"].get<double>(), 0.01, 1e-4);
  // re-solving the weights for that mean fixes it
  const ProcessResult fixed = run_gpiqa("check-model --json --mean file " + dir + "/WATER_iqa_O1.model");
  const ProcessResult resolved = run_gpiqa("check-model --json --mean mean " + dir + "/WATER_iqa_O1.model");
  EXPECT_GT(nlohmann::json::parse(fixed.out)["max_abs_residual_hartree"].get<double>(), 5e-3);
  EXPECT_LT(nlohmann::json::parse(resolved.out)["max_abs_residual_hartree"].get<double>(), 3e-5);
}

TEST(CheckModelCommand, BadFileFailsButOthersAreStillReported) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("check-bad");
  std::ofstream(dir + "/bad.model") << "# program ferebus\n[system]\nname X\n";
  const ProcessResult r = run_gpiqa("check-model " + dir + "/bad.model " +
                                    shared_data("models/water-dlfflux/WATER_iqa_H2.model"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("bad.model"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("WATER_iqa_H2.model"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace gpiqa::test
