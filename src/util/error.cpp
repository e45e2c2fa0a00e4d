#include "gpiqa/util/error.hpp"

#include "gpiqa/util/printable.hpp"

namespace gpiqa {
namespace {
// The one place where input echoed into an error message is made printable (util::printable).
std::string format_message(const std::string& file, int line, const std::string& problem) {
  if (file.empty()) return util::printable(problem);
  if (line > 0) return util::printable(file + ":" + std::to_string(line) + ": " + problem);
  return util::printable(file + ": " + problem);
}
}  // namespace

InputError::InputError(std::string file, int line, const std::string& problem)
    : std::runtime_error(format_message(file, line, problem)),
      file_(std::move(file)),
      line_(line),
      problem_(problem) {}

}  // namespace gpiqa
