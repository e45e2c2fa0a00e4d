// FNV-1a 64 (util/hash.hpp): the published test vectors (a fingerprint stored in a results file must mean
// the same bytes in every build), hashing in pieces equals hashing the whole, and hex64 is 16 lower-case hex
// digits, leading zeros kept.
#include "gpiqa/util/hash.hpp"

#include <gtest/gtest.h>

namespace gpiqa::util {
namespace {

// Vectors of the reference implementation (Fowler, Noll & Vo, "FNV hash" test suite).
TEST(Hash, Fnv1a64MatchesThePublishedVectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
}

TEST(Hash, HashingInPiecesEqualsHashingTheWhole) {
  EXPECT_EQ(fnv1a64("bar", fnv1a64("foo")), fnv1a64("foobar"));
  EXPECT_NE(fnv1a64("ab"), fnv1a64("ba"));
  EXPECT_NE(fnv1a64(std::string_view("a\0b", 3)), fnv1a64("ab")) << "every byte counts, NUL included";
}

TEST(Hash, Hex64IsSixteenLowerCaseDigits) {
  EXPECT_EQ(hex64(0), "0000000000000000");
  EXPECT_EQ(hex64(0x85944171f73967e8ull), "85944171f73967e8");
  EXPECT_EQ(hex64(0xfull), "000000000000000f");
}

}  // namespace
}  // namespace gpiqa::util
