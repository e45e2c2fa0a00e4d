// Frames held in memory (io/frame_buffer.hpp): kept in the file's units (Angstrom, Angstrom/ps,
// kJ/mol/Angstrom, atom-major rows), forces a failed evaluation never produced as NaN rows, and cut to a
// checkpoint's step so that a resumed task rewrites exactly the frames after it.
#include "gpiqa/io/frame_buffer.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "gpiqa/io/frame_units.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::io {
namespace {

FrameBuffer two_atoms() {
  FrameBuffer f;
  f.elements = {"O", "H"};
  return f;
}

TEST(FrameBuffer, AFrameIsStoredInTheFilesUnitsAtomByAtom) {
  FrameBuffer f = two_atoms();
  md::Positions r(3, 2), v(3, 2), g(3, 2);
  r << 1, 2, 3, 4, 5, 6;  // column a is atom a
  v = r * 0.5;
  g = r * -0.25;
  f.append(40, 0.02, r, v, g, -76.0, 0.01, -75.99, 305.0);
  ASSERT_EQ(f.size(), 1u);
  // atom 0 is the first column (1, 3, 5), atom 1 the second (2, 4, 6)
  const std::vector<double> bohr = {1, 3, 5, 2, 4, 6};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_DOUBLE_EQ(f.positions_angstrom[i], bohr[i] * units::kAngstromPerBohr) << i;
    EXPECT_DOUBLE_EQ(f.velocities_angstrom_per_ps[i], 0.5 * bohr[i] * kFileAngstromPerPsPerAtomicVelocity);
    EXPECT_DOUBLE_EQ(f.forces_kj_per_mol_angstrom[i], -0.25 * bohr[i] * kFileKJPerMolAngstromPerAtomicForce);
  }
  // 1 Hartree/Bohr is 2625.5 kJ/mol over 0.529 Angstrom
  EXPECT_NEAR(kFileKJPerMolAngstromPerAtomicForce, 2625.4996 / 0.52917721, 1e-2);
  EXPECT_EQ(f.step, std::vector<std::int64_t>{40});
  EXPECT_EQ(f.potential_hartree, std::vector<double>{-76.0});
  EXPECT_EQ(f.temperature_K, std::vector<double>{305.0});
  EXPECT_EQ(f.held(), &f) << "a buffer holds its frames: checkpoints keep them";
}

TEST(FrameBuffer, ForcesNeverComputedAreNaNRows) {
  FrameBuffer f = two_atoms();
  const md::Positions r = md::Positions::Ones(3, 2);
  f.append(0, 0.0, r, r, md::Positions(3, 0), -76.0, 0.0, -76.0, 0.0);
  ASSERT_EQ(f.forces_kj_per_mol_angstrom.size(), 6u) << "every frame has N x 3 forces";
  for (double x : f.forces_kj_per_mol_angstrom) EXPECT_TRUE(std::isnan(x));
}

TEST(FrameBuffer, KeepThroughCutsEverySeriesAtAStep) {
  FrameBuffer f = two_atoms();
  const md::Positions r = md::Positions::Ones(3, 2);
  for (int s : {0, 10, 20, 30}) f.append(s, s * 0.0005, r * s, r, r, -s, s, -s, s);
  f.keep_through(15);
  EXPECT_EQ(f.step, (std::vector<std::int64_t>{0, 10}));
  EXPECT_EQ(f.positions_angstrom.size(), 12u);
  EXPECT_EQ(f.velocities_angstrom_per_ps.size(), 12u);
  EXPECT_EQ(f.forces_kj_per_mol_angstrom.size(), 12u);
  EXPECT_EQ(f.conserved_hartree, (std::vector<double>{0, -10}));
  EXPECT_EQ(f.time_ps.size(), 2u);
  f.keep_through(10);
  EXPECT_EQ(f.size(), 2u) << "the checkpoint's own step stays";
  f.truncate(0);
  EXPECT_EQ(f.size(), 0u);
  EXPECT_TRUE(f.positions_angstrom.empty());
}

}  // namespace
}  // namespace gpiqa::io
