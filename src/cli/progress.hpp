#pragma once
// Progress reporting for long runs: a live, rewritten line on a terminal; plain periodic lines in a batch
// log.
#include <chrono>
#include <cstdio>
#include <string>

#include "gpiqa/util/text.hpp"

namespace gpiqa::cli {

class Progress {
 public:
  /// `interval_s`: how often to print when stderr is not a terminal (a terminal is refreshed ~4 times a
  /// second).
  explicit Progress(double batch_interval_s = 30.0);
  /// Prints `text` if it is time to; returns whether it printed.
  bool update(const std::string& text);
  /// Ends the live line (newline on a terminal).
  void finish();
  bool terminal() const { return terminal_; }

 private:
  bool terminal_;
  double interval_s_;
  std::chrono::steady_clock::time_point last_;
  bool printed_ = false;
};

using util::format_duration;

}  // namespace gpiqa::cli
