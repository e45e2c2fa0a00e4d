#include "gpiqa/stability/outcome.hpp"

#include <stdexcept>

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
  }
  return "failed";
}

Status status_from_string(const std::string& name) {
  for (Status s : {Status::kPending, Status::kStable, Status::kCollapsed, Status::kExploded, Status::kFailed})
    if (name == to_string(s)) return s;
  throw std::invalid_argument("unknown status '" + name + "'");
}

}  // namespace gpiqa::stability
