#pragma once
// The campaign results file (HDF5), written by one process (rank 0 or a shard, holding the writer lock:
// io/writer_lock.hpp), flushed after every batch of finished tasks so that h5py can read it while the
// campaign runs. A task's row is committed by its status, written last: frames first, then every other
// column, then the status, each step flushed, so that a reader (or a resume) never sees a finished row whose
// columns or frames are missing. This is the table alone: a campaign records through io/results_store.hpp,
// which journals each task before it is written here, so that what a kill inside HDF5 damages is repaired,
// or the file rebuilt, by the next run.
//   /            attributes format="gpiqa-results", format_version, campaign_name, campaign_yaml,
//                campaign_fingerprint, software_version, created (UTC ISO 8601), shard_index, shard_count
//   /tasks/      equal-length 1-D datasets, one row per task in task_id order (see TaskRow), with `unit`
//                attributes where they have one and a `description` attribute each
//   /trajectories/<task_id>/   frames (H5MD-style, as `gpiqa md --out`) when output.frames_every > 0
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/results_row.hpp"

namespace gpiqa::io {

inline constexpr std::int64_t kResultsFormatVersion = 1;  // columns may be added within a version

/// Creates a new file with every row pending. Refuses to overwrite an existing file.
void create_results(const std::string& path, const ResultsHeader& header, const std::vector<TaskRow>& rows);
/// Reads the header; throws InputError if the file is not a gpiqa results file of a supported version.
ResultsHeader read_results_header(const std::string& path);
std::vector<TaskRow> read_results_rows(const std::string& path);

/// Keeps a results file open for a run and records finished tasks, flushing after each call. The writer takes
/// no HDF5 file lock, so h5py can open the file at any time and sees the state of the last flush.
class ResultsWriter {
 public:
  /// Opens an existing results file; a file from before a column was added gets it (every row initial).
  explicit ResultsWriter(const std::string& path);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  /// Writes finished rows (by task_id = row index) and their frames, then flushes.
  void record(const std::vector<TaskRow>& rows, const std::map<std::int64_t, FrameBuffer>& frames);
  /// Removes the frames of these tasks (written by a run killed before it committed their rows).
  void forget_frames(const std::vector<std::int64_t>& task_ids);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// One-shot ResultsWriter: open, record, flush, close.
void record_results(const std::string& path, const std::vector<TaskRow>& rows,
                    const std::map<std::int64_t, FrameBuffer>& frames);
/// Frames of one task (empty buffer if none were recorded).
FrameBuffer read_task_frames(const std::string& path, std::int64_t task_id);
/// Every task the file holds a frames group for, with the length of its step series (-1: the group is there
/// but its steps cannot be read), without reading the frames.
std::map<std::int64_t, std::int64_t> task_frame_counts(const std::string& path);

}  // namespace gpiqa::io
