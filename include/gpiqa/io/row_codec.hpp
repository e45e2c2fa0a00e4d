#pragma once
// The one JSON form of a result: the outcome record (stability/outcome.hpp), a /tasks row and the results
// header (io/results_row.hpp), a task's frames (io/frame_buffer.hpp). What `gpiqa md` prints, the journal's
// lines (io/results_journal.hpp) and the messages between a campaign's ranks (campaign/transport.hpp) are all
// written and read here, so a value means the same thing everywhere.
//
// The rule, for every value (a decoder reads exactly what the encoder writes, bit for bit):
//   double        finite: a JSON number in shortest round-trip form (exact, -0 included);
//                 NaN: null; +infinity: the string "inf"; -infinity: the string "-inf".
//                 Read back: numbers as they are, null as NaN, "inf"/"-inf" as the infinities, and the
//                 string "nan" as NaN (journals written before this rule spelled NaN so).
//   std::int64_t  -1 (the "none" of failure_step, rank): null; every other value a JSON integer. null reads
//                 back as -1.
//   Status        its name (stability::to_string); a string stays a string.
// NaN always reads back as the quiet NaN: its sign and payload are not kept (no result depends on them).
// Records are objects keyed by field name in the table's order; a decoder ignores keys it does not know and
// leaves fields the object lacks (written before they existed) at their initial values.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/results_row.hpp"
#include "gpiqa/stability/outcome.hpp"

namespace gpiqa::io {

using Json = nlohmann::ordered_json;  // what the encoders write: keys in the table's order

Json encode_double(double value);
/// Throws std::invalid_argument for anything but a number, null, "inf", "-inf" or "nan".
double decode_double(const nlohmann::json& value);
Json encode_int(std::int64_t value);
/// Throws std::invalid_argument for anything but an integer or null.
std::int64_t decode_int(const nlohmann::json& value);

/// kWithUnits adds a NAME_unit key after each field whose name does not say its unit (conserved_drift_unit,
/// max_force_unit, ...): the record `gpiqa md` prints.
enum class Units { kOmit, kWithUnits };
Json outcome_to_json(const stability::Outcome& outcome, Units units = Units::kOmit);
/// Throws std::invalid_argument (or nlohmann::json::exception) on a malformed value.
stability::Outcome outcome_from_json(const nlohmann::json& json);

/// Every column of the row by name, flat (the outcome's fields among the task's).
Json row_to_json(const TaskRow& row);
/// The columns `json` holds, over `row` (a column it lacks keeps row's value).
TaskRow row_from_json(const nlohmann::json& json, TaskRow row = {});

Json header_to_json(const ResultsHeader& header);
ResultsHeader header_from_json(const nlohmann::json& json);

/// Frames as arrays by series: elements, step, time, pos, vel, force, epot, ekin, econs, T.
Json frames_to_json(const FrameBuffer& frames);
FrameBuffer frames_from_json(const nlohmann::json& json);

}  // namespace gpiqa::io
