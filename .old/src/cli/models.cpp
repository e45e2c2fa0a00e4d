// gpiqa models list
// gpiqa models build NAME [--force] [--threads N]
// The default model sets: `list` shows each built-in molecule, where its set lives and whether it is built;
// `build` makes one deterministically from the MMFF94 reference (sample, train, validate against the
// reference) into the cache, with progress on stderr, and writes BUILD.json beside the .model files: training
// size, hyperparameters, validation errors per atom and whole-molecule energy and force errors.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/reference/builtin.hpp"
#include "gpiqa/reference/mmff_reference.hpp"
#include "gpiqa/train/recipe.hpp"
#include "gpiqa/train/set_trainer.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "gpiqa/version.hpp"

namespace gpiqa::cli {
namespace {

namespace fs = std::filesystem;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

nlohmann::ordered_json errors_json(const train::SetErrors& e) {
  return {{"geometries", e.geometries},
          {"energy_rmse_hartree", e.energy_rmse_hartree},
          {"energy_rmse_kcal_per_mol", e.energy_rmse_hartree * units::kKcalPerMolPerHartree},
          {"energy_mae_hartree", e.energy_mae_hartree},
          {"energy_max_error_hartree", e.energy_max_error_hartree},
          {"force_rmse_hartree_per_bohr", e.force_rmse_hartree_per_bohr},
          {"force_max_error_hartree_per_bohr", e.force_max_error_hartree_per_bohr}};
}

void build(const std::string& name, const std::string& out_override, bool force, int threads) {
  const reference::BuiltinMolecule& info = reference::builtin_molecule(name, "gpiqa models build");
  const std::string dest = out_override.empty() ? reference::builtin_models_path(name) : out_override;
  std::error_code ec;
  if (fs::exists(fs::path(dest) / "BUILD.json", ec) && !force) {
    std::cerr << "gpiqa models: " << name << " is already built at " << dest << " (use --force to rebuild)\n";
    return;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto say = [&](const std::string& s) {
    std::cerr << fmt::format("gpiqa models [{:6.1f} s] {}: {}", seconds_since(t0), name, s) << std::endl;
  };
  const reference::Molecule mol = reference::Molecule::from_molfile(reference::builtin_molfile(name));
  reference::MmffReference ref(mol);
  const train::BuildRecipe recipe = train::default_recipe(name, mol.atom_count());

  // Build beside the destination, then move into place: an interrupted build leaves no half set behind.
  const fs::path partial = fs::path(dest).string() + fmt::format(".partial-{}", ::getpid());
  fs::remove_all(partial);
  fs::create_directories(partial);
  const fs::path data = partial / "training";
  say(fmt::format("sampling {} training + {} validation geometries from the MMFF94 reference",
                  recipe.sample.training_points, recipe.sample.validation_points));
  const train::SampledGeometries sample =
      train::sample_geometries(ref, mol.positions_bohr(), recipe.sample, say);
  train::write_training_sets(data.string(), info.system, ref, mol.local_frames(), sample);
  const double sample_seconds = seconds_since(t0);

  const std::vector<train::AtomJob> jobs = train::read_training_directory(data.string(), info.system);
  say(fmt::format("training {} atom models ({} points, {} features, {} threads)", jobs.size(),
                  recipe.sample.training_points, jobs.front().training.x.cols(), threads));
  int done = 0;
  const std::vector<train::AtomReport> reports =
      train::train_set(jobs, recipe.training, partial.string(), threads, [&](const train::AtomReport& r) {
        say(fmt::format("atom {}/{} {}: {:.1f} s, validation RMSE {:.3f} mHa", ++done, jobs.size(), r.atom,
                        r.seconds, 1e3 * r.validation_rmse_hartree));
      });
  const double train_seconds = seconds_since(t0) - sample_seconds;

  model::MoleculeModel set = model::MoleculeModel::load(partial.string());
  set.check_matches(mol.elements(), reference::builtin_molfile(name));
  const train::SetErrors errors = train::set_errors(set, ref, sample.validation);
  say(fmt::format("validation on {} whole molecules: energy RMSE {:.3f} kcal/mol, force RMSE {:.2e} Ha/Bohr",
                  errors.geometries, errors.energy_rmse_hartree * units::kKcalPerMolPerHartree,
                  errors.force_rmse_hartree_per_bohr));

  nlohmann::ordered_json j;
  j["name"] = name;
  j["smiles"] = info.smiles;
  j["system"] = info.system;
  j["gpiqa_version"] = kVersion;
  j["reference"] = "MMFF94 (RDKit), atomic energies by equal sharing of terms";
  j["sampling"] = {{"temperatures_K", recipe.sample.temperatures_K},
                   {"md_ps_per_temperature", recipe.sample.duration_ps},
                   {"timestep_fs", recipe.sample.timestep_fs},
                   {"record_every_fs", recipe.sample.record_every_fs},
                   {"displaced", recipe.sample.displaced},
                   {"displace_angstrom", recipe.sample.displace_angstrom},
                   {"max_energy_kcal_per_mol", sample.max_energy_kcal},
                   {"candidates", sample.candidates},
                   {"rejected_above_cap", sample.rejected},
                   {"training_points", sample.training.size()},
                   {"validation_points", sample.validation.size()},
                   {"seed", recipe.sample.seed}};
  j["training"] = {{"kernel", recipe.training.kernel},
                   {"mean", recipe.training.mean},
                   {"optimise_noise", recipe.training.optimise_noise},
                   {"starts", recipe.training.starts}};
  nlohmann::ordered_json atoms = nlohmann::ordered_json::array();
  for (const train::AtomReport& r : reports)
    atoms.push_back({{"atom", r.atom},
                     {"training_points", r.training_points},
                     {"features", r.features},
                     {"kernel", r.kernel},
                     {"log_likelihood", r.log_likelihood},
                     {"noise", r.noise},
                     {"mean_length_scale", r.mean_length_scale},
                     {"seconds", r.seconds},
                     {"validation_rmse_hartree", r.validation_rmse_hartree},
                     {"validation_max_error_hartree", r.validation_max_error_hartree}});
  j["atoms"] = atoms;
  j["whole_molecule_validation"] = errors_json(errors);
  j["seconds"] = {{"sampling", sample_seconds}, {"training", train_seconds}, {"threads", threads}};
  {
    std::ofstream f(partial / "BUILD.json");
    f << j.dump(2) << '\n';
    if (!f.flush()) throw InputError((partial / "BUILD.json").string(), "cannot write");
  }
  fs::create_directories(fs::path(dest).parent_path());
  if (fs::exists(dest, ec)) fs::remove_all(dest);
  fs::rename(partial, dest);
  say("built " + dest);
}

}  // namespace

void add_models(CLI::App& app) {
  struct Options {
    std::string name, out;
    bool force = false;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("models", "gpiqa's default model sets: list them, build one");
  sub->require_subcommand(1);
  CLI::App* list = sub->add_subcommand(
      "list", "Built-in molecules, where their model sets live, and whether they are built");
  list->callback([] {
    for (const reference::BuiltinMolecule& m : reference::builtin_molecules()) {
      const std::string dir = reference::builtin_models_path(m.name);
      std::error_code ec;
      const bool built = fs::exists(fs::path(dir) / "BUILD.json", ec);
      std::cout << fmt::format("{:<10} {:<26} {:<9} {}\n", m.name, m.smiles, built ? "built" : "not built",
                               dir);
    }
  });
  CLI::App* b = sub->add_subcommand("build", "Build a default model set from the MMFF94 reference (cached)");
  b->add_option("name", o->name, "Built-in molecule (gpiqa models list)")->required();
  b->add_option("--out", o->out, "Build here instead of the cache");
  b->add_flag("--force", o->force, "Rebuild even if built");
  b->add_option("--threads", o->threads, "Atoms trained at once")->capture_default_str();
  b->callback([o] {
    if (o->threads < 1) throw InputError("--threads", "must be at least 1");
    if (o->name == "all") {
      for (const reference::BuiltinMolecule& m : reference::builtin_molecules())
        build(m.name, "", o->force, o->threads);
      return;
    }
    build(o->name, o->out, o->force, o->threads);
  });
}

}  // namespace gpiqa::cli
