#pragma once
// Element data used by the dynamics and the monitors: standard atomic masses (IUPAC 2013, conventional
// values) and single-bond covalent radii (Cordero et al., Dalton Trans. 2008, 2832).
#include <string>

namespace gpiqa::md {

/// Atomic mass in Dalton; throws InputError for an element gpiqa does not know.
double atomic_mass_dalton(const std::string& element);
/// Atomic number (proton count); throws InputError for an unknown element.
int atomic_number(const std::string& element);
/// Covalent radius in Angstrom; throws InputError for an unknown element.
double covalent_radius_angstrom(const std::string& element);

}  // namespace gpiqa::md
