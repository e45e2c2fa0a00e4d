// gpiqa export FILE [--task ID] --out OUT [--format extxyz|h5md] [--overwrite]
// Converts a trajectory, a `gpiqa md --out` file or one task's frames in a campaign results file, to extended
// XYZ for ASE and OVITO (io/extxyz.hpp), or to an H5MD file of its own (a results file's task groups are H5MD
// structures already, but MDAnalysis opens only an H5MD file whose root is the structure). Every input is
// checked before anything is written; the output appears whole (written beside it, then renamed) or not at
// all.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpiqa/io/extxyz.hpp"
#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/frame_writer.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::cli {
namespace {

namespace fs = std::filesystem;

struct ExportOptions {
  std::string file, out, format = "extxyz";
  std::optional<std::int64_t> task;
  bool overwrite = false;
};

bool is_results_file(hid_t root) {
  return io::h5::has_attribute(root, "format") && io::h5::string_attribute(root, "format") == "gpiqa-results";
}

// One task's frames from a campaign results file.
io::FrameBuffer task_frames(const std::string& path, const std::optional<std::int64_t>& task) {
  const io::ResultsHeader header = io::read_results_header(path);  // a results format this gpiqa reads
  if (!task) throw InputError(path, "is a campaign results file: name the trajectory with --task ID");
  const std::vector<io::TaskRow> rows = io::read_results_rows(path);
  const auto row =
      std::find_if(rows.begin(), rows.end(), [&](const io::TaskRow& r) { return r.task_id == *task; });
  if (row == rows.end())
    throw InputError(path, rows.empty()
                               ? fmt::format("has no task {} (it has no tasks)", *task)
                               : fmt::format("has no task {} (task ids 0 to {})", *task, rows.size() - 1));
  if (header.shard_count > 1 && *task % header.shard_count != header.shard_index)
    throw InputError(path,
                     fmt::format("task {} belongs to shard {} of {}: export it from that shard's file or the "
                                 "merged results file",
                                 *task, *task % header.shard_count, header.shard_count));
  io::FrameBuffer frames = io::read_task_frames(path, *task);
  if (frames.size() == 0)
    throw InputError(path,
                     row->outcome.status == stability::Status::kPending
                         ? fmt::format("task {} ({}) has no frames: it has not run yet", *task, row->label)
                         : fmt::format("task {} ({}) has no frames: the campaign records frames only with "
                                       "output.frames_every > 0",
                                       *task, row->label));
  return frames;
}

io::FrameBuffer load_frames(const ExportOptions& o) {
  io::h5::Handle file = io::h5::open_file(o.file, io::h5::Mode::kReadOnly);
  if (is_results_file(file.id())) {
    file = io::h5::Handle();
    return task_frames(o.file, o.task);
  }
  if (o.task) throw InputError(o.file, "is not a campaign results file; --task applies to those only");
  if (!io::h5::exists(file.id(), "particles/all/position/value"))
    throw InputError(o.file,
                     "holds no trajectory (no /particles/all/position: neither a `gpiqa md --out` file "
                     "nor a campaign results file)");
  io::FrameBuffer frames = io::read_h5md_frames(file.id());
  if (frames.size() == 0)
    throw InputError(o.file, "has no frames (gpiqa md writes them with --frames-every N)");
  return frames;
}

void write_output(const io::FrameBuffer& frames, const ExportOptions& o, const std::string& path) {
  if (o.format == "h5md") {
    io::h5::Handle file = io::h5::open_file(path, io::h5::Mode::kCreateNew);
    io::write_h5md_frames(file.id(), frames);
    io::h5::flush(file.id());
    return;
  }
  std::ofstream out(path);
  if (!out) throw InputError(o.out, "cannot write (directory missing or not writable?)");
  io::write_extxyz(out, frames);
  out.close();
  if (!out) throw InputError(o.out, "cannot write (disk full?)");
}

void run_export(const ExportOptions& o) {
  const io::FrameBuffer frames = load_frames(o);
  std::error_code ec;
  if (fs::exists(o.out)) {
    if (fs::equivalent(o.out, o.file, ec)) throw InputError(o.out, "is the input file; choose another --out");
    if (!o.overwrite) throw InputError(o.out, "already exists (use --overwrite to replace it)");
  }
  const fs::path dir = fs::path(o.out).parent_path();
  if (!dir.empty() && !fs::is_directory(dir)) throw InputError(o.out, "directory does not exist");
  const std::string tmp = o.out + ".exporting";
  fs::remove(tmp, ec);
  try {
    write_output(frames, o, tmp);
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  fs::rename(tmp, o.out, ec);
  if (ec) throw InputError(o.out, "cannot replace: " + ec.message());
  std::cout << fmt::format("gpiqa export: {} frames of {} atoms{} -> {} ({})\n", frames.size(),
                           frames.elements.size(), o.task ? fmt::format(" (task {})", *o.task) : "", o.out,
                           o.format);
}

}  // namespace

void add_export(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* sub = app.add_subcommand(
      "export", "Convert a trajectory (gpiqa md --out, or a results file's task) to extended XYZ or H5MD");
  sub->add_option("file", o->file, "A `gpiqa md --out` trajectory or a campaign results file")->required();
  sub->add_option("--task", o->task, "Task id whose frames to export (results files)");
  sub->add_option("--out", o->out, "Output file")->required();
  sub->add_option(
         "--format", o->format,
         "extxyz (ASE, OVITO: eV, Angstrom, ASE momenta) or h5md (an H5MD 1.1 file MDAnalysis opens)")
      ->check(CLI::IsMember({"extxyz", "h5md"}))
      ->capture_default_str();
  sub->add_flag("--overwrite", o->overwrite, "Replace an existing --out file");
  sub->callback([o] { run_export(*o); });
}

}  // namespace gpiqa::cli
