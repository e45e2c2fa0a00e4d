#include "support_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

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

std::string mpirun_gpiqa(int np) {
  setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
  setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
  return std::string(GPIQA_MPIEXEC) + " --oversubscribe -n " + std::to_string(np) + " " + gpiqa_binary();
}

pid_t start_in_session(const std::string& command) {
  const pid_t pid = fork();
  if (pid == 0) {
    setsid();
    const std::string cmd = "exec " + command;
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

void kill_session(pid_t session) {
  namespace fs = std::filesystem;
  // A process killed in the middle of an fsync (state D) dies only when the disk lets it: on a loaded machine
  // that took over 4 s, so the bound is generous; what a test checks is that the job ends, not how fast.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (true) {
    int alive = 0;
    for (const auto& e : fs::directory_iterator("/proc")) {
      const std::string name = e.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream in(e.path() / "stat");
      std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const auto close = stat.rfind(')');  // fields after "pid (comm)": state ppid pgrp session
      if (close == std::string::npos) continue;
      std::istringstream fields(stat.substr(close + 2));
      std::string state;
      long ppid = 0, pgrp = 0, sid = 0;
      fields >> state >> ppid >> pgrp >> sid;
      if (sid != session || state == "Z") continue;
      ++alive;
      kill(static_cast<pid_t>(std::stol(name)), SIGKILL);
    }
    if (alive == 0) break;
    if (std::chrono::steady_clock::now() > give_up) {
      ADD_FAILURE() << "processes of session " << session << " survive kill -9 for a minute";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  waitpid(session, nullptr, 0);
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
