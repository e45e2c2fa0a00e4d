// gpiqa predict (--models DIR [--mean SPEC] | --reference MOL_OR_SMILES) --xyz FILE
// One JSON object per frame on stdout: frame, energy_hartree, atomic_energies_hartree,
// forces_hartree_per_bohr. With --reference the potential is MMFF94 (a .mol/.sdf file or a SMILES string) and
// the atomic energies are its IQA-style partition.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "gpiqa/io/xyz.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "potential_choice.hpp"

namespace gpiqa::cli {
namespace {

struct PredictOptions : PotentialChoice {
  std::string xyz;
};

}  // namespace

void add_predict(CLI::App& app) {
  auto opt = std::make_shared<PredictOptions>();
  CLI::App* sub = app.add_subcommand(
      "predict",
      "Energies and forces of a GP-IQA model set (or the MMFF94 reference) on every frame of an xyz file");
  opt->add_options(sub);
  sub->add_option("--xyz", opt->xyz, "Geometry file, one or more frames, Angstrom")->required();
  sub->callback([opt] {
    opt->note_given();
    const std::vector<io::XyzFrame> frames = io::read_xyz(opt->xyz);
    const run::LoadedPotential chosen = load_potential(*opt);
    for (const io::XyzFrame& f : frames) chosen.check_atoms(f.elements, opt->xyz);
    model::Potential* potential = chosen.potential.get();
    model::Positions forces;
    Eigen::VectorXd atomic;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const model::Positions pos = frames[i].positions_angstrom * units::kBohrPerAngstrom;
      double energy = 0;
      try {
        energy = potential->compute(pos, &forces, &atomic, nullptr);
      } catch (const GeometryError& e) {
        throw InputError(opt->xyz, "frame " + std::to_string(i) + ": " + e.what());
      }
      if (!std::isfinite(energy) || !forces.allFinite())
        throw InputError(opt->xyz, "frame " + std::to_string(i) +
                                       ": non-finite energy or forces (an atom on a local z axis?)");
      nlohmann::ordered_json j;
      j["frame"] = i;
      j["energy_hartree"] = energy;
      j["atomic_energies_hartree"] = std::vector<double>(atomic.data(), atomic.data() + atomic.size());
      nlohmann::ordered_json fj = nlohmann::ordered_json::array();
      for (Eigen::Index a = 0; a < forces.cols(); ++a)
        fj.push_back({forces(0, a), forces(1, a), forces(2, a)});
      j["forces_hartree_per_bohr"] = std::move(fj);
      // the normalised GP posterior variance per atom (0 on the data, 1 = prior mean only); GP sets only
      Eigen::VectorXd variance;
      if (potential->posterior_variance(pos, variance))
        j["posterior_variance"] = std::vector<double>(variance.data(), variance.data() + variance.size());
      std::cout << j.dump() << '\n';
    }
  });
}

}  // namespace gpiqa::cli
