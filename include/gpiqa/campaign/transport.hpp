#pragma once
// What a campaign's ranks say to each other, and the Transport that carries it: the one seam between the
// scheduler (campaign/coordinator.hpp, campaign/worker.hpp) and MPI. campaign/mpi_transport.hpp carries the
// messages between MPI ranks; tests carry them within one process.
//
// A worker asks (kRequest) and is given a bundle of task ids (kBundle) or told there is no more work
// (kStop, after which it ends); it sends each task's result (kResult: outcome, placement, frames) or, when a
// stop request cut the task short, kInterrupted, as soon as the task ends. The coordinator may tell a busy
// worker to stop now (kStopNow: its running tasks checkpoint and end as interrupted). kLost is said by the
// transport itself, not by a worker: that worker is gone (its process died, or the link to it broke) and
// will send nothing more. On the wire a message is one JSON object (encode/decode below), every value in the
// form of io/row_codec.hpp, so doubles arrive bit for bit.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpiqa/campaign/task_runner.hpp"

namespace gpiqa::campaign {

struct ToWorker {
  enum class Kind { kBundle, kStop, kStopNow };
  Kind kind = Kind::kStop;
  std::vector<std::int64_t> ids;  // kBundle: the tasks to run, in task order
};

struct ToCoordinator {
  enum class Kind { kRequest, kResult, kInterrupted, kLost };
  Kind kind = Kind::kRequest;
  int from = -1;  // the worker's rank
  /// kResult: row.task_id, row.outcome, row.rank, row.host, frames and steps_this_run (the row's identity
  /// columns are the coordinator's own). kInterrupted: row.task_id and steps_this_run.
  TaskResult result;
};

std::string encode(const ToWorker& message);
/// Throws InputError for text that is not a message.
ToWorker decode_to_worker(const std::string& text);
/// `from` is not sent: the transport knows the sender.
std::string encode(const ToCoordinator& message);
ToCoordinator decode_to_coordinator(const std::string& text, int from);

/// One rank's end of the campaign's links: rank 0 is the coordinator, the others workers.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual int rank() const = 0;
  /// Ranks in the job, the coordinator included.
  virtual int size() const = 0;

  // The coordinator's side.
  /// The next message from any worker, or a kLost the transport noticed; nullopt when none is waiting.
  virtual std::optional<ToCoordinator> poll() = 0;
  virtual void send(int worker, const ToWorker& message) = 0;

  // A worker's side.
  virtual void send(const ToCoordinator& message) = 0;
  /// Blocks until the coordinator's next kBundle or kStop.
  virtual ToWorker wait() = 0;
  /// Whether a kStopNow has arrived since the last call.
  virtual bool stop_now() = 0;

  // The whole job.
  /// Rank 0's `value` on every rank (collective).
  virtual int broadcast(int value) = 0;
  /// Ends every rank of the job with `code` (a rank that failed must not leave the others waiting).
  [[noreturn]] virtual void abort(int code) = 0;
};

}  // namespace gpiqa::campaign
