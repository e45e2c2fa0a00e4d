#pragma once
// Runs the gpiqa executable as a user would and captures what it printed.
#include <sys/types.h>

#include <string>

namespace gpiqa::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out, err;
};

/// Runs `gpiqa ARGS` through /bin/sh (arguments are passed as written: quote them yourself).
ProcessResult run_gpiqa(const std::string& args);

/// "mpirun --oversubscribe -n NP gpiqa" (allowed to run as root).
std::string mpirun_gpiqa(int np);

/// Starts `command` (through /bin/sh, exec'd) in a session of its own and returns its pid (= the session id):
/// mpirun's ranks stay in that session, so kill_session ends the whole job.
pid_t start_in_session(const std::string& command);
/// kill -9 to every process of a session, until none is left: the whole job, as SLURM kills a job's cgroup at
/// its wall-time limit. (Killing mpirun's process group alone leaves the ranks running on, still writing
/// files.) Reaps `session` itself.
void kill_session(pid_t session);

/// A refused input as the team wants it: one line on stderr with `fragment` in it, a non-zero exit that is
/// not a signal's, and no control byte echoed (but the final newline).
void expect_one_error_line(const ProcessResult& r, const std::string& fragment);

}  // namespace gpiqa::test
