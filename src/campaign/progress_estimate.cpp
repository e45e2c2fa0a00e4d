#include "gpiqa/campaign/progress_estimate.hpp"

#include <algorithm>

namespace gpiqa::campaign {

namespace {
constexpr std::size_t kMinPiecesInWindow = 10;
}

void ProgressEstimate::add_pending(const Group& group, double budget_cost) {
  pending_cost_ += budget_cost;
  pending_by_group_[group] += budget_cost;
}

void ProgressEstimate::task_ended(const Group& group, double budget_cost, double run_fraction,
                                  double used_fraction, bool interrupted, double now_s) {
  const double work = budget_cost * std::clamp(run_fraction, 0.0, 1.0);
  if (work > 0) done_.emplace_back(now_s, work);
  if (interrupted) return;  // still to run: its budget stays pending
  pending_cost_ = std::max(0.0, pending_cost_ - budget_cost);
  double& group_pending = pending_by_group_[group];
  group_pending = std::max(0.0, group_pending - budget_cost);
  const double used = budget_cost * std::clamp(used_fraction, 0.0, 1.0);
  used_by_group_[group].budget += budget_cost, used_by_group_[group].used += used;
  used_all_.budget += budget_cost, used_all_.used += used;
}

double ProgressEstimate::rate(double now_s) const {
  // The pieces inside the window, or the last kMinPiecesInWindow when fewer fall inside it; they were done
  // since the piece before them ended (or since the start, time 0).
  double work = 0;
  std::size_t pieces = 0;
  auto it = done_.rbegin();
  for (; it != done_.rend(); ++it, ++pieces) {
    if (now_s - it->first >= window_s_ && pieces >= kMinPiecesInWindow) break;
    work += it->second;
  }
  const double since = it == done_.rend() ? 0.0 : it->first;
  const double span = now_s - since;
  return span > 0 ? work / span : 0;
}

double ProgressEstimate::remaining_expected() const {
  double left = 0;
  for (const auto& [group, cost] : pending_by_group_) {
    const auto own = used_by_group_.find(group);
    left += cost *
            (own != used_by_group_.end() && own->second.budget > 0 ? own->second.share() : used_all_.share());
  }
  return left;
}

std::pair<double, double> ProgressEstimate::eta_s(double now_s) const {
  const double r = rate(now_s);
  if (!(r > 0)) return {-1, -1};
  return {remaining_expected() / r, remaining_bound() / r};
}

}  // namespace gpiqa::campaign
