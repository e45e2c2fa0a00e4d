// The results journal alone (io/results_journal.hpp): rows and frames round-trip exactly (NaN and infinities
// included); a line a kill cut short is ignored and cut off before the next append; a journal written by
// earlier versions (NaN as the string "nan", keys in alphabetical order, -1 as a number) reads to the same
// rows; a frames file a kill left half written is not taken. What the store does with it (recovery,
// rebuilds) is tests/io/results_store_test.cpp.
#include "gpiqa/io/results_journal.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include <gtest/gtest.h>

#include "support/results_rows.hpp"

namespace gpiqa::io {
namespace {

namespace fs = std::filesystem;
using test::finished;
using test::frames_of;
using test::new_results;
using test::pending_rows;

TEST(ResultsJournal, RowsAndFramesRoundTripExactly) {
  const std::string path = new_results("journal-roundtrip", 3);
  const TaskRow row = finished(pending_rows(3)[1], 1.0 / 3.0);
  {
    ResultsJournal journal(path);
    journal.begin(test::results_header(), pending_rows(3), {});
    journal.append({row}, {{1, frames_of(4, 0.25)}});
  }
  const ResultsJournal journal(path);
  const auto c = journal.read();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->header.campaign_fingerprint, "abc");
  EXPECT_EQ(c->header.duration_ps, 0.5);
  ASSERT_EQ(c->rows.size(), 3u);
  EXPECT_TRUE(same_row(c->rows[1], row));
  EXPECT_TRUE(std::isinf(c->rows[1].outcome.max_force));
  EXPECT_TRUE(std::isnan(c->rows[0].outcome.time_to_failure_ps));
  EXPECT_EQ(c->rows[0].rank, -1);
  EXPECT_EQ(c->frames.at(1), 4);
  EXPECT_FALSE(journal.frames(0)) << "a task the journal holds no frames for";
  const auto f = journal.frames(1);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->positions_angstrom, frames_of(4, 0.25).positions_angstrom);
  EXPECT_EQ(f->step, frames_of(4, 0.25).step);
}

TEST(ResultsJournal, ALineAKillCutShortIsIgnoredAndCutOff) {
  const std::string path = new_results("journal-torn", 3);
  {
    ResultsJournal journal(path);
    journal.begin(test::results_header(), pending_rows(3), {});
    journal.append({finished(pending_rows(3)[0], 1e-6)}, {});
  }
  std::ofstream(path + ".journal", std::ios::app) << R"({"row": {"task_id": 2, "status": "stab)";
  auto c = ResultsJournal(path).read();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rows[2].outcome.status, stability::Status::kPending);
  {
    ResultsJournal journal(path);
    journal.open_for_append();
    journal.append({finished(pending_rows(3)[1], 2e-6)}, {});
  }
  c = ResultsJournal(path).read();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rows[0].outcome.conserved_drift, 1e-6);
  EXPECT_EQ(c->rows[1].outcome.conserved_drift, 2e-6) << "appended after the cut, not onto the torn line";
}

// The journal of a campaign that ran with an earlier gpiqa (a campaign resumed across the upgrade): its lines
// as that version wrote them.
TEST(ResultsJournal, AJournalOfAnEarlierVersionReadsToTheSameRows) {
  const std::string path = new_results("journal-earlier", 2);
  std::ofstream(path + ".journal")
      << R"({"frames":{},"header":{"campaign_fingerprint":"abc","campaign_name":"journal","campaign_yaml":"",)"
      << R"("created":"2025-01-31T09:00:00Z","duration_ps":0.5,"shard_count":1,"shard_index":0,)"
      << R"("software_version":""},"journal":"gpiqa-results","rows":[)"
      << R"({"failure_step":-1,"label":"water/MIN/300K/seed1","rank":-1,"status":"pending","task_id":0,)"
      << R"("time_to_failure_ps":"nan"},{"label":"water/MIN/300K/seed2","status":"pending","task_id":1}],"version":1})"
      << "\n"
      << R"({"frames":3,"row":{"conserved_drift":"-inf","failure_step":601,"host":"node7","label":)"
      << R"("water/MIN/300K/seed2","max_force":"inf","mean_temperature_K":"nan","rank":1,"status":"exploded",)"
      << R"("task_id":1,"time_to_failure_ps":0.30000000000000004}})"
      << "\n";
  const auto c = ResultsJournal(path).read();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->header.created, "2025-01-31T09:00:00Z");
  EXPECT_EQ(c->rows[0].outcome.failure_step, -1);
  EXPECT_EQ(c->rows[0].rank, -1);
  EXPECT_TRUE(std::isnan(c->rows[0].outcome.time_to_failure_ps));
  const TaskRow& r = c->rows[1];
  EXPECT_EQ(r.outcome.status, stability::Status::kExploded);
  EXPECT_EQ(r.outcome.time_to_failure_ps, 0.1 + 0.2) << "bit for bit";
  EXPECT_EQ(r.outcome.max_force, std::numeric_limits<double>::infinity());
  EXPECT_EQ(r.outcome.conserved_drift, -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(r.outcome.mean_temperature_K));
  EXPECT_EQ(r.outcome.failure_step, 601);
  EXPECT_EQ(r.rank, 1);
  EXPECT_EQ(r.host, "node7");
  EXPECT_EQ(r.outcome.steps, 0) << "a column the line lacks keeps its initial value";
  EXPECT_EQ(c->frames.at(1), 3);
}

// A journal begun anew (another results file at this path) must not offer the frames of the old one, and a
// frames file a kill left under its temporary name is not a task's frames.
TEST(ResultsJournal, BeginningAnewDropsTheOldFramesAndAHalfWrittenOneIsNotTaken) {
  const std::string path = new_results("journal-begin", 2);
  {
    ResultsJournal journal(path);
    journal.begin(test::results_header(), pending_rows(2), {});
    journal.append({finished(pending_rows(2)[0], 1e-6)}, {{0, frames_of(2, 1.0)}});
  }
  ASSERT_TRUE(ResultsJournal(path).frames(0));
  ResultsJournal journal(path);
  journal.begin(test::results_header(), pending_rows(2), {});
  EXPECT_FALSE(journal.frames(0));
  EXPECT_EQ(journal.read()->rows[0].outcome.status, stability::Status::kPending);
  std::ofstream(path + ".journal.d/frames-1.h5.tmp") << "half an HDF5 file";
  EXPECT_FALSE(journal.frames(1));
  journal.remove();
  EXPECT_FALSE(journal.exists());
  EXPECT_FALSE(fs::exists(path + ".journal.d"));
}

TEST(ResultsJournal, AJournalWhoseFirstLineIsUnreadableReadsAsNone) {
  const std::string path = new_results("journal-unreadable", 2);
  std::ofstream(path + ".journal") << R"({"journal": "something-else", "version": 1})"
                                   << "\n";
  EXPECT_FALSE(ResultsJournal(path).read());
  std::ofstream(path + ".journal") << R"({"journal": "gpiqa-results", "version": 2, "header": {}})"
                                   << "\n";
  EXPECT_FALSE(ResultsJournal(path).read()) << "a version this build does not know";
}

}  // namespace
}  // namespace gpiqa::io
