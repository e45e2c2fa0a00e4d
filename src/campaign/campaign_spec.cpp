#include "gpiqa/campaign/campaign_spec.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/reference/builtin.hpp"
#include "gpiqa/train/recipe.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::campaign {
namespace {

namespace fs = std::filesystem;

class Reader {
 public:
  Reader(std::string source) : source_(std::move(source)), dir_(fs::absolute(source_).parent_path()) {}

  [[noreturn]] void fail(const YAML::Node& n, const std::string& problem) const {
    const int line = n.IsDefined() && n.Mark().line >= 0 ? n.Mark().line + 1 : 0;
    throw InputError(source_, line, problem);
  }

  void require_map(const YAML::Node& n, const std::string& what) const {
    if (!n.IsMap()) fail(n, what + " must be a mapping of keys to values");
  }

  // Checks that `n` has only the allowed keys.
  void only_keys(const YAML::Node& n, const std::string& what,
                 std::initializer_list<const char*> allowed) const {
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      bool ok = false;
      std::string list;
      for (const char* a : allowed) ok = ok || key == a, list += (list.empty() ? "" : ", ") + std::string(a);
      if (!ok) fail(kv.first, "unknown key '" + key + "' in " + what + " (allowed: " + list + ")");
    }
  }

  double number(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) fail(n, what + " must be a number");
    double v = 0;
    if (!util::parse_double(util::trim(n.Scalar()), v) || !std::isfinite(v))
      fail(n, what + " must be a finite number, not '" + n.Scalar() + "'");
    return v;
  }
  double positive(const YAML::Node& n, const std::string& what) const {
    const double v = number(n, what);
    if (!(v > 0)) fail(n, what + " must be positive, got " + util::trim(n.Scalar()));
    return v;
  }
  long long integer(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) fail(n, what + " must be an integer");
    long long v = 0;
    if (!util::parse_integer(util::trim(n.Scalar()), v))
      fail(n, what + " must be an integer, not '" + n.Scalar() + "'");
    return v;
  }
  std::string string(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar() || n.Scalar().empty()) fail(n, what + " must be a non-empty string");
    return n.Scalar();
  }
  std::string path(const YAML::Node& n, const std::string& what, bool must_exist, bool directory) const {
    const fs::path p = fs::path(string(n, what));
    const fs::path full = p.is_absolute() ? p : dir_ / p;
    if (must_exist) {
      std::error_code ec;
      if (!fs::exists(full, ec)) fail(n, what + " '" + full.string() + "' does not exist");
      if (directory && !fs::is_directory(full, ec))
        fail(n, what + " '" + full.string() + "' is not a directory");
    }
    return fs::weakly_canonical(full).string();
  }

  // yaml-cpp keeps the first of duplicate keys and converts only scalar keys: every key of every mapping must
  // be a plain name, given once. Aliases are followed, so the walk is bounded in depth and in nodes.
  void check_keys(const YAML::Node& n, int depth, long& nodes) const {
    if (depth > 64) fail(n, "nested more than 64 deep");
    if (++nodes > 1000000) fail(n, "more than 10^6 YAML nodes (aliases that expand without end?)");
    if (n.IsSequence())
      for (const YAML::Node& item : n) check_keys(item, depth + 1, nodes);
    if (!n.IsMap()) return;
    std::map<std::string, int> seen;  // key -> line
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) fail(kv.first, "a key must be a plain name, not a list, mapping or null");
      const int line = kv.first.Mark().line + 1;
      const auto [it, fresh] = seen.emplace(kv.first.Scalar(), line);
      if (!fresh)
        fail(kv.first,
             "duplicate key '" + kv.first.Scalar() + "' (first at line " + std::to_string(it->second) + ")");
      check_keys(kv.second, depth + 1, nodes);
    }
  }

  const std::string& source() const { return source_; }

 private:
  std::string source_;
  fs::path dir_;
};

void parse_md(const Reader& r, const YAML::Node& md, CampaignSpec& c) {
  r.require_map(md, "md");
  r.only_keys(md, "md", {"timestep_fs", "duration_ps", "thermostat", "bundle"});
  if (md["timestep_fs"]) {
    c.integrator.timestep_fs = r.positive(md["timestep_fs"], "md.timestep_fs");
    if (c.integrator.timestep_fs < md::kMinTimestepFs || c.integrator.timestep_fs > md::kMaxTimestepFs)
      r.fail(md["timestep_fs"],
             fmt::format("md.timestep_fs must be {}..{} fs", md::kMinTimestepFs, md::kMaxTimestepFs));
  }
  if (const YAML::Node b = md["bundle"]) {
    try {
      c.bundle = parse_bundle(r.string(b, "md.bundle"), "md.bundle");
    } catch (const InputError& e) {
      r.fail(b, "md.bundle " + e.problem());
    }
  }
  if (md["duration_ps"]) c.duration_ps = r.positive(md["duration_ps"], "md.duration_ps");
  const double steps = c.duration_ps * 1000.0 / c.integrator.timestep_fs;
  if (!(steps >= 0.5 && steps <= static_cast<double>(run::kMaxSteps)))
    r.fail(md["duration_ps"] ? md["duration_ps"] : md,
           fmt::format("md.duration_ps {} ps is {:.4g} steps of {} fs, outside 1..2^53", c.duration_ps, steps,
                       c.integrator.timestep_fs));
  if (const YAML::Node t = md["thermostat"]) {
    if (t.IsScalar()) {
      c.integrator.type = t.Scalar();
    } else {
      r.require_map(t, "md.thermostat");
      r.only_keys(t, "md.thermostat", {"type", "tau_fs", "chain_length", "friction_per_ps"});
      if (t["type"]) c.integrator.type = r.string(t["type"], "md.thermostat.type");
      if (t["tau_fs"]) c.integrator.tau_fs = r.positive(t["tau_fs"], "md.thermostat.tau_fs");
      if (t["chain_length"]) {
        const long long m = r.integer(t["chain_length"], "md.thermostat.chain_length");
        if (m < 1 || m > md::kMaxChainLength)
          r.fail(t["chain_length"],
                 fmt::format("md.thermostat.chain_length must be 1..{}", md::kMaxChainLength));
        c.integrator.chain_length = static_cast<int>(m);
      }
      if (t["friction_per_ps"])
        c.integrator.friction_per_ps = r.positive(t["friction_per_ps"], "md.thermostat.friction_per_ps");
    }
    const YAML::Node where = t.IsMap() && t["type"] ? t["type"] : t;
    if (c.integrator.type != "nhc" && c.integrator.type != "csvr" && c.integrator.type != "langevin" &&
        c.integrator.type != "nve")
      r.fail(where, "unknown thermostat '" + c.integrator.type + "' (nhc, csvr, langevin, nve)");
  }
}

void parse_stability(const Reader& r, const YAML::Node& s, stability::MonitorConfig& m) {
  r.require_map(s, "stability");
  r.only_keys(s, "stability",
              {"bond_stretch_angstrom", "min_distance_angstrom", "bond_compress_fraction",
               "max_temperature_excess_K", "temperature_window_fs", "energy_floor_hartree",
               "extrapolation_kernel", "extrapolation_every_fs", "extrapolation_variance", "bond_factor"});
  if (s["temperature_window_fs"])
    m.temperature_window_fs = r.positive(s["temperature_window_fs"], "stability.temperature_window_fs");
  if (s["bond_stretch_angstrom"])
    m.bond_stretch_angstrom = r.positive(s["bond_stretch_angstrom"], "stability.bond_stretch_angstrom");
  if (s["min_distance_angstrom"])
    m.min_distance_angstrom = r.positive(s["min_distance_angstrom"], "stability.min_distance_angstrom");
  if (s["bond_compress_fraction"]) {
    m.bond_compress_fraction = r.positive(s["bond_compress_fraction"], "stability.bond_compress_fraction");
    if (m.bond_compress_fraction >= 1)
      r.fail(s["bond_compress_fraction"], "stability.bond_compress_fraction must be below 1");
  }
  if (s["max_temperature_excess_K"])
    m.max_temperature_excess_K =
        r.positive(s["max_temperature_excess_K"], "stability.max_temperature_excess_K");
  if (s["energy_floor_hartree"])
    m.energy_floor_margin_hartree = r.positive(s["energy_floor_hartree"], "stability.energy_floor_hartree");
  if (s["extrapolation_kernel"]) {
    m.extrapolation_kernel = r.number(s["extrapolation_kernel"], "stability.extrapolation_kernel");
    if (!(m.extrapolation_kernel >= 0 && m.extrapolation_kernel < 1))
      r.fail(s["extrapolation_kernel"], "stability.extrapolation_kernel must be in [0, 1)");
  }
  if (s["extrapolation_every_fs"])
    m.extrapolation_every_fs = r.positive(s["extrapolation_every_fs"], "stability.extrapolation_every_fs");
  if (s["extrapolation_variance"]) {
    m.extrapolation_variance = r.positive(s["extrapolation_variance"], "stability.extrapolation_variance");
    if (m.extrapolation_variance >= 1)
      r.fail(s["extrapolation_variance"], "stability.extrapolation_variance must be below 1");
  }
  if (s["bond_factor"]) m.bond_factor = r.positive(s["bond_factor"], "stability.bond_factor");
}

// One model variant: `kind: gp` (default) with an optional prior `mean`, or `kind: reference` without one.
ModelVariant parse_variant(const Reader& r, const std::string& name, const YAML::Node& n) {
  ModelVariant v{name, "file", ModelKind::kGp};
  if (n.IsNull()) return v;
  const std::string what = "model '" + name + "'";
  r.require_map(n, what);
  r.only_keys(n, what, {"kind", "mean", "retrain"});
  if (const YAML::Node kind = n["kind"]) {
    const std::string k = r.string(kind, "kind of " + what);
    if (k == "reference") {
      v.kind = ModelKind::kReference;
      v.mean = "reference";
    } else if (k != "gp") {
      r.fail(kind, "unknown kind '" + k + "' of " + what + " (gp, reference)");
    }
  }
  if (const YAML::Node mean = n["mean"]) {
    if (v.is_reference())
      r.fail(mean, what + " is the reference potential: it has no prior mean (mean is for kind: gp)");
    v.mean = r.string(mean, "mean of " + what);
    try {
      model::MeanSpec::parse(v.mean);
    } catch (const InputError& e) {
      r.fail(mean, e.problem());
    }
  }
  if (const YAML::Node retrain = n["retrain"]) {
    if (!retrain.IsScalar() || !YAML::convert<bool>::decode(retrain, v.retrain))
      r.fail(retrain, "retrain of " + what + " must be true or false");
    if (v.retrain && v.is_reference())
      r.fail(retrain, what + " is the reference potential: retrain is for kind: gp");
    if (v.retrain && model::MeanSpec::parse(v.mean).is_file())
      r.fail(retrain, what +
                          ": retrain: true trains the GP again for its prior mean, and mean 'file' has none "
                          "to fit (it keeps the model files' own): give the mean to train for, e.g. "
                          "quadratic+");
  }
  return v;
}

// `builtin: NAME`: the built-in molecule's geometry and reference molfile, and its default model set when the
// campaign has a GP variant (`gp`).
void resolve_builtin(const Reader& r, const YAML::Node& m, bool gp, MoleculeEntry& e) {
  const std::string what = "molecule '" + e.name + "'";
  for (const char* key : {"geometry", "models", "reference", "smiles"})
    if (m[key])
      r.fail(m[key],
             what + ": builtin cannot be combined with " + key + " (the built-in molecule brings its own)");
  const YAML::Node b = m["builtin"];
  e.builtin = r.string(b, "builtin of " + e.name);
  try {
    reference::builtin_molecule(e.builtin);
    e.geometry = reference::builtin_geometry(e.builtin);
    e.reference = reference::builtin_molfile(e.builtin);
    if (gp) e.models = train::default_set(e.builtin);
  } catch (const InputError& err) {
    r.fail(b, what + ": " + err.problem());
  }
  for (const std::string& file : {e.geometry, e.reference}) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) r.fail(b, what + ": built-in file '" + file + "' is missing");
  }
}

// One entry of `molecules`. What it must give depends on the campaign's variants: a GP variant (`gp`) needs a
// model set, a reference variant (`ref`) a reference; a geometry is needed only without a reference.
MoleculeEntry parse_molecule(const Reader& r, const std::string& name, const YAML::Node& m, bool gp,
                             bool ref) {
  const std::string what = "molecule '" + name + "'";
  r.require_map(m, what);
  r.only_keys(m, what, {"builtin", "geometry", "models", "reference", "smiles"});
  MoleculeEntry e;
  e.name = name;
  if (m["builtin"]) {
    resolve_builtin(r, m, gp, e);
    return e;
  }
  if (m["reference"] && m["smiles"]) r.fail(m["smiles"], what + " has both reference and smiles (give one)");
  if (m["reference"]) e.reference = r.path(m["reference"], "reference of " + name, true, false);
  if (m["smiles"]) e.smiles = r.string(m["smiles"], "smiles of " + name);
  if (m["geometry"])
    e.geometry = r.path(m["geometry"], "geometry of " + name, true, false);
  else if (!e.has_reference())
    r.fail(m, what + " has no geometry (give geometry, or a reference or smiles to start from)");
  if (m["models"]) {
    const std::string dir = r.path(m["models"], "models of " + name, true, true);
    if (gp) e.models = dir;  // a reference-only campaign does not use (or fingerprint) the GP set
  } else if (gp) {
    r.fail(m, what + " has no models (the campaign's GP variants need a model set)");
  }
  if (ref && !e.has_reference())
    r.fail(m, what +
                  " has no reference (reference: FILE.mol, smiles: or builtin:) for the campaign's reference "
                  "variant");
  return e;
}

// The geometry, the reference and the GP model set of a molecule must have the same atoms in the same order;
// the reference must be usable by MMFF94 and the model set must load. Sets the molecule's cost per step and
// plans the retrained sets of the `retrain: true` variants.
void check_molecule(MoleculeEntry& m, const std::vector<ModelVariant>& variants) {
  std::vector<std::string> elements;
  std::string elements_from;
  if (!m.geometry.empty()) {
    elements = io::read_xyz(m.geometry).front().elements;
    elements_from = m.geometry;
  }
  if (m.has_reference()) {
    const reference::Molecule mol = reference_molecule(m);
    const std::string ref_name = "reference " + mol.source();
    if (elements_from.empty()) {
      elements = mol.elements();
      elements_from = ref_name;
    } else {
      io::check_elements(elements, elements_from, mol.elements(), ref_name);
    }
    m.cost_per_step = static_cast<double>(mol.atom_count()) * mol.atom_count();
  }
  if (!m.models.empty()) {
    const model::MoleculeModel set = model::MoleculeModel::load(m.models);
    set.check_matches(elements, elements_from);
    m.cost_per_step = 0;
    for (const auto& a : set.atoms())
      m.cost_per_step += static_cast<double>(a.training_size()) * a.feature_count();
    for (const ModelVariant& v : variants)
      if (v.retrain)
        m.retrained[v.name] = train::plan_retrain(set, m.models, v.mean,
                                                  {m.reference.empty() ? m.smiles : m.reference, m.geometry});
  }
  m.elements = elements;
}

}  // namespace

CampaignSpec parse_campaign(const std::string& text, const std::string& source) {
  Reader r(source);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(source, e.mark.line >= 0 ? e.mark.line + 1 : 0, "malformed YAML: " + e.msg);
  }
  if (!root.IsMap())
    throw InputError(source, "a campaign must be a YAML mapping (name, molecules, models, ...)");
  long nodes = 0;
  r.check_keys(root, 0, nodes);
  r.only_keys(
      root, "the campaign",
      {"name", "molecules", "models", "temperatures_K", "seeds", "md", "start", "stability", "output"});
  CampaignSpec c;
  c.source = source;
  c.text = text;
  for (const char* key : {"name", "molecules", "models", "temperatures_K", "seeds"})
    if (!root[key]) throw InputError(source, std::string("missing required key '") + key + "'");
  c.name = r.string(root["name"], "name");

  // Variants first: they decide what each molecule must give.
  const YAML::Node variants = root["models"];
  r.require_map(variants, "models");
  if (variants.size() == 0) r.fail(variants, "models is empty");
  for (const auto& kv : variants) c.models.push_back(parse_variant(r, kv.first.as<std::string>(), kv.second));

  const YAML::Node mols = root["molecules"];
  r.require_map(mols, "molecules");
  if (mols.size() == 0) r.fail(mols, "molecules is empty");
  for (const auto& kv : mols) {
    c.molecules.push_back(parse_molecule(r, kv.first.as<std::string>(), kv.second, c.has_gp_variant(),
                                         c.has_reference_variant()));
    // mmff-bonded without its own molecule takes the campaign molecule's reference, else the set's BUILD.json
    const MoleculeEntry& e = c.molecules.back();
    for (std::size_t v = 0; v < c.models.size(); ++v) {
      if (c.models[v].is_reference()) continue;
      const model::MeanSpec mean = model::MeanSpec::parse(c.models[v].mean);
      if (mean.kind == model::MeanSpec::Kind::kMmffBonded && mean.argument.empty() && !e.has_reference() &&
          !std::filesystem::exists(std::filesystem::path(e.models) / "BUILD.json"))
        r.fail(kv.second, "molecule '" + e.name +
                              "' has no reference (reference: FILE.mol, smiles: or builtin:) "
                              "for model '" +
                              c.models[v].name +
                              "' (mean mmff-bonded), and its model set has no "
                              "BUILD.json naming one");
    }
  }

  const YAML::Node temps = root["temperatures_K"];
  if (temps.IsScalar())
    c.temperatures_K.push_back(r.positive(temps, "temperatures_K"));
  else if (temps.IsSequence())
    for (const auto& t : temps) c.temperatures_K.push_back(r.positive(t, "each of temperatures_K"));
  else
    r.fail(temps, "temperatures_K must be a number or a list of numbers");
  if (c.temperatures_K.empty()) r.fail(temps, "temperatures_K is empty");
  if (std::set<double>(c.temperatures_K.begin(), c.temperatures_K.end()).size() != c.temperatures_K.size())
    r.fail(temps, "temperatures_K has duplicates");

  const YAML::Node seeds = root["seeds"];
  if (seeds.IsScalar()) {
    const long long n = r.integer(seeds, "seeds");
    if (n < 1) r.fail(seeds, "seeds must be a count >= 1 or a list of seeds");
    if (n > kMaxSeeds)
      r.fail(seeds, fmt::format("seeds: {} is more than {} trajectories per molecule, model and temperature",
                                n, kMaxSeeds));
    for (long long s = 1; s <= n; ++s) c.seeds.push_back(static_cast<std::uint64_t>(s));
  } else if (seeds.IsSequence()) {
    for (const auto& s : seeds) {
      const long long v = r.integer(s, "each seed");
      if (v < 0) r.fail(s, "seeds must be non-negative");
      c.seeds.push_back(static_cast<std::uint64_t>(v));
    }
    if (c.seeds.empty()) r.fail(seeds, "seeds is empty");
    if (c.seeds.size() > static_cast<std::size_t>(kMaxSeeds))
      r.fail(seeds, fmt::format("seeds lists {} seeds, more than {}", c.seeds.size(), kMaxSeeds));
    if (std::set<std::uint64_t>(c.seeds.begin(), c.seeds.end()).size() != c.seeds.size())
      r.fail(seeds, "seeds has duplicates");
  } else {
    r.fail(seeds, "seeds must be a count or a list");
  }

  if (root["md"]) parse_md(r, root["md"], c);
  if (const YAML::Node s = root["start"]) {
    r.require_map(s, "start");
    r.only_keys(s, "start",
                {"displace_angstrom", "displace_mode", "energy_above_minimum_kcal_mol", "frames"});
    if (s["displace_angstrom"]) {
      c.displace_angstrom = r.number(s["displace_angstrom"], "start.displace_angstrom");
      if (c.displace_angstrom < 0) r.fail(s["displace_angstrom"], "start.displace_angstrom must be >= 0");
    }
    if (s["displace_mode"]) {
      try {
        c.displace_mode = run::parse_displace_mode(r.string(s["displace_mode"], "start.displace_mode"),
                                                   "start.displace_mode");
      } catch (const InputError& e) {
        r.fail(s["displace_mode"], e.what());
      }
    }
    if (const YAML::Node e = s["energy_above_minimum_kcal_mol"]) {
      if (e.IsSequence()) {
        if (e.size() == 0) r.fail(e, "start.energy_above_minimum_kcal_mol is an empty list");
        for (const YAML::Node& v : e) {
          const double x = r.positive(v, "start.energy_above_minimum_kcal_mol");
          if (std::find(c.start_energies_kcal_mol.begin(), c.start_energies_kcal_mol.end(), x) !=
              c.start_energies_kcal_mol.end())
            r.fail(v, "start.energy_above_minimum_kcal_mol has duplicates");
          c.start_energies_kcal_mol.push_back(x);
        }
      } else {
        c.start_energies_kcal_mol.push_back(r.positive(e, "start.energy_above_minimum_kcal_mol"));
      }
      if (c.displace_angstrom > 0)
        r.fail(e,
               "start.energy_above_minimum_kcal_mol scales the seed's direction itself: give it or "
               "start.displace_angstrom, not both");
    }
    if (const YAML::Node f = s["frames"]) {
      c.start_frames = r.path(f, "start.frames", true, false);
      try {
        for (const io::XyzFrame& frame : io::read_xyz(c.start_frames))
          c.start_frames_bohr.push_back(frame.positions_angstrom * units::kBohrPerAngstrom);
      } catch (const InputError& e) {
        r.fail(f, e.what());
      }
      if (c.start_frames_bohr.size() < c.seeds.size())
        r.fail(f, fmt::format(
                      "start.frames {} has {} frames, fewer than the {} seeds (seed i starts from frame i)",
                      c.start_frames, c.start_frames_bohr.size(), c.seeds.size()));
    }
  }
  if (root["stability"]) parse_stability(r, root["stability"], c.monitors);
  const YAML::Node out = root["output"];
  std::string file = "results/" + c.name + ".h5";
  if (out) {
    r.require_map(out, "output");
    r.only_keys(out, "output", {"file", "frames_every", "checkpoint_every_s"});
    if (out["file"]) file = r.string(out["file"], "output.file");
    if (out["frames_every"]) {
      c.frames_every = r.integer(out["frames_every"], "output.frames_every");
      if (c.frames_every < 0) r.fail(out["frames_every"], "output.frames_every must be >= 0");
    }
    if (out["checkpoint_every_s"])
      c.checkpoint_every_s = r.positive(out["checkpoint_every_s"], "output.checkpoint_every_s");
  }
  const fs::path fp(file);
  c.output_file =
      fs::weakly_canonical(fp.is_absolute() ? fp : fs::absolute(source).parent_path() / fp).string();

  // Every model set and reference must load and match its geometry, and the start frames every molecule.
  for (MoleculeEntry& m : c.molecules) {
    try {
      check_molecule(m, c.models);
      if (!c.start_frames.empty())
        for (const io::XyzFrame& frame : io::read_xyz(c.start_frames))
          io::check_elements(frame.elements, "start.frames " + c.start_frames, m.elements,
                             "molecule '" + m.name + "'");
    } catch (const InputError& e) {
      r.fail(mols[m.name], "molecule '" + m.name + "': " + e.what());
    }
  }
  return c;
}

CampaignSpec load_campaign(const std::string& path) {
  return parse_campaign(util::read_text_file(path), path);
}

int parse_bundle(const std::string& text, const std::string& where) {
  if (text == "auto") return 0;
  long long n = 0;
  if (!util::parse_integer(util::trim(text), n) || n < 1 || n > kMaxBundle)
    throw InputError(where,
                     fmt::format("must be auto or a bundle size from 1 to {}, not '{}'", kMaxBundle, text));
  return static_cast<int>(n);
}

bool CampaignSpec::has_gp_variant() const {
  for (const ModelVariant& v : models)
    if (!v.is_reference()) return true;
  return false;
}

bool CampaignSpec::has_reference_variant() const {
  for (const ModelVariant& v : models)
    if (v.is_reference()) return true;
  return false;
}

const std::string& CampaignSpec::models_of(std::size_t molecule, std::size_t variant) const {
  const MoleculeEntry& m = molecules.at(molecule);
  const ModelVariant& v = models.at(variant);
  return v.retrain ? m.retrained.at(v.name).directory : m.models;
}

reference::Molecule reference_molecule(const MoleculeEntry& m) {
  if (!m.reference.empty()) return reference::Molecule::from_molfile(m.reference);
  if (!m.smiles.empty()) return reference::Molecule::from_smiles(m.smiles, "SMILES '" + m.smiles + "'");
  throw std::logic_error("molecule '" + m.name + "' has no reference");
}

}  // namespace gpiqa::campaign
