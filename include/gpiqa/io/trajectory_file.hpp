#pragma once
// A trajectory file of its own (`gpiqa md --out`): an HDF5 file whose root is the H5MD 1.1 structure of
// FrameWriter (metadata, particles, observables), streamed frame by frame. MDAnalysis and other H5MD readers
// open it as it is. The root's attributes identity.<key> record the run (as a checkpoint's do), so that a
// restart continues only its own trajectory (io/file_identity.hpp).
#include <memory>
#include <string>
#include <vector>

#include "gpiqa/io/checkpoint_state.hpp"
#include "gpiqa/io/frame_sink.hpp"
#include "gpiqa/io/frame_writer.hpp"
#include "gpiqa/io/hdf5.hpp"

namespace gpiqa::io {

class TrajectoryFile : public FrameSink {
 public:
  /// Creates `path` (InputError if it exists) for frames of `elements`, written by the run `identity`.
  static std::unique_ptr<TrajectoryFile> create(const std::string& path,
                                                const std::vector<std::string>& elements,
                                                const Identity& identity = {});
  /// Opens an existing trajectory file to continue it.
  static std::unique_ptr<TrajectoryFile> open(const std::string& path,
                                              const std::vector<std::string>& elements);
  ~TrajectoryFile() override;

  void append(std::int64_t step, double time_ps, const md::Positions& positions_bohr,
              const md::Positions& velocities_atomic, const md::Positions& forces_hartree_per_bohr,
              double potential_hartree, double kinetic_hartree, double conserved_hartree,
              double temperature_K) override;
  void keep_through(std::int64_t step) override { writer_->keep_through(step); }
  void flush() override;

 private:
  TrajectoryFile(h5::Handle file, const std::vector<std::string>& elements);
  h5::Handle file_;
  std::unique_ptr<FrameWriter> writer_;
};

}  // namespace gpiqa::io
