#pragma once
// The campaign results file (HDF5), written by one process (rank 0 or a shard), flushed and closed after
// every batch of finished tasks so that h5py can read it while the campaign runs and a kill leaves a
// consistent file.
//   /            attributes format="gpiqa-results", format_version, campaign_name, campaign_yaml,
//                campaign_fingerprint, software_version, created (UTC ISO 8601), shard_index, shard_count
//   /tasks/      equal-length 1-D datasets, one row per task in task_id order (see TaskRow), with `unit`
//                attributes where they have one
//   /trajectories/<task_id>/   frames (H5MD-style, as `gpiqa md --out`) when output.frames_every > 0
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gpiqa/io/frame_buffer.hpp"

namespace gpiqa::io {

inline constexpr std::int64_t kResultsFormatVersion = 1;

struct TaskRow {
  std::int64_t task_id = 0;
  std::string label, molecule, model, mean;
  double temperature_K = 0;
  std::int64_t seed = 0;
  std::string status = "pending", reason;
  double time_to_failure_ps = std::numeric_limits<double>::quiet_NaN();
  std::int64_t failure_step = -1;
  double simulated_ps = 0;
  std::int64_t steps = 0;
  double mean_temperature_K = std::numeric_limits<double>::quiet_NaN();
  double std_temperature_K = std::numeric_limits<double>::quiet_NaN();
  double conserved_drift = std::numeric_limits<double>::quiet_NaN();
  double max_bond_deviation_angstrom = std::numeric_limits<double>::quiet_NaN();
  double min_distance_angstrom = std::numeric_limits<double>::quiet_NaN();
  double max_force = std::numeric_limits<double>::quiet_NaN();
  double extrapolation_fraction = std::numeric_limits<double>::quiet_NaN();
  double wall_seconds = 0;
  double steps_per_second = 0;
  std::int64_t rank = -1;
  std::string host;
};

struct ResultsHeader {
  std::string campaign_name, campaign_yaml, campaign_fingerprint, software_version, created;
  std::int64_t shard_index = 0, shard_count = 1;
  double duration_ps = 0;
};

/// Creates a new file with every row pending. Refuses to overwrite an existing file.
void create_results(const std::string& path, const ResultsHeader& header, const std::vector<TaskRow>& rows);
/// Reads the header; throws InputError if the file is not a gpiqa results file of a supported version.
ResultsHeader read_results_header(const std::string& path);
std::vector<TaskRow> read_results_rows(const std::string& path);
/// Keeps a results file open for a run and records finished tasks, flushing after each call. The writer takes
/// no file lock, so h5py can open the file at any time and sees the state of the last flush.
class ResultsWriter {
 public:
  explicit ResultsWriter(const std::string& path);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  /// Writes finished rows (by task_id = row index) and their frames, then flushes.
  void record(const std::vector<TaskRow>& rows, const std::map<std::int64_t, FrameBuffer>& frames);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// One-shot ResultsWriter: open, record, flush, close.
void record_results(const std::string& path, const std::vector<TaskRow>& rows,
                    const std::map<std::int64_t, FrameBuffer>& frames);
/// Frames of one task (empty buffer if none were recorded).
FrameBuffer read_task_frames(const std::string& path, std::int64_t task_id);

}  // namespace gpiqa::io
