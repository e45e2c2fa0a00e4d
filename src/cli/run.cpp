// gpiqa run CAMPAIGN [--output FILE] [--shard I/N] [--bundle auto|N] [--break-lock]
// Runs (or resumes) a campaign under MPI: `mpirun -np N gpiqa run campaign.yaml`. With --shard (default from
// SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT) it runs a deterministic share of the tasks into its own shard
// file: --output FILE when given, else NAME.shard-I-of-N.h5 beside the campaign's output.file.
// Exit codes: 0 every task of this shard recorded, 2 bad input, 3 interrupted (run again to resume), 4
// another run holds the results file's writer lock.
#include <mpi.h>

#include <cstdlib>
#include <iostream>
#include <limits>
#include <thread>

#include "commands.hpp"
#include "gpiqa/campaign/campaign_spec.hpp"
#include "gpiqa/campaign/retrained_sets.hpp"
#include "gpiqa/campaign/scheduler.hpp"
#include "gpiqa/io/writer_lock.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::cli {
namespace {

// "I/N" -> (I, N); throws InputError for anything else or I out of range.
std::pair<int, int> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  long long i = -1, n = 0;
  if (slash == std::string::npos || !util::parse_integer(text.substr(0, slash), i) ||
      !util::parse_integer(text.substr(slash + 1), n) || n < 1 || n > std::numeric_limits<int>::max())
    throw InputError("--shard", "expected I/N with N in 1.." +
                                    std::to_string(std::numeric_limits<int>::max()) + ", got '" + text + "'");
  if (i < 0 || i >= n)
    throw InputError("--shard",
                     "shard index " + std::to_string(i) + " is out of range 0.." + std::to_string(n - 1));
  return {static_cast<int>(i), static_cast<int>(n)};
}

std::string shard_from_slurm() {
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count) return "";
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  long long i = 0, lo = 0;
  util::parse_integer(id, i);
  if (min) util::parse_integer(min, lo);
  return std::to_string(i - lo) + "/" + count;
}

}  // namespace

void add_run(CLI::App& app) {
  struct Options {
    std::string campaign, output, shard, bundle;
    bool break_lock = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub =
      app.add_subcommand("run", "Run or resume a campaign (use under mpirun or as a SLURM array job)");
  sub->add_option("campaign", o->campaign, "Campaign YAML file")->required();
  sub->add_option("--output", o->output,
                  "Results file (overrides output.file of the campaign); with --shard, this shard's file");
  sub->add_option("--shard", o->shard,
                  "Run share I of N into its own shard file: --output, or else NAME.shard-I-of-N.h5 beside "
                  "output.file (default: from SLURM array variables)");
  sub->add_flag("--break-lock", o->break_lock,
                "Take over the results file's lock held by a run on another host (when that run is gone)");
  sub->add_option(
      "--bundle", o->bundle,
      "Tasks of one model set advanced in lockstep per rank: auto, N, or 1 (off); overrides md.bundle. "
      "Results do not depend on it");
  sub->callback([o] {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) MPI_Init(nullptr, nullptr);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int code = 0;
    std::string error;
    campaign::RunReport report;
    std::string output;
    try {
      // every rank parses the campaign; only rank 0 reports problems
      campaign::CampaignSpec spec = campaign::load_campaign(o->campaign);
      // Sets of retrain: true variants not built yet are built now, their first use: every rank asks, one
      // builds (progress on stderr), the others wait on the cache's lock and find it built.
      campaign::build_retrained_sets(spec, &std::cerr,
                                     static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
      campaign::RunOptions opt;
      opt.output = o->output.empty() ? spec.output_file : o->output;
      const std::string shard = o->shard.empty() ? shard_from_slurm() : o->shard;
      if (!shard.empty()) {
        std::tie(opt.shard_index, opt.shard_count) = parse_shard(shard);
        // An explicit --output is this shard's file as named (the caller keeps shards apart, as `gpiqa slurm`
        // does); only the campaign's own output.file, shared by every shard, gets a per-shard name.
        if (o->output.empty())
          opt.output = campaign::shard_path(spec.output_file, opt.shard_index, opt.shard_count);
      }
      opt.break_lock = o->break_lock;
      if (!o->bundle.empty()) opt.bundle = campaign::parse_bundle(o->bundle, "--bundle");
      output = opt.output;
      code = campaign::run_campaign(spec, opt, MPI_COMM_WORLD, &report);
      if (rank == 0 && report.nothing_to_do) print_summary(output);
    } catch (const io::LockedError& e) {
      error = e.what();
      code = 4;
    } catch (const std::exception& e) {
      error = util::printable(e.what());
      code = 2;
    }
    if (rank == 0 && !error.empty()) std::cerr << "gpiqa: error: " << error << "\n";
    MPI_Finalize();
    std::exit(code);
  });
}

}  // namespace gpiqa::cli
