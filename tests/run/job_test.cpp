// The one trajectory driver: a job stopped on request and resumed from its checkpoint file (frames kept in
// the checkpoint) ends exactly like an uninterrupted job, frames included; a run that fails between frame
// steps ends with a frame of its failure; a checkpoint's identity gives back every setting of its spec, and a
// restart that contradicts one is refused by name.
#include "gpiqa/run/job.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "support/analytic_potentials.hpp"
#include "support/test_data.hpp"

namespace gpiqa::run {
namespace {

// A water-like molecule on harmonic springs (Bohr, Hartree).
// k < 0 with r0 shorter than the start: the O-H springs push the hydrogens away.
test::HarmonicSprings water_springs(double k = 0.5, double r0 = 1.81) {
  return test::HarmonicSprings({"O", "H", "H"}, {{0, 1, k, r0}, {0, 2, k, r0}, {1, 2, 0.1, 2.86}});
}

Positions water_start() {
  Positions r(3, 3);
  r << 0.0, 0.0, 0.0, 0.0, 1.43, -1.43, 0.0, 1.11, 1.11;
  return r;
}

TrajectorySpec langevin_spec() {
  TrajectorySpec spec;
  spec.integrator.type = "langevin";
  spec.integrator.temperature_K = 400;
  spec.duration_ps = 0.5;  // 1000 steps
  spec.seed = 11;
  return spec;
}

TEST(TrajectoryJob, StoppedAndResumedFromItsCheckpointEqualsAStraightRun) {
  auto potential = water_springs();
  const std::string dir = test::temp_dir("job-resume");
  JobSettings settings;
  settings.frames_every = 7;  // not a divisor of the poll interval or the length
  settings.checkpoint = dir + "/c.h5";
  settings.identity = job_identity({{"system", "springs"}}, langevin_spec());

  TrajectoryJob straight(potential, langevin_spec(), settings);
  straight.start(water_start());
  io::FrameBuffer straight_frames;
  straight_frames.elements = potential.elements();
  const JobResult a = straight.run(&straight_frames);
  EXPECT_EQ(a.outcome.status, stability::Status::kStable);
  EXPECT_EQ(a.steps_this_run, 1000);
  std::filesystem::remove(settings.checkpoint);

  TrajectoryJob first(potential, langevin_spec(), settings);
  first.start(water_start());
  io::FrameBuffer first_frames;
  first_frames.elements = potential.elements();
  int polls = 0;
  const JobResult stopped = first.run(&first_frames, [&](const Trajectory&) { return ++polls < 2; });
  EXPECT_TRUE(stopped.interrupted);
  EXPECT_EQ(stopped.steps_this_run, 2 * kPollSteps);
  ASSERT_TRUE(std::filesystem::exists(settings.checkpoint));

  io::Identity saved;
  io::FrameBuffer resumed_frames;
  io::Checkpoint cp = io::load_checkpoint(settings.checkpoint, &saved, &resumed_frames);
  EXPECT_EQ(saved, settings.identity);
  EXPECT_EQ(resumed_frames.step.back(), 2 * kPollSteps / 7 * 7);
  TrajectoryJob second(potential, continue_spec(saved, TrajectorySpec(), {}, "c.h5"), settings);
  second.resume(std::move(cp));
  const JobResult b = second.run(&resumed_frames);
  EXPECT_FALSE(b.interrupted);
  EXPECT_EQ(b.steps_this_run, 1000 - 2 * kPollSteps);
  EXPECT_EQ(run::Trajectory(potential, io::load_checkpoint(settings.checkpoint, nullptr), langevin_spec())
                .state()
                .positions,
            straight.trajectory().state().positions);
  EXPECT_EQ(b.outcome.mean_temperature_K, a.outcome.mean_temperature_K);
  EXPECT_EQ(b.outcome.conserved_drift, a.outcome.conserved_drift);
  EXPECT_EQ(b.outcome.start_temperature_K, a.outcome.start_temperature_K);
  EXPECT_EQ(resumed_frames.step, straight_frames.step);
  EXPECT_EQ(resumed_frames.positions_angstrom, straight_frames.positions_angstrom);
  EXPECT_EQ(resumed_frames.forces_kj_per_mol_angstrom, straight_frames.forces_kj_per_mol_angstrom);
  EXPECT_EQ(resumed_frames.temperature_K, straight_frames.temperature_K);
}

// A frame's forces are the potential's forces at that frame's positions (not those of a step before), and its
// potential energy the energy there: what MDAnalysis and ASE users read from the exported frames.
TEST(TrajectoryJob, FrameForcesAndEnergyBelongToTheFramePositions) {
  auto potential = water_springs();
  JobSettings settings;
  settings.frames_every = 13;
  TrajectoryJob job(potential, langevin_spec(), settings);
  job.start(water_start());
  io::FrameBuffer frames;
  frames.elements = potential.elements();
  job.run(&frames);
  ASSERT_GT(frames.size(), 10u);
  for (std::size_t f = 0; f < frames.size(); f += 5) {
    Positions r(3, 3), forces;
    for (int a = 0; a < 3; ++a)
      for (int k = 0; k < 3; ++k)
        r(k, a) = frames.positions_angstrom[9 * f + 3 * a + k] * units::kBohrPerAngstrom;
    const double energy = potential.compute(r, &forces, nullptr, nullptr);
    EXPECT_NEAR(frames.potential_hartree[f], energy, 1e-12) << "frame " << f;
    for (int a = 0; a < 3; ++a)
      for (int k = 0; k < 3; ++k)
        EXPECT_NEAR(frames.forces_kj_per_mol_angstrom[9 * f + 3 * a + k],
                    forces(k, a) * units::kKJPerMolPerHartree / units::kAngstromPerBohr, 1e-9)
            << "frame " << f << " atom " << a;
  }
}

// Springs that push atoms apart: the molecule dissociates (a bond stretched past 0.5 A), between frame steps.
TEST(TrajectoryJob, AFailureBetweenFrameStepsEndsWithAFrameOfIt) {
  auto potential = water_springs(-0.05, 1.0);
  JobSettings settings;
  settings.frames_every = 1000;
  TrajectoryJob job(potential, langevin_spec(), settings);
  job.start(water_start());
  io::FrameBuffer frames;
  frames.elements = potential.elements();
  const JobResult r = job.run(&frames);
  ASSERT_EQ(r.outcome.status, stability::Status::kExploded) << r.outcome.reason;
  ASSERT_EQ(frames.step.size(), 2u);
  EXPECT_EQ(frames.step.front(), 0);
  EXPECT_EQ(frames.step.back(), r.outcome.failure_step);
  EXPECT_GT(r.outcome.start_temperature_K, 0.0);
}

TEST(JobIdentity, GivesBackEverySettingAndRefusesContradictions) {
  TrajectorySpec spec = langevin_spec();
  spec.integrator.tau_fs = 37.5;
  spec.integrator.chain_length = 5;
  spec.integrator.friction_per_ps = 2.25;
  spec.seed = 18446744073709551557ull;  // the largest 64-bit prime: survives the text round trip
  spec.displace_angstrom = 0.1 + 0.2;   // not a short decimal
  spec.displace_mode = DisplaceMode::kSphere;
  spec.monitors.bond_factor = 1.3;
  spec.monitors.energy_floor_margin_hartree = 0.25;
  const io::Identity id = job_identity({{"reference", "O"}}, spec);
  EXPECT_EQ(id.at("reference"), "O");
  EXPECT_EQ(id.at("thermostat"), "langevin");
  const TrajectorySpec back = continue_spec(id, TrajectorySpec(), {}, "c.h5");
  EXPECT_EQ(job_identity({{"reference", "O"}}, back), id);
  EXPECT_EQ(back.seed, spec.seed);
  EXPECT_EQ(back.displace_angstrom, spec.displace_angstrom);
  EXPECT_EQ(back.integrator.chain_length, 5);

  TrajectorySpec asked = back;
  asked.duration_ps = 2.0;  // a longer run is a continuation, not a contradiction
  EXPECT_EQ(continue_spec(id, asked, {"duration_ps"}, "c.h5").duration_ps, 2.0);
  asked.integrator.type = "nve";
  try {
    continue_spec(id, asked, {"thermostat"}, "c.h5");
    FAIL() << "a contradicting thermostat was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("c.h5: checkpoint was made with thermostat = langevin, not nve"),
              std::string::npos)
        << e.what();
  }
  // not said on the command line: the checkpoint's value wins over the requested default
  EXPECT_EQ(continue_spec(id, asked, {}, "c.h5").integrator.type, "langevin");
}

}  // namespace
}  // namespace gpiqa::run
