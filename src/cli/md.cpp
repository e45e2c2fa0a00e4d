// gpiqa md (--models DIR [--mean SPEC] --xyz FILE | --reference MOL_OR_SMILES [--xyz FILE]) --temperature K
//          --duration-ps T [--timestep-fs 0.5] [--thermostat nhc|csvr|langevin|nve] [--seed S] [--displace
//          SIGMA [--displace-mode gaussian|sphere]]
//          [--frames-every N] [--out traj.h5] [--checkpoint state.h5] [--restart state.h5]
// Runs one trajectory (or continues a saved one to the new duration), shows progress on a terminal and prints
// the outcome as one JSON object. Every input is checked before anything is written. With --reference the
// potential is MMFF94 and, without --xyz, the trajectory starts from the molecule's own coordinates.
#include <csignal>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpiqa/io/checkpoint.hpp"
#include "gpiqa/io/frame_writer.hpp"
#include "gpiqa/io/xyz.hpp"
#include "gpiqa/md/trajectory.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "outcome_json.hpp"
#include "potential_choice.hpp"
#include "progress.hpp"

namespace gpiqa::cli {
namespace {

namespace h5 = io::h5;

volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
}

struct MdOptions : PotentialChoice {
  std::string xyz, thermostat = "nhc", out, checkpoint, restart;
  std::string displace_mode = "gaussian";
  double temperature_K = 0, duration_ps = 0, timestep_fs = 0.5, displace = 0, tau_fs = 100, friction = 10;
  double checkpoint_every_s = 60;
  int chain_length = 3;
  long long frames_every = 0;
  std::uint64_t seed = 1;
  bool overwrite = false;
  stability::MonitorConfig monitors;
};

// The potential the options name, where it starts (Bohr) and what identifies it in a checkpoint: the GP
// system and mean, or the reference's source.
struct LoadedPotential {
  std::unique_ptr<model::Potential> potential;
  model::Positions start_bohr;
  io::Identity identity;
};

// What a checkpoint must have been made with to be continued: the potential and the thermostat settings.
io::Identity identity_of(const MdOptions& o, const LoadedPotential& p) {
  io::Identity id = p.identity;
  id["thermostat"] = o.thermostat;
  id["timestep_fs"] = fmt::format("{}", o.timestep_fs);
  id["temperature_K"] = fmt::format("{}", o.temperature_K);
  id["displace_angstrom"] = fmt::format("{}", o.displace);
  id["displace_mode"] = o.displace_mode;
  return id;
}

// A checkpoint made with a GP model set is not continued with the reference, nor the other way round.
void check_identity(const std::string& checkpoint, const io::Identity& saved, const io::Identity& now) {
  for (const auto& [key, value] : now)
    if (saved.count(key) && saved.at(key) != value)
      throw InputError(checkpoint,
                       "checkpoint was made with " + key + " = " + saved.at(key) + ", not " + value);
  const bool saved_reference = saved.count("reference") > 0, now_reference = now.count("reference") > 0;
  if (saved_reference != now_reference)
    throw InputError(checkpoint, saved_reference
                                     ? "checkpoint was made with --reference " + saved.at("reference") +
                                           ", not a GP model set"
                                     : "checkpoint was made with a GP model set, not --reference");
}

// Loads what the options name; the start is --xyz, else (with --reference) the reference molecule's
// coordinates.
LoadedPotential load_start(const MdOptions& o) {
  LoadedPotential p;
  ChosenPotential chosen = load_potential(o);
  if (o.xyz.empty()) {
    if (!chosen.molecule) throw InputError("--xyz", "is required with --models (the starting geometry)");
    p.start_bohr = chosen.molecule->positions_bohr();
  } else {
    const io::XyzFrame frame = io::read_xyz(o.xyz).front();
    chosen.check_atoms(frame.elements, o.xyz);
    p.start_bohr = frame.positions_angstrom * units::kBohrPerAngstrom;
  }
  p.potential = std::move(chosen.potential);
  p.identity = std::move(chosen.identity);
  return p;
}

void run_md(const MdOptions& o) {
  md::TrajectorySpec spec;
  spec.integrator.type = o.thermostat;
  spec.integrator.temperature_K = o.temperature_K;
  spec.integrator.timestep_fs = o.timestep_fs;
  spec.integrator.tau_fs = o.tau_fs;
  spec.integrator.chain_length = o.chain_length;
  spec.integrator.friction_per_ps = o.friction;
  spec.duration_ps = o.duration_ps;
  spec.seed = o.seed;
  spec.displace_angstrom = o.displace;
  spec.displace_mode = md::parse_displace_mode(o.displace_mode, "--displace-mode");
  spec.monitors = o.monitors;
  md::validate(spec);
  if (o.frames_every < 0) throw InputError("--frames-every", "must be >= 0");
  if (o.frames_every > 0 && o.out.empty())
    throw InputError("--frames-every", "needs --out FILE for the frames");

  const LoadedPotential loaded = load_start(o);
  model::Potential& potential = *loaded.potential;
  const io::Identity identity = identity_of(o, loaded);

  std::unique_ptr<md::Trajectory> trajectory;
  long long keep_frames_through = -1;
  if (!o.restart.empty()) {
    io::Identity saved;
    md::Checkpoint cp = io::load_checkpoint(o.restart, &saved);
    check_identity(o.restart, saved, identity);
    keep_frames_through = cp.state.step;
    try {
      trajectory = std::make_unique<md::Trajectory>(potential, std::move(cp), spec);
    } catch (const InputError& e) {
      throw InputError(o.restart, e.what());
    }
  }
  // outputs: decided before anything is written
  if (!o.out.empty() && o.restart.empty() && std::filesystem::exists(o.out) && !o.overwrite)
    throw InputError(o.out, "already exists (use --overwrite, or --restart to continue it)");
  if (!o.checkpoint.empty()) {
    const auto dir = std::filesystem::path(o.checkpoint).parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir))
      throw InputError(o.checkpoint, "directory does not exist");
  }
  if (!trajectory) trajectory = std::make_unique<md::Trajectory>(potential, loaded.start_bohr, spec);

  h5::Handle out_file;
  std::unique_ptr<io::FrameWriter> frames;
  if (!o.out.empty()) {
    if (o.restart.empty() || !std::filesystem::exists(o.out)) {
      if (o.overwrite) std::filesystem::remove(o.out);
      out_file = h5::open_file(o.out, h5::Mode::kCreateNew);
      h5::Handle h5md = h5::group(out_file.id(), "h5md", true);
      h5::set_attribute(h5md.id(), "version", std::string("1.1"));
      h5::set_attribute(h5md.id(), "creator", std::string("gpiqa md"));
    } else {
      out_file = h5::open_file(o.out, h5::Mode::kReadWrite);
    }
    frames = std::make_unique<io::FrameWriter>(out_file.id(), potential.elements(), keep_frames_through);
  }
  auto write_frame = [&](const md::Trajectory& t) {
    if (!frames) return;
    const md::MdState& s = t.state();
    frames->write(s.step, t.time_ps(), s.positions, s.velocities, s.potential_hartree, md::kinetic_energy(s),
                  t.conserved_hartree(), t.temperature_K());
  };
  if (frames && o.restart.empty() && o.frames_every > 0) write_frame(*trajectory);

  auto save = [&] {
    if (!o.checkpoint.empty()) io::save_checkpoint(o.checkpoint, trajectory->checkpoint(), identity);
  };
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  Progress progress;
  auto last_checkpoint = std::chrono::steady_clock::now();
  const long long total = trajectory->total_steps();
  const auto t0 = std::chrono::steady_clock::now();
  const long long first_step = trajectory->state().step;
  const stability::Outcome outcome = trajectory->run([&](const md::Trajectory& t) {
    const long long step = t.state().step;
    if (o.frames_every > 0 && step % o.frames_every == 0) write_frame(t);
    const auto now = std::chrono::steady_clock::now();
    if ((step & 255) == 0) {
      const double elapsed = std::chrono::duration<double>(now - t0).count();
      const double rate = elapsed > 0 ? static_cast<double>(step - first_step) / elapsed : 0;
      progress.update(fmt::format("step {}/{}  {:.3f} ps  T {:.0f} K  E {:.6f} Ha  {:.0f} steps/s  ETA {}",
                                  step, total, t.time_ps(), t.temperature_K(), t.state().potential_hartree,
                                  rate,
                                  format_duration(rate > 0 ? static_cast<double>(total - step) / rate : -1)));
      if (!o.checkpoint.empty() &&
          std::chrono::duration<double>(now - last_checkpoint).count() > o.checkpoint_every_s) {
        save();
        if (out_file) h5::flush(out_file.id());
        last_checkpoint = now;
      }
    }
    return g_stop_signal == 0;
  });
  progress.finish();
  // the last frame of a run that ended between frame steps (a failure shows its final geometry)
  if (frames && o.frames_every > 0 && trajectory->finished() && outcome.steps % o.frames_every != 0)
    write_frame(*trajectory);
  save();
  if (out_file) h5::flush(out_file.id());
  std::cout << outcome_json(outcome).dump() << std::endl;
  if (g_stop_signal) {
    std::cerr << "gpiqa: interrupted at step " << outcome.steps
              << (o.checkpoint.empty() ? "" : "; continue with --restart " + o.checkpoint) << "\n";
    std::exit(128 + g_stop_signal);
  }
}

}  // namespace

void add_md(CLI::App& app) {
  auto o = std::make_shared<MdOptions>();
  CLI::App* sub = app.add_subcommand(
      "md", "Run one NVT trajectory and classify it: stable, collapsed, exploded or failed");
  sub->add_option("--models", o->models, "Model set directory");
  sub->add_option("--reference", o->reference,
                  "MMFF94 reference instead of a model set: a .mol/.sdf file or SMILES");
  sub->add_option("--xyz", o->xyz,
                  "Starting geometry (first frame), Angstrom (with --reference: default its own)");
  sub->add_option("--temperature", o->temperature_K, "Target temperature, K")->required();
  sub->add_option("--duration-ps", o->duration_ps, "Simulated time, ps")->required();
  sub->add_option("--timestep-fs", o->timestep_fs, "Time step, fs")->capture_default_str();
  sub->add_option("--thermostat", o->thermostat, "nhc, csvr, langevin or nve")->capture_default_str();
  sub->add_option("--tau-fs", o->tau_fs, "Thermostat time constant (nhc, csvr), fs")->capture_default_str();
  sub->add_option("--chain-length", o->chain_length, "Nose-Hoover chain length")->capture_default_str();
  sub->add_option("--friction-per-ps", o->friction, "Langevin friction, 1/ps")->capture_default_str();
  sub->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  CLI::Option* mean =
      sub->add_option("--mean", o->mean, "Prior mean spec (see predict)")->capture_default_str();
  sub->add_option("--displace", o->displace, "Displacement of the start, Angstrom (see --displace-mode)")
      ->capture_default_str();
  sub->add_option("--displace-mode", o->displace_mode,
                  "gaussian: sigma on every coordinate; sphere: every atom moved by exactly --displace, "
                  "random direction")
      ->capture_default_str();
  sub->add_option("--frames-every", o->frames_every, "Write a frame every N steps (0: none)")
      ->capture_default_str();
  sub->add_option("--out", o->out, "Trajectory file (HDF5, H5MD-style)");
  sub->add_flag("--overwrite", o->overwrite, "Replace an existing --out file");
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
  sub->add_option("--energy-floor-hartree", o->monitors.energy_floor_margin_hartree,
                  "Collapsed this far below the lowest training energy sum")
      ->capture_default_str();
  sub->callback([o, mean] {
    o->mean_given = mean->count() > 0;
    run_md(*o);
  });
}

}  // namespace gpiqa::cli
