// Writes a few valid checkpoints into a directory: the seed corpus of the checkpoint fuzz target (the
// repository keeps no binary files, and a checkpoint written by today's code always has today's layout).
//   checkpoint_seeds DIR
// Water (3 atoms) after some NHC steps with an identity and kept frames, the same without frames, and a
// 2-atom CSVR state with an empty thermostat array.
#include <filesystem>
#include <iostream>

#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/util/error.hpp"

namespace {

using namespace gpiqa;

io::Checkpoint water(const std::string& integrator, std::size_t thermostat_values) {
  io::Checkpoint cp;
  cp.state.positions.resize(3, 3);
  cp.state.positions << 0.0, 1.8, -0.45, 0.0, 0.0, 1.74, 0.0, 0.0, 0.1;
  cp.state.velocities = 1e-4 * cp.state.positions;
  cp.state.masses = Eigen::Vector3d(29156.9, 1837.2, 1837.2);
  cp.state.step = 40;
  cp.state.heat_removed_hartree = 1.5e-5;
  for (std::size_t i = 0; i < thermostat_values; ++i) cp.state.thermostat.push_back(0.01 * double(i + 1));
  cp.reference_bohr = cp.state.positions;
  cp.seed = 7;
  cp.task_key = 1234567;
  cp.integrator = integrator;
  cp.metrics.samples = 40;
  return cp;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: checkpoint_seeds DIR\n";
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  try {
    std::filesystem::create_directories(dir);
    for (const char* name : {"water-nhc-frames.h5", "water-nhc.h5", "pair-csvr.h5"})
      std::filesystem::remove(dir / name);
    const io::Checkpoint nhc = water("nhc", 8);
    io::FrameBuffer frames;
    frames.elements = {"O", "H", "H"};
    for (std::int64_t step : {0, 20, 40})
      frames.append(step, 0.0005 * double(step), nhc.state.positions, nhc.state.velocities,
                    -0.01 * nhc.state.positions, -76.4, 0.004, -76.39, 300.0);
    io::save_checkpoint((dir / "water-nhc-frames.h5").string(), nhc,
                        {{"system", "WATER"}, {"mean", "quadratic+"}, {"thermostat", "nhc"}}, &frames);
    io::save_checkpoint((dir / "water-nhc.h5").string(), nhc, {{"system", "WATER"}});
    io::Checkpoint pair = water("csvr", 0);
    pair.state.positions.conservativeResize(3, 2);
    pair.state.velocities.conservativeResize(3, 2);
    pair.state.masses.conservativeResize(2);
    pair.reference_bohr = pair.state.positions;
    io::save_checkpoint((dir / "pair-csvr.h5").string(), pair, {});
  } catch (const InputError& e) {
    std::cerr << "checkpoint_seeds: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
