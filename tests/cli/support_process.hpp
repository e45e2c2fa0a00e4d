#pragma once
// Runs the gpiqa executable as a user would and captures what it printed.
#include <string>

namespace gpiqa::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out, err;
};

/// Runs `gpiqa ARGS` through /bin/sh (arguments are passed as written: quote them yourself).
ProcessResult run_gpiqa(const std::string& args);

/// A refused input as the team wants it: one line on stderr with `fragment` in it, a non-zero exit that is
/// not a signal's, and no control byte echoed (but the final newline).
void expect_one_error_line(const ProcessResult& r, const std::string& fragment);

}  // namespace gpiqa::test
