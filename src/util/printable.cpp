#include "gpiqa/util/printable.hpp"

#include <cstdio>

namespace gpiqa::util {

namespace {
// Length of the valid UTF-8 sequence starting at s[i] (2..4), or 0 if there is none (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF)
    n = 2;
  else if (b >= 0xE0 && b <= 0xEF)
    n = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
  else if (b >= 0xF0 && b <= 0xF4)
    n = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
  if (n == 0 || i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}
}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char hex[5];
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x20 && b < 0x7F) {
      out += text[i++];
      continue;
    }
    const std::size_t n = b >= 0x80 ? utf8_sequence(text, i) : 0;
    // U+0080..U+009F (C1 controls) are 0xC2 0x80..0x9F in UTF-8
    if (n > 0 && !(n == 2 && b == 0xC2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F)) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    if (b == '\n')
      out += "\\n";
    else if (b == '\r')
      out += "\\r";
    else if (b == '\t')
      out += "\\t";
    else
      std::snprintf(hex, sizeof hex, "\\x%02X", b), out += hex;
    ++i;
  }
  return out;
}

}  // namespace gpiqa::util
