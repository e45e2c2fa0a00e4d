#pragma once
// XYZ geometry files (Angstrom): one or more frames of "N", a comment line, then N lines "Element x y z".
#include <string>
#include <vector>

#include <Eigen/Core>

namespace gpiqa::io {

struct XyzFrame {
  std::vector<std::string> elements;                            // as written, e.g. "O", "H"
  Eigen::Matrix<double, 3, Eigen::Dynamic> positions_angstrom;  // one column per atom
  std::string comment;
};

/// Reads every frame. Throws InputError naming the file and line on any malformed content.
std::vector<XyzFrame> read_xyz(const std::string& path);
/// Parses XYZ text; `name` is used in error messages.
std::vector<XyzFrame> parse_xyz(const std::string& text, const std::string& name);
/// Writes one frame (appends when `append`), positions with 10 decimals.
void write_xyz_frame(const std::string& path, const XyzFrame& frame, bool append);

/// Throws InputError(name, ...) unless `elements` (read from `name`) are `expected` in the same order;
/// `expected_name` says whose atoms those are ("reference SMILES 'O'").
void check_elements(const std::vector<std::string>& elements, const std::string& name,
                    const std::vector<std::string>& expected, const std::string& expected_name);

/// "O1" -> "O", "Cl12" -> "Cl"; normalises case of the element symbol ("cl" -> "Cl").
std::string normalise_element(const std::string& symbol);

}  // namespace gpiqa::io
