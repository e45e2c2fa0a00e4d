#include "gpiqa/io/xyz.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::io {

std::string normalise_element(const std::string& symbol) {
  std::string out;
  for (char c : symbol) {
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    out += out.empty() ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                       : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<XyzFrame> parse_xyz(const std::string& text, const std::string& name) {
  std::vector<std::string> lines = util::split_lines(text);
  std::vector<XyzFrame> frames;
  std::size_t i = 0;
  auto line_no = [&](std::size_t idx) { return static_cast<int>(idx + 1); };
  while (i < lines.size()) {
    if (util::trim(lines[i]).empty()) {  // blank lines between or after frames
      ++i;
      continue;
    }
    long long count = 0;
    if (!util::parse_integer(util::trim(lines[i]), count) || count <= 0)
      throw InputError(name, line_no(i),
                       "expected the atom count of a frame, found '" + util::trim(lines[i]) + "'");
    if (i + 1 >= lines.size())
      throw InputError(name, line_no(i), "truncated frame: the comment line and atoms are missing");
    XyzFrame frame;
    frame.comment = lines[i + 1];
    frame.positions_angstrom.resize(3, count);
    for (long long a = 0; a < count; ++a) {
      const std::size_t li = i + 2 + static_cast<std::size_t>(a);
      if (li >= lines.size())
        throw InputError(
            name, line_no(lines.size() - 1),
            "truncated frame: expected " + std::to_string(count) + " atoms, found " + std::to_string(a));
      std::vector<std::string> tok = util::split_whitespace(lines[li]);
      if (tok.size() < 4)
        throw InputError(name, line_no(li),
                         "expected 'Element x y z', found '" + util::trim(lines[li]) + "'");
      std::string element = normalise_element(tok[0]);
      if (element.empty()) throw InputError(name, line_no(li), "'" + tok[0] + "' is not an element symbol");
      frame.elements.push_back(element);
      for (int k = 0; k < 3; ++k) {
        double v = 0;
        if (!util::parse_double(tok[1 + k], v) || !std::isfinite(v))
          throw InputError(name, line_no(li), "coordinate '" + tok[1 + k] + "' is not a finite number");
        frame.positions_angstrom(k, a) = v;
      }
    }
    frames.push_back(std::move(frame));
    i += 2 + static_cast<std::size_t>(count);
  }
  if (frames.empty()) throw InputError(name, "no frames found");
  return frames;
}

void check_elements(const std::vector<std::string>& elements, const std::string& name,
                    const std::vector<std::string>& expected, const std::string& expected_name) {
  if (elements.size() != expected.size()) {
    std::string list;
    for (const std::string& e : expected) list += (list.empty() ? "" : " ") + e;
    throw InputError(name, std::to_string(elements.size()) + " atoms, but " + expected_name + " has " +
                               std::to_string(expected.size()) + " (" + list + ")");
  }
  for (std::size_t i = 0; i < elements.size(); ++i)
    if (elements[i] != expected[i])
      throw InputError(name, "atom " + std::to_string(i + 1) + " is " + elements[i] + " but " +
                                 expected_name + " has " + expected[i] + " there");
}

std::vector<XyzFrame> read_xyz(const std::string& path) {
  return parse_xyz(util::read_text_file(path), path);
}

void write_xyz_frame(const std::string& path, const XyzFrame& frame, bool append) {
  std::ofstream out(path, append ? std::ios::app : std::ios::trunc);
  if (!out) throw InputError(path, "cannot open for writing");
  out << frame.elements.size() << "\n" << frame.comment << "\n";
  char buf[160];
  for (std::size_t a = 0; a < frame.elements.size(); ++a) {
    const auto c = frame.positions_angstrom.col(static_cast<Eigen::Index>(a));
    std::snprintf(buf, sizeof buf, "%-3s %18.10f %18.10f %18.10f\n", frame.elements[a].c_str(), c(0), c(1),
                  c(2));
    out << buf;
  }
  if (!out) throw InputError(path, "write failed");
}

}  // namespace gpiqa::io
