#pragma once
// Training geometries from a reference potential, as FFLUX practice draws them (ICHOR's "MD + random
// displacement" sampling):
//   1. candidates: Langevin MD on the reference at each sampling temperature from the minimum (a frame every
//      record_every_fs), plus random displacements of the minimum (Gaussian, sigma drawn uniformly in
//      [0, displace_angstrom] per geometry, per Cartesian coordinate: the kind of start a stability campaign
//      uses); candidates more than max_energy_kcal above the minimum are dropped (default: 30 kcal/mol plus
//      three times the mean potential energy (3N-6)/2 k_B T of the hottest sampling temperature): a GP should
//      learn the region dynamics can reach, not the wall of a compressed bond;
//   2. training set: a diverse subset by farthest-point sampling (Gonzalez 1985) in the space of inverse
//      interatomic distances, starting from the minimum;
//   3. validation set: drawn at random from the candidates not chosen for training (typical, not extreme,
//      geometries: what a validation error should measure).
// Everything is deterministic for a seed: random numbers are counter-based (md::RandomStream).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gpiqa/model/potential.hpp"

namespace gpiqa::train {

struct SampleOptions {
  std::vector<double> temperatures_K{300, 600, 1000, 1500};
  double duration_ps = 4.0;  // MD per temperature
  double timestep_fs = 0.25;
  double record_every_fs = 10.0;
  double friction_per_ps = 5.0;
  int displaced = 400;  // displaced candidates
  double displace_angstrom = 0.25;
  double max_energy_kcal = 0;  // above the minimum; 0: the default above
  int training_points = 500;
  int validation_points = 200;
  std::uint64_t seed = 1;
};

struct SampledGeometries {
  std::vector<model::Positions> training, validation;           // Bohr
  std::vector<std::string> training_origin, validation_origin;  // "md 600K t=1.23ps", "displaced 0.14A"
  int candidates = 0;                                           // kept (below the energy cap)
  int rejected = 0;                                             // above the energy cap
  double max_energy_kcal = 0;                                   // the cap used
};

/// Throws InputError for bad options (no temperatures, too few candidates for the requested points).
SampledGeometries sample_geometries(model::Potential& reference, const model::Positions& minimum_bohr,
                                    const SampleOptions& options,
                                    const std::function<void(const std::string&)>& progress = {});

/// Indices of `count` points chosen by farthest-point sampling (Euclidean), starting at index `first`.
std::vector<int> farthest_point_subset(const Eigen::MatrixXd& points_by_row, int count, int first = 0);

/// Writes FEREBUS-layout CSVs (",f1..fN,iqa") per atom: SYSTEM_LABEL_TRAINING_SET.csv and
/// SYSTEM_LABEL_VALIDATION_SET.csv with labels ELEMENT+number (O1, H2, ...), the local frames as
/// SYSTEM_ALF.txt ("LABEL i j k", 1-based) and the geometries as SYSTEM_TRAINING.xyz / SYSTEM_VALIDATION.xyz
/// (Angstrom; comment line: reference energy in Hartree and origin).
void write_training_sets(const std::string& directory, const std::string& system, model::Potential& reference,
                         const std::vector<model::Alf>& frames, const SampledGeometries& sample);

/// "O1", "H2", ...
std::vector<std::string> atom_labels(const std::vector<std::string>& elements);

}  // namespace gpiqa::train
