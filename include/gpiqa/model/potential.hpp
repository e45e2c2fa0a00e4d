#pragma once
// The interface between a potential-energy model and everything that drives it (MD integrators, monitors,
// the predict command). GP-IQA model sets, analytic test potentials and the reference force field all
// implement it. Units: positions in Bohr, energy in Hartree, forces in Hartree/Bohr.
//
// Batches: compute_batch evaluates many geometries, each under its own potential, and hands the ones whose
// potentials batch with each other (the mean variants of one GP model set) to one group evaluation, which
// reads the set's training data once for all of them. Each geometry's results are those of its own
// compute(), bit for bit; a geometry that cannot be evaluated records its error and leaves the others alone.
#include <limits>
#include <span>
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

class Potential;

/// One geometry of a batched evaluation: what to evaluate, under which potential, and where the results go.
struct BatchEntry {
  Potential* potential = nullptr;
  const Positions* positions_bohr = nullptr;
  Positions* forces = nullptr;                 // compute_batch: Hartree/Bohr, when not null
  Eigen::VectorXd* atomic_energies = nullptr;  // compute_batch, when not null
  Diagnostics* diagnostics = nullptr;          // compute_batch, when not null
  Eigen::VectorXd* variance = nullptr;         // posterior_variance_batch: per atom (required there)
  double energy_hartree = 0.0;                 // compute_batch's result
  bool has_variance = false;                   // posterior_variance_batch's result
  std::string error;  // what the GeometryError said when the geometry could not be evaluated, else empty
};

/// entry.energy_hartree = entry.potential->compute(...) for every entry (with its forces, atomic energies and
/// diagnostics), evaluating together the entries whose potentials batch with each other.
void compute_batch(std::span<BatchEntry> entries);
/// entry.has_variance = entry.potential->posterior_variance(..., *entry.variance) for every entry, likewise.
void posterior_variance_batch(std::span<BatchEntry> entries);

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

  /// Potentials with the same non-null key evaluate together in one group (compute_group): the mean variants
  /// of one model set. Null (the default): on its own.
  virtual const void* batch_key() const { return nullptr; }
  /// Evaluates every entry of `group`, whose potentials all have this one's batch key (or are this one),
  /// as their own compute() would, bit for bit. The default calls compute() for each.
  virtual void compute_group(std::span<BatchEntry* const> group);
  /// The same for posterior_variance().
  virtual void posterior_variance_group(std::span<BatchEntry* const> group);
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
