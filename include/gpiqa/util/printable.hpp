#pragma once
// Input echoed into a message, made safe for a terminal: the one escaping every error and warning uses
// (util/error.hpp formats InputError through it).
#include <string>
#include <string_view>

namespace gpiqa::util {

/// `text` made safe to echo in a one-line message: control bytes (C0, DEL, C1) and bytes that are not valid
/// UTF-8 become \xNN (a newline \n, a carriage return \r, a tab \t), so input can neither break the line nor
/// drive the terminal. Printable ASCII and valid UTF-8 pass unchanged; applying it twice changes nothing
/// more.
std::string printable(std::string_view text);

}  // namespace gpiqa::util
