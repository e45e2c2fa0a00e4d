// What a file is and which run wrote it (io/file_identity.hpp): `gpiqa md` writes only into its own
// trajectory or checkpoint, so every kind of file must be told apart, a run's recorded identity read back
// as written, and two identities compared setting by setting, the duration aside (a continued run extends
// it).
#include "gpiqa/io/file_identity.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/io/hdf5.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/io/trajectory_file.hpp"
#include "support/test_data.hpp"

namespace gpiqa::io {
namespace {

using Kind = FileIdentity::Kind;

Checkpoint small_checkpoint() {
  Checkpoint cp;
  cp.state.positions = md::Positions::Zero(3, 2);
  cp.state.velocities = md::Positions::Zero(3, 2);
  cp.state.masses = Eigen::VectorXd::Ones(2);
  cp.reference_bohr = md::Positions::Zero(3, 2);
  cp.integrator = "nve";
  return cp;
}

TEST(FileIdentity, TellsEveryKindOfFileApart) {
  const std::string dir = test::temp_dir("file-identity");
  EXPECT_EQ(identify_file(dir + "/missing.h5").kind, Kind::kMissing);
  EXPECT_EQ(identify_file(dir).kind, Kind::kNotHdf5);
  EXPECT_EQ(identify_file(dir).description, "a directory");
  std::ofstream(dir + "/notes.txt") << "not HDF5";
  EXPECT_EQ(identify_file(dir + "/notes.txt").kind, Kind::kNotHdf5);
  { h5::Handle f = h5::open_file(dir + "/other.h5", h5::Mode::kCreateNew); }
  EXPECT_EQ(identify_file(dir + "/other.h5").kind, Kind::kOtherHdf5);

  ResultsHeader h;
  h.campaign_name = "study";
  create_results(dir + "/results.h5", h, {});
  const FileIdentity results = identify_file(dir + "/results.h5");
  EXPECT_EQ(results.kind, Kind::kResults);
  EXPECT_EQ(results.description, "a gpiqa results file (campaign 'study')");

  const Identity run = {{"system", "water"}, {"seed", "5"}, {"duration_ps", "1"}};
  save_checkpoint(dir + "/c.h5", small_checkpoint(), run);
  const FileIdentity checkpoint = identify_file(dir + "/c.h5");
  EXPECT_EQ(checkpoint.kind, Kind::kCheckpoint);
  EXPECT_EQ(checkpoint.identity, run);

  TrajectoryFile::create(dir + "/t.h5", {"O", "H"}, run);
  const FileIdentity trajectory = identify_file(dir + "/t.h5");
  EXPECT_EQ(trajectory.kind, Kind::kTrajectory);
  EXPECT_EQ(trajectory.identity, run);
}

TEST(FileIdentity, AFileWithAnHdf5SignatureButNoBodyIsNotOpenable) {
  const std::string path = test::temp_dir("file-identity-torn") + "/t.h5";
  { h5::Handle f = h5::open_file(path, h5::Mode::kCreateNew); }
  std::filesystem::resize_file(path, 64);  // the signature stays, the rest is gone
  const FileIdentity f = identify_file(path);
  EXPECT_TRUE(f.kind == Kind::kUnopenableHdf5 || f.kind == Kind::kNotHdf5) << f.description;
  EXPECT_NE(f.kind, Kind::kOtherHdf5) << "a torn file must not pass as someone else's";
}

TEST(FileIdentity, IdentitiesDifferByTheirFirstSettingButNotByDuration) {
  const Identity file = {{"seed", "5"}, {"temperature_K", "300"}, {"duration_ps", "1"}};
  EXPECT_EQ(identity_difference(file, {{"seed", "5"}, {"temperature_K", "300"}, {"duration_ps", "2"}}), "");
  EXPECT_EQ(identity_difference(file, {{"seed", "6"}, {"temperature_K", "300"}}), "seed 5, not 6");
  EXPECT_EQ(identity_difference(file, {{"seed", "5"}}), "temperature_K 300, which this run does not have");
  EXPECT_EQ(identity_difference({{"seed", "5"}}, {{"seed", "5"}, {"mean", "min"}}),
            "no mean (this run: min)");
}

}  // namespace
}  // namespace gpiqa::io
