// Training on the shared FEREBUS water sets: the written file reads back and reproduces its training data,
// held-out points are predicted to well under a kcal/mol, training is deterministic, and bad CSVs are refused
// with the file and row.
#include "gpiqa/train/trainer.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/model/atom_model.hpp"
#include "gpiqa/util/error.hpp"
#include "support/test_data.hpp"

namespace gpiqa::train {
namespace {

std::string water_csv(const char* atom) {
  return test::shared_data(std::string("training/water-ferebus/WATER_") + atom + "_TRAINING_SET.csv");
}

AtomIdentity water_identity(const char* atom) {
  AtomIdentity id;
  id.system = "WATER";
  id.atom = atom;
  id.alf = {0, 1, 2};
  id.number_of_atoms = 3;
  return id;
}

TEST(Trainer, TrainedFileRoundTripsAndReproducesItsTrainingData) {
  GPIQA_REQUIRE_SHARED_DATA();
  const TrainingSet data = read_training_csv(water_csv("O1"));
  EXPECT_EQ(data.x.rows(), 59);
  EXPECT_EQ(data.x.cols(), 3);
  const TrainResult r = train_atom_model(data, water_identity("O1"), TrainOptions{});
  const std::string path = test::temp_dir("train") + "/WATER_iqa_O1.model";
  model::write_model_file(path, r.file);
  const model::ModelFile back = model::read_model_file(path);
  EXPECT_EQ(back.program(), "gpiqa");
  EXPECT_GT(back.noise(), 0);
  const model::AtomModel m = model::make_atom_model(back);
  const Eigen::VectorXd residual = m.predict_training() - m.training_y();
  // A GP with fitted noise smooths: residuals stay within a few noise standard deviations (sqrt(nugget) ~
  // 1e-4 Ha).
  EXPECT_LT(residual.cwiseAbs().maxCoeff(), 5 * std::sqrt(m.noise()));
  EXPECT_LT(residual.cwiseAbs().maxCoeff(), 0.5e-3);
  EXPECT_LT((residual + m.noise() * m.weights()).cwiseAbs().maxCoeff(), 1e-9)
      << "weights not solved at the written noise";
}

TEST(Trainer, WaterValidationErrorOnHeldOutThird) {
  GPIQA_REQUIRE_SHARED_DATA();
  for (const char* atom : {"O1", "H2", "H3"}) {
    TrainingSet fit, held;
    split_every(read_training_csv(water_csv(atom)), 3, fit, held);
    const TrainResult r = train_atom_model(fit, water_identity(atom), TrainOptions{});
    const model::AtomModel m = model::make_atom_model(r.file);
    double se = 0;
    for (Eigen::Index i = 0; i < held.x.rows(); ++i)
      se += std::pow(m.energy(held.x.row(i).transpose()) - held.y(i), 2);
    const double rmse = std::sqrt(se / static_cast<double>(held.x.rows()));
    // measured 0.17 / 0.25 / 0.22 mHa; 1 mHa is 0.63 kcal/mol
    EXPECT_LT(rmse, 0.5e-3) << atom;
    ::testing::Test::RecordProperty(std::string("rmse_") + atom, std::to_string(rmse));
  }
}

TEST(Trainer, IsDeterministic) {
  GPIQA_REQUIRE_SHARED_DATA();
  const TrainingSet data = read_training_csv(water_csv("H2"));
  const TrainResult a = train_atom_model(data, water_identity("H2"), TrainOptions{});
  const TrainResult b = train_atom_model(data, water_identity("H2"), TrainOptions{});
  EXPECT_EQ(a.file.kernels[0].theta, b.file.kernels[0].theta);
  EXPECT_EQ(a.file.weights, b.file.weights);
}

TEST(Trainer, FileNamesGiveSystemAndAtom) {
  EXPECT_EQ(identity_from_file_name("/x/WATER_O1_TRAINING_SET.csv"),
            std::make_pair(std::string("WATER"), std::string("O1")));
  EXPECT_EQ(identity_from_file_name("/x/N_METHYL_ACETAMIDE_C3_TRAINING_SET.csv").second, "C3");
  EXPECT_EQ(identity_from_file_name("data.csv"), std::make_pair(std::string(), std::string()));
}

TEST(TrainingSet, BadCsvsNameTheFileAndRow) {
  const std::string dir = test::temp_dir("csv");
  struct Case {
    const char* text;
    int line;
    const char* fragment;
  };
  const std::vector<Case> cases = {
      {",f1,f2,f3,q00\n0,1,2,3,4\n", 1, "no 'iqa' column"},
      {",a,b,iqa\n0,1,2,3\n", 1, "no feature columns"},
      {",f1,f3,f2,iqa\n0,1,2,3,4\n", 1, "f1, f2, ... in order"},
      {",f1,f2,f3,iqa\n0,1,2,3,-1\n1,1,nan,3,-1\n2,1,2,3,-1\n3,1,2,3,-1\n", 3,
       "column 'f2' is not a finite number"},
      {",f1,f2,f3,iqa\n0,1,2,3,-1\n1,1,2,3\n", 3, "row has 4 columns"},
      {",f1,f2,f3,iqa\n0,1,2,3,-1\n1,1,2,3,-1\n", 0, "fewer points than features"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    std::ofstream(dir + "/t.csv") << c.text;
    try {
      read_training_csv(dir + "/t.csv");
      FAIL();
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), dir + "/t.csv");
      if (c.line) {
        EXPECT_EQ(e.line(), c.line) << e.what();
      }
      EXPECT_NE(std::string(e.what()).find(c.fragment), std::string::npos) << e.what();
    }
  }
}

// Local frames from "i j k" (1-based in, 0-based out) and FEREBUS's default: the atom and the two
// lowest-numbered others. Bad frames name where they came from (and the line).
TEST(Trainer, LocalFramesGivenAndDefault) {
  const model::Alf given = parse_alf(" 3 1  2 ", 4, "ALF.txt", 7);
  EXPECT_EQ(given.central, 2);
  EXPECT_EQ(given.x_axis, 0);
  EXPECT_EQ(given.xy_plane, 1);
  const model::Alf h3 = default_alf("H3", 4, "--alf");
  EXPECT_EQ(h3.central, 2);
  EXPECT_EQ(h3.x_axis, 0);
  EXPECT_EQ(h3.xy_plane, 1);
  const model::Alf o1 = default_alf("O1", 3, "--alf");
  EXPECT_EQ(o1.x_axis, 1);
  EXPECT_EQ(o1.xy_plane, 2);
  struct Bad {
    std::string ijk;
    const char* fragment;
  };
  for (const Bad& b : {Bad{"1 2", "three 1-based"}, Bad{"1 2 x", "three 1-based"},
                       Bad{"1 2 5", "out of range 1..4"}, Bad{"1 2 2", "must differ"}}) {
    try {
      parse_alf(b.ijk, 4, "ALF.txt", 7);
      FAIL() << b.ijk;
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "ALF.txt");
      EXPECT_EQ(e.line(), 7);
      EXPECT_NE(std::string(e.what()).find(b.fragment), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(default_alf("X", 4, "--alf"), InputError);
  EXPECT_THROW(default_alf("H9", 4, "--alf"), InputError);
  EXPECT_THROW(default_alf("H1", 2, "--alf"), InputError);
}

}  // namespace
}  // namespace gpiqa::train
