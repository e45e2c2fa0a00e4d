#pragma once
// Prior-mean variants: the same GP (kernel, hyperparameters, noise, training data) with another prior mean
// and weights re-solved, w = (K + noise I)^-1 (y - m(X)). Named by a short spec shared by the CLI and
// campaigns:
//   file         the model as written (mean and weights untouched)
//   mean|min|max constant mean at the mean / minimum / maximum of the atom's training energies
//   NUMBER       constant mean at NUMBER Hartree for every atom, e.g. "-75.4"
//   EL=NUM,...   constant per element or atom label, e.g. "O=-75.45,H=-0.62" or "O1=-75.45,H2=-0.6,H3=-0.6"
//   linear       m = y_min + beta.(x - x_min), beta by least squares, anchored at the lowest-energy training
//                point (FEREBUS semantics)
//   quadratic    m = y_min + sum_h beta_h (x_h - x_min,h)^2, least squares (FEREBUS semantics)
//   quadratic+   as quadratic with beta_h >= 0 (non-negative least squares), so the prior energy rises in
//   every
//                feature direction away from the minimum; phi features (periodic) get beta = 0 because a
//                quadratic in an angle that wraps at +-pi would make the energy jump there.
//   range:K      constant y_min + K (y_max - y_min) per atom, K >= 0, computed as (1 - K) y_min + K y_max so
//                that range:0 is exactly `min` and range:1 exactly `max`. The campaigns label K = 0, 1, 5
//                MIN, MF1, MF5: our reading of the 2026 FFLUX study's names (its definitions are not public;
//                ICHOR drives FEREBUS with a constant-mean "range factor", cmeanRangeFactor, default 5).
//   bonded+[:GEOMETRY]   y_eq + sum_c beta_c (q_c - q_c,eq)^2, beta >= 0, over the lengths of the atom's
//                bonds and the cosines of the valence angles that contain them, anchored at the equilibrium
//                geometry and the atom's energy there (bonded_mean.hpp). Needs an equilibrium geometry and
//                bonds (MeanContext): the run layer takes them from GEOMETRY (.xyz, .mol) or the set's
//                molecule. The anchor energy is the model's own prediction at equilibrium, or the one
//                training recorded (MeanContext::bonded_anchor_hartree).
//   mmff-bonded[:MOLECULE]  Delta learning on physics: the atom's share of the MMFF94 bonded terms (stretch,
//                bend, stretch-bend, out-of-plane, torsion; each term shared equally among its atoms) of the
//                molecule, evaluated in Cartesian space with analytic forces (MeanContext::cartesian_prior),
//                plus a constant fitted by least squares to the residual of the training energies.
//                Training geometries are rebuilt from each training point's ALF features.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gpiqa/model/atom_model.hpp"
#include "gpiqa/model/potential.hpp"

namespace gpiqa::model {

struct MeanSpec {
  enum class Kind {
    kFile,
    kMean,
    kMin,
    kMax,
    kValue,
    kPerAtom,
    kLinear,
    kQuadratic,
    kQuadraticNonNegative,
    kRange,
    kBondedNonNegative,
    kMmffBonded
  };
  Kind kind = Kind::kFile;
  double value_hartree = 0.0;
  double range_factor = 0.0;  // kRange: K
  std::string argument;       // bonded+:GEOMETRY, mmff-bonded:MOLECULE (empty: the set's own molecule)
  std::map<std::string, double> per_atom;  // element ("H") or atom label ("H2") -> Hartree
  std::string text = "file";

  /// Throws InputError(source, ...) for an unknown spec.
  static MeanSpec parse(const std::string& spec, const std::string& source = "--mean");
  bool is_file() const { return kind == Kind::kFile; }
  /// bonded+ needs MeanContext::equilibrium_bohr and bonds; mmff-bonded MeanContext::cartesian_prior.
  bool needs_context() const { return kind == Kind::kBondedNonNegative || kind == Kind::kMmffBonded; }
};

/// What a mean needs besides the atom's own training data. Made by the run layer (run/mean_context.hpp).
struct MeanContext {
  std::optional<Positions> equilibrium_bohr;  // bonded+: the molecule's equilibrium geometry
  std::vector<std::pair<int, int>> bonds;     // bonded+: covalent bonds (0-based)
  /// bonded+: the atom's energy at equilibrium (raw Hartree) by atom label, as training fixed it (a set
  /// trained for bonded+ records it in PRIOR_MEAN.json, run/prior_mean_record.hpp). An atom without one is
  /// anchored at the model's own energy at the equilibrium geometry.
  std::map<std::string, double> bonded_anchor_hartree;
  /// mmff-bonded: a potential whose atomic energies (Hartree) are the physical prior of every atom; the
  /// model set evaluates it beside the GP (MoleculeModel::compute). Not thread-safe, like the model set.
  std::shared_ptr<Potential> cartesian_prior;
};

/// The mean function the spec asks for, fitted to this atom's training data (in the model's internal space).
/// `element` is used by per-element specs. Throws InputError when a per-atom spec has no value for the atom
/// or a spec that needs context has none. For mmff-bonded this is the fitted constant alone (the Cartesian
/// part is `cartesian_prior_at_training`).
MeanFunction fit_mean(const MeanSpec& spec, const AtomModel& model, const std::string& element,
                      const MeanContext& context = {});

/// mmff-bonded: the Cartesian prior's energy of this atom at every training point, in the model's internal
/// energy units (divided by sigma_y when standardised), from geometries rebuilt from the training features.
Eigen::VectorXd cartesian_prior_at_training(const AtomModel& model, Potential& prior);
/// The same at raw feature vectors X (one per row) of this atom.
Eigen::VectorXd cartesian_prior_at(const AtomModel& model, Potential& prior, const Eigen::MatrixXd& X);

/// The model with that mean and re-solved weights (the model itself for `file`).
AtomModel apply_mean(const MeanSpec& spec, const AtomModel& model, const std::string& element,
                     const MeanContext& context = {});

}  // namespace gpiqa::model
