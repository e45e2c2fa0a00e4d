#include "gpiqa/io/results_file.hpp"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <type_traits>

#include "gpiqa/io/frame_writer.hpp"
#include "gpiqa/io/hdf5.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::io {
namespace {

constexpr std::size_t kReasonWidth = 256;

// Test hook of the crash-storm test (tests/cli/crash_storm_test.cpp), called between the HDF5 calls of a
// record: GPIQA_TEST_WRITE_PAUSE_MS=N sleeps N ms at each, so that a kill from outside lands inside the write
// window; GPIQA_TEST_WRITE_KILL_AT=K sends SIGKILL to this process at the K-th. Unset (always, outside
// tests): nothing.
void write_step() {
  static const long pause_ms =
      std::getenv("GPIQA_TEST_WRITE_PAUSE_MS") ? std::atol(std::getenv("GPIQA_TEST_WRITE_PAUSE_MS")) : 0;
  static const long kill_at =
      std::getenv("GPIQA_TEST_WRITE_KILL_AT") ? std::atol(std::getenv("GPIQA_TEST_WRITE_KILL_AT")) : 0;
  static long steps = 0;
  if (kill_at > 0 && ++steps == kill_at) raise(SIGKILL);
  if (pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
}

h5::Handle open_for_writing(const std::string& path) {
  // No file locking on the writer's side: h5py may open the file while the campaign runs.
  h5::Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_file_locking(fapl.id(), false, true);
  if (!std::filesystem::exists(path)) throw InputError(path, "results file does not exist");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.id());
  if (id < 0) throw InputError(path, "cannot open the results file for writing");
  return h5::Handle(id, H5Fclose);
}

// Fixed-length string columns (variable-length strings rewritten in place leak heap space and make every
// flush slow): identity columns as wide as their longest value, the others with room for what they hold.
std::size_t string_width(const std::string& column, const std::vector<std::string>& values) {
  if (column == "status") return 16;
  if (column == "host") return 64;
  if (column == "reason") return kReasonWidth;
  std::size_t w = 1;
  if (std::all_of(values.begin(), values.end(), [](const std::string& v) { return v.empty(); }))
    w = 64;  // a column added to an existing file: room for what it will hold
  for (const std::string& v : values) w = std::max(w, v.size() + 1);
  return w;
}

void set_column_attributes(hid_t tasks, const stability::FieldInfo& field) {
  h5::Handle d(H5Dopen2(tasks, field.name, H5P_DEFAULT), H5Dclose);
  if (*field.unit != '\0') h5::set_attribute(d.id(), "unit", std::string(field.unit));
  h5::set_attribute(d.id(), "description", std::string(field.description));
}

// What a column stores for each member type: Status is stored by name.
std::string cell_text(const std::string& v) {
  return v;
}
std::string cell_text(stability::Status v) {
  return stability::to_string(v);
}

// Creates the column `field` from the values of `rows` (every column of a TaskRow, by member type).
template <class T>
void create_column(hid_t tasks, const stability::FieldInfo& field, const std::vector<T>& values) {
  if constexpr (std::is_same_v<T, double>) {
    h5::write_doubles(tasks, field.name, values, {static_cast<hsize_t>(values.size())});
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    h5::write_ints(tasks, field.name, values);
  } else {
    std::vector<std::string> text;
    for (const T& v : values) text.push_back(cell_text(v));
    h5::write_fixed_strings(tasks, field.name, text, string_width(field.name, text));
  }
  set_column_attributes(tasks, field);
}

// The values of one column over all rows, gathered through for_each_column (column `index`).
template <class T>
std::vector<T> column_values(const std::vector<TaskRow>& rows, std::size_t index) {
  std::vector<T> values;
  for (const TaskRow& r : rows) {
    std::size_t k = 0;
    for_each_column(r, [&](const stability::FieldInfo&, const auto& member) {
      if constexpr (std::is_same_v<std::decay_t<decltype(member)>, T>)
        if (k == index) values.push_back(member);
      ++k;
    });
  }
  return values;
}

void create_columns(hid_t tasks, const std::vector<TaskRow>& rows) {
  std::size_t index = 0;
  const TaskRow prototype;
  for_each_column(prototype, [&](const stability::FieldInfo& field, const auto& member) {
    using T = std::decay_t<decltype(member)>;
    create_column<T>(tasks, field, column_values<T>(rows, index++));
  });
}

// Reads one column into the rows; a column the file does not have (written before it was added) keeps the
// rows' initial values.
template <class T>
void read_column(hid_t tasks, const std::string& path, const stability::FieldInfo& field,
                 std::vector<T*>& cells) {
  if (!h5::exists(tasks, field.name)) return;
  auto check = [&](std::size_t n) {
    if (n != cells.size())
      throw InputError(path, std::string("/tasks/") + field.name + " has a different length");
  };
  if constexpr (std::is_same_v<T, double>) {
    const auto col = h5::read_doubles(tasks, field.name);
    check(col.size());
    for (std::size_t i = 0; i < cells.size(); ++i) *cells[i] = col[i];
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    const auto col = h5::read_ints(tasks, field.name);
    check(col.size());
    for (std::size_t i = 0; i < cells.size(); ++i) *cells[i] = col[i];
  } else {
    const auto col = h5::read_strings(tasks, field.name);
    check(col.size());
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if constexpr (std::is_same_v<T, stability::Status>) {
        try {
          *cells[i] = stability::status_from_string(col[i]);
        } catch (const std::invalid_argument& e) {
          throw InputError(path, std::string("/tasks/") + field.name + ": " + e.what());
        }
      } else {
        *cells[i] = col[i];
      }
    }
  }
}

}  // namespace

void create_results(const std::string& path, const ResultsHeader& h, const std::vector<TaskRow>& rows) {
  const std::string tmp = path + ".creating";
  std::filesystem::remove(tmp);
  {
    h5::Handle f = h5::open_file(tmp, h5::Mode::kCreateNew);
    h5::set_attribute(f.id(), "format", std::string("gpiqa-results"));
    h5::set_attribute(f.id(), "format_version", kResultsFormatVersion);
    h5::set_attribute(f.id(), "campaign_name", h.campaign_name);
    h5::set_attribute(f.id(), "campaign_yaml", h.campaign_yaml);
    h5::set_attribute(f.id(), "campaign_fingerprint", h.campaign_fingerprint);
    h5::set_attribute(f.id(), "software_version", h.software_version);
    h5::set_attribute(f.id(), "created", h.created);
    h5::set_attribute(f.id(), "shard_index", h.shard_index);
    h5::set_attribute(f.id(), "shard_count", h.shard_count);
    h5::set_attribute(f.id(), "duration_ps", h.duration_ps);
    h5::Handle tasks = h5::group(f.id(), "tasks", true);
    create_columns(tasks.id(), rows);
    h5::group(f.id(), "trajectories", true);
    h5::flush(f.id());
  }
  if (std::filesystem::exists(path)) {
    std::filesystem::remove(tmp);
    throw InputError(path, "already exists; refusing to overwrite it");
  }
  std::filesystem::rename(tmp, path);
}

ResultsHeader read_results_header(const std::string& path) {
  h5::Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  if (!h5::has_attribute(f.id(), "format") || h5::string_attribute(f.id(), "format") != "gpiqa-results")
    throw InputError(path, "not a gpiqa results file");
  const std::int64_t version = h5::int_attribute(f.id(), "format_version");
  if (version != kResultsFormatVersion)
    throw InputError(path, "results format_version " + std::to_string(version) +
                               " is not supported (expected " + std::to_string(kResultsFormatVersion) + ")");
  ResultsHeader h;
  h.campaign_name = h5::string_attribute(f.id(), "campaign_name");
  h.campaign_yaml = h5::string_attribute(f.id(), "campaign_yaml");
  h.campaign_fingerprint = h5::string_attribute(f.id(), "campaign_fingerprint");
  h.software_version = h5::string_attribute(f.id(), "software_version");
  h.created = h5::string_attribute(f.id(), "created");
  h.shard_index = h5::int_attribute(f.id(), "shard_index");
  h.shard_count = h5::int_attribute(f.id(), "shard_count");
  h.duration_ps = h5::double_attribute(f.id(), "duration_ps");
  return h;
}

std::vector<TaskRow> read_results_rows(const std::string& path) {
  read_results_header(path);
  h5::Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  h5::Handle tasks = h5::group(f.id(), "tasks", false);
  const std::vector<std::int64_t> ids = h5::read_ints(tasks.id(), "task_id");
  // Row i is task i (writers index rows by task_id): anything else is a damaged or foreign file.
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] != static_cast<std::int64_t>(i))
      throw InputError(path, "/tasks/task_id[" + std::to_string(i) + "] is " + std::to_string(ids[i]) +
                                 ", expected " + std::to_string(i) + " (row i holds task i)");
  std::vector<TaskRow> rows(ids.size());
  std::size_t index = 0;
  const TaskRow prototype;
  for_each_column(prototype, [&](const stability::FieldInfo& field, const auto& member) {
    using T = std::decay_t<decltype(member)>;
    std::vector<T*> cells;
    for (TaskRow& r : rows) {
      std::size_t k = 0;
      for_each_column(r, [&](const stability::FieldInfo&, auto& m) {
        if constexpr (std::is_same_v<std::decay_t<decltype(m)>, T>)
          if (k == index) cells.push_back(&m);
        ++k;
      });
    }
    read_column<T>(tasks.id(), path, field, cells);
    ++index;
  });
  return rows;
}

struct ResultsWriter::Impl {
  h5::Handle file, tasks;
  std::map<std::string, h5::Handle> datasets;  // opened once per run

  hid_t dataset(const char* name) {
    auto it = datasets.find(name);
    if (it == datasets.end()) {
      const hid_t id = H5Dopen2(tasks.id(), name, H5P_DEFAULT);
      if (id < 0) throw InputError(h5::file_name(file.id()), std::string("missing dataset /tasks/") + name);
      it = datasets.emplace(name, h5::Handle(id, H5Dclose)).first;
    }
    return it->second.id();
  }
  void write_string(const char* name, hsize_t index, const std::string& value) {
    const hid_t d = dataset(name);
    h5::Handle type(H5Dget_type(d), H5Tclose);
    const std::size_t width = H5Tget_size(type.id());
    std::string cell = value;
    if (cell.size() >= width) cell = cell.substr(0, width >= 4 ? width - 4 : 0) + (width >= 4 ? "..." : "");
    cell.resize(width, '\0');
    write(name, index, type.id(), cell.data());
  }
  void write(const char* name, hsize_t index, hid_t type, const void* value) {
    const hid_t d = dataset(name);
    h5::Handle fspace(H5Dget_space(d), H5Sclose);
    const hsize_t one = 1;
    H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, &index, nullptr, &one, nullptr);
    h5::Handle mspace(H5Screate_simple(1, &one, nullptr), H5Sclose);
    if (H5Dwrite(d, type, mspace.id(), fspace.id(), H5P_DEFAULT, value) < 0)
      throw InputError(h5::file_name(file.id()), std::string("cannot write /tasks/") + name);
  }
};

ResultsWriter::ResultsWriter(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->file = open_for_writing(path);
  impl_->tasks = h5::group(impl_->file.id(), "tasks", false);
  // A file from before a column was added gets it, with every row at the initial value.
  const std::size_t n = h5::read_ints(impl_->tasks.id(), "task_id").size();
  const TaskRow prototype;
  for_each_column(prototype, [&](const stability::FieldInfo& field, const auto& member) {
    using T = std::decay_t<decltype(member)>;
    if (!h5::exists(impl_->tasks.id(), field.name))
      create_column<T>(impl_->tasks.id(), field, std::vector<T>(n, member));
  });
}

ResultsWriter::~ResultsWriter() {
  if (impl_ && impl_->file) h5::flush(impl_->file.id());
}

void ResultsWriter::record(const std::vector<TaskRow>& rows,
                           const std::map<std::int64_t, FrameBuffer>& frames) {
  Impl& w = *impl_;
  write_step();
  // 1. frames, 2. every column but the status, 3. the status, which commits the row
  for (const auto& [id, buffer] : frames) {
    if (buffer.size() == 0) continue;
    const std::string name = "trajectories/" + std::to_string(id);
    if (h5::exists(w.file.id(), name)) H5Ldelete(w.file.id(), name.c_str(), H5P_DEFAULT);
    write_step();
    h5::Handle g = h5::group(w.file.id(), name, true);
    write_h5md_frames(g.id(), buffer);
    write_step();
  }
  h5::flush(w.file.id());
  write_step();
  auto write_columns = [&](bool status) {
    for (const TaskRow& r : rows) {
      const hsize_t i = static_cast<hsize_t>(r.task_id);
      for_each_column(r, [&](const stability::FieldInfo& field, const auto& member) {
        using T = std::decay_t<decltype(member)>;
        if (std::is_same_v<T, stability::Status> != status) return;
        if constexpr (std::is_same_v<T, double>)
          w.write(field.name, i, H5T_NATIVE_DOUBLE, &member);
        else if constexpr (std::is_same_v<T, std::int64_t>)
          w.write(field.name, i, H5T_NATIVE_INT64, &member);
        else
          w.write_string(field.name, i, cell_text(member));
        write_step();
      });
    }
    h5::flush(w.file.id());
    write_step();
  };
  write_columns(false);
  write_columns(true);
}

void ResultsWriter::forget_frames(const std::vector<std::int64_t>& task_ids) {
  for (std::int64_t id : task_ids) {
    const std::string name = "trajectories/" + std::to_string(id);
    if (h5::exists(impl_->file.id(), name) && H5Ldelete(impl_->file.id(), name.c_str(), H5P_DEFAULT) < 0)
      throw InputError(h5::file_name(impl_->file.id()), "cannot remove /" + name);
  }
  h5::flush(impl_->file.id());
}

void record_results(const std::string& path, const std::vector<TaskRow>& rows,
                    const std::map<std::int64_t, FrameBuffer>& frames) {
  ResultsWriter(path).record(rows, frames);
}

FrameBuffer read_task_frames(const std::string& path, std::int64_t task_id) {
  h5::Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  const std::string name = "trajectories/" + std::to_string(task_id);
  if (!h5::exists(f.id(), name)) return {};
  h5::Handle g = h5::group(f.id(), name, false);
  return read_h5md_frames(g.id());
}

std::map<std::int64_t, std::int64_t> task_frame_counts(const std::string& path) {
  h5::Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  std::map<std::int64_t, std::int64_t> counts;
  for (std::int64_t id = 0; id < static_cast<std::int64_t>(h5::read_ints(f.id(), "tasks/task_id").size());
       ++id) {
    const std::string group = "trajectories/" + std::to_string(id);
    if (!h5::exists(f.id(), group)) continue;
    try {
      counts[id] =
          static_cast<std::int64_t>(h5::read_ints(f.id(), group + "/particles/all/position/step").size());
    } catch (const std::exception&) {
      counts[id] = -1;
    }
  }
  return counts;
}

}  // namespace gpiqa::io
