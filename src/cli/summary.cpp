// gpiqa summary FILE: outcome counts per molecule x model x temperature from a results file (also a partial
// one of a running or interrupted campaign), without Python.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpiqa/io/results_file.hpp"
#include "gpiqa/io/writer_lock.hpp"

namespace gpiqa::cli {
namespace {

// Where the campaign stands: complete, running (who writes it), or interrupted; what of the counts is final.
std::string state_line(const std::string& path, std::size_t recorded, std::size_t tasks) {
  const double percent = tasks ? 100.0 * static_cast<double>(recorded) / static_cast<double>(tasks) : 100;
  const std::string progress = fmt::format("{} of {} tasks recorded ({:.1f}%)", recorded, tasks, percent);
  const io::WriterState writer = io::writer_state(path);
  using Kind = io::WriterState::Kind;
  if (recorded == tasks && writer.kind != Kind::kLive) return "complete: every task recorded";
  switch (writer.kind) {
    case Kind::kLive:
      return fmt::format("running: {}, written by {}; the counts are provisional", progress,
                         io::describe(writer.holder));
    case Kind::kUnknown:
      return fmt::format(
          "{}; locked by a gpiqa on another host ({}), which cannot be checked from here: the "
          "counts are provisional",
          progress, io::describe(writer.holder));
    default:
      return fmt::format(
          "interrupted: {}; no gpiqa writes it now: run the campaign's command again to resume "
          "(the counts are provisional)",
          progress);
  }
}

}  // namespace

void print_summary(const std::string& path) {
  {
    const io::ResultsHeader h = io::read_results_header(path);
    const std::vector<io::TaskRow> rows = io::read_results_rows(path);
    // One column per status: failures first as they are listed in stability::kAllStatuses, pending last.
    std::vector<stability::Status> columns;
    for (stability::Status st : stability::kAllStatuses)
      if (st != stability::Status::kPending) columns.push_back(st);
    columns.push_back(stability::Status::kPending);
    struct Cell {
      int runs = 0;
      std::map<stability::Status, int> count;
      std::vector<double> ttf;
    };
    std::vector<std::tuple<std::string, std::string, double>> order;
    std::map<std::tuple<std::string, std::string, double>, Cell> cells;
    for (const io::TaskRow& r : rows) {
      if (h.shard_count > 1 && r.task_id % h.shard_count != h.shard_index) continue;  // another shard's task
      const auto key = std::make_tuple(r.molecule, r.model, r.temperature_K);
      if (!cells.count(key)) order.push_back(key);
      Cell& c = cells[key];
      ++c.runs;
      ++c.count[r.outcome.status];
      if (std::isfinite(r.outcome.time_to_failure_ps)) c.ttf.push_back(r.outcome.time_to_failure_ps);
    }
    std::size_t mine = 0, recorded = 0;
    for (const auto& [key, cell] : cells) {
      mine += static_cast<std::size_t>(cell.runs);
      const auto pending = cell.count.find(stability::Status::kPending);
      recorded += static_cast<std::size_t>(cell.runs - (pending == cell.count.end() ? 0 : pending->second));
    }
    std::cout << fmt::format(
        "{} ({} tasks, {} ps each{})\n", h.campaign_name, rows.size(), h.duration_ps,
        h.shard_count > 1 ? fmt::format(", shard {}/{}", h.shard_index, h.shard_count) : "");
    std::cout << state_line(path, recorded, mine) << "\n";
    auto counts_line = [&](const std::string& molecule, const std::string& model, const std::string& T,
                           int runs, const std::map<stability::Status, int>& count,
                           const std::string& median) {
      std::string line = fmt::format("{:<14} {:<14} {:>8} {:>5}", molecule, model, T, runs);
      for (stability::Status st : columns) {
        const auto it = count.find(st);
        line += fmt::format(" {:>{}}", it == count.end() ? 0 : it->second,
                            std::max<std::size_t>(7, std::string(stability::to_string(st)).size()));
      }
      return line + fmt::format(" {:>15}\n", median);
    };
    std::string header = fmt::format("{:<14} {:<14} {:>8} {:>5}", "molecule", "model", "T (K)", "runs");
    for (stability::Status st : columns)
      header += fmt::format(" {:>{}}", stability::to_string(st),
                            std::max<std::size_t>(7, std::string(stability::to_string(st)).size()));
    std::cout << header << fmt::format(" {:>15}\n", "median ttf ps");
    int total_runs = 0;
    std::map<stability::Status, int> total;
    for (const auto& key : order) {
      Cell& c = cells[key];
      std::string median = "-";
      if (!c.ttf.empty()) {
        std::sort(c.ttf.begin(), c.ttf.end());
        const std::size_t n = c.ttf.size();
        median = fmt::format("{:.3f}", n % 2 ? c.ttf[n / 2] : 0.5 * (c.ttf[n / 2 - 1] + c.ttf[n / 2]));
      }
      std::cout << counts_line(std::get<0>(key), std::get<1>(key), fmt::format("{}", std::get<2>(key)),
                               c.runs, c.count, median);
      total_runs += c.runs;
      for (const auto& [st, n] : c.count) total[st] += n;
    }
    std::cout << counts_line("total", "", "", total_runs, total, "");
    std::cout
        << "(median ttf: over the runs that failed; stable runs are censored, see analysis/gpiqa-report)\n";
  }
}

void add_summary(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* sub =
      app.add_subcommand("summary", "Outcome counts per molecule x model x temperature of a results file");
  sub->add_option("file", *path, "Results file (HDF5)")->required();
  sub->callback([path] { print_summary(*path); });
}

}  // namespace gpiqa::cli
