// Hostile and damaged input through the gpiqa binary, as a user or another pipeline hands it over: each case
// below once crashed (heap overflow, SEGV, abort, out-of-memory), hung, or was accepted silently under the
// sanitizer build. Now each is one error line naming the file (and line where there is one), a non-zero exit,
// and no control byte of the input echoed to the terminal. Runs on the committed water model set.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/io/hdf5.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/util/text.hpp"
#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

namespace fs = std::filesystem;

const std::string kRepo = GPIQA_SOURCE_DIR;
const std::string kWater = " --models " + kRepo + "/models/water --xyz " + kRepo + "/molecules/water.xyz ";

std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// A copy of the committed water set whose O1 file is edited by `edit`.
std::string edited_water_set(const std::string& tag, const std::string& from, const std::string& to) {
  const std::string dir = temp_dir(tag);
  for (const char* atom : {"O1", "H2", "H3"})
    fs::copy_file(kRepo + "/models/water/WATER_iqa_" + std::string(atom) + ".model",
                  dir + "/WATER_iqa_" + atom + ".model");
  std::string text = util::read_text_file(dir + "/WATER_iqa_O1.model");
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  write_file(dir + "/WATER_iqa_O1.model", text);
  return dir;
}

// A checkpoint of a short nhc run (chain length 3: 6 thermostat variables) on the committed water set.
std::string water_checkpoint(const std::string& dir) {
  const ProcessResult r =
      run_gpiqa("md" + kWater + "--temperature 300 --duration-ps 0.01 --checkpoint " + dir + "/cp.h5");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir + "/cp.h5";
}

// Restarting from a checkpoint whose thermostat array does not fit the integrator overflowed the heap.
TEST(HostileInput, CheckpointFromAnotherChainLengthOrWithAShortThermostatIsRefused) {
  const std::string dir = temp_dir("hostile-cp");
  const std::string cp = water_checkpoint(dir);
  {
    io::h5::Handle f = io::h5::open_file(cp, io::h5::Mode::kReadWrite);
    io::h5::set_attribute(f.id(), "identity.chain_length", std::string("5"));
  }
  expect_one_error_line(
      run_gpiqa("md --restart " + cp + " --duration-ps 0.02"),
      "cp.h5: checkpoint has 6 thermostat variables, the nhc thermostat with chain length 5 "
      "keeps 10");
  const std::string cp2 = water_checkpoint(temp_dir("hostile-cp2"));
  {
    io::h5::Handle f = io::h5::open_file(cp2, io::h5::Mode::kReadWrite);
    ASSERT_GE(H5Ldelete(f.id(), "thermostat", H5P_DEFAULT), 0);
    io::h5::write_doubles(f.id(), "thermostat", {0.0, 0.0}, {2});
  }
  expect_one_error_line(run_gpiqa("md --restart " + cp2 + " --duration-ps 0.02"),
                        "checkpoint has 2 thermostat variables");
}

// A results file whose /tasks/task_id is out of place crashed `summary` and `run` (SEGV for 1000; a leak and
// an unclear message for -1).
TEST(HostileInput, ResultsFileWithTaskIdsOutOfPlaceIsRefused) {
  for (std::int64_t bad : {std::int64_t{1000}, std::int64_t{-1}}) {
    SCOPED_TRACE(bad);
    const std::string path = temp_dir("hostile-ids") + "/r.h5";
    std::vector<io::TaskRow> rows(2);
    rows[1].task_id = 1;
    io::create_results(path, io::ResultsHeader{}, rows);
    {
      io::h5::Handle f = io::h5::open_file(path, io::h5::Mode::kReadWrite);
      ASSERT_GE(H5Ldelete(f.id(), "tasks/task_id", H5P_DEFAULT), 0);
      io::h5::Handle tasks = io::h5::group(f.id(), "tasks", false);
      io::h5::write_ints(tasks.id(), "task_id", {bad, 1});
    }
    expect_one_error_line(run_gpiqa("summary " + path),
                          "r.h5: /tasks/task_id[0] is " + std::to_string(bad) + ", expected 0");
  }
}

// A model file without a training point aborted check-model and predict --mean min.
TEST(HostileInput, ModelFileWithoutTrainingPointsIsRefused) {
  const std::string set =
      edited_water_set("hostile-points", "number_of_training_points 300", "number_of_training_points 0");
  const std::string message = "WATER_iqa_O1.model:19: number_of_training_points 0 is out of range 1..";
  expect_one_error_line(run_gpiqa("check-model " + set + "/WATER_iqa_O1.model"), message);
  expect_one_error_line(
      run_gpiqa("predict --models " + set + " --xyz " + kRepo + "/molecules/water.xyz --mean min"), message);
}

// 10^8 features claimed by a file that holds 3 per row: allocated before the rows were read (out of memory).
TEST(HostileInput, ModelFileClaimingHugeFeatureCountIsRefused) {
  const std::string set =
      edited_water_set("hostile-features", "number_of_features 3", "number_of_features 100000000");
  expect_one_error_line(run_gpiqa("check-model " + set + "/WATER_iqa_O1.model"),
                        "features, expected 100000000");
}

// The ALF line and the atom label once wrapped around int.
TEST(HostileInput, ModelFileIndicesBeyondIntAreRefused) {
  expect_one_error_line(
      run_gpiqa("check-model " + edited_water_set("hostile-alf", "ALF 1 2 3", "ALF -2147483648 2 3") +
                "/WATER_iqa_O1.model"),
      "ALF index -2147483648 is out of range");
  expect_one_error_line(
      run_gpiqa("check-model " + edited_water_set("hostile-label", "atom O1", "atom O4294967297") +
                "/WATER_iqa_O1.model"),
      "atom label 'O4294967297': atom number out of range");
}

// An xyz file claiming 10^10 atoms (or 2^63 - 1) was allocated before its lines were counted.
TEST(HostileInput, XyzClaimingHugeAtomCountIsRefused) {
  const std::string dir = temp_dir("hostile-xyz");
  for (const char* count : {"10000000000", "9223372036854775807"}) {
    const std::string xyz =
        write_file(dir + "/big.xyz", std::string(count) + "\nc\nO 0 0 0\nH 1 0 0\nH 0 1 0\n");
    expect_one_error_line(run_gpiqa("predict --models " + kRepo + "/models/water --xyz " + xyz),
                          "big.xyz:5: truncated frame: expected " + std::string(count) + " atoms, found 3");
  }
}

// A time step of 1e-300 fs ran "stable" rows of 0 steps; now it is out of range on the command line too.
TEST(HostileInput, TimestepOutOfRangeIsRefused) {
  expect_one_error_line(run_gpiqa("md" + kWater + "--temperature 300 --duration-ps 1 --timestep-fs 1e-300"),
                        "timestep: 1e-300 fs is outside 0.001..10 fs");
  expect_one_error_line(run_gpiqa("md" + kWater + "--temperature 300 --duration-ps 1e300"),
                        "outside 1..2^53");
}

std::string water_campaign(const std::string& dir, const std::string& extra) {
  return write_file(dir + "/c.yaml", "name: c\nmolecules:\n  water: {geometry: " + kRepo +
                                         "/molecules/water.xyz, models: " + kRepo +
                                         "/models/water}\nmodels: {file: {}}\ntemperatures_K: 300\n" + extra);
}

// `seeds: 10000000` never got going; it is refused at once with the line.
TEST(HostileInput, HugeSeedCountIsRefusedAtOnce) {
  const std::string dir = temp_dir("hostile-seeds");
  const auto t0 = std::chrono::steady_clock::now();
  expect_one_error_line(run_gpiqa("plan " + water_campaign(dir, "seeds: 10000000\n")),
                        "c.yaml:6: seeds: 10000000 is more than 10000");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 60);
}

// `duration_ps: 1e12` (2e15 steps per task) was accepted without a word: plan warns with the expected cost.
TEST(HostileInput, EnormousDurationIsPlannedWithACostWarning) {
  const std::string dir = temp_dir("hostile-duration");
  const ProcessResult r = run_gpiqa("plan " + water_campaign(dir, "seeds: 2\nmd: {duration_ps: 1e12}\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("gpiqa: warning: " + dir +
                       "/c.yaml: md.duration_ps 1000000000000 ps at md.timestep_fs "
                       "0.5 is 2e+15 steps per task"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("core-hours"), std::string::npos) << r.err;
  const ProcessResult ordinary =
      run_gpiqa("plan " + water_campaign(dir, "seeds: 2\nmd: {duration_ps: 10}\n"));
  EXPECT_EQ(ordinary.exit_code, 0) << ordinary.err;
  EXPECT_EQ(ordinary.err.find("warning"), std::string::npos) << ordinary.err;
}

// Duplicate keys were accepted (the first won); a list as a key leaked yaml-cpp's "bad conversion" without
// the file name.
TEST(HostileInput, DuplicateAndComplexYamlKeysAreRefusedWithTheLine) {
  const std::string dir = temp_dir("hostile-keys");
  expect_one_error_line(run_gpiqa("plan " + water_campaign(dir, "seeds: 2\nseeds: 3\n")),
                        "c.yaml:7: duplicate key 'seeds' (first at line 6)");
  expect_one_error_line(run_gpiqa("plan " + water_campaign(dir, "seeds: 2\n[a, b]: 3\n")),
                        "c.yaml:7: a key must be a plain name");
  expect_one_error_line(run_gpiqa("plan " + water_campaign(dir, "seeds: 2\n{a: 1}: 3\n")),
                        "c.yaml:7: a key must be a plain name");
}

// Input bytes that would drive the terminal (escape sequences, carriage returns, bells) are echoed escaped.
TEST(HostileInput, ControlBytesOfTheInputAreEscapedInErrors) {
  const std::string dir = temp_dir("hostile-bytes");
  const std::string xyz = write_file(dir + "/esc.xyz", "3\nc\nO\x1b[31m 0 0 0\nH 1 0 0\nH 0 1\r\x07 0\n");
  expect_one_error_line(run_gpiqa("predict --models " + kRepo + "/models/water --xyz " + xyz),
                        "esc.xyz:5: coordinate '1\\r\\x07' is not a finite number");
  const std::string xyz2 = write_file(dir + "/esc2.xyz", "3\nc\nO 0 0 0\nH 1 0 0\nH 0 1 \x1b]0;owned\x07\n");
  expect_one_error_line(run_gpiqa("predict --models " + kRepo + "/models/water --xyz " + xyz2),
                        "coordinate '\\x1B]0;owned\\x07' is not a finite number");
  expect_one_error_line(
      run_gpiqa("check-model " +
                edited_water_set("hostile-esc", "type rbf-cyclic", "type rbf-\x1b[2Jcyclic") +
                "/WATER_iqa_O1.model"),
      "unsupported kernel type 'rbf-\\x1B[2jcyclic'");
  expect_one_error_line(run_gpiqa("plan " + water_campaign(dir, "seeds: \"\x1b[5m\"\n")),
                        "seeds must be an integer, not '\\x1B[5m'");
  expect_one_error_line(
      run_gpiqa("md" + kWater + "--temperature 300 --duration-ps 1 --thermostat \"$(printf '\\033[1mnhc')\""),
      "unknown thermostat '\\x1B[1mnhc'");
  expect_one_error_line(run_gpiqa("\"$(printf '\\033[31mmd')\""), "unknown command '\\x1B[31mmd'");
}

}  // namespace
}  // namespace gpiqa::test
