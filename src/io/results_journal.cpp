#include "gpiqa/io/results_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "gpiqa/io/frame_writer.hpp"
#include "gpiqa/io/fsync.hpp"
#include "gpiqa/io/hdf5.hpp"
#include "gpiqa/io/row_codec.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::io {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr int kJournalVersion = 1;

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

template <class J>
std::string line_of(const J& j) {
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

}  // namespace

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
  Json first = {
      {"journal", "gpiqa-results"}, {"version", kJournalVersion}, {"header", header_to_json(header)}};
  first["rows"] = Json::array();
  for (const TaskRow& r : rows) first["rows"].push_back(row_to_json(r));
  Json frames = Json::object();
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
        write_h5md_frames(h.id(), f->second);
      }
      if (rename(tmp.c_str(), file.c_str()) != 0) fail(file, "cannot write the journal's frames");
    }
    lines += line_of(Json{{"row", row_to_json(row)}, {"frames", n}});
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
    return read_h5md_frames(f.id());
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

}  // namespace gpiqa::io
