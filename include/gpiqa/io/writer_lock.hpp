#pragma once
// One writer per output file: the lock that `gpiqa run` (rank 0, or each shard's rank 0), `gpiqa merge` and
// `gpiqa md --out/--checkpoint` take before they write. HDF5's own file locking cannot serve: it is off for
// the writer so that h5py can read a live results file, and it does not work on many cluster file systems.
//
// The lock of TARGET is the file TARGET.lock beside it, holding who writes:
//     gpiqa writer lock
//     host: node17
//     pid: 4242
//     started: 2025-01-31T09:00:00Z
//     boot_id: 0b3c...            (/proc/sys/kernel/random/boot_id: tells a reboot from a live machine)
//     process_start: 123456789    (field 22 of /proc/PID/stat: tells a reused pid from the holder)
//     command: gpiqa run campaign.yaml
//
// Taking it:
//   1. The lock file is written completely under a private name, fsynced, locked (an fcntl open-file-
//      description lock, F_OFD_SETLK, held until the writer exits), and given its name by link(2), which is
//      atomic also on NFS: when TARGET.lock appears it is whole and already locked, and of two writers only
//      one link succeeds.
//   2. If TARGET.lock exists, the holder is alive when its fcntl lock is held (the kernel drops it when the
//      process dies, even by SIGKILL), or, where the file system has no working fcntl locks, when it is on
//      this host, the machine has not rebooted since (same boot_id), and /proc/PID exists with the same
//      process_start and is no zombie. A live holder: refused (LockedError: one line naming host, pid, start
//      and command).
//   3. A holder on this host that is gone (killed, crashed, machine rebooted) is taken over with a note: the
//      stale file is locked first, so that of two writers taking over at once only one succeeds, and is
//      replaced (rename) by the new holder's file.
//   4. A holder on another host cannot be checked from here (its pid means nothing on this machine, and a
//      file system mounted without lock support would let both lock it): refused unless break_lock says the
//      user knows that run is gone (`--break-lock`). A live holder on this host is refused even then.
// Released (the file removed, if still ours) when the WriterLock is destroyed; a killed writer leaves the
// file behind for step 3. Readers never take the lock.
#include <memory>
#include <ostream>
#include <string>

#include "gpiqa/util/error.hpp"

namespace gpiqa::io {

/// Who holds (or held) a lock: the content of a lock file.
struct LockHolder {
  std::string host, started, boot_id, command;
  long long pid = 0, process_start = 0;
};

/// Another writer holds the lock of `target` (or may: another host without --break-lock).
class LockedError : public InputError {
 public:
  LockedError(const std::string& target, const std::string& problem) : InputError(target, problem) {}
};

class WriterLock {
 public:
  struct Options {
    bool break_lock = false;        // take over a lock of another host (the user says that run is gone)
    std::string command;            // recorded in the lock file, e.g. "gpiqa run campaign.yaml"
    std::ostream* notes = nullptr;  // where takeovers are noted ("gpiqa: note: ...")
  };

  WriterLock() = default;
  /// Takes the lock of `target` (the file target + ".lock"). LockedError when another writer holds it;
  /// InputError when the lock file cannot be made (directory missing or not writable).
  WriterLock(const std::string& target, const Options& options);
  WriterLock(WriterLock&&) noexcept;
  WriterLock& operator=(WriterLock&&) noexcept;
  ~WriterLock();

  /// Removes the lock file (if it is still ours) and drops the lock; idempotent.
  void release();
  bool held() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

/// The lock file of `target`.
std::string lock_path(const std::string& target);
/// Reads a lock file (fields it lacks stay empty/0); InputError if it cannot be read.
LockHolder read_lock_holder(const std::string& lock_file);
/// This process as a lock holder.
LockHolder this_process(const std::string& command);
/// One-line description of a holder: "host H, pid P, started T ('command')".
std::string describe(const LockHolder& holder);

/// Who writes `target` now, as far as a reader can tell without taking the lock (`gpiqa summary` of a running
/// campaign): kNone (no lock file), kLive (its holder runs: its fcntl lock is held, or it is a live process
/// of this host where the file system has no fcntl locks), kGone (a holder of this host that is gone: killed,
/// crashed, rebooted; the next writer takes the lock over), kUnknown (a holder on another host whose lock
/// this file system cannot show, or an unreadable lock file).
struct WriterState {
  enum class Kind { kNone, kLive, kGone, kUnknown };
  Kind kind = Kind::kNone;
  LockHolder holder;
};
WriterState writer_state(const std::string& target);

}  // namespace gpiqa::io
