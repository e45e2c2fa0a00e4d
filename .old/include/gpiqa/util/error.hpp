#pragma once
// Errors gpiqa reports to users. Every bad input becomes one line: "FILE:LINE: problem" (LINE when known).
#include <stdexcept>
#include <string>

namespace gpiqa {

/// A problem with something a user gave us (file, geometry, option). `what()` is the one-line message.
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, int line, const std::string& problem);
  InputError(std::string file, const std::string& problem) : InputError(std::move(file), 0, problem) {}
  explicit InputError(const std::string& problem) : InputError(std::string(), 0, problem) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string file_;
  int line_;
  std::string problem_;
};

/// A geometry on which the model cannot be evaluated (e.g. collinear local-frame atoms). In a trajectory this
/// is a `failed` outcome, in `gpiqa predict` an input error.
class GeometryError : public std::runtime_error {
 public:
  explicit GeometryError(const std::string& problem) : std::runtime_error(problem) {}
};

}  // namespace gpiqa
