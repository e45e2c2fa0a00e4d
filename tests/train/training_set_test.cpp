// FEREBUS training CSVs (train/training_set.hpp): features f1..fN and the target are taken by name, the
// other property columns ignored, values exactly as written (D exponents too); every problem is one error
// naming the file and the line (a bad point silently dropped would change the model); split_every sends
// every k-th point to validation.
#include "gpiqa/train/training_set.hpp"

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"

namespace gpiqa::train {
namespace {

const std::string kCsv =
    ",f1,f2,q00,iqa\n"
    "0,1.5,-0.25,0.1,-75.5\n"
    "\n"
    "1,2.0D+00,0.5,0.2,-75.25\r\n"
    "2,3.0,0.75,0.3,-75.125\n";

TEST(TrainingSet, FeaturesAndTargetAreTakenByNameExactly) {
  const TrainingSet t = parse_training_csv(kCsv, "O1.csv");
  EXPECT_EQ(t.source, "O1.csv");
  ASSERT_EQ(t.x.rows(), 3);
  ASSERT_EQ(t.x.cols(), 2);
  EXPECT_EQ(t.x(0, 0), 1.5);
  EXPECT_EQ(t.x(0, 1), -0.25);
  EXPECT_EQ(t.x(1, 0), 2.0) << "a Fortran exponent";
  EXPECT_EQ(t.y(2), -75.125);
  const TrainingSet q = parse_training_csv(kCsv, "O1.csv", "q00");
  EXPECT_EQ(q.y(1), 0.2) << "any property column can be the target";
}

TEST(TrainingSet, EveryProblemIsOneErrorNamingTheFileAndLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty file"},
      {",f1,f3,iqa\n0,1,2,3\n", "O1.csv:1: feature columns must be f1, f2, ... in order; found 'f3'"},
      {",a,iqa\n0,1,2\n", "O1.csv:1: no feature columns"},
      {",f1,energy\n0,1,2\n", "O1.csv:1: no 'iqa' column"},
      {",f1,iqa\n0,1,2\n1,2\n", "O1.csv:3: row has 2 columns, the header 3"},
      {",f1,iqa\n0,1,-75\n1,x,-75\n", "O1.csv:3: column 'f1' is not a finite number: 'x'"},
      {",f1,iqa\n0,1,nan\n", "O1.csv:2: column 'iqa' is not a finite number"},
      {",f1,f2,iqa\n0,1,2,3\n", "1 training points for 2 features"}};
  for (const auto& [text, message] : cases) {
    try {
      parse_training_csv(text, "O1.csv");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(read_training_csv("/nonexistent/O1.csv"), InputError);
}

TEST(TrainingSet, SplitEverySendsEveryKthPointToValidation) {
  TrainingSet all;
  all.source = "s";
  all.x.resize(7, 1);
  all.y.resize(7);
  for (int i = 0; i < 7; ++i) all.x(i, 0) = i, all.y(i) = 10 * i;
  TrainingSet train, validation;
  split_every(all, 3, train, validation);
  EXPECT_EQ(validation.x.col(0), Eigen::Vector2d(2, 5));
  ASSERT_EQ(train.x.rows(), 5);
  EXPECT_EQ(train.y, (Eigen::VectorXd(5) << 0, 10, 30, 40, 60).finished());
  EXPECT_EQ(train.source, "s");
}

}  // namespace
}  // namespace gpiqa::train
