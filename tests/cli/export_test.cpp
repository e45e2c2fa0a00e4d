// gpiqa export as a user runs it, on the MMFF94 reference (no ../shared needed): a `gpiqa md --out`
// trajectory and a campaign task's frames become extended XYZ with one frame per recorded frame, or an H5MD
// file of their own equal to the source; every bad input is one line, a non-zero exit and no output file.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/frame_writer.hpp"
#include "gpiqa/io/results_file.hpp"
#include "support/test_data.hpp"
#include "support_process.hpp"

namespace gpiqa::test {
namespace {

namespace fs = std::filesystem;

struct Sources {
  std::string dir, trajectory, results, results_without_frames, shard;
};

// One md trajectory (6 frames), a campaign with frames (2 tasks) and one without, made once.
const Sources& sources() {
  static const Sources s = [] {
    Sources m;
    m.dir = temp_dir("export");
    m.trajectory = m.dir + "/t.h5";
    const ProcessResult md = run_gpiqa(
        "md --reference O --temperature 300 --duration-ps 0.05 --seed 2 "
        "--frames-every 20 --out " +
        m.trajectory);
    EXPECT_EQ(md.exit_code, 0) << md.err;
    for (int frames_every : {25, 0}) {
      const std::string name = frames_every > 0 ? "framed" : "unframed";
      std::ofstream(m.dir + "/" + name + ".yaml")
          << "name: " << name << "\nmolecules:\n  water: {smiles: \"O\"}\nmodels: {mmff: {kind: reference}}\n"
          << "temperatures_K: [300]\nseeds: 2\nmd: {timestep_fs: 0.5, duration_ps: 0.05}\n"
          << "output: {file: " << name << ".h5, frames_every: " << frames_every << "}\n";
      const ProcessResult run = run_gpiqa("run " + m.dir + "/" + name + ".yaml");
      EXPECT_EQ(run.exit_code, 0) << run.err;
    }
    m.results = m.dir + "/framed.h5";
    m.results_without_frames = m.dir + "/unframed.h5";
    // shard 0 of 2 of a four-task campaign: tasks 1 and 3 are another shard's
    m.shard = m.dir + "/shard.h5";
    io::ResultsHeader header;
    header.campaign_name = "sharded";
    header.shard_index = 0;
    header.shard_count = 2;
    std::vector<io::TaskRow> rows(4);
    for (int i = 0; i < 4; ++i) rows[i].task_id = i, rows[i].label = "t" + std::to_string(i);
    io::create_results(m.shard, header, rows);
    return m;
  }();
  return s;
}

int count_frames(const std::string& extxyz) {
  std::ifstream in(extxyz);
  int frames = 0;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("Properties=", 0) == 0) ++frames;
  return frames;
}

io::FrameBuffer read_frames(const std::string& path) {
  io::h5::Handle f = io::h5::open_file(path, io::h5::Mode::kReadOnly);
  return io::read_h5md_frames(f.id());
}

TEST(ExportCommand, MdTrajectoryToExtxyzHasEveryFrame) {
  const Sources& s = sources();
  const std::string out = s.dir + "/t.extxyz";
  const ProcessResult r = run_gpiqa("export " + s.trajectory + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "gpiqa export: 6 frames of 3 atoms -> " + out + " (extxyz)\n");
  EXPECT_EQ(count_frames(out), 6);  // steps 0, 20, ..., 100
  std::ifstream in(out);
  std::string count, comment, oxygen;
  std::getline(in, count), std::getline(in, comment), std::getline(in, oxygen);
  EXPECT_EQ(count, "3");
  std::istringstream atom(oxygen);
  std::string symbol;
  double x = 0;
  atom >> symbol >> x;
  EXPECT_EQ(symbol, "O");
  EXPECT_NEAR(x, read_frames(s.trajectory).positions_angstrom[0], 1e-10);
  EXPECT_FALSE(fs::exists(out + ".exporting"));
}

TEST(ExportCommand, CampaignTaskToH5mdEqualsTheTaskFrames) {
  const Sources& s = sources();
  const std::string out = s.dir + "/task1.h5";
  const ProcessResult r = run_gpiqa("export " + s.results + " --task 1 --format h5md --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::FrameBuffer task = io::read_task_frames(s.results, 1), exported = read_frames(out);
  ASSERT_EQ(task.size(), 5u);  // steps 0, 25, 50, 75, 100
  EXPECT_EQ(exported.step, task.step);
  EXPECT_EQ(exported.positions_angstrom, task.positions_angstrom);
  EXPECT_EQ(exported.forces_kj_per_mol_angstrom, task.forces_kj_per_mol_angstrom);
  EXPECT_EQ(exported.potential_hartree, task.potential_hartree);
  io::h5::Handle f = io::h5::open_file(out, io::h5::Mode::kReadOnly);
  EXPECT_TRUE(io::h5::exists(f.id(), "h5md/creator"));
  EXPECT_TRUE(io::h5::exists(f.id(), "particles/all/box"));
}

TEST(ExportCommand, OverwriteReplacesAnExistingOutput) {
  const Sources& s = sources();
  const std::string out = s.dir + "/again.extxyz";
  std::ofstream(out) << "old\n";
  ASSERT_EQ(run_gpiqa("export " + s.results + " --task 0 --out " + out + " --overwrite").exit_code, 0);
  EXPECT_EQ(count_frames(out), 5);
}

TEST(ExportCommand, BadInputIsOneLineAndWritesNothing) {
  const Sources& s = sources();
  std::ofstream(s.dir + "/text.h5") << "not HDF5\n";
  std::ofstream(s.dir + "/existing.extxyz") << "keep me\n";
  const std::string out = s.dir + "/never.extxyz";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"export " + s.dir + "/missing.h5 --out " + out, "does not exist"},
      {"export " + s.dir + "/text.h5 --out " + out, "is not an HDF5 file"},
      {"export " + s.results + " --out " + out,
       "is a campaign results file: name the trajectory with --task ID"},
      {"export " + s.results + " --task 9 --out " + out, "has no task 9 (task ids 0 to 1)"},
      {"export " + s.results_without_frames + " --task 0 --out " + out,
       "task 0 (water/mmff/300K/seed1) has no frames"},
      {"export " + s.trajectory + " --task 0 --out " + out, "is not a campaign results file"},
      {"export " + s.shard + " --task 3 --out " + out, "task 3 belongs to shard 1 of 2"},
      {"export " + s.shard + " --task 2 --out " + out, "task 2 (t2) has no frames: it has not run yet"},
      {"export " + s.trajectory + " --out " + s.dir + "/existing.extxyz", "already exists (use --overwrite"},
      {"export " + s.trajectory + " --out " + s.trajectory + " --overwrite", "is the input file"},
      {"export " + s.trajectory + " --out " + s.dir + "/no/such/dir.extxyz", "directory does not exist"},
      {"export " + s.trajectory + " --out " + out + " --format pdb", "--format"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(args);
    const ProcessResult r = run_gpiqa(args);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
  }
  std::ifstream kept(s.dir + "/existing.extxyz");
  std::string line;
  std::getline(kept, line);
  EXPECT_EQ(line, "keep me");
  EXPECT_EQ(read_frames(s.trajectory).size(), 6u) << "the input is untouched";
}

TEST(ExportCommand, FileWithoutTrajectoryIsRefused) {
  const Sources& s = sources();
  const std::string checkpointless = s.dir + "/empty.h5";
  { io::h5::Handle f = io::h5::open_file(checkpointless, io::h5::Mode::kCreateNew); }
  const ProcessResult r = run_gpiqa("export " + checkpointless + " --out " + s.dir + "/x.extxyz");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("holds no trajectory"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace gpiqa::test
