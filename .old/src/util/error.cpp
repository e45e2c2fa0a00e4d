#include "gpiqa/util/error.hpp"

namespace gpiqa {
namespace {
std::string format_message(const std::string& file, int line, const std::string& problem) {
  if (file.empty()) return problem;
  if (line > 0) return file + ":" + std::to_string(line) + ": " + problem;
  return file + ": " + problem;
}
}  // namespace

InputError::InputError(std::string file, int line, const std::string& problem)
    : std::runtime_error(format_message(file, line, problem)),
      file_(std::move(file)),
      line_(line),
      problem_(problem) {}

}  // namespace gpiqa
