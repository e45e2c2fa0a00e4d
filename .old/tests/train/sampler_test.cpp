// Training data from the reference: deterministic sampling, an energy cap, diverse subsets, CSVs that say
// what the reference says, and a set trained on them that reproduces the reference.
#include "gpiqa/train/sampler.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/reference/builtin.hpp"
#include "gpiqa/reference/mmff_reference.hpp"
#include "gpiqa/train/set_trainer.hpp"
#include "gpiqa/train/training_set.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/test_data.hpp"

namespace gpiqa::train {
namespace {

SampleOptions small_options(std::uint64_t seed) {
  SampleOptions o;
  o.temperatures_K = {300, 1000};
  o.duration_ps = 0.5;
  o.timestep_fs = 0.5;
  o.record_every_fs = 5;
  o.displaced = 60;
  o.training_points = 40;
  o.validation_points = 20;
  o.seed = seed;
  return o;
}

TEST(FarthestPointSubset, PicksTheSpreadPoints) {
  Eigen::MatrixXd x(6, 1);
  x << 0.0, 0.1, 0.2, 5.0, 10.0, 9.9;
  const std::vector<int> s = farthest_point_subset(x, 3, 0);
  EXPECT_EQ(s, (std::vector<int>{0, 4, 3}));
  EXPECT_EQ(farthest_point_subset(x, 10, 0).size(), 6u);
}

TEST(Sampler, IsDeterministicForASeedAndDiffersBetweenSeeds) {
  const reference::Molecule mol = reference::Molecule::from_smiles("CO");
  reference::MmffReference ref(mol);
  const SampledGeometries a = sample_geometries(ref, mol.positions_bohr(), small_options(5));
  const SampledGeometries b = sample_geometries(ref, mol.positions_bohr(), small_options(5));
  const SampledGeometries c = sample_geometries(ref, mol.positions_bohr(), small_options(6));
  ASSERT_EQ(a.training.size(), 40u);
  ASSERT_EQ(a.validation.size(), 20u);
  for (std::size_t i = 0; i < a.training.size(); ++i) EXPECT_EQ(a.training[i], b.training[i]);
  for (std::size_t i = 0; i < a.validation.size(); ++i) EXPECT_EQ(a.validation[i], b.validation[i]);
  bool differ = false;
  for (std::size_t i = 1; i < a.training.size(); ++i) differ = differ || a.training[i] != c.training[i];
  EXPECT_TRUE(differ);
  // Training starts at the minimum; nothing above the energy cap; validation disjoint from training.
  EXPECT_EQ(a.training.front(), mol.positions_bohr());
  const double e_min = ref.compute(mol.positions_bohr(), nullptr, nullptr, nullptr);
  for (const auto* set : {&a.training, &a.validation})
    for (const model::Positions& p : *set)
      EXPECT_LE((ref.compute(p, nullptr, nullptr, nullptr) - e_min) * units::kKcalPerMolPerHartree,
                a.max_energy_kcal);
  for (const model::Positions& v : a.validation)
    for (const model::Positions& t : a.training) EXPECT_NE(v, t);
}

TEST(Sampler, TooManyPointsIsAClearError) {
  const reference::Molecule mol = reference::Molecule::from_smiles("O");
  reference::MmffReference ref(mol);
  SampleOptions o = small_options(1);
  o.training_points = 100000;
  EXPECT_THROW(sample_geometries(ref, mol.positions_bohr(), o), InputError);
}

TEST(Sampler, CsvsCarryTheReferencePartitionAndTrainAnAccurateSet) {
  const reference::Molecule mol = reference::Molecule::from_smiles("O");
  reference::MmffReference ref(mol);
  SampleOptions o = small_options(3);
  o.training_points = 80;
  const SampledGeometries s = sample_geometries(ref, mol.positions_bohr(), o);
  const std::string dir = test::temp_dir("sampler-water");
  write_training_sets(dir, "WATER", ref, mol.local_frames(), s);

  const std::vector<AtomJob> jobs = read_training_directory(dir);
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].identity.atom, "H2");
  EXPECT_EQ(jobs[0].identity.alf.x_axis, 0);  // H2 takes O1 as its x axis (from WATER_ALF.txt)
  EXPECT_EQ(jobs[0].identity.alf.xy_plane, 2);
  // Atomic energies in the CSVs sum to the reference energy of each geometry.
  for (std::size_t g = 0; g < s.training.size(); ++g) {
    double sum = 0;
    for (const AtomJob& j : jobs) sum += j.training.y(static_cast<Eigen::Index>(g));
    EXPECT_NEAR(sum, ref.compute(s.training[g], nullptr, nullptr, nullptr), 1e-13);
  }
  ASSERT_EQ(jobs[2].validation.x.rows(), 20);

  TrainOptions t;
  t.starts = 2;
  const std::string out = test::temp_dir("sampler-water-models");
  const std::vector<AtomReport> reports = train_set(jobs, t, out, 2);
  for (const AtomReport& r : reports) EXPECT_LT(r.validation_rmse_hartree, 1e-4) << r.atom;
  model::MoleculeModel set = model::MoleculeModel::load(out);
  const SetErrors e = set_errors(set, ref, s.validation);
  EXPECT_EQ(e.geometries, 20);
  EXPECT_LT(e.energy_rmse_hartree, 2e-4);
  EXPECT_LT(e.force_rmse_hartree_per_bohr, 5e-3);
  // The trained set reproduces its own training data (through the file reader).
  for (std::size_t g = 0; g < 5; ++g)
    EXPECT_NEAR(set.compute(s.training[g], nullptr, nullptr, nullptr),
                ref.compute(s.training[g], nullptr, nullptr, nullptr), 1e-5);
}

TEST(BuiltinModels, TheCommittedWaterSetGivesSensibleEnergiesOnTheSharedGeometry) {
  GPIQA_REQUIRE_SHARED_DATA();
  model::MoleculeModel set = model::MoleculeModel::load(reference::builtin_models("water"));
  reference::MmffReference ref(reference::Molecule::from_molfile(reference::builtin_molfile("water")));
  const model::Positions p = test::shared_geometry_bohr("geometries/water.xyz");
  model::Positions f_model, f_ref;
  const double e_model = set.compute(p, &f_model, nullptr, nullptr);
  const double e_ref = ref.compute(p, &f_ref, nullptr, nullptr);
  // The DFT geometry of the FFLUX water set is near MMFF94's minimum: a few kcal/mol at most, and the model
  // agrees with the reference there to well under 0.1 kcal/mol.
  EXPECT_LT(e_ref * units::kKcalPerMolPerHartree, 5.0);
  EXPECT_NEAR(e_model, e_ref, 0.1 / units::kKcalPerMolPerHartree);
  EXPECT_LT((f_model - f_ref).cwiseAbs().maxCoeff(), 1e-3);
}

}  // namespace
}  // namespace gpiqa::train
