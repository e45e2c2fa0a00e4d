// Fuzz target: a checkpoint file (`gpiqa md --restart`, a resumed campaign task), loaded with the frames it
// keeps; the frames are then written out again (into an in-memory HDF5 file) as a resumed task does into its
// results. The input is either
//   - the file's raw bytes (it starts with HDF5's signature): corruption as a disk or a copy makes it, which
//     mostly tests that HDF5's checksums (io/hdf5.hpp, kCreateNewChecksummed) turn it into an error; or
//   - a text recipe (hdf5_recipe.hpp) that HDF5 itself writes into a well-formed file: which attributes and
//     datasets it has, with which types, shapes and values, as a file from another program or version would.
// Either way the bytes go through a temporary file and io::load_checkpoint(path), the entry point gpiqa uses.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "fuzz_input.hpp"
#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/io/frame_writer.hpp"
#include "gpiqa/io/hdf5.hpp"
#include "hdf5_recipe.hpp"

namespace {

const std::string& temp_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/gpiqa-fuzz-checkpoint-" + std::to_string(getpid()) +
           ".h5";
  }();
  return path;
}

void write_frames(const gpiqa::io::FrameBuffer& frames) {
  using namespace gpiqa::io;
  h5::Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fapl_core(fapl.id(), 1 << 16, 0);  // memory only
  h5::Handle file(H5Fcreate("fuzz-frames.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), H5Fclose);
  if (!file) return;
  h5::Handle group = h5::group(file.id(), "frames", true);
  write_h5md_frames(group.id(), frames);
}

bool is_hdf5(const std::uint8_t* data, std::size_t size) {
  return size >= 8 && std::memcmp(data, "\x89HDF\r\n\x1a\n", 8) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gpiqa;
  const std::string& path = temp_path();
  if (is_hdf5(data, size)) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  } else if (!fuzz::write_hdf5_recipe(fuzz::as_text(data, size), path)) {
    return 0;
  }
  fuzz::expect_clean([&] {
    io::Identity identity;
    io::FrameBuffer frames;
    io::load_checkpoint(path, &identity, &frames);
    if (frames.size() > 0) write_frames(frames);
  });
  std::remove(path.c_str());
  if (is_hdf5(data, size)) {
    // Every corrupt file meets a fresh HDF5, as in one `gpiqa md --restart`: after a failed open of some
    // corrupt files HDF5 keeps internal state (a leak) that makes later files behave differently.
    H5close();
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  return 0;
}
