#include "gpiqa/run/lockstep.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace gpiqa::run {

std::vector<JobResult> run_lockstep(std::span<TrajectoryJob* const> jobs,
                                    std::span<io::FrameSink* const> frames, const KeepGoing& keep_going,
                                    const MemberEnded& ended) {
  using Clock = std::chrono::steady_clock;
  const std::size_t count = jobs.size();
  std::vector<JobResult> results(count);
  std::vector<double> wall(count, 0.0);
  double save_every = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < count; ++i) {
    jobs[i]->begin(frames[i]);
    if (!jobs[i]->settings().checkpoint.empty())
      save_every = std::min(save_every, jobs[i]->settings().checkpoint_every_s);
  }
  const auto end_member = [&](std::size_t i, bool stopped) {
    jobs[i]->trajectory().conclude(wall[i]);
    results[i] = jobs[i]->finish(stopped);
    if (ended) ended(i, results[i]);
  };
  std::vector<std::size_t> running, still, done, probing;
  for (std::size_t i = 0; i < count; ++i) {
    if (jobs[i]->trajectory().step_due())
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
      Trajectory& t = jobs[i]->trajectory();
      t.begin_step();
      forces.push_back(t.force_entry());
    }
    model::compute_batch(forces);
    still.clear(), done.clear(), probing.clear(), probes.clear();
    for (std::size_t k = 0; k < running.size(); ++k) {
      Trajectory& t = jobs[running[k]]->trajectory();
      if (!t.end_step(forces[k])) {
        done.push_back(running[k]);
        continue;
      }
      still.push_back(running[k]);
      if (t.probe_due()) probes.push_back(t.variance_entry()), probing.push_back(running[k]);
    }
    model::posterior_variance_batch(probes);
    std::size_t p = 0;
    for (std::size_t i : std::vector<std::size_t>(still)) {
      Trajectory& t = jobs[i]->trajectory();
      const model::BatchEntry* probe = p < probing.size() && probing[p] == i ? &probes[p++] : nullptr;
      if (t.observe(probe)) {
        done.push_back(i);
        continue;
      }
      jobs[i]->after_step();
      if (!t.step_due()) done.push_back(i);
    }
    const double share =
        std::chrono::duration<double>(Clock::now() - t0).count() / static_cast<double>(running.size());
    for (std::size_t i : running) wall[i] += share;
    std::erase_if(still, [&](std::size_t i) { return std::find(done.begin(), done.end(), i) != done.end(); });
    std::sort(done.begin(), done.end());
    for (std::size_t i : done) end_member(i, false);
    running.swap(still);
    if (running.empty()) break;
    const Trajectory& lead = jobs[running.front()]->trajectory();
    if (lead.state().step % kPollSteps != 0) continue;
    if (keep_going && !keep_going(lead)) {
      stopped = true;
      break;
    }
    const auto now = Clock::now();
    if (std::chrono::duration<double>(now - last_save).count() > save_every) {
      for (std::size_t i : running) jobs[i]->save();
      last_save = now;
    }
  }
  if (stopped)
    for (std::size_t i : running) end_member(i, true);
  return results;
}

}  // namespace gpiqa::run
