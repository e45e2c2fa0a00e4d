#pragma once
// The campaign results file (HDF5), written by one process (rank 0 or a shard), flushed and closed after
// every batch of finished tasks so that h5py can read it while the campaign runs and a kill leaves a
// consistent file.
//   /            attributes format="gpiqa-results", format_version, campaign_name, campaign_yaml,
//                campaign_fingerprint, software_version, created (UTC ISO 8601), shard_index, shard_count
//   /tasks/      equal-length 1-D datasets, one row per task in task_id order (see TaskRow), with `unit`
//                attributes where they have one and a `description` attribute each
//   /trajectories/<task_id>/   frames (H5MD-style, as `gpiqa md --out`) when output.frames_every > 0
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/stability/outcome.hpp"

namespace gpiqa::io {

inline constexpr std::int64_t kResultsFormatVersion = 1;  // columns may be added within a version

// The /tasks row: the task's identity, its outcome (the record of stability/outcome.hpp) and where it ran.
// Columns are generated from these two lists and GPIQA_OUTCOME_FIELDS, X(type, name, initial, unit,
// description).
// clang-format off
#define GPIQA_TASK_FIELDS(X)                                                                                    \
  X(std::int64_t, task_id, 0, "", "position in the campaign's task order (molecules x models x temperatures x seeds)") \
  X(std::string, label, "", "", "molecule/model/temperature/seed")                                              \
  X(std::string, molecule, "", "", "molecule name in the campaign")                                             \
  X(std::string, model, "", "", "model variant name in the campaign")                                           \
  X(std::string, mean, "", "", "prior-mean spec of the variant (reference for the MMFF94 control)")             \
  X(double, temperature_K, 0.0, "K", "target temperature")                                                       \
  X(std::int64_t, seed, 0, "", "random seed")                                                                    \
  X(double, start_energy_target_kcal_mol, std::numeric_limits<double>::quiet_NaN(), "kcal/mol", "controlled start's target energy above the minimum (start.energy_above_minimum_kcal_mol); NaN for displaced starts")
#define GPIQA_PLACEMENT_FIELDS(X)                                                                               \
  X(std::int64_t, rank, -1, "", "MPI rank that ran the task; -1 while pending")                                  \
  X(std::string, host, "", "", "host that ran the task")
// clang-format on

struct TaskRow {
#define GPIQA_DECLARE_FIELD(type, name, initial, unit, description) type name = initial;
  GPIQA_TASK_FIELDS(GPIQA_DECLARE_FIELD)
  stability::Outcome outcome;
  GPIQA_PLACEMENT_FIELDS(GPIQA_DECLARE_FIELD)
#undef GPIQA_DECLARE_FIELD
};

/// Calls f(stability::FieldInfo, member) for every /tasks column of `row` (const or not).
template <class R, class F>
void for_each_column(R& row, F&& f) {
#define GPIQA_VISIT_FIELD(type, name, initial, unit, description) \
  f(stability::FieldInfo{#name, unit, description}, row.name);
  GPIQA_TASK_FIELDS(GPIQA_VISIT_FIELD)
  stability::for_each_field(row.outcome, f);
  GPIQA_PLACEMENT_FIELDS(GPIQA_VISIT_FIELD)
#undef GPIQA_VISIT_FIELD
}

/// The task's identity columns of `row`, every other column at its initial value (pending).
TaskRow pending_copy(const TaskRow& row);

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
