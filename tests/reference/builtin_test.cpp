// The built-in molecules (reference/builtin.hpp): every one has its committed molfile and geometry in the
// data folder, its molfile is the molecule its SMILES names (the same atoms), an unknown name is one error
// listing the known ones, and the data and cache folders follow their environment variables in order.
#include "gpiqa/reference/builtin.hpp"

#include <cstdlib>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/reference/molecule.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::reference {
namespace {

namespace fs = std::filesystem;

// Sets an environment variable for one scope (unset when `value` is null), restoring it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() { had_ ? setenv(name_, old_.c_str(), 1) : unsetenv(name_); }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

TEST(Builtin, EveryMoleculeHasItsFilesAndTheyAreTheMoleculeItsSmilesNames) {
  ScopedEnv data("GPIQA_DATA_DIR", nullptr);
  ASSERT_EQ(builtin_molecules().size(), 6u);
  for (const BuiltinMolecule& m : builtin_molecules()) {
    ASSERT_TRUE(fs::exists(builtin_molfile(m.name))) << m.name;
    ASSERT_TRUE(fs::exists(builtin_geometry(m.name))) << m.name;
    const Molecule from_file = Molecule::from_molfile(builtin_molfile(m.name));
    std::map<std::string, int> counts_file, counts_smiles;
    for (const std::string& e : from_file.elements()) ++counts_file[e];
    const Molecule from_smiles = Molecule::from_smiles(m.smiles);
    for (const std::string& e : from_smiles.elements()) ++counts_smiles[e];
    EXPECT_EQ(counts_file, counts_smiles) << m.name << ": the molfile is not " << m.smiles;
    EXPECT_EQ(io::read_xyz(builtin_geometry(m.name)).front().elements, from_file.elements()) << m.name;
    EXPECT_EQ(&builtin_molecule(m.name), &m);
  }
  EXPECT_EQ(builtin_molecule("glycine").system, "GLYCINE");
}

TEST(Builtin, AnUnknownNameIsOneErrorListingTheKnownOnes) {
  try {
    builtin_molecule("caffeine", "campaign.yaml");
    ADD_FAILURE() << "an unknown molecule was found";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "campaign.yaml");
    EXPECT_NE(
        std::string(e.what()).find("unknown built-in molecule 'caffeine' (water, ammonia, methanol, glycine"),
        std::string::npos)
        << e.what();
  }
  EXPECT_THROW(builtin_molfile("caffeine"), InputError);
}

TEST(Builtin, TheDataAndCacheFoldersFollowTheirEnvironment) {
  {
    ScopedEnv data("GPIQA_DATA_DIR", "/data/gpiqa");
    EXPECT_EQ(data_dir(), "/data/gpiqa");
    EXPECT_EQ(builtin_molfile("water"), "/data/gpiqa/molecules/water.mol");
  }
  ScopedEnv cache("GPIQA_MODELS_CACHE", "/scratch/models");
  EXPECT_EQ(models_cache_dir(), "/scratch/models");
  ScopedEnv no_cache("GPIQA_MODELS_CACHE", nullptr);
  ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
  EXPECT_EQ(models_cache_dir(), "/xdg/gpiqa/models");
  ScopedEnv no_xdg("XDG_CACHE_HOME", nullptr);
  ScopedEnv home("HOME", "/srv/someone");
  EXPECT_EQ(models_cache_dir(), "/srv/someone/.cache/gpiqa/models");
}

}  // namespace
}  // namespace gpiqa::reference
