// Model files: the shared FEREBUS/ICHOR files parse, round-trip exactly, and every malformed variant is a
// one-line InputError naming the file and line.
#include "gpiqa/model/model_file.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"
#include "support/test_data.hpp"

namespace gpiqa::model {
namespace {

TEST(ModelFile, ReadsWaterFromDlFflux) {
  GPIQA_REQUIRE_SHARED_DATA();
  const ModelFile f = read_model_file(test::shared_data("models/water-dlfflux/WATER_iqa_O1.model"));
  EXPECT_EQ(f.system_name, "WATER");
  EXPECT_EQ(f.atom_label, "O1");
  EXPECT_EQ(f.property, "iqa");
  EXPECT_EQ(f.program(), "gpytorch");
  EXPECT_DOUBLE_EQ(f.noise(), 2.2797812188702698e-08);
  EXPECT_EQ(f.alf.central, 0);
  EXPECT_EQ(f.alf.x_axis, 1);
  EXPECT_EQ(f.alf.xy_plane, 2);
  EXPECT_EQ(f.x.rows(), 100);
  EXPECT_EQ(f.x.cols(), 3);
  EXPECT_DOUBLE_EQ(f.mean.constant, -75.48088699318001);
  ASSERT_EQ(f.kernels.size(), 1u);
  EXPECT_EQ(f.kernels[0].type, "rbf");
  EXPECT_DOUBLE_EQ(f.kernels[0].theta[2], 0.3129791136699534);
  EXPECT_DOUBLE_EQ(f.x(0, 0), 1.8861174799475058);
  EXPECT_DOUBLE_EQ(f.y(0), -75.484269717);
  EXPECT_DOUBLE_EQ(f.weights(0), -148.97001149868257);
}

TEST(ModelFile, ReadsAmmoniaProductKernelFromIchor) {
  GPIQA_REQUIRE_SHARED_DATA();
  const ModelFile f = read_model_file(test::shared_data("models/ammonia-ichor/AMMONIA_iqa_H3.model"));
  EXPECT_EQ(f.alf.central, 2);
  EXPECT_EQ(f.alf.x_axis, 1);
  EXPECT_EQ(f.alf.xy_plane, 3);
  EXPECT_EQ(f.composition, "(k1*k2)");
  ASSERT_EQ(f.kernels.size(), 2u);
  EXPECT_EQ(f.kernels[1].type, "periodic");
  EXPECT_EQ(f.kernels[1].active_dimensions, std::vector<int>{5});
  EXPECT_EQ(f.periodic_convention(), PeriodicConvention::kGpytorch);
  EXPECT_EQ(f.x.rows(), 500);
}

TEST(ModelFile, RoundTripIsExact) {
  GPIQA_REQUIRE_SHARED_DATA();
  for (const char* rel :
       {"models/water-dlfflux/WATER_iqa_H2.model", "models/ammonia-ichor/AMMONIA_iqa_N1.model"}) {
    const ModelFile a = read_model_file(test::shared_data(rel));
    const ModelFile b = parse_model_file(format_model_file(a), "roundtrip");
    EXPECT_EQ(a.x, b.x);
    EXPECT_EQ(a.y, b.y);
    EXPECT_EQ(a.weights, b.weights);
    EXPECT_EQ(a.metadata, b.metadata);
    EXPECT_EQ(a.composition, b.composition);
    EXPECT_EQ(a.kernels.size(), b.kernels.size());
    for (std::size_t k = 0; k < a.kernels.size(); ++k) EXPECT_EQ(a.kernels[k].theta, b.kernels[k].theta);
    // written once more, the text is a fixed point
    EXPECT_EQ(format_model_file(a), format_model_file(b));
  }
}

// A small valid FEREBUS-style file used as the base of the malformed variants.
std::string ferebus_file() {
  return R"(# [metadata]
# program ferebus
# version 7.2.0
# nugget 1.0000000000000000E-010
# likelihood 120.5

[system]
name TRI
atom H2
property iqa
ALF 2 1 3

[dimensions]
number_of_atoms 3
number_of_features 3
number_of_training_points 3

[mean]
type linear
beta 0.1 -0.2 0.05 
xmin 1.8 1.9 1.7 
ymin -0.5

[kernels]
number_of_kernels 1
composition k1

[kernel.k1]
type rbf-cyclic
number_of_dimensions 3
active_dimensions 1 2 3 
theta 0.5 0.6 0.7 

[training_data]
units.x bohr bohr radians 
units.y Ha
scaling.x none
scaling.y none

[training_data.x]
1.8 1.9 1.7 
1.9 1.8 1.8 
1.7 2.0 1.6 

[training_data.y]
-0.5
-0.45
-0.48

[weights]
0.01
-0.02
0.03
)";
}

TEST(ModelFile, ReadsFerebusSpellings) {
  const ModelFile f = parse_model_file(ferebus_file(), "tri.model");
  EXPECT_EQ(f.program(), "ferebus");
  EXPECT_DOUBLE_EQ(f.noise(), 1e-10);
  EXPECT_EQ(f.mean.kind, MeanKind::kLinear);
  EXPECT_EQ(f.mean_x_key, "xmin");
  EXPECT_DOUBLE_EQ(f.mean.y_min, -0.5);
  EXPECT_EQ(f.kernels[0].type, "rbf-cyclic");
  EXPECT_EQ(f.periodic_convention(), PeriodicConvention::kFerebus);
  EXPECT_NE(format_model_file(f).find("xmin 1.8 1.9 1.7"), std::string::npos);
}

struct BadCase {
  const char* what;
  std::string from, to;
  int line;             // expected line in the message (0: any)
  const char* message;  // expected fragment
};

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(ModelFile, MalformedFilesGiveOneLineErrorsWithLineNumbers) {
  const std::vector<BadCase> cases = {
      {"non-numeric x", "1.9 1.8 1.8 \n", "1.9 abc 1.8\n", 42, "'abc' is not a finite number"},
      {"short row", "1.9 1.8 1.8 \n", "1.9 1.8\n", 42, "2 features, expected 3"},
      {"too few y", "-0.45\n", "", 45, "[training_data.y] has 2 values"},
      {"too many points declared", "number_of_training_points 3", "number_of_training_points 4", 40,
       "has 3 points"},
      {"ALF out of range", "ALF 2 1 3", "ALF 2 1 4", 11, "ALF index 4 out of range"},
      {"ALF not matching atom", "ALF 2 1 3", "ALF 1 2 3", 11, "does not match atom H2"},
      {"unknown kernel", "type rbf-cyclic", "type matern52", 28, "unsupported kernel type 'matern52'"},
      {"sum kernel", "composition k1", "composition (k1+k2)", 26, "sum kernels"},
      {"undefined kernel", "composition k1", "composition (k1*k3)", 26, "no [kernel.k3]"},
      {"theta count", "theta 0.5 0.6 0.7 ", "theta 0.5 0.6", 32, "2 theta values for 3 active"},
      {"active dim range", "active_dimensions 1 2 3 ", "active_dimensions 1 2 4", 28,
       "active dimension 4 out"},
      {"NaN weight", "0.03\n", "nan\n", 53, "not a finite number"},
      {"features for atoms", "number_of_atoms 3", "number_of_atoms 4", 15,
       "4 atoms need 6 ALF features, not 3"},
      {"unknown section", "[weights]", "[weight]", 50, "unknown section [weight]"},
      {"unknown mean", "type linear", "type cubic", 18, "unsupported mean type 'cubic'"},
      {"negative theta", "theta 0.5 0.6 0.7 ", "theta 0.5 -0.6 0.7", 32, "negative kernel hyperparameter"},
      {"bad nugget", "# nugget 1.0000000000000000E-010", "# nugget abc", 0, "nugget"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.what);
    const std::string text = replace(ferebus_file(), c.from, c.to);
    try {
      const ModelFile f = parse_model_file(text, "bad.model");
      (void)make_atom_model(f);
      (void)f.noise();
      FAIL() << "accepted: " << c.what;
    } catch (const InputError& e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
      EXPECT_EQ(e.file(), "bad.model");
      if (c.line) {
        EXPECT_EQ(e.line(), c.line) << msg;
      }
      EXPECT_NE(msg.find(c.message), std::string::npos) << msg;
    }
  }
}

TEST(ModelFile, TruncatedFileIsAnError) {
  const std::string full = ferebus_file();
  for (std::size_t cut :
       {std::size_t(40), full.find("[kernels]"), full.find("[weights]"), full.find("0.01")}) {
    SCOPED_TRACE(cut);
    EXPECT_THROW(parse_model_file(full.substr(0, cut), "cut.model"), InputError);
  }
}

TEST(ModelFile, MissingFileNamesThePath) {
  try {
    read_model_file("/nonexistent/X_iqa_O1.model");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "/nonexistent/X_iqa_O1.model");
  }
}

}  // namespace
}  // namespace gpiqa::model
