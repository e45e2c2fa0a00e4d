#pragma once
// How far a campaign run is and how long it has left, truthful over the days a long campaign runs.
//   - Work is counted in the tasks' expected costs (campaign/task.hpp: the molecule's cost per step x the
//     duration), not in tasks: a water task and a glycine task are not one unit each.
//   - The rate is the work done over the last window of wall time (default one hour; stretched back to the
//     last 10 finished pieces of work when fewer fall inside it), so the ETA follows a machine whose load
//     changes, instead of averaging over everything since the start.
//   - Failed runs end early. The expected remaining work scales each task still to run by the share of its
//     budget that the finished tasks of the same molecule and model used (outcome steps / budget steps); of
//     all finished tasks while none of its own group has finished; of 1 while nothing has finished. The
//     bound takes every task still to run to the end of its duration: an upper bound on the work left.
// ETA = remaining work / rate, for both. Unknown (negative) until some work has finished. Times are wall
// seconds since the run started.
#include <cstddef>
#include <deque>
#include <map>
#include <utility>

namespace gpiqa::campaign {

class ProgressEstimate {
 public:
  using Group = std::pair<std::size_t, std::size_t>;  // (molecule, model)

  explicit ProgressEstimate(double window_s = 3600.0) : window_s_(window_s) {}

  /// A task still to run, with its cost if it runs to the end.
  void add_pending(const Group& group, double budget_cost);
  /// At `now_s` (seconds since the run started): a task ended (finished, or `interrupted` and still to run).
  /// `run_fraction`: the share of its budget simulated in this run (work done now); `used_fraction`: the
  /// share of its budget its whole trajectory used (1 when it reached the end; for a finished task only).
  void task_ended(const Group& group, double budget_cost, double run_fraction, double used_fraction,
                  bool interrupted, double now_s);

  /// Work per second over the window ending at `now_s`; 0 while nothing has been done.
  double rate(double now_s) const;
  /// Remaining work if every task still to run runs to its end.
  double remaining_bound() const { return pending_cost_; }
  /// Remaining work expected from the shares finished tasks used.
  double remaining_expected() const;
  /// Seconds left at the expected work and at the bound; negative while unknown.
  std::pair<double, double> eta_s(double now_s) const;

 private:
  struct Used {
    double budget = 0, used = 0;  // sums over finished tasks, in cost
    double share() const { return budget > 0 ? used / budget : 1.0; }
  };
  double window_s_;
  double pending_cost_ = 0;
  std::map<Group, double> pending_by_group_;
  std::map<Group, Used> used_by_group_;
  Used used_all_;
  std::deque<std::pair<double, double>> done_;  // (wall time, work) of each piece of work done
};

}  // namespace gpiqa::campaign
