// A trajectory file of its own (io/trajectory_file.hpp, `gpiqa md --out`): created with its run's identity,
// streamed frame by frame and readable as the frames written; opened again to continue, frames after the
// checkpoint's step are dropped first, so the file equals that of an uninterrupted run; an existing file is
// never overwritten by create.
#include "gpiqa/io/trajectory_file.hpp"

#include <gtest/gtest.h>

#include "gpiqa/io/file_identity.hpp"
#include "gpiqa/io/frame_writer.hpp"
#include "gpiqa/util/error.hpp"
#include "support/test_data.hpp"

namespace gpiqa::io {
namespace {

void append(TrajectoryFile& t, std::int64_t step) {
  const md::Positions r = md::Positions::Constant(3, 2, static_cast<double>(step));
  t.append(step, static_cast<double>(step) * 0.0005, r, r, r, -1.0, 0.5, -0.5, 300.0);
}

FrameBuffer read(const std::string& path) {
  h5::Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  return read_h5md_frames(f.id());
}

TEST(TrajectoryFile, ContinuedFromACheckpointItEqualsAnUninterruptedRun) {
  const std::string dir = test::temp_dir("trajectory-file");
  const Identity run = {{"seed", "3"}};
  {
    auto straight = TrajectoryFile::create(dir + "/straight.h5", {"O", "H"}, run);
    for (std::int64_t s : {0, 10, 20, 30}) append(*straight, s);
  }
  {
    auto first = TrajectoryFile::create(dir + "/resumed.h5", {"O", "H"}, run);
    for (std::int64_t s : {0, 10, 20, 30}) append(*first, s);  // steps 20, 30 came after the checkpoint
    first->flush();
  }
  {
    auto resumed = TrajectoryFile::open(dir + "/resumed.h5", {"O", "H"});
    resumed->keep_through(10);
    for (std::int64_t s : {20, 30}) append(*resumed, s);
  }
  const FrameBuffer a = read(dir + "/straight.h5"), b = read(dir + "/resumed.h5");
  EXPECT_EQ(b.step, (std::vector<std::int64_t>{0, 10, 20, 30}));
  EXPECT_EQ(b.positions_angstrom, a.positions_angstrom);
  EXPECT_EQ(b.elements, (std::vector<std::string>{"O", "H"}));
  EXPECT_EQ(identify_file(dir + "/resumed.h5").identity, run) << "the run's identity stays with the file";
}

TEST(TrajectoryFile, CreateNeverOverwrites) {
  const std::string path = test::temp_dir("trajectory-file-exists") + "/t.h5";
  {
    auto t = TrajectoryFile::create(path, {"O"});
    append(*t, 0);
  }
  EXPECT_THROW(TrajectoryFile::create(path, {"O"}), InputError);
  EXPECT_EQ(read(path).size(), 1u);
}

}  // namespace
}  // namespace gpiqa::io
