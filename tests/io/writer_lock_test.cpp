// The writer lock (io/writer_lock.hpp): one holder at a time, named when another is refused; a lock left by a
// dead process on this host taken over with a note (also a reused pid, a rebooted machine, an unreadable
// file); another host's lock refused unless break_lock; of many processes taking over one stale lock at once,
// exactly one wins.
#include "gpiqa/io/writer_lock.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "support/test_data.hpp"

namespace gpiqa::test {
namespace {

namespace fs = std::filesystem;

std::string lock_text(const io::LockHolder& h) {
  std::ostringstream s;
  s << "gpiqa writer lock\nhost: " << h.host << "\npid: " << h.pid << "\nstarted: " << h.started
    << "\nboot_id: " << h.boot_id << "\nprocess_start: " << h.process_start << "\ncommand: " << h.command
    << "\n";
  return s.str();
}

// A lock file as another process would have left it (no fcntl lock held on it).
void plant_lock(const std::string& target, const io::LockHolder& h) {
  std::ofstream(io::lock_path(target)) << lock_text(h);
}

std::string message_of(const std::string& target, const io::WriterLock::Options& options) {
  try {
    io::WriterLock lock(target, options);
  } catch (const io::LockedError& e) {
    return e.what();
  }
  return "";
}

TEST(WriterLock, HoldsTheFileAndNamesItsHolder) {
  const std::string target = temp_dir("lock-basic") + "/out.h5";
  {
    io::WriterLock lock(target, {false, "gpiqa run test.yaml", nullptr});
    ASSERT_TRUE(fs::exists(io::lock_path(target)));
    const io::LockHolder h = io::read_lock_holder(io::lock_path(target));
    EXPECT_EQ(h.pid, getpid());
    EXPECT_EQ(h.command, "gpiqa run test.yaml");
    EXPECT_GT(h.process_start, 0);
    EXPECT_FALSE(h.started.empty());
    // a second writer (here: the same process, through another open file description) is refused
    const std::string refused = message_of(target, {});
    EXPECT_NE(refused.find("is being written by another gpiqa"), std::string::npos) << refused;
    EXPECT_NE(refused.find("pid " + std::to_string(getpid())), std::string::npos) << refused;
    EXPECT_NE(refused.find("'gpiqa run test.yaml'"), std::string::npos) << refused;
    EXPECT_EQ(refused.find('\n'), std::string::npos) << "one line";
    // --break-lock does not break a live holder on this host
    EXPECT_NE(message_of(target, {true, "", nullptr}), "");
  }
  EXPECT_FALSE(fs::exists(io::lock_path(target))) << "released with its holder";
  io::WriterLock again(target, {});
  EXPECT_TRUE(again.held());
}

TEST(WriterLock, ALockOfAProcessKilledWithSigkillIsTakenOverWithANote) {
  const std::string target = temp_dir("lock-stale") + "/out.h5";
  const pid_t child = fork();
  if (child == 0) {
    io::WriterLock lock(target, {});
    raise(SIGKILL);
  }
  siginfo_t info{};
  ASSERT_EQ(waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT), 0);  // dead, not reaped:
  ASSERT_EQ(info.si_code, CLD_KILLED);  // a zombie, as a container whose init reaps nothing keeps it
  ASSERT_TRUE(fs::exists(io::lock_path(target))) << "a killed holder leaves its lock file";
  EXPECT_EQ(io::read_lock_holder(io::lock_path(target)).pid, child);
  std::ostringstream notes;
  io::WriterLock lock(target, {false, "", &notes});
  EXPECT_TRUE(lock.held());
  EXPECT_NE(notes.str().find("took over the lock"), std::string::npos) << notes.str();
  EXPECT_NE(notes.str().find("pid " + std::to_string(child)), std::string::npos) << notes.str();
  EXPECT_EQ(io::read_lock_holder(io::lock_path(target)).pid, getpid());
  waitpid(child, nullptr, 0);
}

// Where fcntl locks do not work, the file alone decides: a live process is the one named (same boot, same
// pid, same start time); a reused pid or a reboot is not.
TEST(WriterLock, WithoutItsFcntlLockTheHolderIsJudgedByPidStartTimeAndBoot) {
  const std::string dir = temp_dir("lock-judge");
  const io::LockHolder parent = [] {
    io::LockHolder h = io::this_process("parent");
    h.pid = getppid();
    std::ifstream in("/proc/" + std::to_string(h.pid) + "/stat");
    const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 22; ++i) fields >> field;
    h.process_start = std::stoll(field);
    return h;
  }();
  plant_lock(dir + "/live.h5", parent);
  EXPECT_NE(message_of(dir + "/live.h5", {}).find("pid " + std::to_string(parent.pid)), std::string::npos);

  io::LockHolder reused = parent;
  reused.process_start += 1;  // the pid now belongs to another process
  plant_lock(dir + "/reused.h5", reused);
  EXPECT_EQ(message_of(dir + "/reused.h5", {}), "");

  io::LockHolder rebooted = parent;
  rebooted.boot_id = "00000000-0000-0000-0000-000000000000";
  plant_lock(dir + "/rebooted.h5", rebooted);
  EXPECT_EQ(message_of(dir + "/rebooted.h5", {}), "");

  std::ofstream(io::lock_path(dir + "/garbled.h5")) << "\x01\x02 not a lock";
  EXPECT_EQ(message_of(dir + "/garbled.h5", {}), "") << "nobody holds an unreadable lock file";
}

TEST(WriterLock, AnotherHostsLockNeedsBreakLock) {
  const std::string target = temp_dir("lock-host") + "/out.h5";
  io::LockHolder other = io::this_process("gpiqa run far.yaml");
  other.host = "node-elsewhere";
  plant_lock(target, other);
  const std::string refused = message_of(target, {});
  EXPECT_NE(refused.find("another host (host node-elsewhere"), std::string::npos) << refused;
  EXPECT_NE(refused.find("--break-lock"), std::string::npos) << refused;
  EXPECT_EQ(io::read_lock_holder(io::lock_path(target)).host, "node-elsewhere") << "left as it was";
  std::ostringstream notes;
  io::WriterLock lock(target, {true, "", &notes});
  EXPECT_NE(notes.str().find("broke the lock"), std::string::npos) << notes.str();
  EXPECT_EQ(io::read_lock_holder(io::lock_path(target)).pid, getpid());
}

TEST(WriterLock, ManyProcessesTakingOverOneStaleLockOneWins) {
  const std::string target = temp_dir("lock-race") + "/out.h5";
  for (int round = 0; round < 5; ++round) {
    io::LockHolder dead = io::this_process("dead");
    dead.pid = 999999999;  // no such process
    plant_lock(target, dead);
    int go[2], done[2];
    ASSERT_EQ(pipe(go), 0);
    ASSERT_EQ(pipe(done), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < 8; ++i) {
      const pid_t pid = fork();
      if (pid == 0) {
        close(go[1]);
        close(done[1]);
        char c;
        if (read(go[0], &c, 1) < 0) _exit(3);  // all start together
        int code = 2;
        try {
          {
            io::WriterLock lock(target, {});
            if (read(done[0], &c, 1) < 0) _exit(3);  // held until every other contender has decided
          }
          code = 0;
        } catch (const io::LockedError&) {
          code = 1;
        } catch (...) {
        }
        _exit(code);
      }
      children.push_back(pid);
    }
    close(go[0]);
    close(done[0]);
    close(go[1]);  // EOF: go
    int winners = 0, refused = 0, ended = 0;
    std::map<pid_t, bool> waiting;
    for (pid_t pid : children) waiting[pid] = true;
    auto collect = [&](pid_t pid, int status) {
      ++ended;
      winners += WIFEXITED(status) && WEXITSTATUS(status) == 0;
      refused += WIFEXITED(status) && WEXITSTATUS(status) == 1;
      waiting.erase(pid);
    };
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (ended < 7 && std::chrono::steady_clock::now() < give_up) {
      int status = 0;
      const pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid > 0 && waiting.count(pid))
        collect(pid, status);
      else
        usleep(1000);
    }
    close(done[1]);  // EOF: the holder lets go
    for (auto it = waiting.begin(); it != waiting.end();) {
      int status = 0;
      const pid_t pid = it->first;
      ++it;
      waitpid(pid, &status, 0);
      collect(pid, status);
    }
    EXPECT_EQ(winners, 1) << "round " << round;
    EXPECT_EQ(refused, 7) << "round " << round;
    EXPECT_FALSE(fs::exists(io::lock_path(target))) << "the winner released it";
  }
}

// What `gpiqa summary` says of a campaign comes from writer_state: a reader must tell a live writer from a
// lock left behind, without taking the lock or changing the file.
TEST(WriterLock, AReaderTellsALiveWriterFromAStaleLockWithoutTouchingIt) {
  const std::string dir = temp_dir("lock-state");
  using Kind = io::WriterState::Kind;
  EXPECT_EQ(io::writer_state(dir + "/none.h5").kind, Kind::kNone);
  {
    const io::WriterLock held(dir + "/live.h5", {false, "gpiqa run live.yaml", nullptr});
    const std::string before = lock_text(io::read_lock_holder(io::lock_path(dir + "/live.h5")));
    const io::WriterState live = io::writer_state(dir + "/live.h5");
    EXPECT_EQ(live.kind, Kind::kLive) << "this process holds its fcntl lock";
    EXPECT_EQ(live.holder.pid, getpid());
    EXPECT_EQ(live.holder.command, "gpiqa run live.yaml");
    EXPECT_EQ(lock_text(io::read_lock_holder(io::lock_path(dir + "/live.h5"))), before)
        << "looked, not touched";
  }
  EXPECT_EQ(io::writer_state(dir + "/live.h5").kind, Kind::kNone) << "released: the lock file is gone";

  io::LockHolder dead = io::this_process("gpiqa run dead.yaml");
  dead.process_start += 1;  // this pid, but another process than the one that wrote the lock
  plant_lock(dir + "/dead.h5", dead);
  EXPECT_EQ(io::writer_state(dir + "/dead.h5").kind, Kind::kGone);

  io::LockHolder elsewhere = dead;
  elsewhere.host = "node-elsewhere";
  plant_lock(dir + "/elsewhere.h5", elsewhere);
  const io::WriterState far = io::writer_state(dir + "/elsewhere.h5");
  EXPECT_EQ(far.kind, Kind::kUnknown) << "another host's run cannot be checked from here";
  EXPECT_EQ(far.holder.host, "node-elsewhere");
}

}  // namespace
}  // namespace gpiqa::test
