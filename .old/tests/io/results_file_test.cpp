// The results file's /tasks table is generated from the record (stability/outcome.hpp and
// io/results_file.hpp): every field is a column with its description and unit, rows round-trip exactly
// through create, record and read, and a file written before a column existed still reads (the column at its
// initial value) and gets the column when a run continues it.
#include "gpiqa/io/results_file.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "gpiqa/io/hdf5.hpp"
#include "support/test_data.hpp"

namespace gpiqa::io {
namespace {

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

TaskRow finished(TaskRow r) {
  r.outcome.status = stability::Status::kCollapsed;
  r.outcome.reason = "H2-H3 closer than 0.5 A";
  r.outcome.time_to_failure_ps = 0.1 + 0.2;
  r.outcome.failure_step = 601;
  r.outcome.steps = 601;
  r.outcome.start_temperature_K = 1.0 / 3.0;
  r.outcome.conserved_drift = -2e-9;
  r.rank = 1;
  r.host = "node7";
  return r;
}

TEST(ResultsFile, EveryFieldIsAColumnWithItsDescriptionAndUnit) {
  const std::string path = test::temp_dir("results-columns") + "/r.h5";
  create_results(path, ResultsHeader{}, pending_rows(3));
  h5::Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  h5::Handle tasks = h5::group(f.id(), "tasks", false);
  int columns = 0;
  const TaskRow prototype;
  for_each_column(prototype, [&](const stability::FieldInfo& field, const auto&) {
    ++columns;
    ASSERT_TRUE(h5::exists(tasks.id(), field.name)) << field.name;
    h5::Handle d(H5Dopen2(tasks.id(), field.name, H5P_DEFAULT), H5Dclose);
    EXPECT_EQ(h5::string_attribute(d.id(), "description"), field.description) << field.name;
    if (*field.unit) {
      EXPECT_EQ(h5::string_attribute(d.id(), "unit"), field.unit) << field.name;
    }
  });
  EXPECT_GE(columns, 25);  // the 24 columns of the first files, and start_temperature_K
}

TEST(ResultsFile, RowsRoundTripExactly) {
  const std::string path = test::temp_dir("results-roundtrip") + "/r.h5";
  std::vector<TaskRow> rows = pending_rows(3);
  create_results(path, ResultsHeader{}, rows);
  rows[1] = finished(rows[1]);
  record_results(path, {rows[1]}, {});
  const std::vector<TaskRow> back = read_results_rows(path);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].outcome.status, stability::Status::kPending);
  EXPECT_TRUE(std::isnan(back[0].outcome.time_to_failure_ps));
  EXPECT_EQ(back[1].outcome.status, stability::Status::kCollapsed);
  EXPECT_EQ(back[1].outcome.reason, rows[1].outcome.reason);
  EXPECT_EQ(back[1].outcome.time_to_failure_ps, rows[1].outcome.time_to_failure_ps);
  EXPECT_EQ(back[1].outcome.start_temperature_K, rows[1].outcome.start_temperature_K);
  EXPECT_EQ(back[1].outcome.failure_step, 601);
  EXPECT_EQ(back[1].host, "node7");
  EXPECT_EQ(back[2].label, "water/MIN/300K/seed3");
  const TaskRow copy = pending_copy(back[1]);
  EXPECT_EQ(copy.label, back[1].label);
  EXPECT_EQ(copy.outcome.status, stability::Status::kPending);
  EXPECT_EQ(copy.rank, -1);
}

TEST(ResultsFile, AFileFromBeforeAColumnExistedReadsAndIsExtended) {
  const std::string path = test::temp_dir("results-old") + "/r.h5";
  std::vector<TaskRow> rows = pending_rows(2);
  create_results(path, ResultsHeader{}, rows);
  {
    h5::Handle f = h5::open_file(path, h5::Mode::kReadWrite);
    ASSERT_GE(H5Ldelete(f.id(), "tasks/start_temperature_K", H5P_DEFAULT), 0);
  }
  EXPECT_TRUE(std::isnan(read_results_rows(path)[0].outcome.start_temperature_K));
  record_results(path, {finished(rows[0])}, {});
  const std::vector<TaskRow> back = read_results_rows(path);
  EXPECT_EQ(back[0].outcome.start_temperature_K, 1.0 / 3.0);
  EXPECT_TRUE(std::isnan(back[1].outcome.start_temperature_K));
}

}  // namespace
}  // namespace gpiqa::io
