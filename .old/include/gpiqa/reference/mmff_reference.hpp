#pragma once
// The reference potential: MMFF94 (Halgren, J. Comput. Chem. 17, 490-519 (1996)) through RDKit's force field,
// with its energy partitioned into atomic energies the way IQA partitions a molecular energy, so GP-IQA
// models can be trained on it and compared with it.
//
// Total energy and gradient come from RDKit's own ForceField. The atomic energies come from the same terms,
// enumerated through RDKit's public MMFFMolProperties parameter getters and evaluated with RDKit's
// MMFF::Utils energy functions, in the order and with the selection rules of RDKit's MMFF Builder. Each term
// is shared equally among the atoms it involves:
//   bond stretch                 1/2 to each of i, j
//   angle bend, stretch-bend     1/3 to each of i, j, k
//   out-of-plane, torsion        1/4 to each of i, j, k, l
//   van der Waals, electrostatic 1/2 to each of i, j   (all 1-4 and farther pairs, no cutoff; 1-4 Coulomb x
//   0.75)
// so sum_A E_A = E_total to rounding (checked against RDKit's total in the tests to 1e-9 kcal/mol).
//
// Units: the Potential interface speaks Bohr and Hartree; MMFF works in Angstrom and kcal/mol, converted with
// CODATA 2018 factors (util/units.hpp).
//
// RDKit traps handled here: ForceField caches interatomic distances and refreshes them only in
// calcEnergy(pos), so every evaluation calls calcEnergy(pos) before calcGrad(pos, grad); calcGrad adds into
// its output, which is zeroed first.
#include <memory>
#include <string>
#include <vector>

#include "gpiqa/model/potential.hpp"
#include "gpiqa/reference/molecule.hpp"

namespace gpiqa::reference {

/// Per-term energies of one evaluation, kcal/mol (for tests and reports).
struct MmffTermEnergies {
  double bond = 0, angle = 0, stretch_bend = 0, out_of_plane = 0, torsion = 0, van_der_waals = 0,
         electrostatic = 0;
  double total() const {
    return bond + angle + stretch_bend + out_of_plane + torsion + van_der_waals + electrostatic;
  }
};

/// Which MMFF94 terms a reference evaluates: all of them, or the bonded ones alone (stretch, bend,
/// stretch-bend, out-of-plane, torsion; RDKit's force field built with the van der Waals and electrostatic
/// terms switched off), the physical prior of the `mmff-bonded` mean.
enum class MmffTerms { kAll, kBonded };

class MmffReference : public model::Potential {
 public:
  explicit MmffReference(const Molecule& molecule, MmffTerms terms = MmffTerms::kAll);
  MmffReference(const MmffReference&);
  MmffReference& operator=(const MmffReference&) = delete;
  ~MmffReference() override;

  int atom_count() const override { return static_cast<int>(elements_.size()); }
  const std::vector<std::string>& elements() const override { return elements_; }
  /// Energy from RDKit's force field; atomic energies, when asked, from the partition.
  double compute(const model::Positions& positions_bohr, model::Positions* forces,
                 Eigen::VectorXd* atomic_energies, model::Diagnostics* diagnostics) override;

  /// RDKit's total energy, kcal/mol, at positions in Angstrom (3N, atom-major).
  double rdkit_energy_kcal(const std::vector<double>& positions_angstrom);
  /// The partition at positions in Angstrom: atomic energies (kcal/mol) and the per-term totals.
  Eigen::VectorXd atomic_energies_kcal(const std::vector<double>& positions_angstrom,
                                       MmffTermEnergies* terms) const;

  const Molecule& molecule() const { return molecule_; }
  std::size_t term_count() const;
  MmffTerms terms() const { return which_; }

  struct Terms;  // the enumerated MMFF terms (defined in mmff_reference.cpp)

 private:
  Molecule molecule_;
  MmffTerms which_ = MmffTerms::kAll;
  std::vector<std::string> elements_;
  std::unique_ptr<Terms> terms_;
  std::vector<double> pos_angstrom_, grad_;
};

}  // namespace gpiqa::reference
