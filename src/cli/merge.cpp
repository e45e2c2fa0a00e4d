// gpiqa merge SHARD... -o FILE [--update | --force]: joins the shard files of one campaign (gpiqa run --shard
// I/N) into one results file with the same table and trajectories as a single run. Every shard 0..N-1 must be
// given exactly once, all made by the same campaign. FILE must not exist, unless
//   --update: FILE is this campaign's whole results file (a single run's, or an earlier merge's); its
//             recorded tasks are kept, the shards' recorded tasks added (a task recorded in both is taken
//             from the shard), and the result replaces FILE. What `gpiqa slurm` scripts use, so that a merge
//             job after a resubmission, or into the file of an earlier run, does not fail.
//   --force:  FILE, whatever it is, is replaced by the shards' merge.
// The merge holds FILE's writer lock (io/writer_lock.hpp) while it reads and writes FILE; the shards are only
// read. FILE is written beside itself and renamed, so it is whole or as it was.
#include <filesystem>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/io/results_journal.hpp"
#include "gpiqa/io/results_store.hpp"
#include "gpiqa/io/writer_lock.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::cli {
namespace {

// The rows of an existing FILE that --update keeps, after checking that FILE is the whole results file of
// the shards' campaign (`shards`: their header) with the same tasks.
std::vector<io::TaskRow> rows_to_keep(const std::string& file, const io::ResultsHeader& shards,
                                      std::size_t task_count) {
  for (const std::string& note : io::recover_results(file)) std::cerr << "gpiqa: note: " << note << "\n";
  io::ResultsHeader h;
  try {
    h = io::read_results_header(file);
  } catch (const InputError& e) {
    throw InputError(file, "exists and is not a gpiqa results file (" + e.problem() +
                               "): refusing to merge into it (use --force to replace it)");
  }
  if (h.campaign_fingerprint != shards.campaign_fingerprint || h.shard_count != 1)
    throw InputError(file,
                     fmt::format("exists and is {} of campaign '{}', not this campaign's results file: "
                                 "refusing to merge into it (use --force to replace it)",
                                 h.shard_count != 1 ? "a shard file" : "the results file", h.campaign_name));
  std::vector<io::TaskRow> rows = io::read_results_rows(file);
  if (rows.size() != task_count)
    throw InputError(
        file, fmt::format("has {} tasks, the shards {}: refusing to merge into it", rows.size(), task_count));
  return rows;
}

}  // namespace

void add_merge(CLI::App& app) {
  struct Options {
    std::vector<std::string> shards;
    std::string output;
    bool force = false, update = false, break_lock = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("merge", "Join the shard files of a campaign into one results file");
  sub->add_option("shards", o->shards, "Shard files (all N of them)")->required();
  sub->add_option("-o,--output", o->output, "Merged results file")->required();
  CLI::Option* force = sub->add_flag("--force", o->force, "Replace an existing output file, whatever it is");
  sub->add_flag("--update", o->update,
                "Merge into an existing output that is this campaign's results file: keep its recorded tasks "
                "and add the shards'")
      ->excludes(force);
  sub->add_flag("--break-lock", o->break_lock,
                "Take over the output's lock held by a process on another host (when it is gone)");
  sub->callback([o] {
    std::map<std::int64_t, std::string> by_index;
    io::ResultsHeader first;
    for (std::size_t i = 0; i < o->shards.size(); ++i) {
      const io::ResultsHeader h = io::read_results_header(o->shards[i]);
      if (i == 0) first = h;
      if (h.campaign_fingerprint != first.campaign_fingerprint)
        throw InputError(o->shards[i], "comes from another campaign than " + o->shards[0]);
      if (h.shard_count != first.shard_count)
        throw InputError(o->shards[i], fmt::format("is shard of {}, {} is of {}", h.shard_count, o->shards[0],
                                                   first.shard_count));
      if (by_index.count(h.shard_index))
        throw InputError(o->shards[i], fmt::format("shard {} is given twice (also {})", h.shard_index,
                                                   by_index[h.shard_index]));
      by_index[h.shard_index] = o->shards[i];
    }
    for (std::int64_t i = 0; i < first.shard_count; ++i)
      if (!by_index.count(i))
        throw InputError(o->output, fmt::format("shard {} of {} is missing", i, first.shard_count));
    const io::WriterLock lock(o->output, {o->break_lock, "", &std::cerr});
    std::vector<std::vector<io::TaskRow>> shard_rows;
    for (const auto& [index, path] : by_index) shard_rows.push_back(io::read_results_rows(path));
    std::vector<io::TaskRow> merged = shard_rows[0];
    // where each merged row and its frames come from
    std::vector<std::string> source(merged.size());
    for (io::TaskRow& row : merged) {
      const auto owner = static_cast<std::size_t>(row.task_id % first.shard_count);
      row = shard_rows[owner][static_cast<std::size_t>(row.task_id)];
      source[static_cast<std::size_t>(row.task_id)] = by_index[row.task_id % first.shard_count];
    }
    std::size_t kept = 0;
    if (std::filesystem::exists(o->output)) {
      if (o->update) {
        const std::vector<io::TaskRow> existing = rows_to_keep(o->output, first, merged.size());
        for (std::size_t i = 0; i < merged.size(); ++i)
          if (merged[i].outcome.status == stability::Status::kPending &&
              existing[i].outcome.status != stability::Status::kPending) {
            merged[i] = existing[i];
            source[i] = o->output;
            ++kept;
          }
      } else if (!o->force) {
        throw InputError(
            o->output,
            "already exists (use --update to merge into this campaign's results file, --force to "
            "replace it)");
      }
    }
    std::size_t pending = 0;
    for (const io::TaskRow& row : merged)
      if (row.outcome.status == stability::Status::kPending) ++pending;
    io::ResultsHeader h = first;
    h.shard_index = 0;
    h.shard_count = 1;
    std::vector<io::TaskRow> pending_rows = merged;
    for (io::TaskRow& r : pending_rows) r = io::pending_copy(r);
    const std::string tmp = o->output + ".merging";
    std::filesystem::remove(tmp);
    io::create_results(tmp, h, pending_rows);
    std::vector<io::TaskRow> done;
    for (const io::TaskRow& r : merged)
      if (r.outcome.status != stability::Status::kPending) done.push_back(r);
    {
      io::ResultsWriter writer(tmp);
      for (const io::TaskRow& r : done) {  // one task at a time keeps memory bounded by one trajectory
        std::map<std::int64_t, io::FrameBuffer> frames;
        io::FrameBuffer f = io::read_task_frames(source[static_cast<std::size_t>(r.task_id)], r.task_id);
        if (f.size() > 0) frames[r.task_id] = std::move(f);
        writer.record({r}, frames);
      }
    }
    std::filesystem::rename(tmp, o->output);
    io::ResultsJournal(o->output).remove();  // the journal of a file replaced is not this one's
    std::cout << fmt::format("merged {} shards: {} tasks, {} finished{}, {} pending -> {}\n",
                             first.shard_count, merged.size(), done.size(),
                             kept ? fmt::format(" ({} kept from the existing file)", kept) : std::string(),
                             pending, o->output);
    if (pending) std::cerr << "gpiqa: warning: " << pending << " tasks are still pending in the shards\n";
  });
}

}  // namespace gpiqa::cli
