#include "gpiqa/reference/builtin.hpp"

#include <cstdlib>
#include <filesystem>

#include "gpiqa/util/error.hpp"

#ifndef GPIQA_SOURCE_DIR
#error "GPIQA_SOURCE_DIR must be defined by the build"
#endif

namespace gpiqa::reference {

namespace fs = std::filesystem;

const std::vector<BuiltinMolecule>& builtin_molecules() {
  static const std::vector<BuiltinMolecule> all = {
      {"water", "O", "WATER"},
      {"ammonia", "N", "AMMONIA"},
      {"methanol", "CO", "METHANOL"},
      {"glycine", "NCC(=O)O", "GLYCINE"},
      {"serine", "N[C@@H](CO)C(=O)O", "SERINE"},
      {"aspirin", "CC(=O)Oc1ccccc1C(=O)O", "ASPIRIN"},
  };
  return all;
}

const BuiltinMolecule& builtin_molecule(const std::string& name, const std::string& where) {
  for (const BuiltinMolecule& m : builtin_molecules())
    if (m.name == name) return m;
  std::string known;
  for (const BuiltinMolecule& m : builtin_molecules()) known += (known.empty() ? "" : ", ") + m.name;
  throw InputError(where, "unknown built-in molecule '" + name + "' (" + known + ")");
}

std::string data_dir() {
  if (const char* d = std::getenv("GPIQA_DATA_DIR"); d && *d) return d;
  return GPIQA_SOURCE_DIR;
}

std::string models_cache_dir() {
  if (const char* d = std::getenv("GPIQA_MODELS_CACHE"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
    return (fs::path(x) / "gpiqa" / "models").string();
  if (const char* h = std::getenv("HOME"); h && *h)
    return (fs::path(h) / ".cache" / "gpiqa" / "models").string();
  return (fs::temp_directory_path() / "gpiqa-models").string();
}

std::string builtin_molfile(const std::string& name) {
  return (fs::path(data_dir()) / "molecules" / (builtin_molecule(name).name + ".mol")).string();
}

std::string builtin_geometry(const std::string& name) {
  return (fs::path(data_dir()) / "molecules" / (builtin_molecule(name).name + ".xyz")).string();
}

std::string builtin_models_path(const std::string& name) {
  const fs::path committed = fs::path(data_dir()) / "models" / builtin_molecule(name).name;
  std::error_code ec;
  if (fs::is_directory(committed, ec)) return committed.string();
  return (fs::path(models_cache_dir()) / name).string();
}

std::string builtin_models(const std::string& name, const std::string& where) {
  builtin_molecule(name, where);
  const std::string dir = builtin_models_path(name);
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "BUILD.json", ec))
    throw InputError(where, "the default models for " + name + " are not built yet (" + dir +
                                "): run `gpiqa models build " + name + "` once");
  return dir;
}

}  // namespace gpiqa::reference
