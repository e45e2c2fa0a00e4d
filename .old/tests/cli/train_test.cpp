// gpiqa train on the shared FEREBUS water directory: one JSON line per atom with validation errors, a model
// set that gpiqa predict reads and that gives sensible energies on the shared water geometry.
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

TEST(TrainCommand, TrainsAWaterSetThatPredictSensibleEnergies) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("train-cli");
  const ProcessResult r = run_gpiqa("train --csv " + shared_data("training/water-ferebus") + " --out " + dir +
                                    "/water --validate-every 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  int atoms = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_LT(j["validation_rmse_hartree"].get<double>(), 0.5e-3) << line;
    EXPECT_EQ(j["training_points"], 40);
    EXPECT_EQ(j["kernel"], "rbf-cyclic") << "the default kernel, as written into the model file";
    ++atoms;
  }
  EXPECT_EQ(atoms, 3);
  const ProcessResult p =
      run_gpiqa("predict --models " + dir + "/water --xyz " + shared_data("geometries/water.xyz"));
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const double e = nlohmann::json::parse(p.out)["energy_hartree"];
  // the FEREBUS water energies (another level of theory than the DL_FFLUX models) lie around -76.4 Ha
  EXPECT_GT(e, -76.6);
  EXPECT_LT(e, -76.3);
}

TEST(TrainCommand, BadInputsAreOneLineErrors) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("train-bad");
  for (const std::string& args :
       {"train --csv " + dir + "/none.csv --out " + dir + "/x.model",
        "train --csv " + shared_data("training/water-ferebus/WATER_O1_TRAINING_SET.csv") + " --out " + dir +
            "/x.model --kernel matern",
        "train --csv " + shared_data("training/water-ferebus/WATER_O1_TRAINING_SET.csv") + " --out " + dir +
            "/x.model --alf \"1 1 2\""}) {
    SCOPED_TRACE(args);
    const ProcessResult r = run_gpiqa(args);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace gpiqa::test
