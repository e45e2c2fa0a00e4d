#include "gpiqa/io/results_store.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include "gpiqa/io/file_identity.hpp"
#include "gpiqa/io/fsync.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::io {
namespace {

namespace fs = std::filesystem;

// Continues the file's journal when it is this file's, else begins one from the file as it is. Returns the
// path, for the writer that opens the file next.
const std::string& open_journal(ResultsJournal& journal, const std::string& path) {
  const ResultsHeader header = read_results_header(path);
  const std::optional<ResultsJournal::Contents> contents = journal.exists() ? journal.read() : std::nullopt;
  if (contents && contents->header.campaign_fingerprint == header.campaign_fingerprint &&
      contents->header.created == header.created) {
    journal.open_for_append();
    return path;
  }
  const std::vector<TaskRow> rows = read_results_rows(path);
  std::map<std::int64_t, std::int64_t> frame_counts;
  for (const TaskRow& r : rows)
    if (is_recorded(r))
      frame_counts[r.task_id] = static_cast<std::int64_t>(read_task_frames(path, r.task_id).size());
  journal.begin(header, rows, frame_counts);
  return path;
}

std::int64_t journaled_frames(const ResultsJournal::Contents& c, std::int64_t task_id) {
  const auto it = c.frames.find(task_id);
  return it == c.frames.end() ? 0 : it->second;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw InputError(path, what + ": " + std::strerror(errno));
}

// Rebuilds `path` from the journal: a new file with the journal's header and table, the frames of every
// recorded task from the journal (or, for tasks recorded before the journal began, from the old file where
// it still reads), swapped in atomically; the old file stays as PATH.damaged. Rows whose frames are lost
// become pending again (their tasks run again, to the same result).
std::vector<std::string> rebuild(const std::string& path, const ResultsJournal& journal,
                                 const ResultsJournal::Contents& c, const std::string& why) {
  const std::string fresh = path + ".rebuilding", damaged = path + ".damaged";
  std::error_code ec;
  fs::remove(fresh, ec);
  std::vector<TaskRow> pending;
  for (const TaskRow& r : c.rows) pending.push_back(pending_copy(r));
  create_results(fresh, c.header, pending);
  std::size_t restored = 0, again = 0;
  {
    ResultsWriter writer(fresh);
    for (const TaskRow& r : c.rows) {
      if (!is_recorded(r)) continue;
      std::map<std::int64_t, FrameBuffer> frames;
      const std::int64_t expected = journaled_frames(c, r.task_id);
      if (expected > 0) {
        std::optional<FrameBuffer> f = journal.frames(r.task_id);
        if (!f) {
          try {
            f = read_task_frames(path, r.task_id);
          } catch (const std::exception&) {
          }
        }
        if (!f || static_cast<std::int64_t>(f->size()) != expected) {
          ++again;
          continue;
        }
        frames[r.task_id] = std::move(*f);
      }
      writer.record({r}, frames);
      ++restored;
    }
  }
  fsync_path(fresh);
  fs::remove(damaged, ec);
  if (link(path.c_str(), damaged.c_str()) != 0) fs::copy_file(path, damaged, ec);
  if (rename(fresh.c_str(), path.c_str()) != 0) fail(path, "cannot replace the damaged results file");
  fsync_parent(path);
  std::string note = path + " " + why + "; rebuilt it from its journal: " + std::to_string(restored) +
                     " recorded tasks restored";
  if (again > 0) note += ", " + std::to_string(again) + " whose frames were lost will run again";
  return {note + " (the damaged file is kept as " + damaged + ")"};
}

}  // namespace

ResultsStore::ResultsStore(const std::string& path) : journal_(path), writer_(open_journal(journal_, path)) {}

void ResultsStore::record(const std::vector<TaskRow>& rows,
                          const std::map<std::int64_t, FrameBuffer>& frames) {
  journal_.append(rows, frames);
  writer_.record(rows, frames);
}

std::vector<std::string> recover_results(const std::string& path) {
  ResultsJournal journal(path);
  if (!journal.exists()) return {};
  std::error_code ec;
  if (!fs::exists(path, ec)) {  // the results file was removed or moved away: its journal goes with it
    journal.remove();
    return {};
  }
  const std::optional<ResultsJournal::Contents> c = journal.read();
  if (!c) {
    journal.remove();
    return {journal.path() + " cannot be read; ignored (a new journal begins)"};
  }
  // Is it still a results file (not replaced, say by `md --out FILE --overwrite`), does it read, and is it
  // the journal's? Only a file that is damaged, not one that is something else, is rebuilt.
  const FileIdentity what = identify_file(path);
  using Kind = FileIdentity::Kind;
  if (what.kind == Kind::kTrajectory || what.kind == Kind::kCheckpoint || what.kind == Kind::kOtherHdf5) {
    journal.remove();
    return {journal.path() + " belongs to an earlier file than " + path + ", now " + what.description +
            "; ignored"};
  }
  ResultsHeader header;
  std::vector<TaskRow> rows;
  try {
    header = read_results_header(path);
    rows = read_results_rows(path);
  } catch (const std::exception& e) {
    return rebuild(path, journal, *c, std::string("cannot be read (") + e.what() + ")");
  }
  if (header.campaign_fingerprint != c->header.campaign_fingerprint || header.created != c->header.created ||
      header.shard_index != c->header.shard_index || rows.size() != c->rows.size()) {
    journal.remove();
    return {journal.path() + " belongs to another results file than " + path + "; ignored"};
  }
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (is_recorded(rows[i]) && !is_recorded(c->rows[i])) {  // written since by a gpiqa without journals
      journal.remove();
      return {journal.path() + " is older than " + path + "; ignored (a new journal begins)"};
    }
  // Rows the journal has that the file lacks (the kill came between the two), frames the file cannot read.
  std::vector<std::size_t> missing;
  std::vector<std::int64_t> stray;  // frames of tasks the file has as pending: a write the kill cut short
  try {
    const std::map<std::int64_t, std::int64_t> in_file = task_frame_counts(path);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const TaskRow& want = c->rows[i];
      const auto group = in_file.find(want.task_id);
      const bool has_group = group != in_file.end();
      if (!is_recorded(want)) {
        if (has_group) stray.push_back(want.task_id);
      } else if (!same_row(rows[i], want)) {
        missing.push_back(i);
        if (has_group) stray.push_back(want.task_id);
      } else if ((has_group ? group->second : 0) != journaled_frames(*c, want.task_id)) {
        throw InputError(path, "the frames of task " + std::to_string(want.task_id) + " are incomplete");
      }
    }
  } catch (const std::exception& e) {
    return rebuild(path, journal, *c, std::string("cannot be read in full (") + e.what() + ")");
  }
  if (missing.empty() && stray.empty()) return {};
  std::size_t again = 0;
  try {
    ResultsWriter writer(path);
    writer.forget_frames(stray);
    for (std::size_t i : missing) {
      const TaskRow& want = c->rows[i];
      std::map<std::int64_t, FrameBuffer> frames;
      const std::int64_t expected = journaled_frames(*c, want.task_id);
      if (expected > 0) {
        std::optional<FrameBuffer> fb = journal.frames(want.task_id);
        if (!fb || static_cast<std::int64_t>(fb->size()) != expected) {
          ++again;  // left pending: the task runs again (from its checkpoint), to the same result
          continue;
        }
        frames[want.task_id] = std::move(*fb);
      }
      writer.record({want}, frames);
    }
  } catch (const std::exception& e) {
    return rebuild(path, journal, *c, std::string("cannot be repaired in place (") + e.what() + ")");
  }
  std::vector<std::string> notes;
  if (missing.size() > again)
    notes.push_back("completed " + std::to_string(missing.size() - again) + " task rows in " + path +
                    " from its journal (recorded there when the last run was stopped)");
  return notes;
}

void retire_journal(const std::string& path) {
  ResultsJournal journal(path);
  if (!journal.exists()) return;
  fsync_path(path);
  journal.remove();
}

}  // namespace gpiqa::io
