// Batched evaluation (compute_batch, posterior_variance_batch): every geometry of a batch gets exactly the
// bits its own potential's compute() gives it alone (energy, forces, atomic energies, diagnostics, posterior
// variance), for every kernel kind, mixed prior means, any batch size and position, with geometries that
// cannot be evaluated and potentials of other kinds mixed in. If this failed, a bundled trajectory would not
// be the trajectory it is on its own.
#include "gpiqa/model/potential.hpp"

#include <cstring>
#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/analytic_potentials.hpp"
#include "support/synthetic_model.hpp"
#include "support/test_data.hpp"

namespace gpiqa::model {
namespace {

namespace fs = std::filesystem;

template <class M>
bool same_bits(const M& a, const M& b) {
  return a.size() == b.size() &&
         (a.size() == 0 || std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0);
}
bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Geometries around `start`, each moved by Gaussian noise of `sigma` Bohr.
std::vector<Positions> geometries(const Positions& start, int count, double sigma, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, sigma);
  std::vector<Positions> out;
  for (int i = 0; i < count; ++i) {
    Positions p = start;
    for (Eigen::Index k = 0; k < p.size(); ++k) p.data()[k] += normal(rng);
    out.push_back(p);
  }
  return out;
}

// What one geometry's own compute() and posterior_variance() give.
struct Alone {
  double energy = 0;
  Positions forces;
  Eigen::VectorXd atomic, variance;
  Diagnostics diagnostics;
  std::string error;
};

Alone alone(Potential& p, const Positions& r) {
  Alone a;
  try {
    a.energy = p.compute(r, &a.forces, &a.atomic, &a.diagnostics);
    p.posterior_variance(r, a.variance);
  } catch (const GeometryError& e) {
    a.error = e.what();
  }
  return a;
}

// Evaluates `members` (potential, geometry) alone and as batches of every size in `sizes`, from several
// starting positions, and expects the same bits.
void expect_batches_equal_single(const std::vector<Potential*>& potentials, const std::vector<Positions>& r,
                                 const std::vector<int>& sizes) {
  const std::size_t total = r.size();
  std::vector<Alone> single;
  for (std::size_t i = 0; i < total; ++i) single.push_back(alone(*potentials[i % potentials.size()], r[i]));
  for (int B : sizes)
    for (std::size_t shift : {std::size_t{0}, std::size_t{3}}) {
      std::vector<BatchEntry> batch(static_cast<std::size_t>(B));
      std::vector<Positions> forces(batch.size());
      std::vector<Eigen::VectorXd> atomic(batch.size()), variance(batch.size());
      std::vector<Diagnostics> diagnostics(batch.size());
      std::vector<std::size_t> member(batch.size());
      for (std::size_t k = 0; k < batch.size(); ++k) {
        member[k] = (k * 5 + shift) % total;
        batch[k].potential = potentials[member[k] % potentials.size()];
        batch[k].positions_bohr = &r[member[k]];
        batch[k].forces = &forces[k];
        batch[k].atomic_energies = &atomic[k];
        batch[k].diagnostics = &diagnostics[k];
        batch[k].variance = &variance[k];
      }
      compute_batch(batch);
      for (std::size_t k = 0; k < batch.size(); ++k) {
        const Alone& s = single[member[k]];
        SCOPED_TRACE("B " + std::to_string(B) + ", position " + std::to_string(k));
        ASSERT_EQ(batch[k].error, s.error);
        if (!s.error.empty()) continue;
        ASSERT_TRUE(same_bits(batch[k].energy_hartree, s.energy))
            << batch[k].energy_hartree << " vs " << s.energy;
        ASSERT_TRUE(same_bits(forces[k], s.forces));
        ASSERT_TRUE(same_bits(atomic[k], s.atomic));
        ASSERT_EQ(diagnostics[k].features_outside, s.diagnostics.features_outside);
        ASSERT_EQ(diagnostics[k].max_kernel, s.diagnostics.max_kernel);
      }
      posterior_variance_batch(batch);
      for (std::size_t k = 0; k < batch.size(); ++k) {
        const Alone& s = single[member[k]];
        if (!s.error.empty()) continue;
        ASSERT_TRUE(same_bits(variance[k], s.variance)) << "B " << B << ", position " << k;
      }
    }
}

const std::vector<int> kSizes = {1, 2, 3, 4, 5, 8, 9, 16, 17, 33};

// Mean variants of one set, each made once from it (they share its kernel data and batch together).
std::vector<MoleculeModel> variants(const MoleculeModel& set, const std::vector<std::string>& means) {
  set.prepare_variance();
  std::vector<MoleculeModel> out;
  for (const std::string& m : means) out.push_back(set.with_mean(MeanSpec::parse(m)));
  return out;
}

std::vector<Potential*> pointers(std::vector<MoleculeModel>& models) {
  std::vector<Potential*> out;
  for (MoleculeModel& m : models) out.push_back(&m);
  return out;
}

TEST(PotentialBatch, SyntheticSetsOfEveryKernelKindWithMixedMeans) {
  for (const char* kernel : {"rbf", "rbf-cyclic", "rbf+periodic"})
    for (bool standardise : {false, true}) {
      SCOPED_TRACE(std::string(kernel) + (standardise ? ", standardised" : ""));
      test::SyntheticSpec spec;
      spec.atoms = 5;
      spec.training_points = 61;
      spec.kernel = kernel;
      spec.standardise = standardise;
      const MoleculeModel set = test::synthetic_molecule(spec);
      std::vector<MoleculeModel> models = variants(set, {"file", "min", "quadratic", "quadratic+", "linear"});
      // displacements large enough for phi differences beyond pi and geometries outside the data
      const auto r = geometries(test::synthetic_geometry(spec.atoms, spec.seed), 40, 0.4, 3);
      expect_batches_equal_single(pointers(models), r, kSizes);
    }
}

TEST(PotentialBatch, SharedWaterAndAmmoniaSets) {
  GPIQA_REQUIRE_SHARED_DATA();
  // ammonia: ICHOR's rbf x periodic files (gpytorch convention); water: DL_FFLUX's rbf
  for (const auto& [models_dir, xyz] : {std::pair{"models/ammonia-ichor", "geometries/ammonia.xyz"},
                                        std::pair{"models/water-dlfflux", "geometries/water.xyz"}}) {
    SCOPED_TRACE(models_dir);
    const MoleculeModel set = test::shared_model(models_dir);
    std::vector<MoleculeModel> models = variants(set, {"file", "min", "quadratic+", "mean"});
    const auto r = geometries(test::shared_geometry_bohr(xyz), 40, 0.15, 4);
    expect_batches_equal_single(pointers(models), r, kSizes);
  }
}

TEST(PotentialBatch, DefaultSetsOfTheRepository) {
  for (const char* name : {"water", "ammonia"}) {
    SCOPED_TRACE(name);
    const std::string root = GPIQA_SOURCE_DIR;
    const MoleculeModel set = MoleculeModel::load(root + "/models/" + name);
    std::vector<MoleculeModel> models = variants(set, {"file", "max", "quadratic+"});
    const Positions start = io::read_xyz(root + "/molecules/" + name + ".xyz").front().positions_angstrom *
                            units::kBohrPerAngstrom;
    expect_batches_equal_single(pointers(models), geometries(start, 24, 0.2, 5), {1, 4, 7, 24});
  }
}

TEST(PotentialBatch, AGeometryThatCannotBeEvaluatedLeavesTheOthersAlone) {
  test::SyntheticSpec spec;
  spec.atoms = 4;
  spec.training_points = 30;
  const MoleculeModel set = test::synthetic_molecule(spec);
  std::vector<MoleculeModel> models = variants(set, {"file", "min"});
  auto r = geometries(test::synthetic_geometry(spec.atoms, spec.seed), 12, 0.05, 6);
  // geometry 4: atom 3's frame collinear (its x-axis and xy-plane atoms on one line through it);
  // geometry 7: a wrong atom count
  const Alf alf = set.atoms()[2].alf();
  r[4].col(alf.xy_plane) = r[4].col(alf.central) + 2.0 * (r[4].col(alf.x_axis) - r[4].col(alf.central));
  r[7] = Positions::Zero(3, 3);
  EXPECT_THROW(models[0].compute(r[4], nullptr, nullptr, nullptr), GeometryError);
  expect_batches_equal_single(pointers(models), r, {1, 5, 12});
}

TEST(PotentialBatch, OtherSetsAndPotentialsWithoutBatchingMixIn) {
  test::SyntheticSpec a, b;
  a.atoms = b.atoms = 4;
  a.training_points = 40;
  b.training_points = 33;
  b.kernel = "rbf";
  const MoleculeModel set_a = test::synthetic_molecule(a), set_b = test::synthetic_molecule(b);
  std::vector<MoleculeModel> models = variants(set_a, {"file", "quadratic+"});
  for (MoleculeModel& m : variants(set_b, {"file"})) models.push_back(std::move(m));
  test::HarmonicSprings springs({"C", "H", "O", "N"}, {{0, 1, 0.3, 2.0}, {1, 2, 0.2, 2.5}});
  std::vector<Potential*> potentials = pointers(models);
  potentials.push_back(&springs);
  ASSERT_NE(models[0].batch_key(), models[2].batch_key());
  ASSERT_EQ(models[0].batch_key(), models[1].batch_key());
  expect_batches_equal_single(potentials, geometries(test::synthetic_geometry(4, a.seed), 16, 0.05, 7),
                              {1, 4, 16});
}

}  // namespace
}  // namespace gpiqa::model
