// Where a trajectory's potential comes from (run/potential_source.hpp): a GP set or the MMFF94 reference,
// loaded with the identity a checkpoint records (absolute paths, so `md --restart` works from any folder),
// and read back from that identity; a mean applied to the set changes the energy but not the set's atoms; the
// start geometry is the given file (checked against the atoms) or the reference's own coordinates; sources
// that say too little or too much are refused.
#include "gpiqa/run/potential_source.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/test_data.hpp"

namespace gpiqa::run {
namespace {

namespace fs = std::filesystem;
const std::string kRepo = GPIQA_SOURCE_DIR;

TEST(PotentialSource, AGpSetLoadsWithTheIdentityACheckpointKeepsAndBack) {
  const fs::path here = fs::current_path();
  fs::current_path(kRepo);
  const LoadedPotential p = load_potential(PotentialSource{"models/water", "min", "", {}});
  fs::current_path(here);
  EXPECT_EQ(p.identity.at("models"), (fs::path(kRepo) / "models/water").lexically_normal().string())
      << "absolute: a restart from another folder still finds it";
  EXPECT_EQ(p.identity.at("mean"), "min");
  EXPECT_EQ(p.identity.at("system"), "WATER");
  const PotentialSource back = PotentialSource::from_identity(p.identity, "c.h5");
  EXPECT_EQ(back.models, p.identity.at("models"));
  EXPECT_EQ(back.mean, "min");
  EXPECT_FALSE(back.is_reference());
  EXPECT_FALSE(p.molecule);
  EXPECT_EQ(p.potential->elements(), (std::vector<std::string>{"O", "H", "H"}));
}

TEST(PotentialSource, AMeanChangesTheEnergyOfTheSameSet) {
  const model::Positions x =
      io::read_xyz(kRepo + "/molecules/water.xyz").front().positions_angstrom * units::kBohrPerAngstrom;
  LoadedPotential file = load_potential(PotentialSource{kRepo + "/models/water", "file", "", {}});
  LoadedPotential max = load_potential(PotentialSource{kRepo + "/models/water", "max", "", {}});
  const double e_file = file.potential->compute(x, nullptr, nullptr, nullptr);
  const double e_max = max.potential->compute(x, nullptr, nullptr, nullptr);
  EXPECT_TRUE(std::isfinite(e_file) && std::isfinite(e_max));
  EXPECT_NE(e_file, e_max);
  EXPECT_THROW(load_potential(PotentialSource{kRepo + "/models/water", "no-such-mean", "", {}}), InputError);
}

TEST(PotentialSource, TheReferenceStartsFromItsOwnCoordinatesAndChecksAGivenGeometry) {
  const LoadedPotential p = load_potential(PotentialSource{"", "file", "O", {}});
  EXPECT_EQ(p.identity, (io::Identity{{"reference", "O"}})) << "a SMILES is kept as it is";
  ASSERT_TRUE(p.molecule);
  EXPECT_EQ(p.start_bohr(""), p.molecule->positions_bohr());
  const model::Positions from_file = p.start_bohr(kRepo + "/molecules/water.xyz");
  EXPECT_NEAR(from_file(1, 0), 0.3977 * units::kBohrPerAngstrom, 1e-12);
  const std::string ammonia = kRepo + "/molecules/ammonia.xyz";
  try {
    p.start_bohr(ammonia);
    ADD_FAILURE() << "ammonia's geometry was taken for water";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), ammonia);
  }
  EXPECT_TRUE(PotentialSource::from_identity(p.identity, "c.h5").is_reference());
}

TEST(PotentialSource, ASourceThatSaysTooLittleOrTooMuchIsRefused) {
  EXPECT_THROW(load_potential(PotentialSource{}), std::invalid_argument);
  EXPECT_THROW(load_potential(PotentialSource{kRepo + "/models/water", "file", "O", {}}),
               std::invalid_argument);
  try {
    PotentialSource::from_identity({{"seed", "1"}}, "old.h5");
    ADD_FAILURE() << "a checkpoint without its potential";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "old.h5");
    EXPECT_NE(std::string(e.what()).find("give --models or --reference"), std::string::npos);
  }
  EXPECT_THROW(start_geometry_bohr("", nullptr), InputError) << "a GP set needs a geometry";
}

}  // namespace
}  // namespace gpiqa::run
