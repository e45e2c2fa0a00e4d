#include "gpiqa/stability/outcome.hpp"

#include <stdexcept>
#include <string_view>

namespace gpiqa::stability {

const char* to_string(Status s) {
  switch (s) {
    case Status::kPending:
      return "pending";
    case Status::kStable:
      return "stable";
    case Status::kCollapsed:
      return "collapsed";
    case Status::kExploded:
      return "exploded";
    case Status::kFailed:
      return "failed";
    case Status::kInvalidStart:
      return "invalid-start";
  }
  return "failed";
}

Status status_from_string(const std::string& name) {
  for (Status s : kAllStatuses)
    if (name == to_string(s)) return s;
  throw std::invalid_argument("unknown status '" + name + "'");
}

bool unit_in_name(const FieldInfo& field) {
  const std::string_view name(field.name);
  std::string unit_text(field.unit);
  for (char& c : unit_text)
    if (c == '/') c = '_';  // kcal/mol is said as _kcal_mol
  const std::string_view unit(unit_text);
  if (unit.empty()) return true;
  auto ends_with = [&](std::string_view suffix) {
    return name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix &&
           name[name.size() - suffix.size() - 1] == '_';
  };
  return ends_with(unit) || (unit == "s" && ends_with("seconds"));
}

}  // namespace gpiqa::stability
