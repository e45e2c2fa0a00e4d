// gpiqa probe (--models DIR [--mean SPEC] | --reference MOL_OR_SMILES) --xyz FILE [--equilibrium XYZ]
//             [--compare-reference MOL_OR_SMILES]
// The restoring-force probe (stability/restoring.hpp) at every frame of FILE: for every bond (as the monitors
// find bonds, at the equilibrium geometry) its deviation, the generalised force along it and whether that
// force restores it, for the full model and for its prior mean alone; and the energy along the straight path
// from the equilibrium geometry to the frame, r(s) = r_eq + s (r - r_eq) for s = 0, 0.25, ..., 2, for the
// full model, its prior mean alone and its kernel part alone, beside the reference's where there is one. One
// JSON object per frame.
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "gpiqa/io/xyz.hpp"
#include "gpiqa/model/molecule_model.hpp"
#include "gpiqa/stability/monitor.hpp"
#include "gpiqa/stability/restoring.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "potential_choice.hpp"

namespace gpiqa::cli {
namespace {

struct ProbeOptions : PotentialChoice {
  std::string xyz, equilibrium, compare_reference;
  double bond_factor = stability::MonitorConfig().bond_factor;
};

nlohmann::ordered_json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

void run_probe(const ProbeOptions& o) {
  run::LoadedPotential loaded = load_potential(o);
  model::Potential& potential = *loaded.potential;
  const std::vector<io::XyzFrame> frames = io::read_xyz(o.xyz);
  for (const io::XyzFrame& f : frames) loaded.check_atoms(f.elements, o.xyz);
  if (o.equilibrium.empty() && !loaded.molecule)
    throw InputError("--equilibrium",
                     "is required with --models (the geometry the bonds and the path start from)");
  const model::Positions r_eq = loaded.start_bohr(o.equilibrium);
  run::LoadedPotential reference;
  if (!o.compare_reference.empty()) {
    reference = run::load_potential(run::PotentialSource{"", "file", o.compare_reference});
    reference.check_atoms(potential.elements(), "--compare-reference " + o.compare_reference);
  }
  model::Potential* ref =
      reference.potential ? reference.potential.get() : (loaded.molecule ? &potential : nullptr);
  auto* gp = dynamic_cast<model::MoleculeModel*>(&potential);
  const std::vector<stability::Bond> bonds = stability::find_bonds(potential.elements(), r_eq, o.bond_factor);
  auto name = [&](int a) {
    return potential.elements()[static_cast<std::size_t>(a)] + std::to_string(a + 1);
  };

  for (std::size_t i = 0; i < frames.size(); ++i) {
    const model::Positions r = frames[i].positions_angstrom * units::kBohrPerAngstrom;
    model::Positions forces, prior_forces;
    double prior_energy = 0;
    try {
      potential.compute(r, &forces, nullptr, nullptr);
    } catch (const GeometryError& e) {
      throw InputError(o.xyz, "frame " + std::to_string(i) + ": " + e.what());
    }
    const bool has_prior = potential.prior_mean(r, prior_energy, &prior_forces);
    const stability::RestoringProbe full = stability::restoring_probe(bonds, r, r_eq, forces);
    stability::RestoringProbe prior;
    if (has_prior) prior = stability::restoring_probe(bonds, r, r_eq, prior_forces);
    nlohmann::ordered_json j;
    j["frame"] = i;
    j["restoring_fraction"] = number_or_null(full.restoring_fraction);
    j["restoring_fraction_prior"] = has_prior ? number_or_null(prior.restoring_fraction) : nullptr;
    nlohmann::ordered_json jb = nlohmann::ordered_json::array();
    for (std::size_t b = 0; b < bonds.size(); ++b) {
      const stability::BondForce& bf = full.bonds[b];
      nlohmann::ordered_json e;
      e["bond"] = name(bf.atoms.first) + "-" + name(bf.atoms.second);
      e["deviation_angstrom"] = bf.deviation_angstrom;
      e["force_hartree_per_bohr"] = bf.force_hartree_per_bohr;
      e["restoring"] = bf.restoring;
      if (has_prior) {
        e["prior_force_hartree_per_bohr"] = prior.bonds[b].force_hartree_per_bohr;
        e["prior_restoring"] = prior.bonds[b].restoring;
      }
      jb.push_back(std::move(e));
    }
    j["bonds"] = std::move(jb);
    // the straight path from equilibrium through the frame and as far again
    nlohmann::ordered_json path;
    std::vector<double> s, energy, prior_part, kernel_part, reference_energy;
    for (int k = 0; k <= 8; ++k) {
      const double sk = 0.25 * k;
      const model::Positions rs = r_eq + sk * (r - r_eq);
      s.push_back(sk);
      auto evaluate = [&](model::Potential& p) {
        try {
          return p.compute(rs, nullptr, nullptr, nullptr);
        } catch (const GeometryError&) {
          return std::numeric_limits<double>::quiet_NaN();  // a degenerate frame on the way
        }
      };
      energy.push_back(evaluate(potential));
      if (gp) {
        try {
          prior_part.push_back(gp->prior_mean_energy(rs));
          kernel_part.push_back(gp->kernel_energy(rs));
        } catch (const GeometryError&) {
          prior_part.push_back(std::numeric_limits<double>::quiet_NaN());
          kernel_part.push_back(std::numeric_limits<double>::quiet_NaN());
        }
      }
      if (ref) reference_energy.push_back(evaluate(*ref));
    }
    auto numbers = [](const std::vector<double>& v) {
      nlohmann::ordered_json a = nlohmann::ordered_json::array();
      for (double x : v) a.push_back(number_or_null(x));
      return a;
    };
    path["s"] = s;
    path["energy_hartree"] = numbers(energy);
    if (gp) {
      path["prior_hartree"] = numbers(prior_part);
      path["kernel_hartree"] = numbers(kernel_part);
    }
    if (ref) path["reference_hartree"] = numbers(reference_energy);
    j["path"] = std::move(path);
    std::cout << j.dump() << '\n';
  }
}

}  // namespace

void add_probe(CLI::App& app) {
  auto o = std::make_shared<ProbeOptions>();
  CLI::App* sub = app.add_subcommand(
      "probe", "Restoring-force probe: do the forces at each frame point back toward equilibrium?");
  o->add_options(sub);
  sub->add_option("--xyz", o->xyz, "Frames to probe (multi-frame xyz, Angstrom)")->required();
  sub->add_option(
      "--equilibrium", o->equilibrium,
      "Equilibrium geometry (xyz, Angstrom); default with --reference: the molecule's own coordinates");
  sub->add_option(
      "--compare-reference", o->compare_reference,
      "An MMFF94 reference (molfile or SMILES) whose energy along the path is printed beside the model's");
  sub->add_option("--bond-factor", o->bond_factor, "Bonds: closer than this x the sum of covalent radii")
      ->capture_default_str();
  sub->callback([o] {
    o->note_given();
    run_probe(*o);
  });
}

}  // namespace gpiqa::cli
