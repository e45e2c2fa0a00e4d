#pragma once
// GP-IQA `.model` files as FEREBUS (v7) and ICHOR/gpytorch write them, read and written verbatim enough that
// read -> write -> read predicts identically.
//
//   # [metadata]                       header: "# key value" or "# key = value" lines; the noise added to the
//   # program ferebus|gpytorch         kernel diagonal is "# nugget" (FEREBUS), "# noise" (gpytorch) or
//   # nugget 1e-10                     "# jitter" (ICHOR); "# likelihood" is the log marginal likelihood
//   [system]        name, atom, property, ALF i j k (1-based)
//   [dimensions]    number_of_atoms, number_of_features, number_of_training_points
//   [mean]          type constant|zero|linear|quadratic; value | beta, xmin/x_min, ymin/y_min
//   [kernels]       number_of_kernels, composition (k1) | (k1*k2) | k1*k2*k3
//   [kernel.kN]     type rbf|rbf-cyclic|periodic, number_of_dimensions, active_dimensions (1-based),
//                   theta|thetas
//   [training_data] units.x, units.y, scaling.x none|standardise, scaling.y none|standardise
//   [training_data.x]  one training point per line;  [training_data.y]  one energy per line;
//   [weights]       one weight per line
// Sum kernels ('+' in composition) and FEREBUS's unfinished linear kernel are rejected with a clear error.
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "gpiqa/model/alf.hpp"
#include "gpiqa/model/atom_model.hpp"
#include "gpiqa/model/kernel.hpp"
#include "gpiqa/model/mean_function.hpp"

namespace gpiqa::model {

struct ModelFile {
  std::string source;                                         // path or name it was read from (for messages)
  std::vector<std::pair<std::string, std::string>> metadata;  // header lines in order ("program", "gpytorch")
  std::string system_name, atom_label, property;
  std::vector<std::pair<std::string, std::string>> system_extra;  // other [system] keys, verbatim
  Alf alf;                                                        // 0-based
  int number_of_atoms = 0, number_of_features = 0, number_of_training_points = 0;
  MeanFunction mean;
  std::string mean_x_key = "x_min", mean_y_key = "y_min";  // FEREBUS writes xmin/ymin, ICHOR x_min/y_min
  std::string composition;
  std::vector<KernelFactor> kernels;
  std::vector<std::pair<std::string, std::string>> training_data_keys;  // units.x, scaling.x, ... verbatim
  Eigen::MatrixXd x;                                                    // n x nf, raw
  Eigen::VectorXd y, weights;

  std::string program() const;  // lower-case metadata "program", "" if absent
  double noise() const;         // nugget / noise / jitter, 0 if absent
  const std::string* metadata_value(const std::string& key) const;
  void set_metadata(const std::string& key, const std::string& value);
  PeriodicConvention periodic_convention() const;  // gpytorch -> 2, everything else -> FEREBUS/DL_FFLUX 4
  bool standardise_x() const;
  bool standardise_y() const;
  /// Atom index (1-based) encoded in the atom label, e.g. "H3" -> 3; 0 when the label carries no number.
  int atom_number() const;
  std::string element() const;  // "H3" -> "H"
};

/// "H3" -> "H", "Cl12" -> "Cl": the element of an atom label.
std::string element_of_label(const std::string& label);

/// Parses a model file; every problem is an InputError naming `name` and the line.
ModelFile parse_model_file(const std::string& text, const std::string& name);
ModelFile read_model_file(const std::string& path);
std::string format_model_file(const ModelFile& file);
void write_model_file(const std::string& path, const ModelFile& file);

/// The GP the file describes. Throws InputError(file.source, ...) when it cannot be built.
AtomModel make_atom_model(const ModelFile& file);
/// The file for `model`, keeping everything of `original` but the mean and the weights.
ModelFile with_model(const ModelFile& original, const AtomModel& model);

}  // namespace gpiqa::model
