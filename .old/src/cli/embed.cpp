// gpiqa embed SMILES --name NAME [--out-dir DIR] [--seed S]
// Builds a molecule from SMILES (hydrogens added, ETKDG embedding with a fixed seed, MMFF94 minimisation) and
// writes DIR/NAME.mol (bond orders, 3D coordinates) and DIR/NAME.xyz. This is how molecules/*.mol were made.
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpiqa/io/xyz.hpp"
#include "gpiqa/reference/mmff_reference.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::cli {

void add_embed(CLI::App& app) {
  struct Options {
    std::string smiles, name, out_dir = ".";
    std::uint32_t seed = 20261124;
    bool overwrite = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("embed", "Molecule from SMILES: MMFF94-minimised NAME.mol and NAME.xyz");
  sub->add_option("smiles", o->smiles, "SMILES string")->required();
  sub->add_option("--name", o->name, "File name stem")->required();
  sub->add_option("--out-dir", o->out_dir, "Output directory")->capture_default_str();
  sub->add_option("--seed", o->seed, "Embedding seed")->capture_default_str();
  sub->add_flag("--overwrite", o->overwrite, "Replace existing files");
  sub->callback([o] {
    namespace fs = std::filesystem;
    const fs::path mol_path = fs::path(o->out_dir) / (o->name + ".mol"),
                   xyz_path = fs::path(o->out_dir) / (o->name + ".xyz");
    std::error_code ec;
    for (const fs::path& p : {mol_path, xyz_path})
      if (!o->overwrite && fs::exists(p, ec)) throw InputError(p.string(), "exists; use --overwrite");
    const reference::Molecule mol =
        reference::Molecule::from_smiles(o->smiles, "SMILES '" + o->smiles + "'", o->seed);
    fs::create_directories(o->out_dir);
    {
      std::ofstream f(mol_path);
      f << mol.molblock(o->name);
      if (!f.flush()) throw InputError(mol_path.string(), "cannot write");
    }
    // The xyz carries the molfile's coordinates (4 decimals), so both files describe the same geometry.
    const reference::Molecule back = reference::Molecule::from_molfile(mol_path.string());
    io::XyzFrame frame;
    frame.elements = back.elements();
    frame.positions_angstrom = back.positions_bohr() / units::kBohrPerAngstrom;
    reference::MmffReference ref(back);
    const double energy = ref.compute(back.positions_bohr(), nullptr, nullptr, nullptr);
    frame.comment = fmt::format("{} {} MMFF94 minimum, E = {:.10f} Ha", o->name, o->smiles, energy);
    fs::remove(xyz_path, ec);
    io::write_xyz_frame(xyz_path.string(), frame, false);
    std::cout << fmt::format("{} ({} atoms, MMFF94 energy {:.6f} kcal/mol) -> {}, {}\n", o->name,
                             back.atom_count(), energy * units::kKcalPerMolPerHartree, mol_path.string(),
                             xyz_path.string());
  });
}

}  // namespace gpiqa::cli
