#include "support_process.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "gpiqa/util/text.hpp"
#include "support/test_data.hpp"

namespace gpiqa::test {

ProcessResult run_gpiqa(const std::string& args) {
  const std::string dir = temp_dir("proc");
  const std::string cmd = gpiqa_binary() + " " + args + " >" + dir + "/out 2>" + dir + "/err </dev/null";
  const int status = std::system(cmd.c_str());
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  r.out = slurp(dir + "/out");
  r.err = slurp(dir + "/err");
  return r;
}

void expect_one_error_line(const ProcessResult& r, const std::string& fragment) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(r.exit_code, 128) << "killed by a signal";
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
  EXPECT_TRUE(std::none_of(r.err.begin(), r.err.end() - (r.err.empty() ? 0 : 1), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  })) << util::printable(r.err);
}

}  // namespace gpiqa::test
