// gpiqa probe as a user runs it: one JSON object per frame with the bonds, their forces and the energy path;
// a model whose prior mean rises away from the minimum (quadratic+) has restoring prior forces where the
// constant as-trained mean has none; bad input is one line and a non-zero exit.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

const std::string kRepo = GPIQA_SOURCE_DIR;

std::string strained_ammonia(const std::string& dir) {
  // N-H2 stretched by 0.2 A, N-H3 compressed by 0.1 A
  std::ifstream in(kRepo + "/molecules/ammonia.xyz");
  int n = 0;
  std::string comment, el;
  in >> n;
  std::getline(in, comment);
  std::getline(in, comment);
  std::ofstream out(dir + "/strained.xyz");
  out << n << "\nstrained\n";
  double N[3] = {};
  for (int a = 0; a < n; ++a) {
    double x[3];
    in >> el >> x[0] >> x[1] >> x[2];
    if (a == 0) N[0] = x[0], N[1] = x[1], N[2] = x[2];
    if (a == 1 || a == 2) {
      double d[3] = {x[0] - N[0], x[1] - N[1], x[2] - N[2]};
      const double len = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]), by = a == 1 ? 0.2 : -0.1;
      for (int k = 0; k < 3; ++k) x[k] += by * d[k] / len;
    }
    out << el << " " << x[0] << " " << x[1] << " " << x[2] << "\n";
  }
  return dir + "/strained.xyz";
}

TEST(ProbeCommand, BondsForcesAndThePathOfEveryFrame) {
  const std::string dir = temp_dir("probe");
  const std::string xyz = strained_ammonia(dir);
  const std::string common = " --xyz " + xyz + " --equilibrium " + kRepo +
                             "/molecules/ammonia.xyz --compare-reference " + kRepo + "/molecules/ammonia.mol";
  const ProcessResult trained = run_gpiqa("probe --models " + kRepo + "/models/ammonia" + common);
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const auto j = nlohmann::json::parse(trained.out);
  ASSERT_EQ(j["bonds"].size(), 3u);
  EXPECT_EQ(j["bonds"][0]["bond"], "N1-H2");
  EXPECT_NEAR(j["bonds"][0]["deviation_angstrom"].get<double>(), 0.2, 1e-5);  // 6 digits in the file
  EXPECT_EQ(j["restoring_fraction"], 1.0) << "the trained model pulls the strained bonds back";
  EXPECT_EQ(j["restoring_fraction_prior"], 0.0) << "a constant prior mean has no forces";
  const auto& path = j["path"];
  ASSERT_EQ(path["s"].size(), 9u);
  for (std::size_t k = 0; k < 9; ++k)
    EXPECT_NEAR(path["prior_hartree"][k].get<double>() + path["kernel_hartree"][k].get<double>(),
                path["energy_hartree"][k].get<double>(), 1e-10);
  // the trained surrogate follows its reference along the path to the frame (s <= 1: inside its data)
  EXPECT_NEAR(path["energy_hartree"][4].get<double>() - path["energy_hartree"][0].get<double>(),
              path["reference_hartree"][4].get<double>() - path["reference_hartree"][0].get<double>(), 2e-3);

  const ProcessResult bowl =
      run_gpiqa("probe --models " + kRepo + "/models/ammonia --mean quadratic+" + common);
  ASSERT_EQ(bowl.exit_code, 0) << bowl.err;
  EXPECT_GT(nlohmann::json::parse(bowl.out)["restoring_fraction_prior"].get<double>(), 0.0);

  const ProcessResult reference =
      run_gpiqa("probe --reference " + kRepo + "/molecules/ammonia.mol --xyz " + xyz);
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const auto r = nlohmann::json::parse(reference.out);
  EXPECT_EQ(r["restoring_fraction"], 1.0);
  EXPECT_TRUE(r["restoring_fraction_prior"].is_null());
}

TEST(ProbeCommand, BadInputIsOneLine) {
  const std::string dir = temp_dir("probe-bad");
  const std::string xyz = strained_ammonia(dir);
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"--models " + kRepo + "/models/ammonia --xyz " + xyz, "--equilibrium: is required with --models"},
           {"--models " + kRepo + "/models/water --xyz " + xyz + " --equilibrium " + xyz, "4 atoms"},
           {"--reference " + kRepo + "/molecules/ammonia.mol --xyz " + dir + "/none.xyz",
            "cannot open file"}}) {
    const ProcessResult p = run_gpiqa("probe " + args);
    EXPECT_NE(p.exit_code, 0) << args;
    EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
    EXPECT_NE(p.err.find(message), std::string::npos) << p.err;
  }
}

// Controlled starts on the command line: a target <= 0 or one the bisection cannot reach is one error and
// writes nothing.
TEST(MdStartEnergy, BadTargetsAreOneLine) {
  const std::string dir = temp_dir("md-start-energy");
  const std::string base = "md --reference " + kRepo +
                           "/molecules/water.mol --temperature 300 --duration-ps 0.1 " + "--checkpoint " +
                           dir + "/c.h5 --start-energy ";
  for (const auto& [value, message] :
       std::vector<std::pair<std::string, std::string>>{{"0", "must be a positive number of kcal/mol"},
                                                        {"-4", "must be a positive number of kcal/mol"},
                                                        {"1e9", "no displacement up to 2 A"}}) {
    const ProcessResult p = run_gpiqa(base + value);
    EXPECT_NE(p.exit_code, 0) << value;
    EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
    EXPECT_NE(p.err.find(message), std::string::npos) << p.err;
    EXPECT_FALSE(std::ifstream(dir + "/c.h5").good());
  }
}

}  // namespace
}  // namespace gpiqa::test
