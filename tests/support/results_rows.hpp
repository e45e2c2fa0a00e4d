#pragma once
// Results-table rows, headers and frames for the tests of the results file, its journal, its store and the
// scheduler: a water campaign's pending rows, a finished row with every kind of special value (a failure
// step, an infinite force, NaN metrics), and frames whose positions say which frame they are.
#include <limits>
#include <string>
#include <vector>

#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/results_file.hpp"
#include "support/test_data.hpp"

namespace gpiqa::test {

inline std::vector<io::TaskRow> pending_rows(int n) {
  std::vector<io::TaskRow> rows(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    io::TaskRow& r = rows[static_cast<std::size_t>(i)];
    r.task_id = i;
    r.label = "water/MIN/300K/seed" + std::to_string(i + 1);
    r.molecule = "water";
    r.model = "MIN";
    r.mean = "min";
    r.temperature_K = 300;
    r.seed = i + 1;
  }
  return rows;
}

inline io::TaskRow finished(io::TaskRow r, double drift) {
  r.outcome.status = stability::Status::kExploded;
  r.outcome.reason = "O1-H2 stretched by 0.51 A";
  r.outcome.time_to_failure_ps = 0.1 + 0.2;
  r.outcome.failure_step = 601;
  r.outcome.steps = 601;
  r.outcome.conserved_drift = drift;
  r.outcome.max_force = std::numeric_limits<double>::infinity();
  r.rank = 1;
  r.host = "node7";
  return r;
}

/// n frames of water; frame i has every coordinate x + i.
inline io::FrameBuffer frames_of(int n, double x) {
  io::FrameBuffer f;
  f.elements = {"O", "H", "H"};
  for (int i = 0; i < n; ++i) {
    md::Positions r = md::Positions::Constant(3, 3, x + i), v = md::Positions::Zero(3, 3);
    f.append(10 * i, 0.005 * i, r, v, md::Positions::Zero(3, 3), -76.0, 0.01, -75.99, 300);
  }
  return f;
}

inline io::ResultsHeader results_header() {
  io::ResultsHeader h;
  h.campaign_name = "journal";
  h.campaign_fingerprint = "abc";
  h.created = "2025-01-31T09:00:00Z";
  h.duration_ps = 0.5;
  return h;
}

/// A new results file of n pending rows in a fresh folder.
inline std::string new_results(const std::string& tag, int n) {
  const std::string path = temp_dir(tag) + "/r.h5";
  io::create_results(path, results_header(), pending_rows(n));
  return path;
}

}  // namespace gpiqa::test
