#pragma once
// The journal of a campaign's results file: what makes a kill at any moment unable to lose or corrupt a
// recorded task. HDF5 promises no crash consistency: a process killed inside a flush can leave a row half
// written, or a group's metadata torn so that the file, or part of it, no longer reads. So every finished
// task is first made durable here, and only then written into the HDF5 file:
//   RESULTS.journal     append-only text, one JSON object per line, each line fsynced before the next step:
//                         {"journal": "gpiqa-results", "version": 1, "header": {...}, "rows": [...]}
//                             the first line: the results file's header and its whole table when the journal
//                             began (pending rows included: a rebuild needs every row's identity);
//                         {"row": {...}, "frames": N}   one per finished task (column name -> value, in the
//                             form of io/row_codec.hpp); N frames
//   RESULTS.journal.d/  frames-<task_id>.h5: the frames of each journaled task (H5MD-style, as in the results
//                       file), written whole under a temporary name, then renamed: present means complete.
//                       Not fsynced (one fsync per record, the row lines', costs some 6 ms on this machine's
//                       disk; more would multiply it): a kill cannot lose them, a machine crash can, and then
//                       the task whose frames are gone runs again, to the same result.
// A line without its newline or that does not parse is a write the kill interrupted; it and anything after it
// are ignored (and cut off before the next append). The journal ends when the campaign does: once every task
// is recorded and the results file is fsynced, both are removed. This is the log alone; io/results_store.hpp
// decides when it begins, is appended to, repairs the results file and ends. Its lines are the JSON of
// io/row_codec.hpp (non-finite doubles as null, "inf", "-inf"; older journals wrote NaN as "nan", still
// read).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/results_row.hpp"

namespace gpiqa::io {

class ResultsJournal {
 public:
  struct Contents {
    ResultsHeader header;
    std::vector<TaskRow> rows;                    // the table: first line, then every row line applied
    std::map<std::int64_t, std::int64_t> frames;  // frame count of each journaled finished task
  };

  explicit ResultsJournal(std::string results_path);
  ~ResultsJournal();
  ResultsJournal(const ResultsJournal&) = delete;
  ResultsJournal& operator=(const ResultsJournal&) = delete;

  const std::string& path() const { return path_; }
  bool exists() const;
  /// The journal's contents; nullopt when its first line is missing or unreadable.
  std::optional<Contents> read() const;
  /// Starts the journal anew (replacing any) with the file's header and table as they are; `frame_counts`:
  /// frames the file holds for its finished rows (kept there only, as before journals existed).
  void begin(const ResultsHeader& header, const std::vector<TaskRow>& rows,
             const std::map<std::int64_t, std::int64_t>& frame_counts);
  /// Opens an existing journal for appending, cutting off an interrupted last line.
  void open_for_append();
  /// Makes finished tasks durable: their frames files (where they have frames), then their row lines, and
  /// one fsync for them all (group commit: a coordinator that receives many results at once pays once).
  void append(const std::vector<TaskRow>& rows, const std::map<std::int64_t, FrameBuffer>& frames);
  /// The journaled frames of `task_id` (nullopt if the journal has none for it).
  std::optional<FrameBuffer> frames(std::int64_t task_id) const;
  /// Removes the journal and its frames (after the results file is complete and fsynced).
  void remove();

 private:
  std::string results_, path_, frames_dir_;
  int fd_ = -1;
};

}  // namespace gpiqa::io
