// gpiqa md (--models DIR [--mean SPEC] --xyz FILE | --reference MOL_OR_SMILES [--xyz FILE]) --temperature K
//          --duration-ps T [--timestep-fs 0.5] [--thermostat nhc|csvr|langevin|nve] [--seed S]
//          [--displace D [--displace-mode gaussian|sphere]] [--frames-every N] [--out traj.h5]
//          [--checkpoint state.h5] [--overwrite] [--break-lock]
// gpiqa md --restart state.h5 [--duration-ps T] [any option above, which must agree with the checkpoint]
//          (frames and checkpoints keep the checkpoint's cadence unless --frames-every or
//          --checkpoint-every-s say otherwise)
// Runs one trajectory through run::TrajectoryJob (or continues a saved one, from the checkpoint alone, to the
// new duration), shows progress on a terminal and prints the result record as one JSON object. Every input is
// checked before anything is written. --out and --checkpoint are written under their writer locks
// (io/writer_lock.hpp), and only into a file that is this run's own (io/file_identity.hpp): its trajectory
// (continued with --restart) or checkpoint, the same run by its identity; anything else only with
// --overwrite.
#include <csignal>
#include <filesystem>
#include <iostream>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/io/file_identity.hpp"
#include "gpiqa/io/row_codec.hpp"
#include "gpiqa/io/trajectory_file.hpp"
#include "gpiqa/io/writer_lock.hpp"
#include "gpiqa/run/job.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "potential_choice.hpp"
#include "progress.hpp"

namespace gpiqa::cli {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
}

struct MdOptions : PotentialChoice {
  std::set<std::string> given;  // the options said on the command line
  std::string xyz, thermostat = "nhc", out, checkpoint, restart;
  std::string displace_mode = "gaussian";
  std::string start_reference;  // MMFF94 reference (molfile or SMILES) that judges --start-energy
  double start_energy_kcal_mol = std::numeric_limits<double>::quiet_NaN();
  double temperature_K = 0, duration_ps = 0, timestep_fs = 0.5, displace = 0, tau_fs = 100, friction = 10;
  double checkpoint_every_s = 60;
  int chain_length = 3;
  long long frames_every = 0;
  std::uint64_t seed = 1;
  bool overwrite = false, break_lock = false;
  stability::MonitorConfig monitors;
};

// The command-line options that map to TrajectorySpec settings (job.hpp's keys), for restarts: a setting said
// on the command line must agree with the checkpoint's, the others come from the checkpoint.
const std::vector<std::pair<const char*, const char*>> kSettingFlags = {
    {"thermostat", "--thermostat"},
    {"temperature_K", "--temperature"},
    {"timestep_fs", "--timestep-fs"},
    {"tau_fs", "--tau-fs"},
    {"chain_length", "--chain-length"},
    {"friction_per_ps", "--friction-per-ps"},
    {"duration_ps", "--duration-ps"},
    {"seed", "--seed"},
    {"displace_angstrom", "--displace"},
    {"displace_mode", "--displace-mode"},
    {"start_energy_above_minimum_kcal_mol", "--start-energy"},
    {"bond_stretch_angstrom", "--bond-stretch-angstrom"},
    {"min_distance_angstrom", "--min-distance-angstrom"},
    {"energy_floor_hartree", "--energy-floor-hartree"},
    {"extrapolation_every_fs", "--extrapolation-every-fs"},
    {"extrapolation_variance", "--extrapolation-variance"}};

run::TrajectorySpec requested_spec(const MdOptions& o) {
  run::TrajectorySpec spec;
  spec.integrator.type = o.thermostat;
  spec.integrator.temperature_K = o.temperature_K;
  spec.integrator.timestep_fs = o.timestep_fs;
  spec.integrator.tau_fs = o.tau_fs;
  spec.integrator.chain_length = o.chain_length;
  spec.integrator.friction_per_ps = o.friction;
  spec.duration_ps = o.duration_ps;
  spec.seed = o.seed;
  spec.displace_angstrom = o.displace;
  spec.displace_mode = run::parse_displace_mode(o.displace_mode, "--displace-mode");
  spec.start_energy_above_minimum_kcal_mol = o.start_energy_kcal_mol;
  spec.monitors = o.monitors;
  return spec;
}

// A checkpoint made with a GP model set is not continued with the reference, nor the other way round, nor
// with another system or mean.
void check_potential(const std::string& checkpoint, const io::Identity& saved, const io::Identity& now) {
  const bool saved_reference = saved.count("reference") > 0, now_reference = now.count("reference") > 0;
  if (saved_reference != now_reference)
    throw InputError(checkpoint, saved_reference
                                     ? "checkpoint was made with --reference " + saved.at("reference") +
                                           ", not a GP model set"
                                     : "checkpoint was made with a GP model set, not --reference");
  for (const char* key : {"system", "mean"})
    if (saved.count(key) && now.count(key) && saved.at(key) != now.at(key))
      throw InputError(checkpoint, std::string("checkpoint was made with ") + key + " = " + saved.at(key) +
                                       ", not " + now.at(key));
}

// Refuses to write `path` (given as `flag`) unless it is missing, this run's own file of kind `own` (the same
// run identity but for the duration), or --overwrite says to replace whatever it is. A fresh run's trajectory
// is new: its own earlier trajectory is continued with --restart, not written over. True: `path` is this
// run's own file, to be continued.
bool claim_output(const std::string& path, const char* flag, io::FileIdentity::Kind own,
                  const io::Identity& identity, bool may_continue, bool overwrite) {
  const io::FileIdentity file = io::identify_file(path);
  if (file.kind == io::FileIdentity::Kind::kMissing) return false;
  if (file.kind == own && !file.identity.empty() &&
      io::identity_difference(file.identity, identity).empty() && may_continue)
    return true;
  if (overwrite) return false;
  const char* mine = own == io::FileIdentity::Kind::kCheckpoint ? "checkpoint" : "trajectory";
  const std::string refuse =
      std::string(": refusing to write into it (choose another ") + flag + ", or --overwrite to replace it)";
  if (file.kind != own)
    throw InputError(
        path, std::string(flag) + " exists and is " + file.description + ", not this run's " + mine + refuse);
  if (file.identity.empty())
    throw InputError(path, std::string(flag) + " exists and is " + file.description +
                               " that does not record its run (older gpiqa)" + refuse);
  const std::string difference = io::identity_difference(file.identity, identity);
  if (!difference.empty())
    throw InputError(path, std::string(flag) + " exists and is the " + mine + " of another run (" +
                               difference + ")" + refuse);
  if (!may_continue)
    throw InputError(path, std::string(flag) +
                               " already exists: this run's trajectory (continue it with --restart, or "
                               "--overwrite to start it anew)");
  return false;  // not reached
}

// Frames and checkpoints as the command line says; a restart keeps the cadence its checkpoint recorded for
// what the command line leaves unsaid (frames continue only where --out names the trajectory file).
run::JobSettings job_settings(const MdOptions& o, const io::Cadence& saved) {
  run::JobSettings settings;
  settings.frames_every = o.frames_every;
  settings.checkpoint = o.checkpoint;
  settings.checkpoint_every_s = o.checkpoint_every_s;
  if (saved.recorded() && !o.given.count("--frames-every")) settings.frames_every = saved.frames_every;
  if (saved.recorded() && !o.given.count("--checkpoint-every-s") && saved.checkpoint_every_s > 0)
    settings.checkpoint_every_s = saved.checkpoint_every_s;
  return settings;
}

void run_md(const MdOptions& o) {
  if (o.frames_every < 0) throw InputError("--frames-every", "must be >= 0");
  if (o.frames_every > 0 && o.out.empty())
    throw InputError("--frames-every", "needs --out FILE for the frames");
  const bool restart = !o.restart.empty();
  run::TrajectorySpec spec = requested_spec(o);
  run::LoadedPotential loaded;
  io::Checkpoint checkpoint;
  if (restart) {
    // Everything not said on the command line comes from the checkpoint.
    io::Identity saved;
    checkpoint = io::load_checkpoint(o.restart, &saved);
    run::PotentialSource source = o.models.empty() && o.reference.empty()
                                      ? run::PotentialSource::from_identity(saved, o.restart)
                                      : potential_source(o);
    if (o.models.empty() && o.reference.empty() && o.mean_given) source.mean = o.mean;
    if (!source.is_reference() && !o.mean_given && saved.count("mean")) source.mean = saved.at("mean");
    loaded = run::load_potential(source, &std::cerr);
    check_potential(o.restart, saved, loaded.identity);
    std::set<std::string> given;
    for (const auto& [key, flag] : kSettingFlags)
      if (o.given.count(flag)) given.insert(key);
    if (!saved.count("seed") && !given.count("seed")) spec.seed = checkpoint.seed;
    spec = run::continue_spec(saved, spec, given, o.restart);
  } else {
    for (const char* flag : {"--temperature", "--duration-ps"})
      if (!o.given.count(flag))
        throw InputError(flag, "is required (unless continuing a checkpoint with --restart)");
    loaded = load_potential(o);
  }
  run::validate(spec);
  model::Potential& potential = *loaded.potential;

  run::JobSettings settings = job_settings(o, restart ? checkpoint.cadence : io::Cadence());
  settings.identity = run::job_identity(loaded.identity, spec);
  run::TrajectoryJob job(potential, spec, settings);
  if (restart) {
    try {
      job.resume(std::move(checkpoint));
    } catch (const InputError& e) {
      throw InputError(o.restart, e.what());
    }
  } else {
    run::StartGeometry start;
    start.equilibrium_bohr = loaded.start_bohr(o.xyz);
    run::LoadedPotential start_reference;
    if (!o.start_reference.empty()) {
      start_reference = run::load_potential(run::PotentialSource{"", "file", o.start_reference, {}});
      start_reference.check_atoms(potential.elements(), "--start-reference " + o.start_reference);
      start.reference = start_reference.potential.get();
    } else if (loaded.molecule) {
      start.reference = &potential;  // the reference itself
    }
    try {
      job.start(start);
    } catch (const InputError& e) {
      throw InputError("--start-energy", e.what());
    }
  }
  // outputs: decided before anything is written, each under its writer lock
  for (const std::string* path : {&o.out, &o.checkpoint}) {
    if (path->empty()) continue;
    const auto dir = std::filesystem::path(*path).parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir))
      throw InputError(*path, "directory does not exist");
  }
  std::error_code ec_out, ec_checkpoint;
  if (!o.out.empty() && !o.checkpoint.empty() &&
      std::filesystem::weakly_canonical(o.out, ec_out) ==
          std::filesystem::weakly_canonical(o.checkpoint, ec_checkpoint) &&
      !ec_out && !ec_checkpoint)
    throw InputError(o.out, "is given as both --out and --checkpoint");
  const io::WriterLock::Options lock_options{o.break_lock, "", &std::cerr};
  io::WriterLock out_lock, checkpoint_lock;
  bool continue_out = false;
  if (!o.out.empty()) {
    out_lock = io::WriterLock(o.out, lock_options);
    continue_out = claim_output(o.out, "--out", io::FileIdentity::Kind::kTrajectory, settings.identity,
                                restart, o.overwrite);
  }
  if (!o.checkpoint.empty()) {
    checkpoint_lock = io::WriterLock(o.checkpoint, lock_options);
    claim_output(o.checkpoint, "--checkpoint", io::FileIdentity::Kind::kCheckpoint, settings.identity, true,
                 o.overwrite);
  }
  std::unique_ptr<io::TrajectoryFile> frames;
  if (!o.out.empty()) {
    if (continue_out) {
      frames = io::TrajectoryFile::open(o.out, potential.elements());
    } else {
      std::filesystem::remove(o.out);  // missing, or --overwrite
      frames = io::TrajectoryFile::create(o.out, potential.elements(), settings.identity);
    }
  }

  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  Progress progress;
  const std::int64_t total = job.trajectory().total_steps(), first_step = job.trajectory().state().step;
  const auto t0 = std::chrono::steady_clock::now();
  const run::JobResult result = job.run(frames.get(), [&](const run::Trajectory& t) {
    const std::int64_t step = t.state().step;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double rate = elapsed > 0 ? static_cast<double>(step - first_step) / elapsed : 0;
    progress.update(fmt::format("step {}/{}  {:.3f} ps  T {:.0f} K  E {:.6f} Ha  {:.0f} steps/s  ETA {}",
                                step, total, t.time_ps(), t.temperature_K(), t.state().potential_hartree,
                                rate,
                                format_duration(rate > 0 ? static_cast<double>(total - step) / rate : -1)));
    return g_stop_signal == 0;
  });
  progress.finish();
  frames.reset();
  std::cout << io::outcome_to_json(result.outcome, io::Units::kWithUnits).dump() << std::endl;
  if (g_stop_signal) {
    std::cerr << "gpiqa: interrupted at step " << result.outcome.steps
              << (o.checkpoint.empty() ? "" : "; continue with --restart " + o.checkpoint) << "\n";
    out_lock.release();  // std::exit skips the destructors
    checkpoint_lock.release();
    std::exit(128 + g_stop_signal);
  }
}

}  // namespace

void add_md(CLI::App& app) {
  auto o = std::make_shared<MdOptions>();
  CLI::App* sub = app.add_subcommand(
      "md", "Run one NVT trajectory and classify it: stable, collapsed, exploded or failed");
  o->add_options(sub);
  sub->add_option("--xyz", o->xyz,
                  "Starting geometry (first frame), Angstrom (with --reference: default its own)");
  sub->add_option("--temperature", o->temperature_K, "Target temperature, K (required unless --restart)");
  sub->add_option("--duration-ps", o->duration_ps, "Simulated time, ps (required unless --restart)");
  sub->add_option("--timestep-fs", o->timestep_fs, "Time step, fs")->capture_default_str();
  sub->add_option("--thermostat", o->thermostat, "nhc, csvr, langevin or nve")->capture_default_str();
  sub->add_option("--tau-fs", o->tau_fs, "Thermostat time constant (nhc, csvr), fs")->capture_default_str();
  sub->add_option("--chain-length", o->chain_length, "Nose-Hoover chain length")->capture_default_str();
  sub->add_option("--friction-per-ps", o->friction, "Langevin friction, 1/ps")->capture_default_str();
  sub->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  sub->add_option("--displace", o->displace, "Displacement of the start, Angstrom (see --displace-mode)")
      ->capture_default_str();
  sub->add_option("--displace-mode", o->displace_mode,
                  "gaussian: sigma on every coordinate; sphere: every atom moved by exactly --displace, "
                  "random direction")
      ->capture_default_str();
  sub->add_option(
      "--start-energy", o->start_energy_kcal_mol,
      "Controlled start: scale the seed's direction (--displace-mode) so that the start lies this many "
      "kcal/mol above the minimum, judged by --start-reference, else by the potential itself");
  sub->add_option(
      "--start-reference", o->start_reference,
      "MMFF94 reference (a .mol/.sdf file or SMILES) that judges --start-energy and whose energy above "
      "its minimum at the start is recorded");
  sub->add_option("--frames-every", o->frames_every, "Write a frame every N steps (0: none)")
      ->capture_default_str();
  sub->add_option("--out", o->out,
                  "Trajectory file (H5MD 1.1: MDAnalysis opens it; `gpiqa export` converts it)");
  sub->add_flag("--overwrite", o->overwrite,
                "Replace an existing --out or --checkpoint file that is not this run's own");
  sub->add_flag(
      "--break-lock", o->break_lock,
      "Take over the lock of --out or --checkpoint held by a run on another host (when it is gone)");
  sub->add_option("--checkpoint", o->checkpoint, "Save the dynamic state here (periodically and at the end)");
  sub->add_option("--checkpoint-every-s", o->checkpoint_every_s, "Seconds between checkpoints")
      ->capture_default_str();
  sub->add_option("--restart", o->restart, "Continue the trajectory saved in this checkpoint");
  sub->add_option("--bond-stretch-angstrom", o->monitors.bond_stretch_angstrom,
                  "Exploded beyond this stretch")
      ->capture_default_str();
  sub->add_option("--min-distance-angstrom", o->monitors.min_distance_angstrom,
                  "Collapsed below this distance")
      ->capture_default_str();
  sub->add_option("--extrapolation-every-fs", o->monitors.extrapolation_every_fs,
                  "Interval of the posterior-variance probes, fs")
      ->capture_default_str();
  sub->add_option("--extrapolation-variance", o->monitors.extrapolation_variance,
                  "A probe with an atom's posterior variance above this counts as extrapolating")
      ->capture_default_str();
  sub->add_option("--energy-floor-hartree", o->monitors.energy_floor_margin_hartree,
                  "Collapsed this far below the potential's energy at its equilibrium geometry")
      ->capture_default_str();
  sub->callback([o, sub] {
    o->note_given();
    for (const CLI::Option* option : sub->get_options())
      if (option->count() > 0) o->given.insert(option->get_name());
    run_md(*o);
  });
}

}  // namespace gpiqa::cli
