#pragma once
// A text recipe for an HDF5 file, so that the checkpoint fuzzer can vary what a well-formed file holds (which
// objects, their types, shapes and values) as easily as libFuzzer varies text, and regression inputs stay
// readable. One item per line ('#' starts a comment):
//   group PATH                        a group (and its parents)
//   attr PATH TYPE [VALUE...]         attribute NAME on the group or dataset before the last '/' (root if
//                                     none); one value: scalar, otherwise one value per element
//   data PATH TYPE DIMS [VALUE...]    a dataset of shape DIMS ("scalar", or N, NxM, ...; unlimited along the
//                                     first axis when DIMS starts with '+', chunked like gpiqa's frames),
//                                     filled with the values in order (the rest zero; none written above
//                                     65536 elements, so a huge shape costs no disk)
//   TYPE: str (fixed length), vstr (variable length), i64, i32, u8, f64, f32
// Lines that do not parse, or that HDF5 refuses, are skipped: the file holds what could be made.
#include <string>

namespace gpiqa::fuzz {

/// Writes the file the recipe describes to `path` (replacing it). False when not even the file was made.
bool write_hdf5_recipe(const std::string& recipe, const std::string& path);

}  // namespace gpiqa::fuzz
