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

}  // namespace gpiqa::test
