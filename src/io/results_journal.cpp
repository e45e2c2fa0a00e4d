#include "gpiqa/io/results_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "gpiqa/io/file_identity.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::io {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr int kJournalVersion = 1;

void fsync_path(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

void fsync_parent(const std::string& path) {
  const fs::path dir = fs::path(path).parent_path();
  fsync_path(dir.empty() ? "." : dir.string());
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw InputError(path, what + ": " + std::strerror(errno));
}

void write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(path, "cannot write the journal");
    done += static_cast<std::size_t>(n);
  }
}

json number(double v) {
  if (std::isfinite(v)) return v;
  return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
}
double number(const json& j) {
  if (j.is_number()) return j.get<double>();
  const std::string s = j.get<std::string>();
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  return std::numeric_limits<double>::quiet_NaN();
}

json row_json(const TaskRow& row) {
  json j = json::object();
  for_each_column(row, [&](const stability::FieldInfo& field, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, double>)
      j[field.name] = number(v);
    else if constexpr (std::is_same_v<T, stability::Status>)
      j[field.name] = stability::to_string(v);
    else
      j[field.name] = v;
  });
  return j;
}

TaskRow row_from_json(const json& j) {
  TaskRow row;
  for_each_column(row, [&](const stability::FieldInfo& field, auto& v) {
    using T = std::decay_t<decltype(v)>;
    if (!j.contains(field.name)) return;  // a column added since: its initial value
    const json& cell = j.at(field.name);
    if constexpr (std::is_same_v<T, double>)
      v = number(cell);
    else if constexpr (std::is_same_v<T, stability::Status>)
      v = stability::status_from_string(cell.get<std::string>());
    else
      v = cell.get<T>();
  });
  return row;
}

json header_json(const ResultsHeader& h) {
  return {{"campaign_name", h.campaign_name},
          {"campaign_yaml", h.campaign_yaml},
          {"campaign_fingerprint", h.campaign_fingerprint},
          {"software_version", h.software_version},
          {"created", h.created},
          {"shard_index", h.shard_index},
          {"shard_count", h.shard_count},
          {"duration_ps", number(h.duration_ps)}};
}

ResultsHeader header_from_json(const json& j) {
  ResultsHeader h;
  h.campaign_name = j.at("campaign_name");
  h.campaign_yaml = j.at("campaign_yaml");
  h.campaign_fingerprint = j.at("campaign_fingerprint");
  h.software_version = j.at("software_version");
  h.created = j.at("created");
  h.shard_index = j.at("shard_index");
  h.shard_count = j.at("shard_count");
  h.duration_ps = number(j.at("duration_ps"));
  return h;
}

std::string line_of(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

// The journal's lines that are whole and parse, and the byte length they span.
std::vector<json> whole_lines(const std::string& path, std::size_t* length) {
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<json> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    if (end == std::string::npos) break;  // interrupted
    json j = json::parse(text.begin() + static_cast<std::ptrdiff_t>(at),
                         text.begin() + static_cast<std::ptrdiff_t>(end), nullptr, false);
    if (j.is_discarded() || !j.is_object()) break;
    lines.push_back(std::move(j));
    at = end + 1;
  }
  if (length) *length = at;
  return lines;
}

// Frames the results file holds for a task (the length of its step series; 0: none). Throws when the group is
// there but cannot be read.
std::int64_t frame_count(hid_t file, std::int64_t task_id) {
  const std::string group = "trajectories/" + std::to_string(task_id);
  if (!h5::exists(file, group)) return 0;
  return static_cast<std::int64_t>(h5::read_ints(file, group + "/particles/all/position/step").size());
}

bool recorded(const TaskRow& r) {
  return r.outcome.status != stability::Status::kPending;
}

}  // namespace

bool same_row(const TaskRow& a, const TaskRow& b) {
  std::vector<std::string> ca, cb;
  auto cells = [](const TaskRow& r, std::vector<std::string>& out) {
    for_each_column(r, [&](const stability::FieldInfo&, const auto& v) {
      using T = std::decay_t<decltype(v)>;
      if constexpr (std::is_same_v<T, double>)
        out.push_back(std::isnan(v) ? "nan" : util::format_double(v));
      else if constexpr (std::is_same_v<T, stability::Status>)
        out.emplace_back(stability::to_string(v));
      else if constexpr (std::is_same_v<T, std::int64_t>)
        out.push_back(std::to_string(v));
      else
        out.push_back(v);
    });
  };
  cells(a, ca);
  cells(b, cb);
  return ca == cb;
}

ResultsJournal::ResultsJournal(std::string results_path)
    : results_(std::move(results_path)), path_(results_ + ".journal"), frames_dir_(results_ + ".journal.d") {}

ResultsJournal::~ResultsJournal() {
  if (fd_ >= 0) close(fd_);
}

bool ResultsJournal::exists() const {
  std::error_code ec;
  return fs::exists(path_, ec);
}

std::optional<ResultsJournal::Contents> ResultsJournal::read() const {
  const std::vector<json> lines = whole_lines(path_, nullptr);
  if (lines.empty()) return std::nullopt;
  Contents c;
  try {
    const json& first = lines[0];
    if (first.value("journal", "") != "gpiqa-results" || first.value("version", 0) != kJournalVersion)
      return std::nullopt;
    c.header = header_from_json(first.at("header"));
    for (const json& row : first.at("rows")) c.rows.push_back(row_from_json(row));
    const json frames = first.value("frames", json::object());  // items() must not outlive it
    for (const auto& [id, n] : frames.items()) c.frames[std::stoll(id)] = n;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const TaskRow row = row_from_json(lines[i].at("row"));
      if (row.task_id < 0 || row.task_id >= static_cast<std::int64_t>(c.rows.size())) return std::nullopt;
      c.rows[static_cast<std::size_t>(row.task_id)] = row;
      c.frames[row.task_id] = lines[i].value("frames", std::int64_t{0});
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return c;
}

void ResultsJournal::begin(const ResultsHeader& header, const std::vector<TaskRow>& rows,
                           const std::map<std::int64_t, std::int64_t>& frame_counts) {
  if (fd_ >= 0) close(fd_), fd_ = -1;
  std::error_code ec;
  fs::remove_all(frames_dir_, ec);
  json first = {{"journal", "gpiqa-results"}, {"version", kJournalVersion}, {"header", header_json(header)}};
  first["rows"] = json::array();
  for (const TaskRow& r : rows) first["rows"].push_back(row_json(r));
  json frames = json::object();
  for (const auto& [id, n] : frame_counts)
    if (n > 0) frames[std::to_string(id)] = n;
  first["frames"] = frames;
  const std::string tmp = path_ + ".tmp";
  const int fd = open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) fail(tmp, "cannot create the journal");
  write_all(fd, line_of(first), tmp);
  if (fsync(fd) != 0) fail(tmp, "cannot write the journal");
  close(fd);
  if (rename(tmp.c_str(), path_.c_str()) != 0) fail(path_, "cannot create the journal");
  fsync_parent(path_);
  open_for_append();
}

void ResultsJournal::open_for_append() {
  std::size_t length = 0;
  whole_lines(path_, &length);
  if (fd_ >= 0) close(fd_);
  fd_ = open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) fail(path_, "cannot open the journal");
  if (ftruncate(fd_, static_cast<off_t>(length)) != 0 || lseek(fd_, 0, SEEK_END) < 0)
    fail(path_, "cannot open the journal");
  std::error_code ec;
  fs::create_directories(frames_dir_, ec);
  if (ec) throw InputError(frames_dir_, "cannot create the journal's frames folder: " + ec.message());
}

void ResultsJournal::append(const std::vector<TaskRow>& rows,
                            const std::map<std::int64_t, FrameBuffer>& frames) {
  if (fd_ < 0) throw InputError(path_, "journal not open");
  std::string lines;
  for (const TaskRow& row : rows) {
    const auto f = frames.find(row.task_id);
    const std::int64_t n = f == frames.end() ? 0 : static_cast<std::int64_t>(f->second.size());
    if (n > 0) {
      const std::string file =
          (fs::path(frames_dir_) / ("frames-" + std::to_string(row.task_id) + ".h5")).string();
      const std::string tmp = file + ".tmp";
      std::error_code ec;
      fs::remove(tmp, ec);
      {
        h5::Handle h = h5::open_file(tmp, h5::Mode::kCreateNew);
        f->second.write(h.id());
      }
      if (rename(tmp.c_str(), file.c_str()) != 0) fail(file, "cannot write the journal's frames");
    }
    lines += line_of({{"row", row_json(row)}, {"frames", n}});
  }
  write_all(fd_, lines, path_);
  if (fdatasync(fd_) != 0) fail(path_, "cannot write the journal");
}

std::optional<FrameBuffer> ResultsJournal::frames(std::int64_t task_id) const {
  const std::string file = (fs::path(frames_dir_) / ("frames-" + std::to_string(task_id) + ".h5")).string();
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  try {
    h5::Handle f = h5::open_file(file, h5::Mode::kReadOnly);
    return FrameBuffer::read(f.id());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void ResultsJournal::remove() {
  if (fd_ >= 0) close(fd_), fd_ = -1;
  std::error_code ec;
  fs::remove(path_, ec);
  fs::remove(path_ + ".tmp", ec);
  fs::remove_all(frames_dir_, ec);
}

namespace {

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
      if (!recorded(r)) continue;
      std::map<std::int64_t, FrameBuffer> frames;
      const auto expected = c.frames.count(r.task_id) ? c.frames.at(r.task_id) : 0;
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
    if (recorded(rows[i]) && !recorded(c->rows[i])) {  // written since by a gpiqa without journals
      journal.remove();
      return {journal.path() + " is older than " + path + "; ignored (a new journal begins)"};
    }
  // Rows the journal has that the file lacks (the kill came between the two), frames the file cannot read.
  std::vector<std::size_t> missing;
  std::vector<std::int64_t> stray;  // frames of tasks the file has as pending: a write the kill cut short
  try {
    h5::Handle f = h5::open_file(path, h5::Mode::kReadOnly);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const TaskRow& want = c->rows[i];
      const bool has_group = h5::exists(f.id(), "trajectories/" + std::to_string(want.task_id));
      if (!recorded(want)) {
        if (has_group) stray.push_back(want.task_id);
      } else if (!same_row(rows[i], want)) {
        missing.push_back(i);
        if (has_group) stray.push_back(want.task_id);
      } else if (frame_count(f.id(), want.task_id) !=
                 (c->frames.count(want.task_id) ? c->frames.at(want.task_id) : 0)) {
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
      const std::int64_t expected = c->frames.count(want.task_id) ? c->frames.at(want.task_id) : 0;
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
