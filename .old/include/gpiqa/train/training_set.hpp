#pragma once
// Training data in FEREBUS's CSV layout: an index column (empty header), features f1..fN, any number of other
// property columns (q00, ...) and the target column (default "iqa", atomic energy in Hartree).
#include <string>

#include <Eigen/Core>

namespace gpiqa::train {

struct TrainingSet {
  std::string source;
  Eigen::MatrixXd x;  // n x nf (Bohr, radians)
  Eigen::VectorXd y;  // n, Hartree
};

/// Reads a CSV; every problem (missing column, non-numeric value, NaN, ragged row) is an InputError naming
/// the file and row. Throws when there are fewer points than features.
TrainingSet read_training_csv(const std::string& path, const std::string& target = "iqa");
/// Rows [begin, end) and the rest: a deterministic split (every k-th point to validation keeps both spread).
void split_every(const TrainingSet& all, int every, TrainingSet& train, TrainingSet& validation);

}  // namespace gpiqa::train
