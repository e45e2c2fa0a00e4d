#include "gpiqa/io/checkpoint.hpp"

#include <cstdio>
#include <filesystem>

#include "gpiqa/util/error.hpp"

namespace gpiqa::io {
namespace {

constexpr std::int64_t kFormatVersion = 1;

std::vector<double> as_rows(const md::Positions& p) {  // N x 3, row-major
  std::vector<double> v(static_cast<std::size_t>(p.size()));
  for (Eigen::Index a = 0; a < p.cols(); ++a)
    for (int k = 0; k < 3; ++k) v[static_cast<std::size_t>(3 * a + k)] = p(k, a);
  return v;
}

md::Positions from_rows(const std::vector<double>& v, const std::vector<hsize_t>& dims, hid_t loc,
                        const char* name) {
  if (dims.size() != 2 || dims[1] != 3)
    throw InputError(h5::file_name(loc), std::string(name) + " is not N x 3");
  md::Positions p(3, static_cast<Eigen::Index>(dims[0]));
  for (Eigen::Index a = 0; a < p.cols(); ++a)
    for (int k = 0; k < 3; ++k) p(k, a) = v[static_cast<std::size_t>(3 * a + k)];
  return p;
}

// clang-format off
#define GPIQA_METRICS(X)                                                                                   \
  X(temperature_mean) X(temperature_m2) X(temperature_average) X(last_time_ps) X(conserved_first) X(sum_t) X(sum_tt) X(sum_h) X(sum_th)            \
      X(max_bond_deviation_angstrom) X(min_distance_angstrom) X(max_force) X(wall_seconds)
// clang-format on

}  // namespace

void write_checkpoint(hid_t g, const md::Checkpoint& cp, const Identity& identity) {
  using h5::set_attribute;
  set_attribute(g, "format", std::string("gpiqa-checkpoint"));
  set_attribute(g, "format_version", kFormatVersion);
  set_attribute(g, "seed", static_cast<std::int64_t>(cp.seed));
  set_attribute(g, "task_key", static_cast<std::int64_t>(cp.task_key));
  set_attribute(g, "integrator", cp.integrator);
  set_attribute(g, "step", static_cast<std::int64_t>(cp.state.step));
  set_attribute(g, "heat_removed_hartree", cp.state.heat_removed_hartree);
  set_attribute(g, "status", std::string(stability::to_string(cp.outcome.status)));
  set_attribute(g, "reason", cp.outcome.reason);
  set_attribute(g, "failure_step", static_cast<std::int64_t>(cp.outcome.failure_step));
  for (const auto& [k, v] : identity) set_attribute(g, "identity." + k, v);
  const hsize_t n = static_cast<hsize_t>(cp.state.positions.cols());
  h5::write_doubles(g, "positions_bohr", as_rows(cp.state.positions), {n, 3});
  h5::write_doubles(g, "velocities_bohr_per_atomic_time", as_rows(cp.state.velocities), {n, 3});
  h5::write_doubles(g, "reference_bohr", as_rows(cp.reference_bohr), {n, 3});
  h5::write_doubles(g, "masses_electron",
                    std::vector<double>(cp.state.masses.data(), cp.state.masses.data() + n), {n});
  h5::write_doubles(g, "thermostat", cp.state.thermostat, {cp.state.thermostat.size()});
  h5::Handle m = h5::group(g, "metrics", true);
  set_attribute(m.id(), "samples", static_cast<std::int64_t>(cp.metrics.samples));
  set_attribute(m.id(), "extrapolated_steps", static_cast<std::int64_t>(cp.metrics.extrapolated_steps));
#define GPIQA_WRITE(name) set_attribute(m.id(), #name, cp.metrics.name);
  GPIQA_METRICS(GPIQA_WRITE)
#undef GPIQA_WRITE
}

md::Checkpoint read_checkpoint(hid_t g, Identity* identity) {
  const std::string file = h5::file_name(g);
  if (!h5::has_attribute(g, "format") || h5::string_attribute(g, "format") != "gpiqa-checkpoint")
    throw InputError(file, "not a gpiqa checkpoint");
  if (h5::int_attribute(g, "format_version") != kFormatVersion)
    throw InputError(file, "checkpoint format_version " +
                               std::to_string(h5::int_attribute(g, "format_version")) +
                               " is not supported (expected " + std::to_string(kFormatVersion) + ")");
  md::Checkpoint cp;
  cp.seed = static_cast<std::uint64_t>(h5::int_attribute(g, "seed"));
  cp.task_key = static_cast<std::uint64_t>(h5::int_attribute(g, "task_key"));
  cp.integrator = h5::string_attribute(g, "integrator");
  cp.state.step = h5::int_attribute(g, "step");
  cp.state.heat_removed_hartree = h5::double_attribute(g, "heat_removed_hartree");
  try {
    cp.outcome.status = stability::status_from_string(h5::string_attribute(g, "status"));
  } catch (const std::invalid_argument& e) {
    throw InputError(file, e.what());
  }
  cp.outcome.reason = h5::string_attribute(g, "reason");
  cp.outcome.failure_step = h5::int_attribute(g, "failure_step");
  std::vector<hsize_t> dims;
  std::vector<double> v = h5::read_doubles(g, "positions_bohr", &dims);
  cp.state.positions = from_rows(v, dims, g, "positions_bohr");
  v = h5::read_doubles(g, "velocities_bohr_per_atomic_time", &dims);
  cp.state.velocities = from_rows(v, dims, g, "velocities_bohr_per_atomic_time");
  v = h5::read_doubles(g, "reference_bohr", &dims);
  cp.reference_bohr = from_rows(v, dims, g, "reference_bohr");
  v = h5::read_doubles(g, "masses_electron");
  cp.state.masses = Eigen::Map<Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
  cp.state.thermostat = h5::read_doubles(g, "thermostat");
  if (cp.state.velocities.cols() != cp.state.positions.cols() ||
      cp.state.masses.size() != cp.state.positions.cols())
    throw InputError(file, "checkpoint arrays disagree in atom count");
  h5::Handle m = h5::group(g, "metrics", false);
  cp.metrics.samples = h5::int_attribute(m.id(), "samples");
  cp.metrics.extrapolated_steps = h5::int_attribute(m.id(), "extrapolated_steps");
#define GPIQA_READ(name) cp.metrics.name = h5::double_attribute(m.id(), #name);
  GPIQA_METRICS(GPIQA_READ)
#undef GPIQA_READ
  if (cp.outcome.status != stability::Status::kPending) {
    cp.outcome.time_to_failure_ps = std::numeric_limits<double>::quiet_NaN();
  }
  if (identity) {
    identity->clear();
    std::vector<std::string> names;
    H5Aiterate2(
        g, H5_INDEX_NAME, H5_ITER_INC, nullptr,
        [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
          static_cast<std::vector<std::string>*>(data)->emplace_back(name);
          return 0;
        },
        &names);
    for (const std::string& key : names)
      if (key.rfind("identity.", 0) == 0) (*identity)[key.substr(9)] = h5::string_attribute(g, key);
  }
  return cp;
}

void save_checkpoint(const std::string& path, const md::Checkpoint& cp, const Identity& identity) {
  const std::string tmp = path + ".tmp";
  std::filesystem::remove(tmp);
  {
    h5::Handle f = h5::open_file(tmp, h5::Mode::kCreateNew);
    write_checkpoint(f.id(), cp, identity);
    h5::flush(f.id());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw InputError(path, "cannot replace checkpoint: " + ec.message());
}

md::Checkpoint load_checkpoint(const std::string& path, Identity* identity) {
  h5::Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  h5::Handle root = h5::group(f.id(), "/", false);
  return read_checkpoint(root.id(), identity);
}

}  // namespace gpiqa::io
