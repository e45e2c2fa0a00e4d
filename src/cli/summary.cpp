// gpiqa summary FILE: outcome counts per molecule x model x temperature from a results file (also a partial
// one of a running or interrupted campaign), without Python.
#include <algorithm>
#include <iostream>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpiqa/io/results_file.hpp"

namespace gpiqa::cli {

void add_summary(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* sub =
      app.add_subcommand("summary", "Outcome counts per molecule x model x temperature of a results file");
  sub->add_option("file", *path, "Results file (HDF5)")->required();
  sub->callback([path] {
    const io::ResultsHeader h = io::read_results_header(*path);
    const std::vector<io::TaskRow> rows = io::read_results_rows(*path);
    struct Cell {
      int runs = 0, stable = 0, collapsed = 0, exploded = 0, failed = 0, pending = 0;
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
      if (r.status == "stable")
        ++c.stable;
      else if (r.status == "collapsed")
        ++c.collapsed, c.ttf.push_back(r.time_to_failure_ps);
      else if (r.status == "exploded")
        ++c.exploded, c.ttf.push_back(r.time_to_failure_ps);
      else if (r.status == "failed")
        ++c.failed, c.ttf.push_back(r.time_to_failure_ps);
      else
        ++c.pending;
    }
    std::cout << fmt::format(
        "{} ({} tasks, {} ps each{})\n", h.campaign_name, rows.size(), h.duration_ps,
        h.shard_count > 1 ? fmt::format(", shard {}/{}", h.shard_index, h.shard_count) : "");
    std::cout << fmt::format("{:<14} {:<14} {:>8} {:>5} {:>7} {:>9} {:>8} {:>6} {:>7} {:>15}\n", "molecule",
                             "model", "T (K)", "runs", "stable", "collapsed", "exploded", "failed", "pending",
                             "median ttf ps");
    int total[6] = {};
    for (const auto& key : order) {
      Cell& c = cells[key];
      std::string median = "-";
      if (!c.ttf.empty()) {
        std::sort(c.ttf.begin(), c.ttf.end());
        const std::size_t n = c.ttf.size();
        median = fmt::format("{:.3f}", n % 2 ? c.ttf[n / 2] : 0.5 * (c.ttf[n / 2 - 1] + c.ttf[n / 2]));
      }
      std::cout << fmt::format("{:<14} {:<14} {:>8} {:>5} {:>7} {:>9} {:>8} {:>6} {:>7} {:>15}\n",
                               std::get<0>(key), std::get<1>(key), std::get<2>(key), c.runs, c.stable,
                               c.collapsed, c.exploded, c.failed, c.pending, median);
      total[0] += c.runs, total[1] += c.stable, total[2] += c.collapsed, total[3] += c.exploded,
          total[4] += c.failed, total[5] += c.pending;
    }
    std::cout << fmt::format("{:<14} {:<14} {:>8} {:>5} {:>7} {:>9} {:>8} {:>6} {:>7}\n", "total", "", "",
                             total[0], total[1], total[2], total[3], total[4], total[5]);
    std::cout
        << "(median ttf: over the runs that failed; stable runs are censored, see analysis/gpiqa-report)\n";
  });
}

}  // namespace gpiqa::cli
