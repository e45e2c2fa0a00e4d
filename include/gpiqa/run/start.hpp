#pragma once
// How a trajectory's starting geometry is made from the molecule's geometry x0 (the high-energy starts of
// FFLUX stability studies). The seed's direction d comes from the random stream of (seed, task key), step 0,
// purpose kInitialDisplacement, so every model of a (molecule, temperature, seed) gets the same one:
//   gaussian    d_a = xi_a, a standard normal 3-vector per atom: x0 + sigma d moves each coordinate by N(0,
//   sigma^2) sphere      d_a = xi_a / |xi_a|, a uniformly random unit vector per atom: x0 + s d moves every
//   atom by exactly s
// Starts are then
//   displaced   x0 + displace_angstrom d
//   controlled  x0 + s d with s found by bisection so that a reference potential's energy lies E above its
//               minimum, |E_ref(x0 + s d) - E_ref,min - E| <= 1% of E: starts of equal strain for molecules
//               of any size (a 3-atom and a 21-atom molecule displaced by the same distance are not the same
//               test).
//               s is bracketed by doubling from 0.05 A up to 2 A; when no doubling reaches E (the energy
//               along the line need not be monotonic: an atom can pass through a neighbour between two
//               doublings), the line is scanned in 0.02 A steps for its first crossing instead.
// Units: Bohr, Hartree, kcal/mol for the controlled energy.
#include <string>

#include "gpiqa/md/random_stream.hpp"
#include "gpiqa/model/potential.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::run {

enum class DisplaceMode { kGaussian, kSphere };
/// "gaussian" / "sphere"; InputError(where, ...) otherwise.
DisplaceMode parse_displace_mode(const std::string& text, const std::string& where);
std::string to_string(DisplaceMode mode);

/// The seed's direction d (3 x atoms, dimensionless; see above).
model::Positions displacement_direction(int atoms, DisplaceMode mode, const md::RandomStream& rng);

/// base + displace_angstrom d, d the seed's direction from `rng`; base itself when displace_angstrom is 0.
model::Positions displaced(const model::Positions& base, double displace_angstrom, DisplaceMode mode,
                           const md::RandomStream& rng);

struct ControlledStart {
  model::Positions start_bohr;
  double scale_angstrom = 0.0;                 // s
  double energy_above_minimum_kcal_mol = 0.0;  // reached: E_ref(start) - E_ref,min
  int evaluations = 0;
};

/// A controlled start that the seed's direction cannot give: x0 already lies above the target, no scale up to
/// 2 A reaches it, or the energy jumps across it. A property of one task's direction, not of the campaign: a
/// campaign records such a task as invalid-start (campaign/task_runner.hpp); a single run reports it.
class UnreachableStart : public InputError {
 public:
  using InputError::InputError;
};

/// The controlled start along `direction` from `x0` for a target `energy_kcal_mol` above `minimum_hartree` of
/// `reference`. InputError naming `where` for a target <= 0; UnreachableStart when x0 itself lies above the
/// target, or when no scale up to 2 A reaches it.
ControlledStart controlled_start(model::Potential& reference, const model::Positions& x0,
                                 double minimum_hartree, const model::Positions& direction,
                                 double energy_kcal_mol, const std::string& where);

}  // namespace gpiqa::run
