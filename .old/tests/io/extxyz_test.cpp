// Extended XYZ export: the comment line ASE parses (Properties, per-frame energies and their units) and each
// column in the unit ASE gives it. A failure means ASE users get wrong energies, forces or velocities.
#include "gpiqa/io/extxyz.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::io {
namespace {

FrameBuffer two_water_frames() {
  FrameBuffer b;
  b.elements = {"O", "H", "H"};
  for (int f = 0; f < 2; ++f) {
    b.step.push_back(100 * f);
    b.time_ps.push_back(0.05 * f);
    for (int i = 0; i < 9; ++i) {
      b.positions_angstrom.push_back(0.25 * i - 1.0 + f);
      b.velocities_angstrom_per_ps.push_back(2.5 * (i - 4) + f);
      b.forces_kj_per_mol_angstrom.push_back(-40.0 * i + 7.0 * f);
    }
    b.potential_hartree.push_back(-76.25 + 0.01 * f);
    b.kinetic_hartree.push_back(0.0025 + 0.001 * f);
    b.conserved_hartree.push_back(-76.24);
    b.temperature_K.push_back(310.5 + f);
  }
  return b;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

double value_after(const std::string& comment, const std::string& key) {
  const std::size_t at = comment.find(" " + key + "=");
  EXPECT_NE(at, std::string::npos) << key;
  return std::stod(comment.substr(at + key.size() + 2));
}

std::vector<double> columns(const std::string& atom_line) {
  std::istringstream in(atom_line);
  std::string symbol;
  in >> symbol;
  std::vector<double> v;
  for (double x; in >> x;) v.push_back(x);
  return v;
}

TEST(Extxyz, CommentLineCarriesPropertiesEnergiesInEvAndUnits) {
  std::ostringstream out;
  write_extxyz(out, two_water_frames());
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 10u);  // 2 x (count, comment, 3 atoms)
  EXPECT_EQ(lines[5], "3");
  const std::string& comment = lines[6];
  EXPECT_EQ(comment.rfind("Properties=species:S:1:pos:R:3:masses:R:1:momenta:R:3:velo:R:3:forces:R:3 ", 0),
            0u);
  EXPECT_DOUBLE_EQ(value_after(comment, "energy"), (-76.25 + 0.01) * units::kElectronVoltPerHartree);
  EXPECT_DOUBLE_EQ(value_after(comment, "kinetic_energy"), 0.0035 * units::kElectronVoltPerHartree);
  EXPECT_NEAR(value_after(comment, "total_energy"),
              ((-76.25 + 0.01) + 0.0035) * units::kElectronVoltPerHartree, 1e-9);
  EXPECT_DOUBLE_EQ(value_after(comment, "conserved_energy"), -76.24 * units::kElectronVoltPerHartree);
  EXPECT_DOUBLE_EQ(value_after(comment, "temperature"), 311.5);
  EXPECT_DOUBLE_EQ(value_after(comment, "time"), 0.05);
  EXPECT_EQ(value_after(comment, "step"), 100);
  EXPECT_NE(comment.find("pbc=\"F F F\""), std::string::npos);
  for (const char* unit : {"pos:Angstrom", "forces:eV/Angstrom", "energy:eV", "momenta:(eV*amu)^0.5",
                           "velo:Angstrom/fs", "time:ps", "masses:amu"})
    EXPECT_NE(comment.find(unit), std::string::npos) << unit;
}

TEST(Extxyz, ColumnsAreInAseUnits) {
  std::ostringstream out;
  write_extxyz(out, two_water_frames());
  const auto lines = lines_of(out.str());
  const std::vector<double> h = columns(lines[9]);  // frame 1, second H: file values 6..8
  ASSERT_EQ(h.size(), 13u);
  EXPECT_EQ(lines[9].substr(0, 2), "H ");
  EXPECT_NEAR(h[0], 0.25 * 6 - 1.0 + 1, 1e-10);
  EXPECT_DOUBLE_EQ(h[3], 1.008);
  const double v_angstrom_per_fs = (2.5 * (6 - 4) + 1) / 1000.0;
  // ASE's time unit Angstrom sqrt(amu/eV) = 10.1805 fs: momentum = mass x velocity in Angstrom per that unit
  EXPECT_NEAR(h[4], 1.008 * v_angstrom_per_fs * 10.180505710759414, 1e-10);
  EXPECT_NEAR(h[7], v_angstrom_per_fs, 1e-10);
  const double ev_per_kj_mol = units::kElectronVoltPerHartree / units::kKJPerMolPerHartree;  // 1/96.485
  EXPECT_NEAR(h[10], (-40.0 * 6 + 7.0) * ev_per_kj_mol, 1e-9);
  EXPECT_NEAR(ev_per_kj_mol, 1.0 / 96.485332, 1e-8);
}

TEST(Extxyz, UnknownElementIsAnInputError) {
  FrameBuffer b = two_water_frames();
  b.elements[0] = "Xx";
  std::ostringstream out;
  EXPECT_THROW(write_extxyz(out, b), InputError);
}

}  // namespace
}  // namespace gpiqa::io
