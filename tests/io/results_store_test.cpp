// The results store (io/results_store.hpp): a recorded task is in the journal and the file, and the journal
// goes once the campaign ends; a store opened again continues its journal; the next run completes rows the
// journal holds and the file lacks (the kill came between the two) and removes frames a killed write left
// for a pending task; a file HDF5 can no longer read is rebuilt from the journal (the damaged one kept); a
// journal whose file is gone, or that belongs to another file, is dropped, never applied.
#include "gpiqa/io/results_store.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gpiqa/io/frame_writer.hpp"
#include "gpiqa/io/hdf5.hpp"
#include "support/results_rows.hpp"

namespace gpiqa::io {
namespace {

namespace fs = std::filesystem;
using test::finished;
using test::frames_of;
using test::new_results;
using test::pending_rows;

TEST(ResultsStore, ARecordedTaskIsInTheJournalAndTheFileUntilTheJournalRetires) {
  const std::string path = new_results("store-roundtrip", 3);
  const TaskRow row = finished(pending_rows(3)[1], 1.0 / 3.0);
  ResultsStore(path).record({row}, {{1, frames_of(4, 0.25)}});
  const auto c = ResultsJournal(path).read();
  ASSERT_TRUE(c);
  EXPECT_TRUE(same_row(c->rows[1], row)) << "in the journal";
  EXPECT_EQ(c->frames.at(1), 4);
  EXPECT_TRUE(same_row(read_results_rows(path)[1], row)) << "and in the file";
  EXPECT_EQ(read_task_frames(path, 1).positions_angstrom, frames_of(4, 0.25).positions_angstrom);
  EXPECT_TRUE(recover_results(path).empty()) << "file and journal agree: nothing to do";
  retire_journal(path);
  EXPECT_FALSE(fs::exists(path + ".journal"));
  EXPECT_FALSE(fs::exists(path + ".journal.d"));
  EXPECT_TRUE(same_row(read_results_rows(path)[1], row)) << "the file outlives its journal";
}

TEST(ResultsStore, AStoreOpenedAgainContinuesItsJournal) {
  const std::string path = new_results("store-continue", 3);
  ResultsStore(path).record({finished(pending_rows(3)[0], 1e-6)}, {});
  std::ofstream(path + ".journal", std::ios::app) << R"({"row": {"task_id": 2, "status": "stab)";
  ResultsStore(path).record({finished(pending_rows(3)[1], 2e-6)}, {});
  const auto c = ResultsJournal(path).read();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rows[0].outcome.conserved_drift, 1e-6) << "the first run's row is still journaled";
  EXPECT_EQ(c->rows[1].outcome.conserved_drift, 2e-6);
  EXPECT_EQ(c->rows[2].outcome.status, stability::Status::kPending);
}

// A file recorded by a gpiqa without journals (or whose journal was retired) gets a journal that begins with
// its rows as they are, so a rebuild keeps them.
TEST(ResultsStore, AJournalBegunFromAFileKeepsWhatTheFileHolds) {
  const std::string path = new_results("store-begin", 3);
  const TaskRow before = finished(pending_rows(3)[2], 4e-7);
  record_results(path, {before}, {{2, frames_of(2, 3.0)}});
  ResultsStore(path).record({finished(pending_rows(3)[0], 5e-7)}, {});
  const auto c = ResultsJournal(path).read();
  ASSERT_TRUE(c);
  EXPECT_TRUE(same_row(c->rows[2], before));
  EXPECT_EQ(c->frames.at(2), 2) << "frames kept in the file only, counted";
  EXPECT_TRUE(recover_results(path).empty());
}

// The kill came after the journal and before (or inside) the HDF5 write.
TEST(ResultsStore, TheNextRunCompletesRowsTheJournalHasAndTheFileLacks) {
  const std::string path = new_results("store-complete", 3);
  const TaskRow row = finished(pending_rows(3)[2], 5e-7);
  {
    ResultsJournal journal(path);
    journal.begin(test::results_header(), pending_rows(3), {});
    journal.append({row}, {{row.task_id, frames_of(3, 1.5)}});
  }
  // and a killed write left frames of task 0, whose row is still pending
  {
    h5::Handle file = h5::open_file(path, h5::Mode::kReadWrite);
    h5::Handle g = h5::group(file.id(), "trajectories/0", true);
    write_h5md_frames(g.id(), frames_of(2, 9.0));
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

// A row the journal has whose frames file is missing stays pending: its task runs again, to the same result.
TEST(ResultsStore, ARowWhoseJournaledFramesAreLostIsLeftToRunAgain) {
  const std::string path = new_results("store-lost-frames", 2);
  const TaskRow row = finished(pending_rows(2)[1], 5e-7);
  {
    ResultsJournal journal(path);
    journal.begin(test::results_header(), pending_rows(2), {});
    journal.append({row}, {{row.task_id, frames_of(3, 1.5)}});
  }
  fs::remove(path + ".journal.d/frames-1.h5");
  EXPECT_TRUE(recover_results(path).empty()) << "nothing completed";
  EXPECT_EQ(read_results_rows(path)[1].outcome.status, stability::Status::kPending);
}

TEST(ResultsStore, AFileHdf5CannotReadIsRebuiltFromTheJournal) {
  const std::string path = new_results("store-rebuild", 4);
  const std::vector<TaskRow> done = {finished(pending_rows(4)[0], 1e-7), finished(pending_rows(4)[3], 3e-7)};
  {
    ResultsStore store(path);
    store.record({done[0]}, {{0, frames_of(5, 0.5)}});
    store.record({done[1]}, {});
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
  EXPECT_EQ(read_results_header(path).created, test::results_header().created);
  EXPECT_TRUE(fs::exists(path + ".damaged"));
  EXPECT_TRUE(recover_results(path).empty()) << "the rebuilt file agrees with the journal";
}

// `gpiqa md --out FILE --overwrite` replaced the results file by a trajectory: not damage, nothing to
// rebuild.
TEST(ResultsStore, AFileReplacedBySomethingElseIsLeftAndTheJournalDropped) {
  const std::string path = new_results("store-replaced", 2);
  ResultsStore(path).record({finished(pending_rows(2)[0], 1e-7)}, {});
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

// Another results file now at the path (created again): its rows must not be overwritten by the journal's.
TEST(ResultsStore, AJournalOfAnotherResultsFileIsDroppedNotApplied) {
  const std::string path = new_results("store-other", 2);
  ResultsStore(path).record({finished(pending_rows(2)[0], 1e-7)}, {});
  fs::remove(path);
  ResultsHeader h = test::results_header();
  h.created = "2025-02-01T10:00:00Z";
  create_results(path, h, pending_rows(2));
  const std::vector<std::string> notes = recover_results(path);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("belongs to another results file"), std::string::npos) << notes[0];
  EXPECT_EQ(read_results_rows(path)[0].outcome.status, stability::Status::kPending);
  EXPECT_FALSE(fs::exists(path + ".journal"));
}

TEST(ResultsStore, AJournalWithoutItsFileIsDropped) {
  const std::string path = new_results("store-orphan", 2);
  { ResultsStore store(path); }
  fs::remove(path);
  EXPECT_TRUE(recover_results(path).empty());
  EXPECT_FALSE(fs::exists(path + ".journal"));
}

}  // namespace
}  // namespace gpiqa::io
