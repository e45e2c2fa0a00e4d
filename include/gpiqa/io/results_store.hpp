#pragma once
// A campaign's results, kept so that a kill at any moment loses nothing: the HDF5 table
// (io/results_file.hpp) and its append log (io/results_journal.hpp), which know nothing of each other; the
// store above them owns the conversation. It records each finished task into the journal (durable, fsynced)
// and only then into the file; before a campaign reads its file it makes the file agree with the journal
// (recover_results), rebuilding it from the journal when HDF5 can no longer read it; and when the campaign's
// last task is recorded it retires the journal (retire_journal).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/io/results_journal.hpp"
#include "gpiqa/io/results_row.hpp"

namespace gpiqa::io {

/// The journaled writer of one results file, open for a run (under the writer lock, after
/// recover_results). It continues the file's journal, or begins one from the file as it is (a file from
/// before journals, or one whose journal the last run retired).
class ResultsStore {
 public:
  explicit ResultsStore(const std::string& path);
  /// Makes the finished rows and their frames durable in the journal, then writes them into the file
  /// (ResultsWriter::record): a kill between the two is completed by the next recover_results.
  void record(const std::vector<TaskRow>& rows, const std::map<std::int64_t, FrameBuffer>& frames);

 private:
  ResultsJournal journal_;
  ResultsWriter writer_;
};

/// Run before a campaign reads its results file, under the writer lock: makes the file agree with its
/// journal. Rows the journal holds that the file lacks, or holds partly, are written; a file HDF5 cannot
/// read (or whose /tasks, or a recorded task's frames, cannot be read) is rebuilt from the journal, the
/// damaged file kept as RESULTS.damaged. A journal whose results file is gone, or that belongs to another
/// file, is removed. Returns one note per thing done (nothing done: none).
std::vector<std::string> recover_results(const std::string& path);

/// After the campaign's last task: fsyncs the results file and removes its journal.
void retire_journal(const std::string& path);

}  // namespace gpiqa::io
