// util::printable, the one place where input echoed into a message is made safe for a terminal: control bytes
// and invalid UTF-8 are escaped, everything printable (ASCII and UTF-8 alike) passes unchanged, and escaping
// twice changes nothing more.
#include "gpiqa/util/printable.hpp"

#include <gtest/gtest.h>

namespace gpiqa::util {
namespace {

TEST(Printable, EscapesControlBytesAndKeepsText) {
  EXPECT_EQ(printable("ALF 1 2 3 (O1) ~!@#$%^&*"), "ALF 1 2 3 (O1) ~!@#$%^&*");
  EXPECT_EQ(printable("a\x1b[31mb"), "a\\x1B[31mb");
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable("line\nnext\tcol\r\x07\x7f"), "line\\nnext\\tcol\\r\\x07\\x7F");
}

TEST(Printable, KeepsValidUtf8AndEscapesTheRest) {
  EXPECT_EQ(printable("Å α → 😀"), "Å α → 😀");
  EXPECT_EQ(printable("\xc2\x9b"
                      "2J"),
            "\\xC2\\x9B2J");                                // U+009B, the 8-bit CSI
  EXPECT_EQ(printable("\xff\xfe"), "\\xFF\\xFE");           // never UTF-8
  EXPECT_EQ(printable("\xc3"), "\\xC3");                    // truncated sequence
  EXPECT_EQ(printable("\xe0\x80\xaf"), "\\xE0\\x80\\xAF");  // overlong '/'
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // a UTF-16 surrogate
}

TEST(Printable, IsIdempotent) {
  const std::string once = printable("x\x1b\n\xff\xc2\x85y");
  EXPECT_EQ(printable(once), once);
}

}  // namespace
}  // namespace gpiqa::util
