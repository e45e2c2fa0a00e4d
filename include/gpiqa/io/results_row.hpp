#pragma once
// A campaign's result, one task at a time: the /tasks row (TaskRow) and the results file's header, as plain
// data. The HDF5 table (io/results_file.hpp), its journal (io/results_journal.hpp), the JSON form
// (io/row_codec.hpp) and the coordinator's messages all carry these.
#include <cstdint>
#include <limits>
#include <string>

#include "gpiqa/stability/outcome.hpp"

namespace gpiqa::io {

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

/// Whether a row holds a result (any status but pending).
inline bool is_recorded(const TaskRow& row) {
  return row.outcome.status != stability::Status::kPending;
}

/// Whether two rows hold the same values in every column (NaN equals NaN; doubles by their shortest
/// round-trip text, so 0 and -0 differ).
bool same_row(const TaskRow& a, const TaskRow& b);

/// The results file's header (root attributes of io/results_file.hpp).
struct ResultsHeader {
  std::string campaign_name, campaign_yaml, campaign_fingerprint, software_version, created;
  std::int64_t shard_index = 0, shard_count = 1;
  double duration_ps = 0;
};

}  // namespace gpiqa::io
