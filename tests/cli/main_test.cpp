// The top-level command: without a command it shows what there is to do, as a usage error (exit 2), not
// CLI11's bare "a subcommand is required" (exit 106); an unknown command is named.
#include <gtest/gtest.h>

#include "support_process.hpp"

namespace gpiqa::test {
namespace {

TEST(MainCommand, NoCommandPrintsTheHelpAndExitsTwo) {
  const ProcessResult r = run_gpiqa("");
  EXPECT_EQ(r.exit_code, 2);
  for (const char* piece : {"Usage:", "run", "md", "summary", "merge"})
    EXPECT_NE(r.err.find(piece), std::string::npos) << piece << " in " << r.err;
}

TEST(MainCommand, AnUnknownCommandIsNamed) {
  const ProcessResult r = run_gpiqa("runn x.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'runn'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace gpiqa::test
