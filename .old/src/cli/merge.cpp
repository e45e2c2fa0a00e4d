// gpiqa merge SHARD... -o FILE: joins the shard files of one campaign (gpiqa run --shard I/N) into one
// results file with the same table and trajectories as a single run. Every shard 0..N-1 must be given exactly
// once, all made by the same campaign; FILE must not exist (unless --force).
#include <filesystem>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::cli {

void add_merge(CLI::App& app) {
  struct Options {
    std::vector<std::string> shards;
    std::string output;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("merge", "Join the shard files of a campaign into one results file");
  sub->add_option("shards", o->shards, "Shard files (all N of them)")->required();
  sub->add_option("-o,--output", o->output, "Merged results file")->required();
  sub->add_flag("--force", o->force, "Replace an existing output file");
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
    if (std::filesystem::exists(o->output)) {
      if (!o->force) throw InputError(o->output, "already exists (use --force to replace it)");
      std::filesystem::remove(o->output);
    }
    std::vector<std::vector<io::TaskRow>> shard_rows;
    for (const auto& [index, path] : by_index) shard_rows.push_back(io::read_results_rows(path));
    std::vector<io::TaskRow> merged = shard_rows[0];
    std::size_t pending = 0;
    for (io::TaskRow& row : merged) {
      const auto owner = static_cast<std::size_t>(row.task_id % first.shard_count);
      row = shard_rows[owner][static_cast<std::size_t>(row.task_id)];
      if (row.outcome.status == stability::Status::kPending) ++pending;
    }
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
        io::FrameBuffer f = io::read_task_frames(by_index[r.task_id % first.shard_count], r.task_id);
        if (f.size() > 0) frames[r.task_id] = std::move(f);
        writer.record({r}, frames);
      }
    }
    std::filesystem::rename(tmp, o->output);
    std::cout << fmt::format("merged {} shards: {} tasks, {} finished, {} pending -> {}\n", first.shard_count,
                             merged.size(), done.size(), pending, o->output);
    if (pending) std::cerr << "gpiqa: warning: " << pending << " tasks are still pending in the shards\n";
  });
}

}  // namespace gpiqa::cli
