#pragma once
// The campaign's messages (campaign/transport.hpp) between MPI ranks: the only MPI code of gpiqa besides
// `gpiqa run`'s MPI_Init. Each message is its JSON text, sent with one of three tags: to the coordinator
// (requests, results), to a worker (bundles, stop), and "stop now" (probed by a busy worker between steps).
// A worker that dies takes the job with it under Open MPI's default error handler (mpirun ends every rank),
// so this transport never reports kLost; the results journal keeps what was recorded, and a rerun resumes.
#include <mpi.h>

#include "gpiqa/campaign/transport.hpp"

namespace gpiqa::campaign {

class MpiTransport : public Transport {
 public:
  explicit MpiTransport(MPI_Comm comm);
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::optional<ToCoordinator> poll() override;
  void send(int worker, const ToWorker& message) override;
  void send(const ToCoordinator& message) override;
  ToWorker wait() override;
  bool stop_now() override;
  int broadcast(int value) override;
  [[noreturn]] void abort(int code) override;

 private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
};

}  // namespace gpiqa::campaign
