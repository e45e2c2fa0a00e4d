#pragma once
// gpiqa's built-in molecules and default model sets.
//
//   <data>/molecules/NAME.mol, NAME.xyz   MMFF94-minimised structures (committed)
//   <data>/models/NAME/                   small default model sets the quickstart uses (committed)
//   <cache>/NAME/                         larger sets, built deterministically on first use by
//                                         `gpiqa models build NAME` (reference sampling + training)
// <data> is $GPIQA_DATA_DIR when set, else the source tree gpiqa was built from. <cache> is
// $GPIQA_MODELS_CACHE when set, else $XDG_CACHE_HOME/gpiqa/models, else ~/.cache/gpiqa/models.
#include <string>
#include <vector>

namespace gpiqa::reference {

struct BuiltinMolecule {
  std::string name;    // "glycine"
  std::string smiles;  // how molecules/NAME.mol was made
  std::string system;  // upper-case system name in model files ("GLYCINE")
};

const std::vector<BuiltinMolecule>& builtin_molecules();
/// InputError (naming `where`) for an unknown name, listing the known ones.
const BuiltinMolecule& builtin_molecule(const std::string& name, const std::string& where = "");

std::string data_dir();
std::string models_cache_dir();
std::string builtin_molfile(const std::string& name);
std::string builtin_geometry(const std::string& name);
/// Where NAME's model set is or will be: the committed directory if it exists, else the cache directory.
std::string builtin_models_path(const std::string& name);
/// Like builtin_models_path, but InputError (naming `where`) when the set has not been built yet, with the
/// command that builds it.
std::string builtin_models(const std::string& name, const std::string& where = "");

}  // namespace gpiqa::reference
