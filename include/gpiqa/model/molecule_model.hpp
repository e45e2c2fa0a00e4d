#pragma once
// A GP-IQA model set: one AtomModel per atom of a molecule, read from a directory of NAME_iqa_ATOM.model
// files.
//   E = sum_A E_A(x_A(r)),   F_i = -sum_A sum_h dE_A/dx_Ah dx_Ah/dr_i   (x_A: atom A's ALF features)
// compute() is compute_group() of one geometry: a batch of geometries under mean variants of one set
// (compute_batch, potential.hpp) takes every atom's kernel sums for all of them in one pass
// (AtomModel::evaluate_batch), and each geometry gets the bits compute() gives it alone.
// With a Cartesian prior (mmff-bonded, MeanContext::cartesian_prior) every atom's energy also has the
// prior's atomic energy P_A(r), E_A = P_A(r) + m_A + kernel part, and the prior's own forces are added
// (per geometry, before its kernel sums).
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "gpiqa/model/atom_model.hpp"
#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/model/model_file.hpp"
#include "gpiqa/model/potential.hpp"

namespace gpiqa::model {

class MoleculeModel : public Potential {
 public:
  /// Reads every `.model` file in `directory`; files of other properties than `iqa` are ignored with a note
  /// on `notes` (when given). Throws InputError for a missing or duplicated atom, mixed systems, bad files.
  static MoleculeModel load(const std::string& directory, std::ostream* notes = nullptr);
  /// From already-parsed files (any order; sorted by atom number).
  static MoleculeModel from_files(std::vector<ModelFile> files, const std::string& source);

  int atom_count() const override { return static_cast<int>(atoms_.size()); }
  const std::vector<std::string>& elements() const override { return elements_; }
  double compute(const Positions& positions_bohr, Positions* forces, Eigen::VectorXd* atomic_energies,
                 Diagnostics* diagnostics) override;

  double lowest_training_energy() const override;
  bool posterior_variance(const Positions& positions_bohr, Eigen::VectorXd& per_atom) override;
  /// The set's identity: copies and mean variants (with_mean) share it.
  const void* batch_key() const override;
  void compute_group(std::span<BatchEntry* const> group) override;
  void posterior_variance_group(std::span<BatchEntry* const> group) override;
  /// Makes every atom's Cholesky factor now, so that mean variants made from this set share them (one factor
  /// per set and process); returns their total size in bytes.
  std::size_t prepare_variance() const;

  /// Throws InputError(xyz_name, ...) unless `elements` are this set's atoms in the same order.
  void check_matches(const std::vector<std::string>& elements, const std::string& xyz_name) const;

  /// The same set with another prior mean on every atom.
  MoleculeModel with_mean(const MeanSpec& spec, const MeanContext& context = {}) const;
  /// The Cartesian prior every atom carries besides its mean function (mmff-bonded), or null.
  const std::shared_ptr<Potential>& cartesian_prior() const { return cartesian_prior_; }
  /// Sum over atoms of the prior mean at the given features (what the energy tends to far from the data).
  double prior_mean_energy(const Positions& positions_bohr) const;
  bool prior_mean(const Positions& positions_bohr, double& energy, Positions* forces) override;
  /// Sum over atoms of the kernel part alone, sigma_y sum_j w_j k(x, X_j) (computed on its own: the full
  /// energy is prior_mean_energy + kernel_energy).
  double kernel_energy(const Positions& positions_bohr) const;

  const std::string& system_name() const { return system_; }
  const std::string& source() const { return source_; }
  const std::vector<AtomModel>& atoms() const { return atoms_; }
  const std::vector<ModelFile>& files() const { return files_; }
  /// Writes the set (with its current means and weights) as NAME_iqa_ATOM.model files into `directory`.
  /// InputError for means that FEREBUS files cannot hold (bonded+, a Cartesian prior).
  void write(const std::string& directory) const;

 private:
  std::string system_, source_;
  std::vector<AtomModel> atoms_;
  std::vector<ModelFile> files_;
  std::vector<std::string> elements_;
  std::shared_ptr<Potential> cartesian_prior_;
  /// Working memory of group evaluations, reused between calls.
  struct GroupScratch {
    std::vector<BatchEntry*> live;  // entries still being evaluated
    std::vector<const AtomModel*> models;
    Eigen::MatrixXd features, gradients;
    std::vector<AlfAdjoint> adjoints;
    Eigen::VectorXd energies, max_kernel, variances;
    EvalScratch eval;
  };
  /// Starts a group: checks every geometry's atom count, sizes its outputs; `live` = those that can go on.
  void begin_group(std::span<BatchEntry* const> group, bool energies);
  /// Atom a's features of every live geometry into scratch_.features (and what their forces need when asked);
  /// geometries with a degenerate frame leave `live` with their error. Returns the live count.
  std::size_t group_features(int a, bool adjoints);

  // per-evaluation working memory
  GroupScratch scratch_;
  Eigen::VectorXd features_, gradient_, prior_atomic_;
  Positions prior_forces_;
  AlfAdjoint adjoint_;
};

}  // namespace gpiqa::model
