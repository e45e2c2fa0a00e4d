#pragma once
// Small, strict text helpers shared by the file readers: whole-token numeric parsing (no silent partial
// parses, no locale), line splitting that keeps line numbers meaningful.
#include <string>
#include <string_view>
#include <vector>

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
/// `text` made safe to echo in a one-line message: control bytes (C0, DEL, C1) and bytes that are not valid
/// UTF-8 become \xNN (a newline \n, a carriage return \r, a tab \t), so input can neither break the line nor
/// drive the terminal. Printable ASCII and valid UTF-8 pass unchanged; applying it twice changes nothing
/// more.
std::string printable(std::string_view text);

}  // namespace gpiqa::util
