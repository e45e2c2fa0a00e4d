#include "gpiqa/io/results_file.hpp"

#include <filesystem>

#include "gpiqa/util/error.hpp"

namespace gpiqa::io {
namespace {

constexpr std::size_t kReasonWidth = 256;

// clang-format off
// The /tasks columns: one list, used for creating, writing and reading, so they cannot drift apart.
#define GPIQA_INT_COLUMNS(X) X(task_id, "") X(seed, "") X(failure_step, "") X(steps, "") X(rank, "")
#define GPIQA_DOUBLE_COLUMNS(X)                                                                                   \
  X(temperature_K, "K") X(time_to_failure_ps, "ps") X(simulated_ps, "ps") X(mean_temperature_K, "K")              \
  X(std_temperature_K, "K") X(conserved_drift, "hartree/ps/atom") X(max_bond_deviation_angstrom, "angstrom")      \
  X(min_distance_angstrom, "angstrom") X(max_force, "hartree/bohr") X(extrapolation_fraction, "")                 \
  X(wall_seconds, "s") X(steps_per_second, "1/s")
#define GPIQA_STRING_COLUMNS(X) X(label) X(molecule) X(model) X(mean) X(status) X(reason) X(host)
// clang-format on

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
  for (const std::string& v : values) w = std::max(w, v.size() + 1);
  return w;
}

void set_unit(hid_t tasks, const std::string& name, const char* unit) {
  if (*unit == '\0') return;
  h5::Handle d(H5Dopen2(tasks, name.c_str(), H5P_DEFAULT), H5Dclose);
  h5::set_attribute(d.id(), "unit", std::string(unit));
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
#define GPIQA_CREATE_INT(name, unit)                     \
  {                                                      \
    std::vector<std::int64_t> col;                       \
    for (const TaskRow& r : rows) col.push_back(r.name); \
    h5::write_ints(tasks.id(), #name, col);              \
    set_unit(tasks.id(), #name, unit);                   \
  }
#define GPIQA_CREATE_DOUBLE(name, unit)                                             \
  {                                                                                 \
    std::vector<double> col;                                                        \
    for (const TaskRow& r : rows) col.push_back(r.name);                            \
    h5::write_doubles(tasks.id(), #name, col, {static_cast<hsize_t>(rows.size())}); \
    set_unit(tasks.id(), #name, unit);                                              \
  }
#define GPIQA_CREATE_STRING(name)                                              \
  {                                                                            \
    std::vector<std::string> col;                                              \
    for (const TaskRow& r : rows) col.push_back(r.name);                       \
    h5::write_fixed_strings(tasks.id(), #name, col, string_width(#name, col)); \
  }
    GPIQA_INT_COLUMNS(GPIQA_CREATE_INT)
    GPIQA_DOUBLE_COLUMNS(GPIQA_CREATE_DOUBLE)
    GPIQA_STRING_COLUMNS(GPIQA_CREATE_STRING)
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
  std::vector<TaskRow> rows(ids.size());
  auto check = [&](std::size_t n, const char* name) {
    if (n != rows.size()) throw InputError(path, std::string("/tasks/") + name + " has a different length");
  };
#define GPIQA_READ_INT(name, unit)                                       \
  {                                                                      \
    const auto col = h5::read_ints(tasks.id(), #name);                   \
    check(col.size(), #name);                                            \
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].name = col[i]; \
  }
#define GPIQA_READ_DOUBLE(name, unit)                                    \
  {                                                                      \
    const auto col = h5::read_doubles(tasks.id(), #name);                \
    check(col.size(), #name);                                            \
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].name = col[i]; \
  }
#define GPIQA_READ_STRING(name)                                          \
  {                                                                      \
    const auto col = h5::read_strings(tasks.id(), #name);                \
    check(col.size(), #name);                                            \
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].name = col[i]; \
  }
  GPIQA_INT_COLUMNS(GPIQA_READ_INT)
  GPIQA_DOUBLE_COLUMNS(GPIQA_READ_DOUBLE)
  GPIQA_STRING_COLUMNS(GPIQA_READ_STRING)
  return rows;
}

struct ResultsWriter::Impl {
  h5::Handle file, tasks, string_type;
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
  impl_->string_type = h5::Handle(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(impl_->string_type.id(), H5T_VARIABLE);
  H5Tset_cset(impl_->string_type.id(), H5T_CSET_UTF8);
}

ResultsWriter::~ResultsWriter() {
  if (impl_ && impl_->file) h5::flush(impl_->file.id());
}

void ResultsWriter::record(const std::vector<TaskRow>& rows,
                           const std::map<std::int64_t, FrameBuffer>& frames) {
  Impl& w = *impl_;
  for (const TaskRow& r : rows) {
    const hsize_t i = static_cast<hsize_t>(r.task_id);
#define GPIQA_WRITE_INT(name, unit) w.write(#name, i, H5T_NATIVE_INT64, &r.name);
#define GPIQA_WRITE_DOUBLE(name, unit) w.write(#name, i, H5T_NATIVE_DOUBLE, &r.name);
#define GPIQA_WRITE_STRING(name) w.write_string(#name, i, r.name);
    GPIQA_INT_COLUMNS(GPIQA_WRITE_INT)
    GPIQA_DOUBLE_COLUMNS(GPIQA_WRITE_DOUBLE)
    GPIQA_STRING_COLUMNS(GPIQA_WRITE_STRING)
  }
  for (const auto& [id, buffer] : frames) {
    if (buffer.size() == 0) continue;
    const std::string name = "trajectories/" + std::to_string(id);
    if (h5::exists(w.file.id(), name)) H5Ldelete(w.file.id(), name.c_str(), H5P_DEFAULT);
    h5::Handle g = h5::group(w.file.id(), name, true);
    buffer.write(g.id());
  }
  h5::flush(w.file.id());
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
  return FrameBuffer::read(g.id());
}

}  // namespace gpiqa::io
