#pragma once
// The interface between a potential-energy model and everything that drives it (MD integrators, monitors,
// the predict command). GP-IQA model sets, analytic test potentials and the reference force field all
// implement it. Units: positions in Bohr, energy in Hartree, forces in Hartree/Bohr.
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "gpiqa/model/alf.hpp"

namespace gpiqa::model {

/// Side information of one evaluation, for stability monitoring. Models that have no notion of training
/// data leave it empty.
struct Diagnostics {
  std::vector<double> max_kernel;     // per atom: largest kernel value to any training point (1 = on a point)
  std::vector<int> features_outside;  // per atom: number of features outside the training min/max box
};

class Potential {
 public:
  virtual ~Potential() = default;
  virtual int atom_count() const = 0;
  /// Element symbols in atom order ("O", "H", ...).
  virtual const std::vector<std::string>& elements() const = 0;
  /// Energy (Hartree); forces (Hartree/Bohr) when `forces` is not null; per-atom energies when asked.
  /// Throws GeometryError when the geometry cannot be evaluated (e.g. a degenerate local frame).
  virtual double compute(const Positions& positions_bohr, Positions* forces, Eigen::VectorXd* atomic_energies,
                         Diagnostics* diagnostics) = 0;
  /// Sum over atoms of the lowest training energy (Hartree), the floor a physical trajectory should not fall
  /// far below; NaN for potentials without training data.
  virtual double lowest_training_energy() const;
  /// The normalised GP posterior variance of every atom at `positions_bohr` (AtomModel::posterior_variance: 0
  /// on the training data, 1 where only the prior mean speaks) into `per_atom`; false for potentials without
  /// training data (nothing written). Throws GeometryError like compute().
  virtual bool posterior_variance(const Positions& positions_bohr, Eigen::VectorXd& per_atom);
  /// Energy (Hartree) and forces (Hartree/Bohr, when not null) of the prior mean alone, what a GP falls back
  /// to far from its data; false for potentials without one (nothing written).
  virtual bool prior_mean(const Positions& positions_bohr, double& energy, Positions* forces);
};

inline bool Potential::prior_mean(const Positions&, double&, Positions*) {
  return false;
}

inline bool Potential::posterior_variance(const Positions&, Eigen::VectorXd&) {
  return false;
}

inline double Potential::lowest_training_energy() const {
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace gpiqa::model
