#pragma once
// The result record (stability/outcome.hpp) as JSON: what `gpiqa md` prints and what a campaign worker sends
// its coordinator. Every field under its own name; NaN and the -1 of "no step" as null; a NAME_unit key for
// each field whose unit its name does not say (conserved_drift_unit, max_force_unit, ...). Doubles round-trip
// exactly.
#include <nlohmann/json.hpp>

#include "gpiqa/stability/outcome.hpp"

namespace gpiqa::run {

nlohmann::ordered_json outcome_json(const stability::Outcome& outcome);
/// Reads what outcome_json wrote; unknown keys are ignored, missing ones keep their initial values.
/// Throws nlohmann::json::exception or std::invalid_argument on a malformed value.
stability::Outcome outcome_from_json(const nlohmann::json& json);

}  // namespace gpiqa::run
