// Hostile input to `gpiqa run`, which starts MPI (so these run in test_cli_mpi, with the LeakSanitizer
// suppressions for Open MPI in the sanitizer build): a shard count beyond int and an output name the file
// system refuses once crashed or hung the job; now each is one error line and every rank exits non-zero.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/util/text.hpp"
#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

namespace fs = std::filesystem;

std::string water_campaign(const std::string& dir, const std::string& extra) {
  const std::string repo = GPIQA_SOURCE_DIR;
  std::ofstream(dir + "/c.yaml") << "name: c\nmolecules:\n  water: {geometry: " + repo +
                                        "/molecules/water.xyz, models: " + repo +
                                        "/models/water}\nmodels: {file: {}}\ntemperatures_K: 300\n" + extra;
  return dir + "/c.yaml";
}

// N of --shard I/N wrapped around int: 4294967296 became 0 (division by zero), 2147483648 a negative count.
TEST(HostileRun, ShardCountBeyondIntIsRefused) {
  const std::string dir = temp_dir("hostile-shard");
  const std::string campaign = water_campaign(dir, "seeds: 2\nmd: {duration_ps: 0.01}\n");
  for (const char* shard : {"0/4294967296", "0/2147483648", "0/-1"}) {
    SCOPED_TRACE(shard);
    expect_one_error_line(run_gpiqa("run " + campaign + " --shard " + shard),
                          "--shard: expected I/N with N in 1..2147483647");
  }
  EXPECT_FALSE(fs::exists(dir + "/results"));
}

std::string mpirun(int np) {
  setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
  setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
  return std::string(GPIQA_MPIEXEC) + " --oversubscribe -n " + std::to_string(np) + " " + gpiqa_binary();
}

// An output name the file system refuses (300 characters) failed on rank 0 only and left rank 1 waiting
// forever: every rank must end, non-zero, with one message.
TEST(HostileRun, OutputNameTooLongEndsEveryRankUnderMpirun) {
  const std::string dir = temp_dir("hostile-mpi");
  const std::string campaign = water_campaign(dir, "seeds: 2\nmd: {duration_ps: 0.01}\n");
  const std::string output = dir + "/" + std::string(300, 'x') + ".h5";
  const std::string cmd = "timeout -s KILL 120 " + mpirun(2) + " run " + campaign + " --output " + output +
                          " >" + dir + "/out 2>" + dir + "/err";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
  EXPECT_NE(WEXITSTATUS(status), 137) << "the job hung and was killed";
  const std::string err = util::read_text_file(dir + "/err");
  // one line from rank 0 naming the output (or the lock file beside it) and the file system's reason
  EXPECT_EQ(err.find("gpiqa: error: " + output), 0u) << err;
  EXPECT_NE(err.find("File name too long"), std::string::npos) << err;
}

}  // namespace
}  // namespace gpiqa::test
