// The readers' text helpers (util/text.hpp): numbers parse only as whole tokens (a partial parse would turn
// "1.5x" into 1.5 and hide a broken file), Fortran D exponents read as E, line splitting keeps line numbers
// (blank lines stay, only the final newline goes) and drops the \r of CRLF files, and format_double is the
// shortest text that reads back to the same double.
#include "gpiqa/util/text.hpp"

#include <bit>
#include <cstdint>
#include <fstream>
#include <limits>

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"
#include "support/test_data.hpp"

namespace gpiqa::util {
namespace {

TEST(Text, NumbersParseOnlyAsWholeTokens) {
  double d = 0;
  EXPECT_TRUE(parse_double("-1.25e-3", d));
  EXPECT_EQ(d, -1.25e-3);
  EXPECT_TRUE(parse_double("+2.5", d));
  EXPECT_EQ(d, 2.5);
  EXPECT_TRUE(parse_double("1.0D+02", d)) << "FEREBUS writes Fortran exponents";
  EXPECT_EQ(d, 100.0);
  EXPECT_TRUE(parse_double("3d-1", d));
  EXPECT_EQ(d, 0.3);
  for (const char* bad : {"", "1.5x", "1.5 ", " 1.5", "one", "1,5", "--1", "0x10"}) {
    d = 42;
    EXPECT_FALSE(parse_double(bad, d)) << bad;
  }
  long long n = 0;
  EXPECT_TRUE(parse_integer("-9007199254740993", n));
  EXPECT_EQ(n, -9007199254740993LL);
  for (const char* bad : {"", "12a", "1.0", "+", "99999999999999999999"})
    EXPECT_FALSE(parse_integer(bad, n)) << bad;
}

TEST(Text, FormatDoubleIsTheShortestTextThatReadsBack) {
  EXPECT_EQ(format_double(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_double(300.0), "300");
  EXPECT_EQ(format_double(0.5), "0.5");
  for (double v : {1.0 / 3.0, -1e-300, std::numeric_limits<double>::denorm_min(),
                   std::numeric_limits<double>::max(), -0.0}) {
    double back = 1;
    ASSERT_TRUE(parse_double(format_double(v), back)) << format_double(v);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(back), std::bit_cast<std::uint64_t>(v)) << format_double(v);
  }
}

TEST(Text, LinesKeepTheirNumbersAndLoseTheirCarriageReturns) {
  EXPECT_EQ(split_lines("a\r\n\nb\n"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split_lines("a\nb"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(split_lines(""), std::vector<std::string>{});
  EXPECT_EQ(split_lines("\n\n"), (std::vector<std::string>{"", ""})) << "two blank lines, then nothing";
}

TEST(Text, FieldsSplitAsWrittenAndWhitespaceCollapses) {
  EXPECT_EQ(split("a,,b,", ','), (std::vector<std::string>{"a", "", "b", ""}));
  EXPECT_EQ(split("", ','), std::vector<std::string>{""});
  EXPECT_EQ(split_whitespace(" \tO  1.0\t-2 "), (std::vector<std::string>{"O", "1.0", "-2"}));
  EXPECT_TRUE(split_whitespace(" \t ").empty());
  EXPECT_EQ(trim("\t x y \r\n"), "x y");
  EXPECT_EQ(trim("   "), "");
  EXPECT_TRUE(starts_with("ALF 1 2", "ALF"));
  EXPECT_FALSE(starts_with("AL", "ALF"));
}

TEST(Text, AFileReadsWholeOrNamesItself) {
  const std::string path = test::temp_dir("text-read") + "/f.txt";
  const std::string content = std::string("line 1\r\nbinary \0 byte\n", 22);
  std::ofstream(path, std::ios::binary) << content;
  EXPECT_EQ(read_text_file(path), content);
  try {
    read_text_file(path + ".missing");
    ADD_FAILURE() << "a missing file read";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path + ".missing");
  }
}

// Progress lines of runs that last seconds or days: the two largest units, rounded to the second.
TEST(Text, DurationsReadAsTheTwoLargestUnits) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(59.4), "59s");
  EXPECT_EQ(format_duration(185), "3m05s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_duration(2 * 86400 + 3 * 3600 + 59), "2d03h");
  EXPECT_EQ(format_duration(-1), "?") << "unknown";
  EXPECT_EQ(format_duration(std::numeric_limits<double>::infinity()), "?");
}

}  // namespace
}  // namespace gpiqa::util
