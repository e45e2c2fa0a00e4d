#pragma once
// A molecule with its bond graph and bond orders, as the reference force field needs it: read from an MDL
// molfile (with explicit hydrogens and 3D coordinates) or built from a SMILES string (hydrogens added,
// embedded by RDKit's ETKDG distance geometry with a fixed seed, then MMFF94-minimised), so the same SMILES
// always gives the same atoms in the same order at the same coordinates.
//
// The molecule also chooses each atom's local frame (ALF) the way ICHOR does (Isamura & Popelier, "ICHOR";
// the rule of Mills & Popelier 2014): the x-axis atom is the bonded neighbour of highest priority, the
// xy-plane atom the next; an atom with a single neighbour takes the highest-priority neighbour of its x-axis
// atom instead. Priority: atomic number, then (recursively, breadth first) the atomic numbers of the
// neighbours, then the lower index.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gpiqa/model/alf.hpp"

namespace RDKit {
class ROMol;
}

namespace gpiqa::reference {

class Molecule {
 public:
  /// MDL molfile (.mol/.sdf, first record). InputError naming the file for unreadable files, missing
  /// coordinates, implicit hydrogens, disconnected fragments or elements MMFF94 has no parameters for.
  static Molecule from_molfile(const std::string& path);
  /// SMILES, hydrogens added, embedded with `seed` and MMFF94-minimised. `source` names it in errors.
  static Molecule from_smiles(const std::string& smiles, const std::string& source = "SMILES",
                              std::uint32_t seed = 20261124);
  /// A path ending in .mol or .sdf, or else a SMILES string.
  static Molecule load(const std::string& path_or_smiles);

  Molecule(const Molecule&);
  Molecule& operator=(const Molecule&);
  Molecule(Molecule&&) noexcept;
  Molecule& operator=(Molecule&&) noexcept;
  ~Molecule();

  int atom_count() const;
  const std::vector<std::string>& elements() const { return elements_; }
  const std::string& source() const { return source_; }
  /// Coordinates of the molecule's conformer, Bohr.
  model::Positions positions_bohr() const;
  void set_positions_bohr(const model::Positions& positions);
  /// Bonded pairs (0-based, i < j).
  std::vector<std::pair<int, int>> bonds() const;
  /// The ICHOR-style local frame of every atom (needs at least 3 atoms).
  std::vector<model::Alf> local_frames() const;
  /// MMFF94 minimisation of the conformer in place (RDKit's BFGS); returns the final energy, kcal/mol.
  double minimise(int max_iterations = 2000);
  /// The molecule as an MDL molfile (V2000) with the current coordinates; `title` on the first line.
  std::string molblock(const std::string& title) const;

  const RDKit::ROMol& rdkit() const;

 private:
  struct Impl;
  explicit Molecule(std::unique_ptr<Impl> impl, std::string source);
  void check_usable();
  std::unique_ptr<Impl> impl_;
  std::string source_;
  std::vector<std::string> elements_;
};

}  // namespace gpiqa::reference
