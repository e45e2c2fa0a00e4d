#include "progress.hpp"

#include <unistd.h>

#include <cmath>

namespace gpiqa::cli {

Progress::Progress(double batch_interval_s)
    : terminal_(isatty(STDERR_FILENO) != 0),
      interval_s_(terminal_ ? 0.25 : batch_interval_s),
      last_(std::chrono::steady_clock::now()) {}

bool Progress::update(const std::string& text) {
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_).count() < interval_s_) return false;
  last_ = now;
  if (terminal_)
    std::fprintf(stderr, "\r\033[K%s", text.c_str());
  else
    std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
  printed_ = true;
  return true;
}

void Progress::finish() {
  if (terminal_ && printed_) std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace gpiqa::cli
