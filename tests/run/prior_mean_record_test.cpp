// PRIOR_MEAN.json (run/prior_mean_record.hpp): what a set trained for bonded+ or mmff-bonded needs to run
// with the mean it was trained for. The record reads back to the context it was written from, bit for bit
// (the re-solved weights would differ otherwise); a folder without one has none; every malformed record is
// one error naming the file, never a silently different mean.
#include "gpiqa/run/prior_mean_record.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"
#include "support/test_data.hpp"

namespace gpiqa::run {
namespace {

model::MeanContext bonded_context() {
  model::MeanContext c;
  model::Positions p(3, 3);
  p << 0.1 + 0.2, 1.0 / 3.0, -1e-300, 0, 1.43, -1.43, 0, 1.1, 1.1;
  c.equilibrium_bohr = p;
  c.bonds = {{0, 1}, {0, 2}};
  c.bonded_anchor_hartree = {{"O1", -75.4123456789}, {"H2", -0.51}, {"H3", -0.51}};
  return c;
}

TEST(PriorMeanRecord, ABondedRecordReadsBackBitForBit) {
  const std::string dir = gpiqa::test::temp_dir("prior-mean-bonded");
  write_prior_mean_record(dir, model::MeanSpec::parse("bonded+"), bonded_context(), "");
  const std::optional<PriorMeanRecord> r = read_prior_mean_record(dir);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, model::MeanSpec::Kind::kBondedNonNegative);
  EXPECT_EQ(r->mean, "bonded+");
  ASSERT_TRUE(r->context.equilibrium_bohr);
  EXPECT_EQ(*r->context.equilibrium_bohr, *bonded_context().equilibrium_bohr);
  EXPECT_EQ(r->context.bonds, bonded_context().bonds);
  EXPECT_EQ(r->context.bonded_anchor_hartree, bonded_context().bonded_anchor_hartree);
}

TEST(PriorMeanRecord, AnMmffBondedRecordNamesItsMolecule) {
  const std::string dir = gpiqa::test::temp_dir("prior-mean-mmff");
  write_prior_mean_record(dir, model::MeanSpec::parse("mmff-bonded"), {}, "/data/water.mol");
  const std::optional<PriorMeanRecord> r = read_prior_mean_record(dir);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, model::MeanSpec::Kind::kMmffBonded);
  EXPECT_EQ(r->reference, "/data/water.mol");
  EXPECT_FALSE(read_prior_mean_record(gpiqa::test::temp_dir("prior-mean-none"))) << "no record, none";
  EXPECT_FALSE(read_prior_mean_record(""));
  EXPECT_THROW(write_prior_mean_record(dir, model::MeanSpec::parse("min"), {}, ""), InputError)
      << "a mean the model files hold needs no record";
}

TEST(PriorMeanRecord, AMalformedRecordIsOneErrorNamingTheFile) {
  const std::string dir = gpiqa::test::temp_dir("prior-mean-bad");
  const std::string path = dir + "/" + kPriorMeanRecordFile;
  for (const char* text :
       {"[1, 2]", "{\"equilibrium_bohr\": []}", "{\"mean\": \"bonded+\"}",
        "{\"mean\": \"bonded+\", \"equilibrium_bohr\": [[0, 0]], \"bonds\": [], \"anchor_hartree\": {}}",
        "{\"mean\": \"bonded+\", \"equilibrium_bohr\": [[0, 0, 0], [1, 0, 0]], \"bonds\": [[0, 2]], "
        "\"anchor_hartree\": {}}",
        "{\"mean\": \"mmff-bonded\", \"reference\": \"\"}", "{\"mean\": \"min\"}", "{\"mean\": \"wobbly\"}",
        "not json"}) {
    std::ofstream(path) << text;
    try {
      read_prior_mean_record(dir);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(kPriorMeanRecordFile), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace gpiqa::run
