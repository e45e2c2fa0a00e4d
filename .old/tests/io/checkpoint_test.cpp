// Checkpoint files: a round trip keeps every number bit for bit (a restart from the file equals one from
// memory), identity attributes come back, and files that are not gpiqa checkpoints are refused clearly.
#include "gpiqa/io/checkpoint.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/run/trajectory.hpp"
#include "gpiqa/util/error.hpp"
#include "support/analytic_potentials.hpp"
#include "support/test_data.hpp"

namespace gpiqa::io {
namespace {

io::Checkpoint made_up_checkpoint() {
  test::HarmonicSprings springs({"O", "H", "H"}, {{0, 1, 0.5, 1.8}, {0, 2, 0.5, 1.8}, {1, 2, 0.1, 2.9}});
  md::Positions start(3, 3);
  start << 0, 1.8, -0.45, 0, 0, 1.74, 0, 0, 0.1;
  run::TrajectorySpec spec;
  spec.integrator.type = "nhc";
  spec.duration_ps = 0.05;
  spec.seed = 11;
  spec.task_key = 12345678901234ull;
  run::Trajectory t(springs, start, spec);
  t.run();
  return t.checkpoint();
}

TEST(Checkpoint, FileRoundTripIsExact) {
  const io::Checkpoint cp = made_up_checkpoint();
  const std::string path = test::temp_dir("ckpt") + "/c.h5";
  save_checkpoint(path, cp, {{"system", "TRI"}, {"mean", "quadratic+"}});
  Identity id;
  const io::Checkpoint back = load_checkpoint(path, &id);
  EXPECT_EQ(back.state.positions, cp.state.positions);
  EXPECT_EQ(back.state.velocities, cp.state.velocities);
  EXPECT_EQ(back.state.masses, cp.state.masses);
  EXPECT_EQ(back.state.thermostat, cp.state.thermostat);
  EXPECT_EQ(back.state.step, cp.state.step);
  EXPECT_EQ(back.state.heat_removed_hartree, cp.state.heat_removed_hartree);
  EXPECT_EQ(back.reference_bohr, cp.reference_bohr);
  EXPECT_EQ(back.metrics.temperature_m2, cp.metrics.temperature_m2);
  EXPECT_EQ(back.metrics.sum_th, cp.metrics.sum_th);
  EXPECT_EQ(back.metrics.samples, cp.metrics.samples);
  EXPECT_EQ(back.seed, cp.seed);
  EXPECT_EQ(back.task_key, cp.task_key);
  EXPECT_EQ(back.integrator, "nhc");
  EXPECT_EQ(back.outcome.status, cp.outcome.status);
  EXPECT_EQ(id, (Identity{{"system", "TRI"}, {"mean", "quadratic+"}}));
}

TEST(Checkpoint, SavingReplacesThePreviousCheckpointAtomically) {
  const io::Checkpoint cp = made_up_checkpoint();
  const std::string path = test::temp_dir("ckpt2") + "/c.h5";
  save_checkpoint(path, cp, {});
  io::Checkpoint later = cp;
  later.state.step += 10;
  save_checkpoint(path, later, {});
  EXPECT_EQ(load_checkpoint(path, nullptr).state.step, cp.state.step + 10);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(Checkpoint, OtherFilesAreRefusedWithTheirName) {
  const std::string dir = test::temp_dir("ckpt3");
  std::ofstream(dir + "/text.h5") << "not hdf5";
  try {
    load_checkpoint(dir + "/text.h5", nullptr);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("text.h5"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos);
  }
  {
    h5::Handle f = h5::open_file(dir + "/other.h5", h5::Mode::kCreateNew);
    h5::set_attribute(f.id(), "format", std::string("something-else"));
  }
  EXPECT_THROW(load_checkpoint(dir + "/other.h5", nullptr), InputError);
  EXPECT_THROW(load_checkpoint(dir + "/missing.h5", nullptr), InputError);
}

}  // namespace
}  // namespace gpiqa::io
