#include "gpiqa/campaign/transport.hpp"

#include <nlohmann/json.hpp>

#include "gpiqa/io/row_codec.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::campaign {
namespace {

using json = nlohmann::json;

// The wire names of the kinds (the "type" key).
const char* name_of(ToWorker::Kind kind) {
  switch (kind) {
    case ToWorker::Kind::kBundle:
      return "bundle";
    case ToWorker::Kind::kStop:
      return "stop";
    case ToWorker::Kind::kStopNow:
      return "stop-now";
  }
  return "stop";
}

const char* name_of(ToCoordinator::Kind kind) {
  switch (kind) {
    case ToCoordinator::Kind::kRequest:
      return "request";
    case ToCoordinator::Kind::kResult:
      return "result";
    case ToCoordinator::Kind::kInterrupted:
      return "interrupted";
    case ToCoordinator::Kind::kLost:
      return "lost";
  }
  return "request";
}

json parse(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j["type"].is_string())
    throw InputError("campaign message", "is not a message: " + text.substr(0, 80));
  return j;
}

[[noreturn]] void unknown(const std::string& type) {
  throw InputError("campaign message", "unknown type '" + type + "'");
}

}  // namespace

std::string encode(const ToWorker& m) {
  io::Json j = {{"type", name_of(m.kind)}};
  if (m.kind == ToWorker::Kind::kBundle) j["ids"] = m.ids;
  return j.dump();
}

ToWorker decode_to_worker(const std::string& text) {
  const json j = parse(text);
  const std::string type = j["type"];
  ToWorker m;
  for (ToWorker::Kind kind : {ToWorker::Kind::kBundle, ToWorker::Kind::kStop, ToWorker::Kind::kStopNow})
    if (type == name_of(kind)) m.kind = kind;
  if (type != name_of(m.kind)) unknown(type);
  try {
    if (m.kind == ToWorker::Kind::kBundle) m.ids = j.at("ids").get<std::vector<std::int64_t>>();
  } catch (const json::exception& e) {
    throw InputError("campaign message", e.what());
  }
  return m;
}

std::string encode(const ToCoordinator& m) {
  io::Json j = {{"type", name_of(m.kind)}};
  const TaskResult& r = m.result;
  switch (m.kind) {
    case ToCoordinator::Kind::kResult:
      j["task_id"] = r.row.task_id;
      j["outcome"] = io::outcome_to_json(r.row.outcome);
      j["rank"] = io::encode_int(r.row.rank);
      j["host"] = r.row.host;
      j["steps_this_run"] = r.steps_this_run;
      if (r.frames.size() > 0) j["frames"] = io::frames_to_json(r.frames);
      break;
    case ToCoordinator::Kind::kInterrupted:
      j["task_id"] = r.row.task_id;
      j["steps_this_run"] = r.steps_this_run;
      break;
    case ToCoordinator::Kind::kRequest:
    case ToCoordinator::Kind::kLost:
      break;
  }
  return j.dump();
}

ToCoordinator decode_to_coordinator(const std::string& text, int from) {
  const json j = parse(text);
  const std::string type = j["type"];
  ToCoordinator m;
  m.from = from;
  for (ToCoordinator::Kind kind : {ToCoordinator::Kind::kRequest, ToCoordinator::Kind::kResult,
                                   ToCoordinator::Kind::kInterrupted, ToCoordinator::Kind::kLost})
    if (type == name_of(kind)) m.kind = kind;
  if (type != name_of(m.kind)) unknown(type);
  TaskResult& r = m.result;
  try {
    if (m.kind == ToCoordinator::Kind::kResult || m.kind == ToCoordinator::Kind::kInterrupted) {
      r.row.task_id = j.at("task_id").get<std::int64_t>();
      r.steps_this_run = j.at("steps_this_run").get<std::int64_t>();
      r.interrupted = m.kind == ToCoordinator::Kind::kInterrupted;
    }
    if (m.kind == ToCoordinator::Kind::kResult) {
      r.row.outcome = io::outcome_from_json(j.at("outcome"));
      r.row.rank = io::decode_int(j.at("rank"));
      r.row.host = j.at("host").get<std::string>();
      if (j.contains("frames")) r.frames = io::frames_from_json(j["frames"]);
    }
  } catch (const std::exception& e) {
    throw InputError("campaign message", std::string("malformed ") + type + ": " + e.what());
  }
  return m;
}

}  // namespace gpiqa::campaign
