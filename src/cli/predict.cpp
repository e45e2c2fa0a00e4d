// gpiqa predict --models DIR --xyz FILE [--mean SPEC]
// One JSON object per frame on stdout: frame, energy_hartree, atomic_energies_hartree, forces_hartree_per_bohr.
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::cli {

void add_predict(CLI::App& app) {
  struct Options {
    std::string models, xyz, mean = "file";
  };
  auto opt = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("predict", "Energies and forces of a GP-IQA model set on every frame of an xyz file");
  sub->add_option("--models", opt->models, "Model set directory (NAME_iqa_ATOM.model files)")->required();
  sub->add_option("--xyz", opt->xyz, "Geometry file, one or more frames, Angstrom")->required();
  sub->add_option("--mean", opt->mean, "Prior mean: file, mean, min, max, NUMBER, EL=NUM,..., linear, quadratic, quadratic+")
      ->capture_default_str();
  sub->callback([opt] {
    const model::MeanSpec spec = model::MeanSpec::parse(opt->mean);
    model::MoleculeModel set = model::MoleculeModel::load(opt->models, &std::cerr);
    if (!spec.is_file()) set = set.with_mean(spec);
    const std::vector<io::XyzFrame> frames = io::read_xyz(opt->xyz);
    for (const io::XyzFrame& f : frames) set.check_matches(f.elements, opt->xyz);
    model::Positions forces;
    Eigen::VectorXd atomic;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const model::Positions pos = frames[i].positions_angstrom * units::kBohrPerAngstrom;
      double energy = 0;
      try {
        energy = set.compute(pos, &forces, &atomic, nullptr);
      } catch (const GeometryError& e) {
        throw InputError(opt->xyz, "frame " + std::to_string(i) + ": " + e.what());
      }
      if (!std::isfinite(energy) || !forces.allFinite())
        throw InputError(opt->xyz, "frame " + std::to_string(i) + ": non-finite energy or forces (an atom on a local z axis?)");
      nlohmann::ordered_json j;
      j["frame"] = i;
      j["energy_hartree"] = energy;
      j["atomic_energies_hartree"] = std::vector<double>(atomic.data(), atomic.data() + atomic.size());
      nlohmann::ordered_json fj = nlohmann::ordered_json::array();
      for (Eigen::Index a = 0; a < forces.cols(); ++a) fj.push_back({forces(0, a), forces(1, a), forces(2, a)});
      j["forces_hartree_per_bohr"] = std::move(fj);
      std::cout << j.dump() << '\n';
    }
  });
}

}  // namespace gpiqa::cli
