#include "gpiqa/campaign/task.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "gpiqa/util/text.hpp"

namespace gpiqa::campaign {

std::uint64_t fnv1a64(const std::string& data, std::uint64_t hash) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::vector<Task> expand_tasks(const CampaignSpec& spec, const std::vector<double>& cost_per_step) {
  std::vector<Task> tasks;
  std::int64_t id = 0;
  for (std::size_t m = 0; m < spec.molecules.size(); ++m)
    for (std::size_t v = 0; v < spec.models.size(); ++v)
      for (std::size_t t = 0; t < spec.temperatures_K.size(); ++t)
        for (std::size_t e = 0; e < std::max<std::size_t>(1, spec.start_energies_kcal_mol.size()); ++e)
          for (std::size_t s = 0; s < spec.seeds.size(); ++s) {
            Task task;
            task.id = id++;
            task.molecule = m, task.model = v, task.temperature = t, task.seed = s, task.start = e;
            const std::string energy = spec.start_energies_kcal_mol.size() > 1
                                           ? util::format_double(spec.start_energies_kcal_mol[e]) + "kcal/"
                                           : std::string();
            task.label = fmt::format("{}/{}/{}K/{}seed{}", spec.molecules[m].name, spec.models[v].name,
                                     util::format_double(spec.temperatures_K[t]), energy, spec.seeds[s]);
            // Model variants share the key (common random numbers): the same molecule, temperature and seed
            // start every variant from the same geometry and velocities with the same thermostat noise, so
            // comparing prior means is a paired comparison.
            task.key = fnv1a64(fmt::format("{}/{}K/seed{}", spec.molecules[m].name,
                                           util::format_double(spec.temperatures_K[t]), spec.seeds[s]));
            task.expected_cost = (m < cost_per_step.size() ? cost_per_step[m] : 1.0) * spec.duration_ps;
            tasks.push_back(task);
          }
  return tasks;
}

run::TrajectorySpec trajectory_spec(const CampaignSpec& spec, const Task& task) {
  run::TrajectorySpec t;
  t.integrator = spec.integrator;
  t.integrator.temperature_K = spec.temperatures_K[task.temperature];
  t.duration_ps = spec.duration_ps;
  t.seed = spec.seeds[task.seed];
  t.task_key = task.key;
  t.displace_angstrom = spec.displace_angstrom;
  t.displace_mode = spec.displace_mode;
  t.start_energy_above_minimum_kcal_mol = spec.controlled_start() ? spec.start_energies_kcal_mol[task.start]
                                                                  : std::numeric_limits<double>::quiet_NaN();
  t.monitors = spec.monitors;
  return t;
}

std::string campaign_fingerprint(const CampaignSpec& c) {
  std::ostringstream s;
  s << "name=" << c.name << "\n";
  auto file_hash = [](const std::string& path) { return fnv1a64(util::read_text_file(path)); };
  // A GP-only campaign renders as it always did, so its existing results files keep their fingerprint.
  for (const MoleculeEntry& m : c.molecules) {
    s << "molecule=" << m.name;
    if (!m.geometry.empty()) s << " geometry=" << file_hash(m.geometry);
    if (!m.models.empty()) {
      std::vector<std::filesystem::path> files;
      for (const auto& e : std::filesystem::directory_iterator(m.models))
        if (e.path().extension() == ".model") files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) s << " " << f.filename().string() << "=" << file_hash(f.string());
    }
    if (!m.reference.empty()) s << " reference=" << file_hash(m.reference);
    if (!m.smiles.empty()) s << " smiles=" << m.smiles;
    s << "\n";
  }
  for (const ModelVariant& v : c.models)
    s << "model=" << v.name << " mean=" << v.mean << (v.is_reference() ? " kind=reference" : "") << "\n";
  for (double t : c.temperatures_K) s << "T=" << util::format_double(t) << "\n";
  for (std::uint64_t seed : c.seeds) s << "seed=" << seed << "\n";
  const md::IntegratorConfig& i = c.integrator;
  s << "md=" << i.type << " dt=" << util::format_double(i.timestep_fs)
    << " tau=" << util::format_double(i.tau_fs) << " chain=" << i.chain_length
    << " gamma=" << util::format_double(i.friction_per_ps)
    << " duration=" << util::format_double(c.duration_ps)
    << " displace=" << util::format_double(c.displace_angstrom);
  // the default mode renders as before, so existing results files keep their fingerprint
  if (c.displace_mode != run::DisplaceMode::kGaussian)
    s << " displace_mode=" << run::to_string(c.displace_mode);
  if (c.start_energies_kcal_mol.size() == 1)  // as before the list existed
    s << " start_energy_kcal_mol=" << util::format_double(c.start_energies_kcal_mol[0]);
  if (c.start_energies_kcal_mol.size() > 1) {
    s << " start_energies_kcal_mol=";
    for (double e : c.start_energies_kcal_mol) s << util::format_double(e) << ",";
  }
  if (!c.start_frames.empty()) s << " start_frames=" << file_hash(c.start_frames);
  s << "\n";
  // Bumped when a monitor's meaning changes (2: the energy floor is relative to the potential's own
  // equilibrium energy), so a results file is never continued under other verdicts.
  s << "verdicts=2\n";
  const stability::MonitorConfig& m = c.monitors;
  s << "stability=" << util::format_double(m.bond_stretch_angstrom) << ","
    << util::format_double(m.min_distance_angstrom) << "," << util::format_double(m.bond_compress_fraction)
    << "," << util::format_double(m.max_temperature_excess_K) << ","
    << util::format_double(m.energy_floor_margin_hartree) << ","
    << util::format_double(m.extrapolation_kernel) << "," << util::format_double(m.bond_factor) << ","
    << util::format_double(m.temperature_window_fs) << "," << util::format_double(m.extrapolation_every_fs)
    << "," << util::format_double(m.extrapolation_variance) << "\n";
  s << "frames_every=" << c.frames_every << "\n";
  return fmt::format("{:016x}", fnv1a64(s.str()));
}

}  // namespace gpiqa::campaign
