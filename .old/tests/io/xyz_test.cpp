// XYZ reading: multi-frame files, element normalisation, and malformed input with line numbers.
#include "gpiqa/io/xyz.hpp"

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"

namespace gpiqa::io {
namespace {

TEST(Xyz, ReadsMultipleFrames) {
  const auto frames =
      parse_xyz("3\nfirst\nO 0 0 0\nH 1 0 0\nh 0 1 0\n3\nsecond\nO 0 0 0.5\nH 1 0 0\nH 0 1 0\n", "t.xyz");
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].elements, (std::vector<std::string>{"O", "H", "H"}));
  EXPECT_EQ(frames[1].comment, "second");
  EXPECT_DOUBLE_EQ(frames[1].positions_angstrom(2, 0), 0.5);
}

TEST(Xyz, ElementLabelsWithNumbersAreNormalised) {
  EXPECT_EQ(normalise_element("O1"), "O");
  EXPECT_EQ(normalise_element("cl12"), "Cl");
}

TEST(Xyz, MalformedInputNamesTheLine) {
  struct Case {
    const char* text;
    int line;
  };
  for (const Case& c :
       {Case{"x\ncomment\n", 1}, Case{"2\nc\nO 0 0 0\nH 1 zero 0\n", 4}, Case{"2\nc\nO 0 0 0\n", 3},
        Case{"1\nc\nO 0 0\n", 3}, Case{"1\nc\n1 0 0 0\n", 3}, Case{"", 0}, Case{"1\nc\nO nan 0 0\n", 3}}) {
    SCOPED_TRACE(c.text);
    try {
      parse_xyz(c.text, "bad.xyz");
      FAIL();
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "bad.xyz");
      if (c.line) {
        EXPECT_EQ(e.line(), c.line) << e.what();
      }
    }
  }
}

}  // namespace
}  // namespace gpiqa::io
