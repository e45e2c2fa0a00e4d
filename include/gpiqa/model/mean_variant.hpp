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
#include <map>
#include <string>

#include "gpiqa/model/atom_model.hpp"

namespace gpiqa::model {

struct MeanSpec {
  enum class Kind { kFile, kMean, kMin, kMax, kValue, kPerAtom, kLinear, kQuadratic, kQuadraticNonNegative };
  Kind kind = Kind::kFile;
  double value_hartree = 0.0;
  std::map<std::string, double> per_atom;  // element ("H") or atom label ("H2") -> Hartree
  std::string text = "file";

  /// Throws InputError(source, ...) for an unknown spec.
  static MeanSpec parse(const std::string& spec, const std::string& source = "--mean");
  bool is_file() const { return kind == Kind::kFile; }
};

/// The mean function the spec asks for, fitted to this atom's training data (in the model's internal space).
/// `element` is used by per-element specs. Throws InputError when a per-atom spec has no value for the atom.
MeanFunction fit_mean(const MeanSpec& spec, const AtomModel& model, const std::string& element);

/// The model with that mean and re-solved weights (the model itself for `file`).
AtomModel apply_mean(const MeanSpec& spec, const AtomModel& model, const std::string& element);

}  // namespace gpiqa::model
