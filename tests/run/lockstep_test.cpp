// Trajectories in lockstep: every member of a bundle (mixed prior means, temperatures, seeds, thermostats)
// ends exactly as the same job run alone, outcome, final state and frames, bit for bit; members that fail at
// different steps leave the bundle without disturbing the others; a bundle stopped on request and resumed
// from its members' checkpoints ends like an uninterrupted one. If these failed, a campaign's results would
// depend on which tasks shared a bundle. The loop itself, with members that only count: stop requests are
// asked at the lead's multiples of kPollSteps, a member ends alone when its own after_step says so, each
// member ends once, and the rounds' wall time is shared out among the members they advanced.
#include "gpiqa/run/lockstep.hpp"
#include "gpiqa/run/job.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/util/units.hpp"
#include "support/analytic_potentials.hpp"
#include "support/test_data.hpp"

namespace gpiqa::run {
namespace {

struct Member {
  std::size_t variant;
  const char* thermostat;
  double temperature_K;
  std::uint64_t seed;
  double bond_stretch_angstrom = 0.5;  // tighter: fails earlier
};

// The committed default ammonia set (rbf-cyclic and rbf atoms) and three of its mean variants.
struct Fixture {
  model::MoleculeModel set;
  std::vector<model::MoleculeModel> variants;
  Positions start;

  Fixture() {
    const std::string root = GPIQA_SOURCE_DIR;
    set = model::MoleculeModel::load(root + "/models/ammonia");
    for (const char* mean : {"file", "min", "quadratic+"})
      variants.push_back(set.with_mean(model::MeanSpec::parse(mean)));
    start =
        io::read_xyz(root + "/molecules/ammonia.xyz").front().positions_angstrom * units::kBohrPerAngstrom;
  }
};

TrajectorySpec spec_of(const Member& m, double duration_ps) {
  TrajectorySpec s;
  s.integrator.type = m.thermostat;
  s.integrator.temperature_K = m.temperature_K;
  s.duration_ps = duration_ps;
  s.seed = m.seed;
  s.task_key = 17 * m.seed;
  s.displace_angstrom = 0.05;
  s.monitors.bond_stretch_angstrom = m.bond_stretch_angstrom;
  s.monitors.extrapolation_every_fs = 5;  // probes often, so that they are batched too
  return s;
}

struct Bundle {
  std::vector<std::unique_ptr<TrajectoryJob>> jobs;
  std::vector<io::FrameBuffer> frames;
  std::vector<JobResult> results;
};

// The members as one bundle (or each alone when `alone`), checkpointing into `dir` when given.
Bundle run_members(Fixture& f, const std::vector<Member>& members, bool alone, double duration_ps,
                   const std::string& dir = "", const KeepGoing& keep_going = {}) {
  Bundle run;
  run.frames.resize(members.size());
  std::vector<TrajectoryJob*> jobs;
  std::vector<io::FrameSink*> sinks;
  for (std::size_t i = 0; i < members.size(); ++i) {
    JobSettings settings;
    settings.frames_every = 13;
    if (!dir.empty()) settings.checkpoint = dir + "/m" + std::to_string(i) + ".h5";
    const TrajectorySpec spec = spec_of(members[i], duration_ps);
    run.jobs.push_back(std::make_unique<TrajectoryJob>(f.variants[members[i].variant], spec, settings));
    run.frames[i].elements = f.set.elements();
    if (!dir.empty() && std::filesystem::exists(settings.checkpoint))
      run.jobs.back()->resume(io::load_checkpoint(settings.checkpoint, nullptr, &run.frames[i]));
    else
      run.jobs.back()->start(f.start);
    jobs.push_back(run.jobs.back().get());
    sinks.push_back(&run.frames[i]);
  }
  if (alone) {
    for (std::size_t i = 0; i < jobs.size(); ++i) run.results.push_back(jobs[i]->run(sinks[i], keep_going));
  } else {
    std::vector<std::size_t> order;
    run.results =
        run_jobs(jobs, sinks, keep_going, [&](std::size_t i, const JobResult&) { order.push_back(i); });
    EXPECT_EQ(order.size(), members.size()) << "every member is reported once";
  }
  return run;
}

void expect_same(const Bundle& a, const Bundle& b) {
  ASSERT_EQ(a.results.size(), b.results.size());
  for (std::size_t i = 0; i < a.results.size(); ++i) {
    SCOPED_TRACE("member " + std::to_string(i));
    const stability::Outcome &x = a.results[i].outcome, &y = b.results[i].outcome;
    EXPECT_EQ(x.status, y.status);
    EXPECT_EQ(x.reason, y.reason);
    EXPECT_EQ(x.steps, y.steps);
    EXPECT_EQ(x.failure_step, y.failure_step);
    EXPECT_EQ(x.mean_temperature_K, y.mean_temperature_K);
    EXPECT_EQ(x.std_temperature_K, y.std_temperature_K);
    EXPECT_EQ(x.conserved_drift, y.conserved_drift);
    EXPECT_EQ(x.max_force, y.max_force);
    EXPECT_EQ(x.max_posterior_variance, y.max_posterior_variance);
    EXPECT_EQ(x.extrapolation_fraction, y.extrapolation_fraction);
    const md::MdState &s = a.jobs[i]->trajectory().state(), &t = b.jobs[i]->trajectory().state();
    EXPECT_EQ(s.positions, t.positions);
    EXPECT_EQ(s.velocities, t.velocities);
    EXPECT_EQ(s.thermostat, t.thermostat);
    EXPECT_EQ(a.frames[i].step, b.frames[i].step);
    EXPECT_EQ(a.frames[i].positions_angstrom, b.frames[i].positions_angstrom);
    EXPECT_EQ(a.frames[i].potential_hartree, b.frames[i].potential_hartree);
  }
}

const std::vector<Member> kMixed = {
    {0, "nhc", 300, 1}, {1, "langevin", 700, 2}, {2, "csvr", 500, 3},
    {0, "nve", 400, 4}, {1, "nhc", 1000, 5},     {2, "langevin", 300, 6},
};

TEST(Lockstep, EveryMemberEndsAsItsJobAlone) {
  Fixture f;
  const Bundle bundled = run_members(f, kMixed, false, 0.4), alone = run_members(f, kMixed, true, 0.4);
  for (const JobResult& r : alone.results) EXPECT_EQ(r.outcome.status, stability::Status::kStable);
  expect_same(bundled, alone);
}

TEST(Lockstep, MembersFailingAtDifferentStepsLeaveTheOthersUnchanged) {
  Fixture f;
  std::vector<Member> members = kMixed;
  members[1].bond_stretch_angstrom = 0.12;  // these two explode early, at different steps
  members[4].bond_stretch_angstrom = 0.13;
  const Bundle bundled = run_members(f, members, false, 0.4), alone = run_members(f, members, true, 0.4);
  ASSERT_EQ(alone.results[1].outcome.status, stability::Status::kExploded);
  ASSERT_EQ(alone.results[4].outcome.status, stability::Status::kExploded);
  EXPECT_NE(alone.results[1].outcome.failure_step, alone.results[4].outcome.failure_step);
  EXPECT_EQ(alone.results[0].outcome.status, stability::Status::kStable);
  expect_same(bundled, alone);
  // and the survivors are the trajectories of the bundle without the failing members
  const std::vector<Member> survivors = {kMixed[0], kMixed[2], kMixed[3], kMixed[5]};
  const Bundle without = run_members(f, survivors, false, 0.4);
  const std::vector<std::size_t> index = {0, 2, 3, 5};
  for (std::size_t k = 0; k < survivors.size(); ++k)
    EXPECT_EQ(without.jobs[k]->trajectory().state().positions,
              bundled.jobs[index[k]]->trajectory().state().positions);
}

TEST(Lockstep, StoppedAndResumedFromCheckpointsEqualsAStraightRun) {
  Fixture f;
  const std::string dir = test::temp_dir("lockstep-resume");
  int polls = 0;
  const Bundle stopped =
      run_members(f, kMixed, false, 0.4, dir, [&](const Trajectory&) { return ++polls < 2; });
  for (const JobResult& r : stopped.results) EXPECT_TRUE(r.interrupted);
  const Bundle resumed = run_members(f, kMixed, false, 0.4, dir);
  const Bundle straight = run_members(f, kMixed, false, 0.4);
  expect_same(resumed, straight);
}

// A member that takes `steps` steps on a spring and records what the loop asked of it.
class Counter : public LockstepMember {
 public:
  Counter(std::int64_t steps, std::int64_t stop_after = -1) : steps_(steps), stop_after_(stop_after) {}
  bool step_due() const override { return step_ < steps_; }
  void begin_step() override {}
  model::BatchEntry force_entry() override {
    model::BatchEntry e;
    e.potential = &spring_;
    e.positions_bohr = &x_;
    e.forces = &f_;
    return e;
  }
  bool end_step(const model::BatchEntry& forces) override { return ++step_, forces.error.empty(); }
  bool probe_due() const override { return false; }
  model::BatchEntry variance_entry() override { return {}; }
  bool observe(const model::BatchEntry* probe) override { return probe != nullptr; }
  std::int64_t step() const override { return step_; }
  bool after_step() override { return step_ != stop_after_; }
  void end(double wall_seconds, bool stopped) override {
    ++ends;
    wall = wall_seconds;
    ended_stopped = stopped;
  }
  int ends = 0;
  double wall = -1;
  bool ended_stopped = false;

 private:
  test::HarmonicSprings spring_{{"H", "H"}, {{0, 1, 0.4, 1.4}}};
  md::Positions x_ = (md::Positions(3, 2) << 0, 1.5, 0, 0, 0, 0).finished(), f_;
  std::int64_t steps_, stop_after_, step_ = 0;
};

TEST(Lockstep, TheLoopPollsTheLeadLetsAMemberStopAloneAndEndsEachOnce) {
  Counter shortest(300), stops_itself(1000, 100), longest(2 * kPollSteps + 5), none(0);
  std::vector<LockstepMember*> members = {&shortest, &stops_itself, &longest, &none};
  std::vector<std::pair<std::size_t, std::int64_t>> polls;  // (lead, its step)
  std::vector<std::size_t> order;
  run_lockstep(
      members,
      [&](std::size_t lead) {
        polls.emplace_back(lead, members[lead]->step());
        return true;
      },
      [&](std::size_t i) { order.push_back(i); });
  EXPECT_EQ(order, (std::vector<std::size_t>{3, 1, 0, 2})) << "in the order they ended";
  for (const Counter* c : {&shortest, &stops_itself, &longest, &none}) EXPECT_EQ(c->ends, 1);
  EXPECT_TRUE(stops_itself.ended_stopped) << "its after_step ended it";
  EXPECT_EQ(stops_itself.step(), 100);
  EXPECT_FALSE(shortest.ended_stopped);
  EXPECT_EQ(shortest.step(), 300);
  EXPECT_EQ(longest.step(), 2 * kPollSteps + 5);
  EXPECT_EQ(polls, (std::vector<std::pair<std::size_t, std::int64_t>>{{0, kPollSteps}, {2, 2 * kPollSteps}}))
      << "at the lead's multiples of kPollSteps, the lead being the first member still running";
  EXPECT_EQ(none.wall, 0.0);
  EXPECT_GT(longest.wall, shortest.wall) << "more rounds, more of the wall time";
}

TEST(Lockstep, AStopRequestEndsEveryRunningMemberAsStopped) {
  Counter a(10 * kPollSteps), b(10 * kPollSteps), done(5);
  std::vector<LockstepMember*> members = {&a, &b, &done};
  run_lockstep(members, [](std::size_t) { return false; });
  EXPECT_EQ(a.step(), kPollSteps) << "stopped at the first poll";
  EXPECT_TRUE(a.ended_stopped && b.ended_stopped);
  EXPECT_FALSE(done.ended_stopped) << "it had concluded before the stop";
  EXPECT_EQ(a.ends + b.ends + done.ends, 3);
}

}  // namespace
}  // namespace gpiqa::run
