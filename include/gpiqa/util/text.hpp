#pragma once
// Small, strict text helpers shared by the file readers: whole-token numeric parsing (no silent partial
// parses, no locale), line splitting that keeps line numbers meaningful.
#include <string>
#include <string_view>
#include <vector>

#include "gpiqa/util/printable.hpp"  // util::printable, for the readers' messages

namespace gpiqa::util {

std::string read_text_file(const std::string& path);            // throws InputError(path, ...) if unreadable
std::vector<std::string> split_lines(const std::string& text);  // strips '\r'
std::vector<std::string> split_whitespace(std::string_view line);
/// Splits at every `separator` (empty fields kept: "a,,b" -> {"a", "", "b"}).
std::vector<std::string> split(std::string_view text, char separator);
std::string trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
/// Parses the whole token as a double (accepts Fortran 'D' exponents). False on anything else.
bool parse_double(std::string_view token, double& out);
bool parse_integer(std::string_view token, long long& out);
/// Shortest decimal text that reads back to the same double.
std::string format_double(double v);
/// A wall-clock duration for people: "2d03h", "1h02m", "3m05s", "12s"; "?" when negative or not finite.
std::string format_duration(double seconds);

}  // namespace gpiqa::util
