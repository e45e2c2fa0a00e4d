// gpiqa slurm CAMPAIGN --array N --time HH:MM:SS [--ranks-per-task R] [--partition P] [--account A]
//                      [--sbatch-option OPT]... [--mpi pmix]
//                      [--output FILE] [--force]
// Prints a submit script: `bash submit.sh` submits an array job of N shards (each `gpiqa run --shard I/N`
// into its own file NAME.shard-I-of-N.h5 beside the output, R MPI ranks through srun) and a merge job that
// runs after all of them succeeded and writes the campaign's output file. Submitting the same script again
// after a wall-time kill resumes every shard from its checkpoints.
// The merge job runs `gpiqa merge --update`: an output that is already this campaign's results file (an
// earlier merge, a single run's) keeps its recorded tasks and gains the shards', so a resubmission's merge
// does not fail after the whole array has run. An existing output that is anything else would make it fail:
// refused here, naming the file, unless --force (the merge job then replaces it: `merge --force`).
#include <filesystem>
#include <iostream>
#include <regex>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpiqa/campaign/campaign_spec.hpp"
#include "gpiqa/campaign/scheduler.hpp"
#include "gpiqa/campaign/task.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::cli {
namespace {

std::string quote(const std::string& s) {  // single-quote for the shell
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string self_path() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("gpiqa") : p.string();
}

// What the merge job will find at `output`: nothing, this campaign's results file (a warning: its tasks are
// kept), or something else (refused without --force). Returns the merge's mode flag.
std::string check_output(const campaign::CampaignSpec& spec, const std::string& output, bool force) {
  std::error_code ec;
  if (!std::filesystem::exists(output, ec)) return force ? " --force" : " --update";
  std::string what;
  try {
    const io::ResultsHeader h = io::read_results_header(output);
    if (h.campaign_fingerprint == campaign::campaign_fingerprint(spec) && h.shard_count == 1) {
      std::size_t recorded = 0;
      const std::vector<io::TaskRow> rows = io::read_results_rows(output);
      for (const io::TaskRow& r : rows) recorded += r.outcome.status != stability::Status::kPending;
      if (!force)
        std::cerr << fmt::format(
            "gpiqa: warning: {}: already holds {} of {} tasks of this campaign; the array runs every task "
            "again (shards do not read it) and the merge job keeps its recorded tasks and adds the shards' "
            "(gpiqa merge --update)\n",
            output, recorded, rows.size());
      return force ? " --force" : " --update";
    }
    what = h.shard_count != 1 ? fmt::format("a shard file of campaign '{}'", h.campaign_name)
                              : fmt::format(
                                    "the results file of another campaign ('{}') or of an earlier "
                                    "version of this one",
                                    h.campaign_name);
  } catch (const InputError& e) {
    what = "not a gpiqa results file (" + e.problem() + ")";
  }
  if (!force)
    throw InputError(output, "exists and is " + what +
                                 ": the merge job would fail after the whole array has run; choose --output, "
                                 "move the file away, or give --force to let the merge job replace it");
  std::cerr << "gpiqa: warning: " << output << ": exists and is " << what
            << "; the merge job will replace it (--force)\n";
  return " --force";
}

}  // namespace

void add_slurm(CLI::App& app) {
  struct Options {
    std::string campaign, time, partition, account, mpi = "pmix", output;
    int array = 0, ranks = 1;
    bool force = false;
    std::vector<std::string> extra;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("slurm", "Print a SLURM submit script (array of shards + merge job)");
  sub->add_option("campaign", o->campaign, "Campaign YAML file")->required();
  sub->add_option("--array", o->array, "Number of array tasks (shards)")->required();
  sub->add_option("--time", o->time, "Wall-time limit per array task, HH:MM:SS")->required();
  sub->add_option("--ranks-per-task", o->ranks, "MPI ranks per array task")->capture_default_str();
  sub->add_option("--partition", o->partition, "SLURM partition");
  sub->add_option("--account", o->account, "SLURM account");
  sub->add_option("--sbatch-option", o->extra,
                  "Further sbatch option, e.g. --sbatch-option=--qos=long (repeatable)");
  sub->add_option("--mpi", o->mpi, "srun --mpi plugin")->capture_default_str();
  sub->add_option("--output", o->output, "Merged results file (default: the campaign's output.file)");
  sub->add_flag("--force", o->force,
                "Let the merge job replace an existing output that is not this campaign's results file");
  sub->callback([o] {
    const campaign::CampaignSpec spec = campaign::load_campaign(o->campaign);
    if (o->array < 1) throw InputError("--array", "must be at least 1");
    if (o->ranks < 1) throw InputError("--ranks-per-task", "must be at least 1");
    if (!std::regex_match(o->time, std::regex(R"((\d+-)?\d{1,3}:\d{2}:\d{2})")))
      throw InputError("--time", "expected HH:MM:SS (or D-HH:MM:SS), got '" + o->time + "'");
    const std::string campaign = std::filesystem::absolute(o->campaign).string();
    const std::string output =
        o->output.empty() ? spec.output_file : std::filesystem::absolute(o->output).string();
    const std::string merge_mode = check_output(spec, output, o->force);
    const std::string gpiqa = self_path();
    const std::string log_dir = std::filesystem::path(output).parent_path().string();
    std::string common;
    if (!o->partition.empty()) common += " --partition=" + quote(o->partition);
    if (!o->account.empty()) common += " --account=" + quote(o->account);
    for (const std::string& e : o->extra) common += " " + quote(e);
    // Array task I writes the I-th of these files (named explicitly: `run --output` is the shard's own file);
    // the merge job reads them all.
    std::string shards;
    for (int i = 0; i < o->array; ++i) shards += " " + quote(campaign::shard_path(output, i, o->array));
    std::cout << fmt::format(
        R"(#!/usr/bin/env bash
# SLURM submit script for campaign '{name}', generated by `gpiqa slurm`.
#   bash submit.sh    submits {n} array tasks ({r} MPI rank(s) each, {time} each) and a merge job after them.
# If array tasks hit their time limit (the merge job is then cancelled), run `bash submit.sh` again: every shard
# resumes from its checkpoints, and the merge runs once all shards have finished.
set -euo pipefail
mkdir -p {logs}
array_job=$(sbatch --parsable --job-name={job} --array=0-{last} --ntasks={r} --time={time}{common} \
  --output={logs}/{stem}.shard-%a.log --signal=TERM@60 <<'GPIQA_SHARD'
#!/usr/bin/env bash
set -euo pipefail
shards=({shards})
srun --mpi={mpi} {gpiqa} run {campaign} --output "${{shards[$SLURM_ARRAY_TASK_ID]}}" --shard "${{SLURM_ARRAY_TASK_ID}}/{n}"
GPIQA_SHARD
)
array_job=${{array_job%%;*}}
merge_job=$(sbatch --parsable --job-name={job}-merge --dependency=afterok:${{array_job}} --kill-on-invalid-dep=yes --ntasks=1 --time=01:00:00{common} \
  --output={logs}/{stem}.merge.log <<'GPIQA_MERGE'
#!/usr/bin/env bash
set -euo pipefail
{gpiqa} merge{mode}{shards} -o {output}
{gpiqa} summary {output}
GPIQA_MERGE
)
echo "submitted array job ${{array_job}} ({n} shards) and merge job ${{merge_job%%;*}} -> {output}"
)",
        fmt::arg("name", spec.name), fmt::arg("n", o->array), fmt::arg("last", o->array - 1),
        fmt::arg("r", o->ranks), fmt::arg("time", o->time), fmt::arg("common", common),
        fmt::arg("logs", quote(log_dir)), fmt::arg("stem", std::filesystem::path(output).stem().string()),
        fmt::arg("job", quote("gpiqa-" + spec.name)), fmt::arg("mpi", o->mpi),
        fmt::arg("gpiqa", quote(gpiqa)), fmt::arg("campaign", quote(campaign)),
        fmt::arg("output", quote(output)), fmt::arg("shards", shards), fmt::arg("mode", merge_mode));
  });
}

}  // namespace gpiqa::cli
