#include "gpiqa/io/file_identity.hpp"

#include <filesystem>

#include "gpiqa/io/hdf5.hpp"

namespace gpiqa::io {

FileIdentity identify_file(const std::string& path) {
  FileIdentity f;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return f;
  if (std::filesystem::is_directory(path, ec)) {
    f.kind = FileIdentity::Kind::kNotHdf5;
    f.description = "a directory";
    return f;
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    f.kind = FileIdentity::Kind::kNotHdf5;
    f.description = "a file that is not HDF5";
    return f;
  }
  f.kind = FileIdentity::Kind::kOtherHdf5;
  f.description = "an HDF5 file gpiqa did not write";
  h5::Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_file_locking(fapl.id(), false, true);
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.id());
  if (id < 0) {
    f.kind = FileIdentity::Kind::kUnopenableHdf5;
    f.description = "an HDF5 file that cannot be opened";
    return f;
  }
  const h5::Handle file(id, H5Fclose);
  const std::string format =
      h5::has_attribute(id, "format") ? h5::string_attribute(id, "format") : std::string();
  if (format == "gpiqa-results") {
    f.kind = FileIdentity::Kind::kResults;
    f.description = "a gpiqa results file";
    if (h5::has_attribute(id, "campaign_name"))
      f.description += " (campaign '" + h5::string_attribute(id, "campaign_name") + "')";
  } else if (format == "gpiqa-checkpoint") {
    f.kind = FileIdentity::Kind::kCheckpoint;
    f.identity = h5::prefixed_string_attributes(id, "identity.");
    f.description = "a gpiqa checkpoint";
  } else if (h5::exists(id, "h5md")) {
    f.kind = FileIdentity::Kind::kTrajectory;
    f.identity = h5::prefixed_string_attributes(id, "identity.");
    f.description = "a trajectory file";
  }
  return f;
}

std::string identity_difference(const Identity& file, const Identity& run) {
  for (const auto& [key, value] : file) {
    if (key == "duration_ps") continue;
    const auto it = run.find(key);
    if (it == run.end()) return key + " " + value + ", which this run does not have";
    if (it->second != value) return key + " " + value + ", not " + it->second;
  }
  for (const auto& [key, value] : run)
    if (key != "duration_ps" && !file.count(key)) return "no " + key + " (this run: " + value + ")";
  return "";
}

}  // namespace gpiqa::io
