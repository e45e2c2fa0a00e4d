#include "gpiqa/io/extxyz.hpp"

#include <iterator>
#include <vector>

#include <fmt/format.h>

#include "gpiqa/md/elements.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::io {
namespace {

// ASE's time unit, Angstrom sqrt(amu/eV), in fs (CODATA 2018: amu 1.66053906660e-27 kg, eV 1.602176634e-19
// J).
constexpr double kFemtosecondPerAseTime = 10.180505710759414;
constexpr double kElectronVoltPerKJPerMol = units::kElectronVoltPerHartree / units::kKJPerMolPerHartree;

constexpr const char* kUnits =
    "pos:Angstrom masses:amu momenta:(eV*amu)^0.5 velo:Angstrom/fs forces:eV/Angstrom energy:eV "
    "kinetic_energy:eV total_energy:eV conserved_energy:eV temperature:K time:ps";

}  // namespace

void write_extxyz(std::ostream& out, const FrameBuffer& frames) {
  const std::size_t n = frames.elements.size();
  std::vector<double> mass_amu;
  for (const std::string& e : frames.elements) mass_amu.push_back(md::atomic_mass_dalton(e));
  fmt::memory_buffer buf;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    buf.clear();
    const double epot = frames.potential_hartree[f] * units::kElectronVoltPerHartree;
    const double ekin = frames.kinetic_hartree[f] * units::kElectronVoltPerHartree;
    fmt::format_to(std::back_inserter(buf),
                   "{}\nProperties=species:S:1:pos:R:3:masses:R:1:momenta:R:3:velo:R:3:forces:R:3 energy={} "
                   "kinetic_energy={} total_energy={} conserved_energy={} temperature={} time={} step={} "
                   "pbc=\"F F F\" units=\"{}\"\n",
                   n, epot, ekin, epot + ekin, frames.conserved_hartree[f] * units::kElectronVoltPerHartree,
                   frames.temperature_K[f], frames.time_ps[f], frames.step[f], kUnits);
    for (std::size_t a = 0; a < n; ++a) {
      const std::size_t i = 3 * (f * n + a);
      fmt::format_to(std::back_inserter(buf), "{:<2}", frames.elements[a]);
      for (int k = 0; k < 3; ++k)
        fmt::format_to(std::back_inserter(buf), " {:15.10f}", frames.positions_angstrom[i + k]);
      fmt::format_to(std::back_inserter(buf), " {:8}", mass_amu[a]);
      for (int k = 0; k < 3; ++k) {
        const double v_angstrom_per_fs = frames.velocities_angstrom_per_ps[i + k] / 1000.0;
        fmt::format_to(std::back_inserter(buf), " {:15.10f}",
                       mass_amu[a] * v_angstrom_per_fs * kFemtosecondPerAseTime);
      }
      for (int k = 0; k < 3; ++k)
        fmt::format_to(std::back_inserter(buf), " {:15.10f}",
                       frames.velocities_angstrom_per_ps[i + k] / 1000.0);
      for (int k = 0; k < 3; ++k)
        fmt::format_to(std::back_inserter(buf), " {:15.10f}",
                       frames.forces_kj_per_mol_angstrom[i + k] * kElectronVoltPerKJPerMol);
      buf.push_back('\n');
    }
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  }
}

}  // namespace gpiqa::io
