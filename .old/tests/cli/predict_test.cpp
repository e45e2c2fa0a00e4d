// gpiqa predict: the JSON contract, agreement with the library, and one-line errors for bad input.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/util/units.hpp"
#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

int count_lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

TEST(PredictCommand, PrintsOneJsonObjectPerFrameMatchingTheLibrary) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("predict");
  const std::string xyz = shared_data("geometries/ammonia.xyz");
  std::string text;
  {
    std::ifstream in(xyz);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  std::ofstream(dir + "/two.xyz") << text << text;
  const ProcessResult r =
      run_gpiqa("predict --models " + shared_data("models/ammonia-ichor") + " --xyz " + dir + "/two.xyz");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  model::MoleculeModel m = model::MoleculeModel::load(shared_data("models/ammonia-ichor"));
  model::Positions forces;
  Eigen::VectorXd atomic;
  const double e =
      m.compute(io::read_xyz(xyz)[0].positions_angstrom * units::kBohrPerAngstrom, &forces, &atomic, nullptr);
  for (int i = 0; i < 2; ++i) {
    const auto& j = lines[static_cast<std::size_t>(i)];
    EXPECT_EQ(j["frame"].get<int>(), i);
    EXPECT_EQ(j["energy_hartree"].get<double>(), e);  // printed with round-trip precision
    ASSERT_EQ(j["atomic_energies_hartree"].size(), 4u);
    ASSERT_EQ(j["forces_hartree_per_bohr"].size(), 4u);
    for (int a = 0; a < 4; ++a) {
      EXPECT_EQ(j["atomic_energies_hartree"][a].get<double>(), atomic(a));
      for (int k = 0; k < 3; ++k) EXPECT_EQ(j["forces_hartree_per_bohr"][a][k].get<double>(), forces(k, a));
    }
  }
}

TEST(PredictCommand, MeanSpecChangesTheEnergyFarFromData) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("predict-far");
  std::ofstream(dir + "/far.xyz") << "3\nfar apart\nO 0 0 0\nH 5 0 0\nH -1 4 0\n";
  const std::string base =
      "predict --models " + shared_data("models/water-dlfflux") + " --xyz " + dir + "/far.xyz";
  const ProcessResult lo = run_gpiqa(base + " --mean min");
  const ProcessResult hi = run_gpiqa(base + " --mean max");
  ASSERT_EQ(lo.exit_code, 0) << lo.err;
  ASSERT_EQ(hi.exit_code, 0) << hi.err;
  EXPECT_LT(json_lines(lo.out)[0]["energy_hartree"].get<double>(),
            json_lines(hi.out)[0]["energy_hartree"].get<double>());
}

struct BadRun {
  const char* what;
  std::string args;
  const char* fragment;
};

// Each run fails with a non-zero exit, one "gpiqa: error: " line naming `fragment`, and nothing on stdout.
void expect_one_line_errors(const std::vector<BadRun>& runs) {
  for (const BadRun& b : runs) {
    SCOPED_TRACE(b.what);
    const ProcessResult r = run_gpiqa(b.args);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("gpiqa: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(b.fragment), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(PredictCommand, BadInputGivesOneLineErrorAndNonZeroExit) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("predict-bad");
  std::ofstream(dir + "/collinear.xyz") << "3\nline\nO 0 0 0\nH 1 0 0\nH -1 0 0\n";
  std::ofstream(dir + "/ammonia-like.xyz") << "4\nx\nN 0 0 0\nH 1 0 0\nH 0 1 0\nH 0 0 1\n";
  std::ofstream(dir + "/swapped.xyz") << "3\nx\nH 0 0 0\nO 1 0 0\nH 0 1 0\n";
  std::ofstream(dir + "/broken.xyz") << "3\nx\nO 0 0 0\nH 1 0\n";
  const std::string water = shared_data("models/water-dlfflux");
  const std::vector<BadRun> runs = {
      {"missing models", "predict --models " + dir + "/none --xyz " + dir + "/swapped.xyz", "does not exist"},
      {"collinear", "predict --models " + water + " --xyz " + dir + "/collinear.xyz", "collinear"},
      {"wrong molecule", "predict --models " + water + " --xyz " + dir + "/ammonia-like.xyz", "4 atoms"},
      {"swapped atoms", "predict --models " + water + " --xyz " + dir + "/swapped.xyz", "atom 1 is H"},
      {"broken xyz", "predict --models " + water + " --xyz " + dir + "/broken.xyz", "broken.xyz:4"},
      {"bad mean", "predict --models " + water + " --xyz " + dir + "/swapped.xyz --mean lowest",
       "unknown mean spec"},
      {"missing option", "predict --models " + water, "--xyz"},
      {"unknown command", "frobnicate", "frobnicate"},
  };
  expect_one_line_errors(runs);
}

// The MMFF94 reference through the same command: its atomic partition must add up to its energy, and its
// forces must be finite and sum to zero (MMFF94 has no external field, so a net force would be a wrong
// gradient).
TEST(PredictCommand, ReferencePrintsPartitionedEnergyAndForces) {
  const std::string dir = temp_dir("predict-reference");
  std::ofstream(dir + "/water.xyz") << "3\nwater, slightly stretched (Angstrom)\n"
                                    << "O 0.0 0.0 0.1173\nH 0.0 0.80 -0.4692\nH 0.0 -0.7572 -0.50\n";
  const ProcessResult r = run_gpiqa("predict --reference O --xyz " + dir + "/water.xyz");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  const auto& j = lines[0];
  const double energy = j["energy_hartree"].get<double>();
  ASSERT_EQ(j["atomic_energies_hartree"].size(), 3u);
  ASSERT_EQ(j["forces_hartree_per_bohr"].size(), 3u);
  double sum = 0;
  for (const auto& e : j["atomic_energies_hartree"]) sum += e.get<double>();
  EXPECT_GT(energy, 0)
      << "a stretched water is above the MMFF94 minimum (zero for water's bond and angle terms)";
  EXPECT_NEAR(sum, energy, 1e-12 * std::max(1.0, std::abs(energy)));
  double net[3] = {0, 0, 0}, largest = 0;
  for (const auto& f : j["forces_hartree_per_bohr"])
    for (int k = 0; k < 3; ++k) {
      const double v = f[static_cast<std::size_t>(k)].get<double>();
      EXPECT_TRUE(std::isfinite(v));
      net[k] += v;
      largest = std::max(largest, std::abs(v));
    }
  EXPECT_GT(largest, 1e-4) << "off the minimum the forces cannot all vanish";
  for (double n : net) EXPECT_NEAR(n, 0, 1e-10);
}

TEST(PredictCommand, ReferenceBadInputGivesOneLineErrorAndNonZeroExit) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = temp_dir("predict-reference-bad");
  std::ofstream(dir + "/water.xyz") << "3\nw\nO 0 0 0.1173\nH 0 0.7572 -0.4692\nH 0 -0.7572 -0.4692\n";
  const std::string water = dir + "/water.xyz";
  const std::string names_the_xyz = water + ": 3 atoms, but reference SMILES 'N' has 4";
  const std::vector<BadRun> runs = {
      {"both potentials",
       "predict --models " + shared_data("models/water-dlfflux") + " --reference O --xyz " + water,
       "exactly one of --models"},
      {"no potential", "predict --xyz " + water, "exactly one of --models"},
      {"mean with reference", "predict --reference O --xyz " + water + " --mean min", "--mean"},
      {"other molecule", "predict --reference N --xyz " + water, names_the_xyz.c_str()},
      {"bad smiles", "predict --reference C1CC --xyz " + water, "invalid SMILES"},
  };
  expect_one_line_errors(runs);
}

}  // namespace
}  // namespace gpiqa::test
