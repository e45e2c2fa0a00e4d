// gpiqa sample, gpiqa models and gpiqa embed as a user runs them: deterministic output for a seed, a default
// model set built end to end, and one-line errors for bad molecules.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

const std::string kSmall =
    " --temperatures 300,900 --duration-ps 0.5 --timestep-fs 0.5 --displaced 40 --points 30 --validation 10";

TEST(SampleCommand, IsDeterministicForASeed) {
  const std::string dir = temp_dir("sample-cli");
  for (const char* out : {"/a", "/b"}) {
    const ProcessResult r =
        run_gpiqa("sample --reference CO --system METHANOL --out " + dir + out + kSmall + " --seed 7");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const ProcessResult c =
      run_gpiqa("sample --reference CO --system METHANOL --out " + dir + "/c" + kSmall + " --seed 8");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir + "/a")) {
    const std::string name = e.path().filename().string();
    EXPECT_EQ(slurp(e.path()), slurp(dir + "/b/" + name)) << name;
    if (name.find("TRAINING_SET") != std::string::npos) {
      EXPECT_NE(slurp(e.path()), slurp(dir + "/c/" + name)) << name;
    }
    ++files;
  }
  EXPECT_EQ(files, 6 * 2 + 3);  // per atom training + validation, ALF, two xyz
  // FEREBUS layout: index column, f1..f12, iqa
  std::istringstream csv(slurp(dir + "/a/METHANOL_C1_TRAINING_SET.csv"));
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, ",f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,f12,iqa");
  // An existing sample is not overwritten.
  const ProcessResult again =
      run_gpiqa("sample --reference CO --system METHANOL --out " + dir + "/a" + kSmall);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("--overwrite"), std::string::npos) << again.err;
}

TEST(SampleCommand, BadMoleculesAndOptionsAreOneLineErrors) {
  const std::string dir = temp_dir("sample-bad");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--reference 'C[Se]C'", "no atom type for atom 2 (Se)"},
      {"--reference 'O.O'", "disconnected fragments"},
      {"--reference " + dir + "/missing.mol", "missing.mol"},
      {"--reference O --points 100000", "only"},
      {"--reference O --temperatures 300,hot", "--temperatures"},
  };
  for (const auto& [args, expected] : cases) {
    const ProcessResult r =
        run_gpiqa("sample " + args + " --out " + dir + "/x --duration-ps 0.2 --displaced 10");
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(expected), std::string::npos) << args << ": " << r.err;
    // progress lines may precede it; the error itself is one line
    EXPECT_EQ(r.err.find("gpiqa: error:"), r.err.rfind("gpiqa: error:")) << r.err;
    EXPECT_EQ(r.err.find('\n', r.err.find("gpiqa: error:")), r.err.size() - 1) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir + "/x/MOLECULE_ALF.txt"));
}

TEST(ModelsCommand, BuildsWaterEndToEndAndPredictReadsIt) {
  const std::string dir = temp_dir("models-build");
  const ProcessResult r = run_gpiqa("models build water --out " + dir + "/water --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("validation on 200 whole molecules"), std::string::npos) << r.err;
  const auto build = nlohmann::json::parse(slurp(dir + "/water/BUILD.json"));
  EXPECT_EQ(build["atoms"].size(), 3u);
  EXPECT_EQ(build["sampling"]["training_points"], 300);
  EXPECT_LT(build["whole_molecule_validation"]["energy_rmse_hartree"].get<double>(), 1e-4);
  // The committed set was built by the same recipe: the two sets agree (to rounding: other CPUs may round
  // differently) on the sampled validation geometries.
  const std::string geometries = dir + "/water/training/WATER_VALIDATION.xyz";
  const ProcessResult fresh = run_gpiqa("predict --models " + dir + "/water --xyz " + geometries);
  const ProcessResult committed =
      run_gpiqa("predict --models " + std::string(GPIQA_SOURCE_DIR) + "/models/water --xyz " + geometries);
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  ASSERT_EQ(committed.exit_code, 0) << committed.err;
  std::istringstream a(fresh.out), b(committed.out);
  int frames = 0;
  for (std::string la, lb; std::getline(a, la) && std::getline(b, lb); ++frames)
    EXPECT_NEAR(nlohmann::json::parse(la)["energy_hartree"].get<double>(),
                nlohmann::json::parse(lb)["energy_hartree"].get<double>(), 1e-6);
  EXPECT_EQ(frames, 200);
  const ProcessResult p = run_gpiqa("predict --models " + dir + "/water --xyz " +
                                    std::string(GPIQA_SOURCE_DIR) + "/molecules/water.xyz");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_LT(std::abs(nlohmann::json::parse(p.out)["energy_hartree"].get<double>()),
            1e-4);  // MMFF minimum ~ 0
  const ProcessResult again = run_gpiqa("models build water --out " + dir + "/water");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.err.find("already built"), std::string::npos);
  const ProcessResult unknown = run_gpiqa("models build unobtainium");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown built-in molecule 'unobtainium'"), std::string::npos) << unknown.err;
  const ProcessResult list = run_gpiqa("models list");
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("aspirin"), std::string::npos);
}

TEST(EmbedCommand, WritesAMolfileAndXyzThatAgree) {
  const std::string dir = temp_dir("embed");
  const ProcessResult r = run_gpiqa("embed CCO --name ethanol --out-dir " + dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string mol = slurp(dir + "/ethanol.mol"), xyz = slurp(dir + "/ethanol.xyz");
  EXPECT_NE(mol.find("V2000"), std::string::npos);
  EXPECT_EQ(xyz.substr(0, 2), "9\n");
  const ProcessResult again = run_gpiqa("embed CCO --name ethanol --out-dir " + dir);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--overwrite"), std::string::npos);
}

}  // namespace
}  // namespace gpiqa::test
