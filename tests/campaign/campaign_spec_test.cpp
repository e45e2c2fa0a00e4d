// Campaign YAML: a valid file parses with its defaults; every kind of bad input is one InputError naming the
// YAML file and line, before anything runs.
#include "gpiqa/campaign/campaign_spec.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/campaign/task.hpp"
#include "gpiqa/campaign/task_runner.hpp"
#include "gpiqa/reference/molecule.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/test_data.hpp"

namespace gpiqa::campaign {
namespace {

std::string valid_yaml() {
  return "name: study\n"  // 1
         "molecules:\n"   // 2
         "  water: {geometry: " +
         test::shared_data("geometries/water.xyz") +  // 3
         ", models: " + test::shared_data("models/water-dlfflux") +
         "}\n"
         "models:\n"                                                                       // 4
         "  as-trained: {mean: file}\n"                                                    // 5
         "  MIN: {mean: min}\n"                                                            // 6
         "temperatures_K: [300, 500]\n"                                                    // 7
         "seeds: 3\n"                                                                      // 8
         "md: {timestep_fs: 0.5, duration_ps: 2, thermostat: {type: csvr, tau_fs: 50}}\n"  // 9
         "start: {displace_angstrom: 0.05}\n"                                              // 10
         "stability: {bond_stretch_angstrom: 0.6}\n"                                       // 11
         "output: {file: out/study.h5, frames_every: 10}\n";                               // 12
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
  EXPECT_EQ(c.bundle, 0);  // auto
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
      {"mismatched models", "geometries/water.xyz", "geometries/ammonia.xyz", 3,
       "4 atoms, but model set WATER"},
      {"negative displacement", "displace_angstrom: 0.05", "displace_angstrom: -1", 10, "must be >= 0"},
      {"unknown displacement mode", "displace_angstrom: 0.05", "displace_angstrom: 0.05, displace_mode: ball",
       10, "unknown displacement mode 'ball' (gaussian, sphere)"},
      {"bad stability", "bond_stretch_angstrom: 0.6", "bond_stretch_angstrom: 0", 11, "must be positive"},
      {"malformed yaml", "seeds: 3\n", "seeds: [3\n", 0, "malformed YAML"},
      {"zero bundle", "duration_ps: 2,", "duration_ps: 2, bundle: 0,", 9,
       "md.bundle must be auto or a bundle size"},
      {"bundle word", "duration_ps: 2,", "duration_ps: 2, bundle: big,", 9, "not 'big'"},
      {"huge bundle", "duration_ps: 2,", "duration_ps: 2, bundle: 5000,", 9, "from 1 to 1024"},
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

TEST(CampaignSpec, BundleIsAutoOrASize) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = test::temp_dir("spec-bundle");
  const auto bundle = [&](const std::string& value) {
    return load_campaign(
               write(dir, replace(valid_yaml(), "duration_ps: 2,", "duration_ps: 2, bundle: " + value + ",")))
        .bundle;
  };
  EXPECT_EQ(bundle("8"), 8);
  EXPECT_EQ(bundle("1"), 1);
  EXPECT_EQ(bundle("auto"), 0);
  EXPECT_EQ(parse_bundle("auto", "--bundle"), 0);
  EXPECT_EQ(parse_bundle("64", "--bundle"), 64);
  EXPECT_THROW(parse_bundle("-3", "--bundle"), InputError);
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
  EXPECT_EQ(
      campaign_fingerprint(load_campaign(write(dir, replace(valid_yaml(), "out/study.h5", "elsewhere.h5")))),
      base);
  EXPECT_NE(campaign_fingerprint(
                load_campaign(write(dir, replace(valid_yaml(), "duration_ps: 2", "duration_ps: 3")))),
            base);
  EXPECT_NE(
      campaign_fingerprint(load_campaign(write(dir, replace(valid_yaml(), "{mean: min}", "{mean: max}")))),
      base);
  const CampaignSpec sphere =
      load_campaign(write(dir, replace(valid_yaml(), "displace_angstrom: 0.05",
                                       "displace_angstrom: 0.05, displace_mode: sphere")));
  EXPECT_EQ(sphere.displace_mode, run::DisplaceMode::kSphere);
  EXPECT_NE(campaign_fingerprint(sphere), base);
  EXPECT_EQ(campaign_fingerprint(
                load_campaign(write(dir, replace(valid_yaml(), "displace_angstrom: 0.05",
                                                 "displace_angstrom: 0.05, displace_mode: gaussian")))),
            base)
      << "the default mode, said or not, is the same campaign";
  EXPECT_EQ(campaign_fingerprint(load_campaign(
                write(dir, replace(valid_yaml(), "duration_ps: 2,", "duration_ps: 2, bundle: 4,")))),
            base)
      << "bundles change the speed, not the results: a results file continues under any bundle size";
}

// A campaign that compares a GP set with the MMFF94 reference it should reproduce: the molecule gives its
// reference as SMILES and starts from the reference's own coordinates.
std::string reference_yaml() {
  return "name: versus-reference\n"  // 1
         "molecules:\n"              // 2
         "  water: {smiles: \"O\", models: " +
         test::shared_data("models/water-dlfflux") +
         "}\n"                               // 3
         "models:\n"                         // 4
         "  as-trained: {mean: file}\n"      // 5
         "  reference: {kind: reference}\n"  // 6
         "temperatures_K: [300]\n"           // 7
         "seeds: 2\n";                       // 8
}

TEST(CampaignSpec, ReferenceVariantAndSmilesMoleculeParse) {
  GPIQA_REQUIRE_SHARED_DATA();
  const CampaignSpec c = load_campaign(write(test::temp_dir("spec-ref"), reference_yaml()));
  ASSERT_EQ(c.models.size(), 2u);
  EXPECT_FALSE(c.models[0].is_reference());
  EXPECT_TRUE(c.models[1].is_reference());
  EXPECT_EQ(c.models[1].mean, "reference");
  ASSERT_EQ(c.molecules.size(), 1u);
  EXPECT_EQ(c.molecules[0].smiles, "O");
  EXPECT_TRUE(c.molecules[0].geometry.empty())
      << "no geometry given: the start is the reference's coordinates";
  EXPECT_FALSE(c.molecules[0].models.empty());
  EXPECT_GT(c.molecules[0].cost_per_step, 0);
  const std::vector<Task> tasks = expand_tasks(c, {});
  ASSERT_EQ(tasks.size(), 4u);
  EXPECT_EQ(pending_row(c, tasks[2]).model, "reference");
  EXPECT_EQ(pending_row(c, tasks[2]).mean, "reference")
      << "results rows of a reference variant say so in `mean`";
  EXPECT_EQ(pending_row(c, tasks[0]).mean, "file");
}

TEST(CampaignSpec, ReferenceOnlyCampaignNeedsNoModelSet) {
  const std::string yaml =
      "name: mmff\nmolecules:\n  ammonia: {smiles: N}\nmodels: {mmff: {kind: reference}}\n"
      "temperatures_K: 300\nseeds: 1\n";
  const CampaignSpec c = load_campaign(write(test::temp_dir("spec-ref-only"), yaml));
  ASSERT_EQ(c.molecules.size(), 1u);
  EXPECT_TRUE(c.molecules[0].models.empty());
  EXPECT_DOUBLE_EQ(c.molecules[0].cost_per_step, 16.0) << "4 atoms: atoms squared";
  EXPECT_EQ(reference_molecule(c.molecules[0]).elements(), (std::vector<std::string>{"N", "H", "H", "H"}));
}

TEST(CampaignSpec, BadReferenceInputNamesTheLine) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = test::temp_dir("spec-ref-bad");
  const std::string geometry = test::shared_data("geometries/water.xyz");
  const std::vector<Bad> cases = {
      {"reference variant, molecule without reference", "smiles: \"O\"", "geometry: " + geometry, 3,
       "molecule 'water' has no reference"},
      {"builtin with geometry", "smiles: \"O\", models: ",
       "builtin: water, geometry: " + geometry + ", models: ", 3, "builtin cannot be combined with geometry"},
      {"reference atoms differ from the GP set", "\"O\"", "\"N\"", 3,
       "SMILES 'N': 4 atoms, but model set WATER"},
      {"reference atoms differ from the geometry", "smiles: \"O\"",
       "smiles: \"O\", geometry: " + test::shared_data("geometries/ammonia.xyz"), 3,
       "4 atoms, but reference SMILES 'O' has 3"},
      {"mean on a reference variant", "{kind: reference}", "{kind: reference, mean: min}", 6,
       "has no prior mean"},
      {"unknown kind", "{kind: reference}", "{kind: mmff}", 6, "unknown kind 'mmff'"},
      {"reference and smiles", "smiles: \"O\"", "smiles: \"O\", reference: water.mol", 3,
       "has both reference and smiles"},
      {"invalid smiles", "\"O\"", "\"C1CC\"", 3, "invalid SMILES 'C1CC'"},
      {"GP variant without models", "smiles: \"O\", models: " + test::shared_data("models/water-dlfflux"),
       "smiles: \"O\"", 3, "has no models"},
  };
  for (const Bad& b : cases) {
    SCOPED_TRACE(b.what);
    try {
      load_campaign(write(dir, replace(reference_yaml(), b.from, b.to)));
      FAIL() << "accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
      EXPECT_EQ(e.file(), dir + "/campaign.yaml");
      EXPECT_EQ(e.line(), b.line) << e.what();
      EXPECT_NE(std::string(e.what()).find(b.message), std::string::npos) << e.what();
    }
  }
}

// Points GPIQA_DATA_DIR and GPIQA_MODELS_CACHE at fresh directories for one test, so the built-in lookups do
// not depend on the source tree's molecules/ and models/.
class BuiltinDataDir {
 public:
  BuiltinDataDir() : dir_(test::temp_dir("builtin-data")) {
    std::filesystem::create_directories(dir_ + "/molecules");
    const reference::Molecule water = reference::Molecule::from_smiles("O");
    std::ofstream(dir_ + "/molecules/water.mol") << water.molblock("water");
    const model::Positions r = water.positions_bohr() / units::kBohrPerAngstrom;
    std::ofstream xyz(dir_ + "/molecules/water.xyz");
    xyz.precision(17);
    xyz << "3\nwater\n";
    for (int a = 0; a < 3; ++a)
      xyz << water.elements()[static_cast<std::size_t>(a)] << " " << r(0, a) << " " << r(1, a) << " "
          << r(2, a) << "\n";
    setenv("GPIQA_DATA_DIR", dir_.c_str(), 1);
    setenv("GPIQA_MODELS_CACHE", (dir_ + "/cache").c_str(), 1);
  }
  ~BuiltinDataDir() {
    unsetenv("GPIQA_DATA_DIR");
    unsetenv("GPIQA_MODELS_CACHE");
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

TEST(CampaignSpec, BuiltinMoleculeBringsGeometryAndReference) {
  const BuiltinDataDir data;
  const std::string yaml =
      "name: builtin\nmolecules:\n  w: {builtin: water}\nmodels: {mmff: {kind: reference}}\n"
      "temperatures_K: 300\nseeds: 1\n";
  const CampaignSpec c = load_campaign(write(test::temp_dir("spec-builtin"), yaml));
  ASSERT_EQ(c.molecules.size(), 1u);
  EXPECT_EQ(c.molecules[0].builtin, "water");
  EXPECT_EQ(c.molecules[0].geometry, data.dir() + "/molecules/water.xyz");
  EXPECT_EQ(c.molecules[0].reference, data.dir() + "/molecules/water.mol");
  EXPECT_TRUE(c.molecules[0].models.empty()) << "a reference-only campaign must not need the built models";
}

TEST(CampaignSpec, BuiltinWithGpVariantNeedsItsBuiltModels) {
  const BuiltinDataDir data;
  const std::string yaml =
      "name: builtin\nmolecules:\n  w: {builtin: water}\nmodels: {as-trained: {mean: file}}\n"
      "temperatures_K: 300\nseeds: 1\n";
  try {
    load_campaign(write(test::temp_dir("spec-builtin-gp"), yaml));
    FAIL() << "accepted a GP variant without built models";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3) << e.what();
    EXPECT_NE(std::string(e.what()).find("gpiqa models build water"), std::string::npos) << e.what();
  }
}

// The committed study campaign on a fresh clone: water and ammonia resolve to the committed model sets, and
// the first molecule whose set is built on first use stops validation with the command that builds it.
TEST(CampaignSpec, CommittedStudyNamesTheModelSetToBuild) {
  setenv("GPIQA_MODELS_CACHE", test::temp_dir("empty-models-cache").c_str(), 1);
  try {
    load_campaign(std::string(GPIQA_SOURCE_DIR) + "/campaigns/mean-function-study.yaml");
    unsetenv("GPIQA_MODELS_CACHE");
    FAIL() << "accepted builtin methanol without its built model set";
  } catch (const InputError& e) {
    unsetenv("GPIQA_MODELS_CACHE");
    EXPECT_NE(std::string(e.what()).find("molecule 'methanol'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("gpiqa models build methanol"), std::string::npos) << e.what();
  }
}

TEST(Tasks, FingerprintFollowsTheReference) {
  GPIQA_REQUIRE_SHARED_DATA();
  const std::string dir = test::temp_dir("fp-ref");
  const std::string base = campaign_fingerprint(load_campaign(write(dir, reference_yaml())));
  // the same atoms (O, H, H) from another SMILES: another reference, another campaign
  EXPECT_NE(campaign_fingerprint(load_campaign(write(dir, replace(reference_yaml(), "\"O\"", "\"[OH2]\"")))),
            base);
  const std::string molfile = dir + "/water.mol";
  std::ofstream(molfile) << reference::Molecule::from_smiles("O").molblock("water");
  const std::string from_file = campaign_fingerprint(
      load_campaign(write(dir, replace(reference_yaml(), "smiles: \"O\"", "reference: " + molfile))));
  EXPECT_NE(from_file, base);
  std::ofstream(molfile) << reference::Molecule::from_smiles("O").molblock("water, edited");
  EXPECT_NE(campaign_fingerprint(load_campaign(
                write(dir, replace(reference_yaml(), "smiles: \"O\"", "reference: " + molfile)))),
            from_file)
      << "the molfile's bytes decide the fingerprint";
}

// A campaign on the committed water model set (no shared data needed), for the hostile-input cases below.
std::string committed_water_yaml() {
  const std::string root = GPIQA_SOURCE_DIR;
  return "name: hostile\n"  // 1
         "molecules:\n"     // 2
         "  water: {geometry: " +
         root + "/molecules/water.xyz, models: " + root +
         "/models/water}\n"                             // 3
         "models: {file: {mean: file}}\n"               // 4
         "temperatures_K: [300]\n"                      // 5
         "seeds: 2\n"                                   // 6
         "md: {timestep_fs: 0.5, duration_ps: 0.1}\n";  // 7
}

void expect_refused(const std::string& dir, const std::string& yaml, int line, const std::string& fragment) {
  try {
    load_campaign(write(dir, yaml));
    FAIL() << "accepted";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_EQ(e.file(), dir + "/campaign.yaml");
    EXPECT_EQ(e.line(), line) << msg;
    EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
  }
}

// yaml-cpp keeps the first of two equal keys and throws its own "bad conversion" (no file, no line) for a key
// that is a list or a mapping: both are the campaign's errors, with the line.
TEST(CampaignSpec, DuplicateAndComplexKeysAreRefusedWithTheLine) {
  const std::string dir = test::temp_dir("spec-keys");
  const std::string yaml = committed_water_yaml();
  load_campaign(write(dir, yaml));  // the base is valid
  expect_refused(dir, yaml + "seeds: 5\n", 8, "duplicate key 'seeds' (first at line 6)");
  expect_refused(dir, replace(yaml, "{timestep_fs: 0.5,", "{timestep_fs: 0.5, timestep_fs: 2,"), 7,
                 "duplicate key 'timestep_fs'");
  expect_refused(dir, replace(yaml, "models: {file: {mean: file}}", "models: {file: {mean: file}, file: {}}"),
                 4, "duplicate key 'file'");
  expect_refused(dir, yaml + "[a, b]: 1\n", 8, "a key must be a plain name");
  expect_refused(dir, replace(yaml, "models: {file:", "models: {{x: 1}: {}, file:"), 4,
                 "a key must be a plain name");
  expect_refused(dir, replace(yaml, "  water: {", "  [water]: {"), 3, "a key must be a plain name");
}

// Aliases are followed while checking keys: ten levels of ten-fold aliases (10^10 nodes) end with an error
// instead of a walk without end.
TEST(CampaignSpec, AliasesThatExpandWithoutEndAreRefused) {
  const std::string dir = test::temp_dir("spec-laughs");
  std::string yaml = committed_water_yaml() + "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    yaml += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 10; ++k) yaml += ", " + prev;
    yaml += "]\n";
  }
  try {
    load_campaign(write(dir, yaml));
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("more than 10^6 YAML nodes"), std::string::npos) << e.what();
  }
}

// `seeds: N` builds N tasks per cell: a count far beyond any study (the 10^7 of a typo) is refused at once
// instead of building an enormous task table.
TEST(CampaignSpec, SeedCountIsBounded) {
  const std::string dir = test::temp_dir("spec-seeds");
  expect_refused(dir, replace(committed_water_yaml(), "seeds: 2", "seeds: 10000000"), 6,
                 "seeds: 10000000 is more than 10000");
  const CampaignSpec c = load_campaign(
      write(dir, replace(committed_water_yaml(), "seeds: 2", "seeds: " + std::to_string(kMaxSeeds))));
  EXPECT_EQ(c.seeds.size(), static_cast<std::size_t>(kMaxSeeds));
}

// A time step of 1e-300 fs made 10^302 steps, which rounded to a negative count: rows were saved as stable
// after 0 steps. The step and the step count are bounded.
TEST(CampaignSpec, TimestepAndStepCountAreBounded) {
  const std::string dir = test::temp_dir("spec-timestep");
  const std::string yaml = committed_water_yaml();
  expect_refused(dir, replace(yaml, "timestep_fs: 0.5", "timestep_fs: 1e-300"), 7,
                 "md.timestep_fs must be 0.001..10 fs");
  expect_refused(dir, replace(yaml, "timestep_fs: 0.5", "timestep_fs: 50"), 7, "md.timestep_fs must be");
  expect_refused(dir, replace(yaml, "duration_ps: 0.1", "duration_ps: 1e300"), 7, "outside 1..2^53");
  expect_refused(dir, replace(yaml, "duration_ps: 0.1", "duration_ps: 1e-9"), 7, "outside 1..2^53");
  EXPECT_DOUBLE_EQ(
      load_campaign(write(dir, replace(yaml, "duration_ps: 0.1", "duration_ps: 1e12"))).duration_ps,
      1e12);  // long, but possible: `plan` and `run` warn with the expected cost
}

}  // namespace
}  // namespace gpiqa::campaign
