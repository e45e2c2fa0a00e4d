#include "gpiqa/train/recipe.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/reference/builtin.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/hash.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::train {

namespace fs = std::filesystem;

BuildRecipe default_recipe(const std::string& name, int atoms) {
  BuildRecipe r;
  // Sampling: MD well above the hottest campaign temperature (1000 K) and displacements as large as the
  // study's starting geometries (0.25 Angstrom).
  r.sample.temperatures_K = {300, 600, 1000, 1500};
  r.sample.duration_ps = 4.0;
  r.sample.timestep_fs = 0.25;
  r.sample.record_every_fs = 10.0;
  r.sample.displaced = 400;
  r.sample.displace_angstrom = 0.25;
  r.sample.validation_points = 200;
  r.sample.seed = 20261124;
  const int features = 3 * atoms - 6;
  r.sample.training_points = features <= 3    ? 300
                             : features <= 6  ? 400
                             : features <= 12 ? 500
                             : features <= 30 ? 750
                                              : 1000;
  r.training.kernel = "auto";  // rbf, rbf-cyclic or rbf x periodic per atom, by marginal likelihood
  r.training.mean = "mean";
  r.training.optimise_noise = true;
  r.training.starts = features > 30 ? 2 : 4;
  r.training.seed = 1;
  (void)name;
  return r;
}

BuildRecipe default_recipe(const std::string& name) {
  const auto atoms =
      static_cast<int>(io::read_xyz(reference::builtin_geometry(name)).front().elements.size());
  return default_recipe(name, atoms);
}

std::string describe(const BuildRecipe& r) {
  const SampleOptions& s = r.sample;
  std::string temperatures;
  for (double t : s.temperatures_K)
    temperatures += (temperatures.empty() ? "" : ",") + util::format_double(t);
  return fmt::format(
      "sample: temperatures_K={} duration_ps={} timestep_fs={} record_every_fs={} friction_per_ps={} "
      "displaced={} displace_angstrom={} max_energy_kcal={} training_points={} validation_points={} seed={}\n"
      "training: {}\n",
      temperatures, util::format_double(s.duration_ps), util::format_double(s.timestep_fs),
      util::format_double(s.record_every_fs), util::format_double(s.friction_per_ps), s.displaced,
      util::format_double(s.displace_angstrom), util::format_double(s.max_energy_kcal), s.training_points,
      s.validation_points, s.seed, describe(r.training));
}

std::string recipe_key(const std::string& name) {
  const std::string molfile = util::read_text_file(reference::builtin_molfile(name));
  return util::hex64(util::fnv1a64(molfile, util::fnv1a64(describe(default_recipe(name)))));
}

std::string default_set_path(const std::string& name) {
  const fs::path committed =
      fs::path(reference::data_dir()) / "models" / reference::builtin_molecule(name).name;
  std::error_code ec;
  if (fs::is_directory(committed, ec)) return committed.string();
  return (fs::path(reference::models_cache_dir()) / (name + "-" + recipe_key(name))).string();
}

std::string default_set(const std::string& name, const std::string& where) {
  reference::builtin_molecule(name, where);
  const std::string dir = default_set_path(name);
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "BUILD.json", ec))
    throw InputError(where, "the default models for " + name + " are not built yet (" + dir +
                                "): run `gpiqa models build " + name + "` once");
  return dir;
}

}  // namespace gpiqa::train
