// gpiqa sample --reference MOL|SMILES --out DIR [--system NAME] [--temperatures 300,600,1000,1500]
//              [--duration-ps 4] [--timestep-fs 0.25] [--record-every-fs 10] [--displaced 400]
//              [--displace-angstrom 0.25] [--points 500] [--validation 200] [--seed 1]
// Draws training geometries from the MMFF94 reference (MD at several temperatures plus random displacements,
// a farthest-point subset) and writes per-atom FEREBUS-layout training and validation CSVs, the local frames
// and the geometries. Deterministic for a seed.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpiqa/reference/mmff_reference.hpp"
#include "gpiqa/train/sampler.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::cli {

namespace fs = std::filesystem;

std::string default_system_name(const std::string& reference) {
  const fs::path p(reference);
  std::string stem = (p.extension() == ".mol" || p.extension() == ".sdf") ? p.stem().string() : "MOLECULE";
  for (char& c : stem) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return stem;
}

void add_sample(CLI::App& app) {
  struct Options {
    std::string reference, out, system, temperatures = "300,600,1000,1500";
    train::SampleOptions sample;
    bool overwrite = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "sample", "Training and validation sets from the MMFF94 reference (FEREBUS CSV layout)");
  sub->add_option("--reference", o->reference, "Molecule: an MDL molfile (.mol) or a SMILES string")
      ->required();
  sub->add_option("--out", o->out, "Output directory")->required();
  sub->add_option("--system", o->system,
                  "System name in file names (default: the molfile's name in capitals)");
  sub->add_option("--temperatures", o->temperatures, "Reference MD temperatures, K, comma-separated")
      ->capture_default_str();
  sub->add_option("--duration-ps", o->sample.duration_ps, "MD per temperature, ps")->capture_default_str();
  sub->add_option("--timestep-fs", o->sample.timestep_fs, "MD time step, fs")->capture_default_str();
  sub->add_option("--record-every-fs", o->sample.record_every_fs, "A candidate every this many fs of MD")
      ->capture_default_str();
  sub->add_option("--displaced", o->sample.displaced, "Randomly displaced candidates")->capture_default_str();
  sub->add_option("--displace-angstrom", o->sample.displace_angstrom,
                  "Largest Gaussian sigma of a displacement, Angstrom")
      ->capture_default_str();
  sub->add_option("--max-energy-kcal", o->sample.max_energy_kcal,
                  "Drop candidates this far above the minimum, kcal/mol (0: 30 + 3 (3N-6)/2 k_B T_max)")
      ->capture_default_str();
  sub->add_option("--points", o->sample.training_points, "Training geometries")->capture_default_str();
  sub->add_option("--validation", o->sample.validation_points, "Validation geometries")
      ->capture_default_str();
  sub->add_option("--seed", o->sample.seed, "Random seed")->capture_default_str();
  sub->add_flag("--overwrite", o->overwrite, "Replace existing CSVs in --out");
  sub->callback([o] {
    o->sample.temperatures_K.clear();
    for (const std::string& t : util::split(o->temperatures, ',')) {
      double v = 0;
      if (!util::parse_double(util::trim(t), v) || !(v > 0))
        throw InputError("--temperatures",
                         "expected positive numbers separated by commas, got '" + o->temperatures + "'");
      o->sample.temperatures_K.push_back(v);
    }
    if (!(o->sample.duration_ps > 0) || !(o->sample.timestep_fs > 0))
      throw InputError("--duration-ps", "durations must be positive");
    if (o->sample.displace_angstrom < 0) throw InputError("--displace-angstrom", "must be >= 0");
    const reference::Molecule mol = reference::Molecule::load(o->reference);
    const std::string system = o->system.empty() ? default_system_name(o->reference) : o->system;
    std::error_code ec;
    if (!o->overwrite && fs::exists(fs::path(o->out) / (system + "_ALF.txt"), ec))
      throw InputError(o->out, "already holds a sample for " + system + "; use --overwrite or another --out");
    reference::MmffReference ref(mol);
    const train::SampledGeometries s = train::sample_geometries(
        ref, mol.positions_bohr(), o->sample,
        [](const std::string& line) { std::cerr << "gpiqa sample: " << line << std::endl; });
    train::write_training_sets(o->out, system, ref, mol.local_frames(), s);
    std::cerr << "gpiqa sample: wrote " << o->out << std::endl;
  });
}

}  // namespace gpiqa::cli
