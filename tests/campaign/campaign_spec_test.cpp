// Campaign YAML: a valid file parses with its defaults; every kind of bad input is one InputError naming the
// YAML file and line, before anything runs.
#include "gpiqa/campaign/campaign_spec.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/campaign/task.hpp"
#include "gpiqa/util/error.hpp"
#include "support/test_data.hpp"

namespace gpiqa::campaign {
namespace {

std::string valid_yaml() {
  return "name: study\n"                                                                       // 1
         "molecules:\n"                                                                        // 2
         "  water: {geometry: " + test::shared_data("geometries/water.xyz") +                  // 3
         ", models: " + test::shared_data("models/water-dlfflux") + "}\n"
         "models:\n"                                                                           // 4
         "  as-trained: {mean: file}\n"                                                        // 5
         "  MIN: {mean: min}\n"                                                                // 6
         "temperatures_K: [300, 500]\n"                                                        // 7
         "seeds: 3\n"                                                                          // 8
         "md: {timestep_fs: 0.5, duration_ps: 2, thermostat: {type: csvr, tau_fs: 50}}\n"      // 9
         "start: {displace_angstrom: 0.05}\n"                                                  // 10
         "stability: {bond_stretch_angstrom: 0.6}\n"                                           // 11
         "output: {file: out/study.h5, frames_every: 10}\n";                                   // 12
}

std::string write(const std::string& dir, const std::string& text) {
  const std::string path = dir + "/campaign.yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(CampaignSpec, ValidFileParsesWithItsValues) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = test::temp_dir("spec");
  const CampaignSpec c = load_campaign(write(dir, valid_yaml()));
  EXPECT_EQ(c.name, "study");
  ASSERT_EQ(c.molecules.size(), 1u);
  ASSERT_EQ(c.models.size(), 2u);
  EXPECT_EQ(c.models[1].mean, "min");
  EXPECT_EQ(c.temperatures_K, (std::vector<double>{300, 500}));
  EXPECT_EQ(c.seeds, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(c.integrator.type, "csvr");
  EXPECT_DOUBLE_EQ(c.integrator.tau_fs, 50);
  EXPECT_DOUBLE_EQ(c.duration_ps, 2);
  EXPECT_DOUBLE_EQ(c.displace_angstrom, 0.05);
  EXPECT_DOUBLE_EQ(c.monitors.bond_stretch_angstrom, 0.6);
  EXPECT_DOUBLE_EQ(c.monitors.min_distance_angstrom, 0.5);  // default
  EXPECT_EQ(c.frames_every, 10);
  EXPECT_EQ(c.output_file, std::filesystem::weakly_canonical(dir + "/out/study.h5").string());
  EXPECT_EQ(expand_tasks(c, {}).size(), 12u);
}

struct Bad {
  const char* what;
  std::string from, to;
  int line;
  const char* message;
};

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

TEST(CampaignSpec, BadInputNamesTheLine) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = test::temp_dir("spec-bad");
  const std::vector<Bad> cases = {
      {"typo in key", "temperatures_K:", "temperature_K:", 7, "unknown key 'temperature_K'"},
      {"typo in md", "timestep_fs: 0.5", "time_step_fs: 0.5", 9, "unknown key 'time_step_fs' in md"},
      {"bad thermostat", "type: csvr", "type: berendsen", 9, "unknown thermostat 'berendsen'"},
      {"negative duration", "duration_ps: 2", "duration_ps: -2", 9, "md.duration_ps must be positive"},
      {"text for number", "duration_ps: 2", "duration_ps: long", 9, "must be a finite number"},
      {"empty temperatures", "[300, 500]", "[]", 7, "temperatures_K is empty"},
      {"zero seeds", "seeds: 3", "seeds: 0", 8, "seeds must be a count"},
      {"duplicate seeds", "seeds: 3", "seeds: [1, 1]", 8, "duplicates"},
      {"unknown mean", "{mean: min}", "{mean: lowest}", 6, "unknown mean spec 'lowest'"},
      {"missing geometry file", "geometries/water.xyz", "geometries/nowhere.xyz", 3, "does not exist"},
      {"mismatched models", "geometries/water.xyz", "geometries/ammonia.xyz", 3, "4 atoms, but model set WATER"},
      {"negative displacement", "displace_angstrom: 0.05", "displace_angstrom: -1", 10, "must be >= 0"},
      {"bad stability", "bond_stretch_angstrom: 0.6", "bond_stretch_angstrom: 0", 11, "must be positive"},
      {"malformed yaml", "seeds: 3\n", "seeds: [3\n", 0, "malformed YAML"},
      {"models empty", "  as-trained: {mean: file}\n  MIN: {mean: min}\n", "  {}\n", 0, "models"},
  };
  for (const Bad& b : cases) {
    SCOPED_TRACE(b.what);
    try {
      load_campaign(write(dir, replace(valid_yaml(), b.from, b.to)));
      FAIL() << "accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
      EXPECT_EQ(e.file(), dir + "/campaign.yaml");
      if (b.line) {
        EXPECT_EQ(e.line(), b.line) << e.what();
      }
      EXPECT_NE(std::string(e.what()).find(b.message), std::string::npos) << e.what();
    }
  }
}

TEST(CampaignSpec, MissingRequiredKeyIsNamed) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = test::temp_dir("spec-missing");
  try {
    load_campaign(write(dir, replace(valid_yaml(), "seeds: 3\n", "")));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing required key 'seeds'"), std::string::npos) << e.what();
  }
}

TEST(Tasks, ExpansionOrderIdsAndPairedRandomKeys) {
  GPIQA_REQUIRE_SHARED_DATA();
  const CampaignSpec c = load_campaign(write(test::temp_dir("tasks"), valid_yaml()));
  const std::vector<Task> t = expand_tasks(c, {});
  EXPECT_EQ(t[0].label, "water/as-trained/300K/seed1");
  EXPECT_EQ(t[1].label, "water/as-trained/300K/seed2");
  EXPECT_EQ(t[3].label, "water/as-trained/500K/seed1");
  EXPECT_EQ(t[6].label, "water/MIN/300K/seed1");
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_EQ(t[i].id, static_cast<std::int64_t>(i));
  EXPECT_EQ(t[0].key, t[6].key) << "model variants must share initial conditions and noise";
  EXPECT_NE(t[0].key, t[1].key);
  EXPECT_NE(t[0].key, t[3].key);
  EXPECT_EQ(expand_tasks(c, {})[5].key, t[5].key);
}

TEST(Tasks, FingerprintFollowsContentNotOutput) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = test::temp_dir("fp");
  const std::string base = campaign_fingerprint(load_campaign(write(dir, valid_yaml())));
  EXPECT_EQ(campaign_fingerprint(load_campaign(write(dir, replace(valid_yaml(), "out/study.h5", "elsewhere.h5")))), base);
  EXPECT_NE(campaign_fingerprint(load_campaign(write(dir, replace(valid_yaml(), "duration_ps: 2", "duration_ps: 3")))), base);
  EXPECT_NE(campaign_fingerprint(load_campaign(write(dir, replace(valid_yaml(), "{mean: min}", "{mean: max}")))), base);
}

}  // namespace
}  // namespace gpiqa::campaign
