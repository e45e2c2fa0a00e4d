// Checkpoint files: a round trip keeps every number bit for bit (a restart from the file equals one from
// memory), identity attributes come back, files that are not gpiqa checkpoints are refused clearly, and a
// damaged checkpoint is an error, never a crash inside HDF5.
#include "gpiqa/io/checkpoint.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "gpiqa/io/hdf5.hpp"
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

// Checkpoints are written with checksummed metadata and fixed-length strings (io/hdf5.hpp): HDF5 1.10 crashes
// or hangs on some corrupt files of its original format (the checkpoint fuzzer found both), so a flipped byte
// anywhere must end as an InputError or, in raw numbers no checksum covers, as a checkpoint that loads.
TEST(Checkpoint, ADamagedCheckpointIsAnErrorNeverACrash) {
  const std::string dir = test::temp_dir("ckpt-damaged");
  const io::Checkpoint cp = made_up_checkpoint();
  FrameBuffer frames;  // kept frames: chunked datasets with their index
  frames.elements = {"O", "H", "H"};
  for (std::int64_t step = 0; step < 3; ++step)
    frames.append(step, 0.001 * static_cast<double>(step), cp.state.positions, cp.state.velocities,
                  cp.state.positions, -1.0, 0.01, -0.99, 300.0);
  save_checkpoint(dir + "/good.h5", cp, {{"system", "TRI"}}, &frames);
  std::ifstream in(dir + "/good.h5", std::ios::binary);
  const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(good.size(), 1000u);
  int refused = 0, loaded = 0;
#ifdef __SANITIZE_ADDRESS__
  // HDF5 1.10 leaks on the error paths of some corrupt files (its own allocations, never gpiqa's; the fuzz
  // target's tests/fuzz/lsan.supp says the same): not a finding of this test, which looks for crashes.
  const __lsan::ScopedDisabler hdf5_leaks;
#endif
  for (std::size_t at = 0; at < good.size(); at += 5) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x5A);
    const std::string path = dir + "/bad.h5";
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bad;
    try {
      FrameBuffer back;
      load_checkpoint(path, nullptr, &back);
      ++loaded;
    } catch (const InputError&) {
      ++refused;
    }
    // a fresh HDF5 for the next file, as in one `gpiqa md --restart`
    H5close();
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(loaded, 0);  // the bytes of the arrays themselves
}

}  // namespace
}  // namespace gpiqa::io
