#include "support/test_data.hpp"

#include <filesystem>
#include <random>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::test {

namespace fs = std::filesystem;

bool have_shared_data() {
  return fs::is_directory(fs::path(GPIQA_SHARED_DATA) / "models");
}

std::string shared_data(const std::string& relative) {
  return have_shared_data() ? fs::weakly_canonical(fs::path(GPIQA_SHARED_DATA) / relative).string()
                            : std::string();
}

model::MoleculeModel shared_model(const std::string& relative) {
  return model::MoleculeModel::load(shared_data(relative));
}

model::Positions shared_geometry_bohr(const std::string& relative) {
  return io::read_xyz(shared_data(relative)).front().positions_angstrom * units::kBohrPerAngstrom;
}

std::string gpiqa_binary() {
  return GPIQA_BINARY;
}

std::string temp_dir(const std::string& tag) {
  std::random_device rd;
  const fs::path p = fs::temp_directory_path() / ("gpiqa-test-" + tag + "-" + std::to_string(rd()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

}  // namespace gpiqa::test
