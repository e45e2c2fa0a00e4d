// Errors for users (util/error.hpp): one line "FILE:LINE: problem" (the line where known, the file where
// there is one), anything echoed from the input escaped where the error is made, and the parts kept apart
// for callers that re-raise an error under another name.
#include "gpiqa/util/error.hpp"

#include <gtest/gtest.h>

namespace gpiqa {
namespace {

TEST(InputError, IsOneLineNamingTheFileAndTheLineWhereKnown) {
  EXPECT_STREQ(InputError("campaign.yaml", 12, "unknown key 'sedes'").what(),
               "campaign.yaml:12: unknown key 'sedes'");
  EXPECT_STREQ(InputError("campaign.yaml", "not found").what(), "campaign.yaml: not found");
  EXPECT_STREQ(InputError("--temperature must be positive").what(), "--temperature must be positive");
  const InputError e("m.model", 3, "bad ALF");
  EXPECT_EQ(e.file(), "m.model");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.problem(), "bad ALF");
}

TEST(InputError, InputEchoedIntoItIsEscapedWhereItIsMade) {
  const InputError e("dir/\x1b]0;title\x07.model", 3, "found '\x1b[2J'\nnext");
  EXPECT_STREQ(e.what(), "dir/\\x1B]0;title\\x07.model:3: found '\\x1B[2J'\\nnext");
  EXPECT_EQ(e.problem(), "found '\x1b[2J'\nnext") << "the raw problem stays for callers that wrap it";
}

TEST(GeometryError, CarriesItsMessageUnchanged) {
  EXPECT_STREQ(GeometryError("atoms 1, 2 and 3 are collinear").what(), "atoms 1, 2 and 3 are collinear");
}

}  // namespace
}  // namespace gpiqa
