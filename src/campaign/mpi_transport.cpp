#include "gpiqa/campaign/mpi_transport.hpp"

#include <cstdlib>
#include <string>

namespace gpiqa::campaign {
namespace {

constexpr int kTagToCoordinator = 1;
constexpr int kTagToWorker = 2;
constexpr int kTagStopNow = 3;

void send_text(MPI_Comm comm, int to, int tag, const std::string& text) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, comm);
}

// Receives the message `st` announced (after a probe of `tag`).
std::string receive_text(MPI_Comm comm, int tag, const MPI_Status& st) {
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  std::string text(static_cast<std::size_t>(n), '\0');
  MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, tag, comm, MPI_STATUS_IGNORE);
  return text;
}

}  // namespace

MpiTransport::MpiTransport(MPI_Comm comm) : comm_(comm) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

std::optional<ToCoordinator> MpiTransport::poll() {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(MPI_ANY_SOURCE, kTagToCoordinator, comm_, &flag, &st);
  if (!flag) return std::nullopt;
  return decode_to_coordinator(receive_text(comm_, kTagToCoordinator, st), st.MPI_SOURCE);
}

void MpiTransport::send(int worker, const ToWorker& message) {
  send_text(comm_, worker, message.kind == ToWorker::Kind::kStopNow ? kTagStopNow : kTagToWorker,
            encode(message));
}

void MpiTransport::send(const ToCoordinator& message) {
  send_text(comm_, 0, kTagToCoordinator, encode(message));
}

ToWorker MpiTransport::wait() {
  MPI_Status st;
  MPI_Probe(0, kTagToWorker, comm_, &st);
  return decode_to_worker(receive_text(comm_, kTagToWorker, st));
}

bool MpiTransport::stop_now() {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(0, kTagStopNow, comm_, &flag, &st);
  if (!flag) return false;
  receive_text(comm_, kTagStopNow, st);
  return true;
}

int MpiTransport::broadcast(int value) {
  MPI_Bcast(&value, 1, MPI_INT, 0, comm_);
  return value;
}

void MpiTransport::abort(int code) {
  MPI_Abort(comm_, code);
  std::exit(code);  // MPI_Abort does not return; this keeps [[noreturn]] honest if it did
}

}  // namespace gpiqa::campaign
