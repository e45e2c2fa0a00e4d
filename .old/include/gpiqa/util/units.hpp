#pragma once
// Physical constants and unit conversions (CODATA 2018). gpiqa computes in Hartree atomic units
// (length Bohr, energy Hartree, mass electron mass, time hbar/Hartree); conversions happen only at I/O.
namespace gpiqa::units {

inline constexpr double kAngstromPerBohr = 0.529177210903;
inline constexpr double kBohrPerAngstrom = 1.0 / kAngstromPerBohr;
inline constexpr double kFemtosecondPerAtomicTime = 2.4188843265857e-2;  // hbar / E_h in fs
inline constexpr double kAtomicTimePerFemtosecond = 1.0 / kFemtosecondPerAtomicTime;
inline constexpr double kElectronMassPerDalton = 1822.888486209;            // m_u / m_e
inline constexpr double kBoltzmannHartreePerKelvin = 3.166811563455608e-6;  // k_B / E_h
inline constexpr double kKcalPerMolPerHartree = 627.5094740631;
inline constexpr double kKJPerMolPerHartree = 2625.4996394799;
inline constexpr double kElectronVoltPerHartree = 27.211386245988;

}  // namespace gpiqa::units
