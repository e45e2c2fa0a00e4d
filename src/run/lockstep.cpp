#include "gpiqa/run/lockstep.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace gpiqa::run {

void run_lockstep(std::span<LockstepMember* const> members, const KeepRunning& keep_running,
                  const MemberEnded& ended) {
  using Clock = std::chrono::steady_clock;
  const std::size_t count = members.size();
  std::vector<double> wall(count, 0.0);
  std::vector<bool> stopped_early(count, false);  // ended by its own after_step
  double save_every = std::numeric_limits<double>::infinity();
  for (LockstepMember* m : members) save_every = std::min(save_every, m->checkpoint_every_s());
  const auto end_member = [&](std::size_t i, bool stopped) {
    members[i]->end(wall[i], stopped);
    if (ended) ended(i);
  };
  std::vector<std::size_t> running, still, done, probing;
  for (std::size_t i = 0; i < count; ++i) {
    if (members[i]->step_due())
      running.push_back(i);
    else
      end_member(i, false);  // nothing to do: a finished checkpoint, or a duration already reached
  }
  std::vector<model::BatchEntry> forces, probes;
  auto last_save = Clock::now();
  bool stopped = false;
  while (!running.empty()) {
    const auto t0 = Clock::now();
    forces.clear();
    for (std::size_t i : running) {
      members[i]->begin_step();
      forces.push_back(members[i]->force_entry());
    }
    model::compute_batch(forces);
    still.clear(), done.clear(), probing.clear(), probes.clear();
    for (std::size_t k = 0; k < running.size(); ++k) {
      LockstepMember& m = *members[running[k]];
      if (!m.end_step(forces[k])) {
        done.push_back(running[k]);
        continue;
      }
      still.push_back(running[k]);
      if (m.probe_due()) probes.push_back(m.variance_entry()), probing.push_back(running[k]);
    }
    model::posterior_variance_batch(probes);
    std::size_t p = 0;
    for (std::size_t i : std::vector<std::size_t>(still)) {
      LockstepMember& m = *members[i];
      const model::BatchEntry* probe = p < probing.size() && probing[p] == i ? &probes[p++] : nullptr;
      if (m.observe(probe)) {
        done.push_back(i);
        continue;
      }
      if (!m.after_step()) {
        stopped_early[i] = true;
        done.push_back(i);
        continue;
      }
      if (!m.step_due()) done.push_back(i);
    }
    const double share =
        std::chrono::duration<double>(Clock::now() - t0).count() / static_cast<double>(running.size());
    for (std::size_t i : running) wall[i] += share;
    std::erase_if(still, [&](std::size_t i) { return std::find(done.begin(), done.end(), i) != done.end(); });
    std::sort(done.begin(), done.end());
    for (std::size_t i : done) end_member(i, stopped_early[i]);
    running.swap(still);
    if (running.empty()) break;
    const LockstepMember& lead = *members[running.front()];
    if (lead.step() % kPollSteps != 0) continue;
    if (keep_running && !keep_running(running.front())) {
      stopped = true;
      break;
    }
    const auto now = Clock::now();
    if (std::chrono::duration<double>(now - last_save).count() > save_every) {
      for (std::size_t i : running) members[i]->save();
      last_save = now;
    }
  }
  if (stopped)
    for (std::size_t i : running) end_member(i, true);
}

}  // namespace gpiqa::run
