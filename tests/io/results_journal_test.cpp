// The results journal (io/results_journal.hpp): rows and frames round-trip exactly (NaN and infinities
// included); a line a kill cut short is ignored and cut off; the next run completes rows the journal holds
// and the file lacks, removes frames a killed write left for a pending task, rebuilds a file HDF5 can no
// longer read (keeping the damaged one), and drops a journal whose results file is gone.
#include "gpiqa/io/results_journal.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include <gtest/gtest.h>

#include "gpiqa/io/hdf5.hpp"
#include "support/test_data.hpp"

namespace gpiqa::io {
namespace {

namespace fs = std::filesystem;

std::vector<TaskRow> pending_rows(int n) {
  std::vector<TaskRow> rows(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    rows[i].task_id = i;
    rows[i].label = "water/MIN/300K/seed" + std::to_string(i + 1);
    rows[i].molecule = "water";
    rows[i].model = "MIN";
    rows[i].mean = "min";
    rows[i].temperature_K = 300;
    rows[i].seed = i + 1;
  }
  return rows;
}

TaskRow finished(TaskRow r, double drift) {
  r.outcome.status = stability::Status::kExploded;
  r.outcome.reason = "O1-H2 stretched by 0.51 A";
  r.outcome.time_to_failure_ps = 0.1 + 0.2;
  r.outcome.failure_step = 601;
  r.outcome.steps = 601;
  r.outcome.conserved_drift = drift;
  r.outcome.max_force = std::numeric_limits<double>::infinity();
  r.rank = 1;
  r.host = "node7";
  return r;
}

FrameBuffer frames_of(int n, double x) {
  FrameBuffer f;
  f.elements = {"O", "H", "H"};
  for (int i = 0; i < n; ++i) {
    md::Positions r = md::Positions::Constant(3, 3, x + i), v = md::Positions::Zero(3, 3);
    f.append(10 * i, 0.005 * i, r, v, md::Positions::Zero(3, 3), -76.0, 0.01, -75.99, 300);
  }
  return f;
}

ResultsHeader header() {
  ResultsHeader h;
  h.campaign_name = "journal";
  h.campaign_fingerprint = "abc";
  h.created = "2025-01-31T09:00:00Z";
  h.duration_ps = 0.5;
  return h;
}

std::string new_results(const std::string& tag, int n) {
  const std::string path = test::temp_dir(tag) + "/r.h5";
  create_results(path, header(), pending_rows(n));
  return path;
}

TEST(ResultsJournal, RowsAndFramesRoundTripExactly) {
  const std::string path = new_results("journal-roundtrip", 3);
  const TaskRow row = finished(pending_rows(3)[1], 1.0 / 3.0);
  {
    ResultsWriter writer(path, ResultsWriter::Journal::kOn);
    writer.record({row}, {{1, frames_of(4, 0.25)}});
  }
  const auto c = ResultsJournal(path).read();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->header.campaign_fingerprint, "abc");
  ASSERT_EQ(c->rows.size(), 3u);
  EXPECT_TRUE(same_row(c->rows[1], row));
  EXPECT_TRUE(std::isinf(c->rows[1].outcome.max_force));
  EXPECT_TRUE(std::isnan(c->rows[0].outcome.time_to_failure_ps));
  EXPECT_EQ(c->frames.at(1), 4);
  const auto f = ResultsJournal(path).frames(1);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->positions_angstrom, frames_of(4, 0.25).positions_angstrom);
  EXPECT_TRUE(same_row(read_results_rows(path)[1], row)) << "and in the file";
  EXPECT_TRUE(recover_results(path).empty()) << "file and journal agree: nothing to do";
  retire_journal(path);
  EXPECT_FALSE(fs::exists(path + ".journal"));
  EXPECT_FALSE(fs::exists(path + ".journal.d"));
}

TEST(ResultsJournal, ALineAKillCutShortIsIgnoredAndCutOff) {
  const std::string path = new_results("journal-torn", 3);
  {
    ResultsWriter writer(path, ResultsWriter::Journal::kOn);
    writer.record({finished(pending_rows(3)[0], 1e-6)}, {});
  }
  std::ofstream(path + ".journal", std::ios::app) << R"({"row": {"task_id": 2, "status": "stab)";
  auto c = ResultsJournal(path).read();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rows[2].outcome.status, stability::Status::kPending);
  {
    ResultsWriter writer(path, ResultsWriter::Journal::kOn);  // continues the journal
    writer.record({finished(pending_rows(3)[1], 2e-6)}, {});
  }
  c = ResultsJournal(path).read();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rows[0].outcome.conserved_drift, 1e-6);
  EXPECT_EQ(c->rows[1].outcome.conserved_drift, 2e-6) << "appended after the cut, not onto the torn line";
}

// The kill came after the journal and before (or inside) the HDF5 write.
TEST(ResultsJournal, TheNextRunCompletesRowsTheJournalHasAndTheFileLacks) {
  const std::string path = new_results("journal-complete", 3);
  const TaskRow row = finished(pending_rows(3)[2], 5e-7);
  {
    ResultsJournal journal(path);
    journal.begin(header(), pending_rows(3), {});
    journal.append({row}, {{row.task_id, frames_of(3, 1.5)}});
  }
  // and a killed write left frames of task 0, whose row is still pending
  {
    h5::Handle file = h5::open_file(path, h5::Mode::kReadWrite);
    h5::Handle g = h5::group(file.id(), "trajectories/0", true);
    frames_of(2, 9.0).write(g.id());
  }
  ASSERT_EQ(read_results_rows(path)[2].outcome.status, stability::Status::kPending);
  const std::vector<std::string> notes = recover_results(path);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("completed 1 task rows"), std::string::npos) << notes[0];
  EXPECT_TRUE(same_row(read_results_rows(path)[2], row));
  EXPECT_EQ(read_task_frames(path, 2).positions_angstrom, frames_of(3, 1.5).positions_angstrom);
  EXPECT_EQ(read_task_frames(path, 0).size(), 0u) << "the stray frames are gone";
  EXPECT_TRUE(recover_results(path).empty());
}

TEST(ResultsJournal, AFileHdf5CannotReadIsRebuiltFromTheJournal) {
  const std::string path = new_results("journal-rebuild", 4);
  const std::vector<TaskRow> done = {finished(pending_rows(4)[0], 1e-7), finished(pending_rows(4)[3], 3e-7)};
  {
    ResultsWriter writer(path, ResultsWriter::Journal::kOn);
    writer.record({done[0]}, {{0, frames_of(5, 0.5)}});
    writer.record({done[1]}, {});
  }
  // what a crash can leave: the file shorter than its superblock says
  fs::resize_file(path, fs::file_size(path) / 2);
  EXPECT_ANY_THROW(read_results_rows(path)) << "the damage must be real for the test to mean anything";
  const std::vector<std::string> notes = recover_results(path);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("rebuilt it from its journal: 2 recorded tasks restored"), std::string::npos)
      << notes[0];
  const std::vector<TaskRow> back = read_results_rows(path);
  ASSERT_EQ(back.size(), 4u);
  EXPECT_TRUE(same_row(back[0], done[0]));
  EXPECT_TRUE(same_row(back[3], done[1]));
  EXPECT_EQ(back[1].label, "water/MIN/300K/seed2");
  EXPECT_EQ(back[1].outcome.status, stability::Status::kPending);
  EXPECT_EQ(read_task_frames(path, 0).positions_angstrom, frames_of(5, 0.5).positions_angstrom);
  EXPECT_EQ(read_results_header(path).created, header().created);
  EXPECT_TRUE(fs::exists(path + ".damaged"));
  EXPECT_TRUE(recover_results(path).empty()) << "the rebuilt file agrees with the journal";
}

// `gpiqa md --out FILE --overwrite` replaced the results file by a trajectory: not damage, nothing to
// rebuild.
TEST(ResultsJournal, AFileReplacedBySomethingElseIsLeftAndTheJournalDropped) {
  const std::string path = new_results("journal-replaced", 2);
  {
    ResultsWriter writer(path, ResultsWriter::Journal::kOn);
    writer.record({finished(pending_rows(2)[0], 1e-7)}, {});
  }
  fs::remove(path);
  {
    h5::Handle f = h5::open_file(path, h5::Mode::kCreateNew);
    h5::group(f.id(), "h5md", true);
  }
  const auto before = fs::file_size(path);
  const std::vector<std::string> notes = recover_results(path);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("now a trajectory file; ignored"), std::string::npos) << notes[0];
  EXPECT_EQ(fs::file_size(path), before);
  EXPECT_FALSE(fs::exists(path + ".damaged"));
  EXPECT_FALSE(fs::exists(path + ".journal"));
}

TEST(ResultsJournal, AJournalWithoutItsFileIsDropped) {
  const std::string path = new_results("journal-orphan", 2);
  { ResultsWriter writer(path, ResultsWriter::Journal::kOn); }
  fs::remove(path);
  EXPECT_TRUE(recover_results(path).empty());
  EXPECT_FALSE(fs::exists(path + ".journal"));
}

}  // namespace
}  // namespace gpiqa::io
