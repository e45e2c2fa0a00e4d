#include "gpiqa/io/writer_lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

namespace gpiqa::io {
namespace {

std::string host_name() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string boot_id() {
  return first_line("/proc/sys/kernel/random/boot_id");
}

// Field `number` (3: state, 22: start time in clock ticks since boot) of /proc/PID/stat; "" if unknown.
std::string stat_field(long long pid, int number) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return "";
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  for (int i = 3; i <= number && fields >> field; ++i)
    if (i == number) return field;
  return "";
}

long long process_start(long long pid) {
  return std::atoll(stat_field(pid, 22).c_str());
}

std::string command_line() {
  std::ifstream in("/proc/self/cmdline");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!all.empty() && all.back() == '\0') all.pop_back();
  for (char& c : all)
    if (c == '\0' || c == '\n' || c == '\r') c = ' ';
  if (all.size() > 300) all = all.substr(0, 297) + "...";
  return all;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string serialise(const LockHolder& h) {
  std::ostringstream s;
  s << "gpiqa writer lock\nhost: " << h.host << "\npid: " << h.pid << "\nstarted: " << h.started
    << "\nboot_id: " << h.boot_id << "\nprocess_start: " << h.process_start << "\ncommand: " << h.command
    << "\n";
  return s.str();
}

LockHolder parse(const std::string& text) {
  LockHolder h;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(": ");
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon), value = line.substr(colon + 2);
    if (key == "host") h.host = value;
    if (key == "pid") h.pid = std::atoll(value.c_str());
    if (key == "started") h.started = value;
    if (key == "boot_id") h.boot_id = value;
    if (key == "process_start") h.process_start = std::atoll(value.c_str());
    if (key == "command") h.command = value;
  }
  return h;
}

// Whether `h` (a holder on this host) still runs: same boot, the pid exists and is the same process.
bool alive_here(const LockHolder& h) {
  const std::string boot = boot_id();
  if (!h.boot_id.empty() && !boot.empty() && h.boot_id != boot) return false;  // rebooted since
  if (h.pid <= 0) return false;
  if (kill(static_cast<pid_t>(h.pid), 0) != 0 && errno == ESRCH) return false;
  const std::string state = stat_field(h.pid, 3);
  if (state == "Z" || state == "X") return false;  // killed, not yet reaped (a container's init may never)
  if (h.process_start > 0) {
    const long long now = process_start(h.pid);
    if (now > 0 && now != h.process_start) return false;  // the pid was reused
  }
  return true;
}

enum class FsLock { kTaken, kBusy, kUnsupported };

// An exclusive, non-blocking lock on the whole file, held as long as this open file description is open.
FsLock try_lock(int fd) {
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
#ifdef F_OFD_SETLK
  if (fcntl(fd, F_OFD_SETLK, &fl) == 0) return FsLock::kTaken;
  if (errno == EAGAIN || errno == EACCES) return FsLock::kBusy;
  if (errno != EINVAL) return FsLock::kUnsupported;
#endif
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) return FsLock::kTaken;  // kernels without OFD locks
  return errno == EWOULDBLOCK ? FsLock::kBusy : FsLock::kUnsupported;
}

// Whether `fd` is still the file named `path` (not removed or replaced meanwhile).
bool names(int fd, const std::string& path) {
  struct stat a {
  }, b{};
  return fstat(fd, &a) == 0 && stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

std::string read_all(int fd) {
  std::string text;
  char buf[4096];
  off_t at = 0;
  ssize_t n = 0;
  while ((n = pread(fd, buf, sizeof buf, at)) > 0 && text.size() < 65536) {
    text.append(buf, static_cast<std::size_t>(n));
    at += n;
  }
  return text;
}

[[noreturn]] void fail(const std::string& target, const std::string& what) {
  throw InputError(target, what + ": " + std::strerror(errno));
}

// A complete, fsynced, locked lock file of this process under a private name beside `path`.
int write_private(const std::string& target, const std::string& path, const std::string& content,
                  std::string& name) {
  name = path + ".new." + host_name() + "." + std::to_string(getpid());
  unlink(name.c_str());
  const int fd = open(name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) fail(target, "cannot create the lock file " + path);
  const bool written =
      write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && fsync(fd) == 0;
  if (!written || try_lock(fd) == FsLock::kBusy) {
    const int e = errno;
    close(fd);
    unlink(name.c_str());
    errno = e;
    fail(target, "cannot write the lock file " + path);
  }
  return fd;
}

}  // namespace

std::string lock_path(const std::string& target) {
  return target + ".lock";
}

LockHolder this_process(const std::string& command) {
  LockHolder h;
  h.host = host_name();
  h.pid = getpid();
  h.started = utc_now();
  h.boot_id = boot_id();
  h.process_start = process_start(h.pid);
  h.command = command.empty() ? command_line() : command;
  return h;
}

LockHolder read_lock_holder(const std::string& lock_file) {
  std::ifstream in(lock_file);
  if (!in) throw InputError(lock_file, "cannot read the lock file");
  return parse(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
}

std::string describe(const LockHolder& h) {
  std::string s = "host " + (h.host.empty() ? std::string("?") : h.host) + ", pid " +
                  (h.pid > 0 ? std::to_string(h.pid) : std::string("?")) + ", started " +
                  (h.started.empty() ? std::string("?") : h.started);
  if (!h.command.empty()) s += ", '" + h.command + "'";
  return s;
}

WriterLock::WriterLock(const std::string& target, const Options& options) : path_(lock_path(target)) {
  const std::string me = host_name();
  const std::string content = serialise(this_process(options.command));
  auto note = [&](const std::string& text) {
    if (options.notes) *options.notes << "gpiqa: note: " << text << std::endl;
  };
  LockHolder last;
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    // 1. a fresh lock: complete and locked before it gets its name
    std::string name;
    int fd = write_private(target, path_, content, name);
    const int linked = link(name.c_str(), path_.c_str());
    const int link_errno = errno;
    if (linked == 0 || names(fd, path_)) {  // names: the link made, but NFS lost the reply
      unlink(name.c_str());
      fd_ = fd;
      return;
    }
    close(fd);
    unlink(name.c_str());
    if (link_errno != EEXIST) {
      // a file system without hard links: O_EXCL creation (the content is written just after)
      fd = open(path_.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
      if (fd >= 0) {
        try_lock(fd);
        if (write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()) ||
            fsync(fd) != 0) {
          const int e = errno;
          close(fd);
          unlink(path_.c_str());
          errno = e;
          fail(target, "cannot write the lock file " + path_);
        }
        fd_ = fd;
        return;
      }
      if (errno != EEXIST) fail(target, "cannot create the lock file " + path_);
    }
    // 2. someone's lock exists: is its holder alive?
    const int old = open(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (old < 0) {
      if (errno == ENOENT) continue;  // released meanwhile: try again
      fail(target, "cannot open the lock file " + path_);
    }
    const FsLock state = try_lock(old);
    if (!names(old, path_)) {  // replaced or removed while we looked
      close(old);
      continue;
    }
    last = parse(read_all(old));
    const bool here = last.host == me, unreadable = last.host.empty();
    const bool alive = here && alive_here(last);
    auto refuse = [&](bool live) {
      close(old);
      if (live)
        throw LockedError(target, "is being written by another gpiqa (" + describe(last) +
                                      "); wait for it to end or stop it (lock file " + path_ + ")");
      throw LockedError(target, "is locked by a gpiqa on another host (" + describe(last) +
                                    "), which cannot be checked from here; if that run is gone, run again "
                                    "with --break-lock (lock file " +
                                    path_ + ")");
    };
    if (state == FsLock::kBusy) {
      if ((here && !alive) || unreadable) {  // being taken over or written this moment: look again
        close(old);
        continue;
      }
      if (alive) refuse(true);
      if (!options.break_lock) refuse(false);
    } else {
      if (alive) refuse(true);
      // an unreadable file nobody holds a lock on (a machine crash before its content reached the disk)
      // is stale where locks work; elsewhere it might be anyone's
      if (!here && !(unreadable && state == FsLock::kTaken) && !options.break_lock) refuse(false);
    }
    // 3. take over: the stale file is ours (locked) while the new one replaces it
    fd = write_private(target, path_, content, name);
    if (rename(name.c_str(), path_.c_str()) != 0) {
      const int e = errno;
      close(fd);
      close(old);
      unlink(name.c_str());
      errno = e;
      fail(target, "cannot replace the lock file " + path_);
    }
    close(old);
    fd_ = fd;
    if (here || unreadable)
      note("took over the lock of " + target + " from a run that is gone (" + describe(last) + ")");
    else
      note("broke the lock of " + target + " held on another host (" + describe(last) +
           ") as --break-lock asks");
    return;
  }
  throw LockedError(target, "its lock file " + path_ + " keeps changing (" + describe(last) +
                                "); another gpiqa is starting on it");
}

WriterState writer_state(const std::string& target) {
  WriterState state;
  const std::string path = lock_path(target);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return state;  // no lock file (or none readable): nobody writes
  state.holder = parse(read_all(fd));
  // Whether the holder's lock is held, without taking it: F_OFD_GETLK reports a conflicting lock (any lock of
  // the writer's open file description) and leaves nothing behind.
  bool held = false;
#ifdef F_OFD_GETLK
  struct flock fl {};
  fl.l_type = F_RDLCK;
  fl.l_whence = SEEK_SET;
  if (fcntl(fd, F_OFD_GETLK, &fl) == 0) held = fl.l_type != F_UNLCK;
#endif
  close(fd);
  const bool here = !state.holder.host.empty() && state.holder.host == host_name();
  using Kind = WriterState::Kind;
  if (held)
    state.kind = Kind::kLive;
  else if (here)
    state.kind = alive_here(state.holder) ? Kind::kLive : Kind::kGone;
  else
    state.kind = Kind::kUnknown;  // another host's lock that is not held may still be a live run where the
                                  // file system does not pass fcntl locks between hosts
  return state;
}

WriterLock::WriterLock(WriterLock&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) {
  o.fd_ = -1;
}

WriterLock& WriterLock::operator=(WriterLock&& o) noexcept {
  if (this != &o) {
    release();
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    o.fd_ = -1;
  }
  return *this;
}

WriterLock::~WriterLock() {
  release();
}

void WriterLock::release() {
  if (fd_ < 0) return;
  if (names(fd_, path_))
    unlink(path_.c_str());  // before closing: nobody locks a file that still has the name
  close(fd_);
  fd_ = -1;
}

}  // namespace gpiqa::io
