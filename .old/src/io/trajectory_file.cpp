#include "gpiqa/io/trajectory_file.hpp"

namespace gpiqa::io {

TrajectoryFile::TrajectoryFile(h5::Handle file, const std::vector<std::string>& elements)
    : file_(std::move(file)), writer_(std::make_unique<FrameWriter>(file_.id(), elements)) {}

TrajectoryFile::~TrajectoryFile() {
  writer_.reset();  // closes the datasets before the file
  if (file_) h5::flush(file_.id());
}

std::unique_ptr<TrajectoryFile> TrajectoryFile::create(const std::string& path,
                                                       const std::vector<std::string>& elements) {
  return std::unique_ptr<TrajectoryFile>(
      new TrajectoryFile(h5::open_file(path, h5::Mode::kCreateNew), elements));
}

std::unique_ptr<TrajectoryFile> TrajectoryFile::open(const std::string& path,
                                                     const std::vector<std::string>& elements) {
  return std::unique_ptr<TrajectoryFile>(
      new TrajectoryFile(h5::open_file(path, h5::Mode::kReadWrite), elements));
}

void TrajectoryFile::append(std::int64_t step, double time_ps, const md::Positions& r, const md::Positions& v,
                            const md::Positions& f, double epot, double ekin, double econs, double T) {
  writer_->write(step, time_ps, r, v, f, epot, ekin, econs, T);
}

void TrajectoryFile::flush() {
  h5::flush(file_.id());
}

}  // namespace gpiqa::io
