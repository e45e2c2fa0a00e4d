#include "gpiqa/io/checkpoint.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <type_traits>

#include "gpiqa/io/frame_writer.hpp"
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

void write_outcome(hid_t g, const stability::Outcome& o) {
  stability::for_each_field(o, [&](const stability::FieldInfo& field, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    const std::string name = std::string("outcome.") + field.name;
    if constexpr (std::is_same_v<T, stability::Status>)
      h5::set_attribute(g, name, std::string(to_string(v)));
    else
      h5::set_attribute(g, name, v);
  });
}

// Checkpoints from before the whole record was kept hold status, reason and failure_step only.
void read_outcome(hid_t g, const std::string& file, stability::Outcome& o) {
  const bool whole = h5::has_attribute(g, "outcome.status");
  stability::for_each_field(o, [&](const stability::FieldInfo& field, auto& v) {
    using T = std::decay_t<decltype(v)>;
    const std::string name = (whole ? "outcome." : "") + std::string(field.name);
    if (!h5::has_attribute(g, name)) return;
    if constexpr (std::is_same_v<T, stability::Status>) {
      try {
        v = stability::status_from_string(h5::string_attribute(g, name));
      } catch (const std::invalid_argument& e) {
        throw InputError(file, e.what());
      }
    } else if constexpr (std::is_same_v<T, std::string>) {
      v = h5::string_attribute(g, name);
    } else if constexpr (std::is_same_v<T, double>) {
      v = h5::double_attribute(g, name);
    } else {
      v = h5::int_attribute(g, name);
    }
  });
}

void write_checkpoint(hid_t g, const Checkpoint& cp, const Identity& identity) {
  using h5::set_attribute;
  set_attribute(g, "format", std::string("gpiqa-checkpoint"));
  set_attribute(g, "format_version", kFormatVersion);
  set_attribute(g, "seed", static_cast<std::int64_t>(cp.seed));
  set_attribute(g, "task_key", static_cast<std::int64_t>(cp.task_key));
  set_attribute(g, "integrator", cp.integrator);
  set_attribute(g, "step", static_cast<std::int64_t>(cp.state.step));
  set_attribute(g, "heat_removed_hartree", cp.state.heat_removed_hartree);
  write_outcome(g, cp.outcome);
  for (const auto& [k, v] : identity) set_attribute(g, "identity." + k, v);
  if (cp.cadence.recorded()) {
    set_attribute(g, "frames_every", cp.cadence.frames_every);
    set_attribute(g, "checkpoint_every_s", cp.cadence.checkpoint_every_s);
  }
  const hsize_t n = static_cast<hsize_t>(cp.state.positions.cols());
  h5::write_doubles(g, "positions_bohr", as_rows(cp.state.positions), {n, 3});
  h5::write_doubles(g, "velocities_bohr_per_atomic_time", as_rows(cp.state.velocities), {n, 3});
  h5::write_doubles(g, "reference_bohr", as_rows(cp.reference_bohr), {n, 3});
  h5::write_doubles(g, "masses_electron",
                    std::vector<double>(cp.state.masses.data(), cp.state.masses.data() + n), {n});
  h5::write_doubles(g, "thermostat", cp.state.thermostat, {cp.state.thermostat.size()});
  h5::Handle m = h5::group(g, "metrics", true);
#define GPIQA_WRITE(type, name, initial) set_attribute(m.id(), #name, cp.metrics.name);
  GPIQA_RUNNING_METRICS(GPIQA_WRITE)
#undef GPIQA_WRITE
}

Checkpoint read_checkpoint(hid_t g, Identity* identity) {
  const std::string file = h5::file_name(g);
  if (!h5::has_attribute(g, "format") || h5::string_attribute(g, "format") != "gpiqa-checkpoint")
    throw InputError(file, "not a gpiqa checkpoint");
  if (h5::int_attribute(g, "format_version") != kFormatVersion)
    throw InputError(file, "checkpoint format_version " +
                               std::to_string(h5::int_attribute(g, "format_version")) +
                               " is not supported (expected " + std::to_string(kFormatVersion) + ")");
  Checkpoint cp;
  cp.seed = static_cast<std::uint64_t>(h5::int_attribute(g, "seed"));
  cp.task_key = static_cast<std::uint64_t>(h5::int_attribute(g, "task_key"));
  cp.integrator = h5::string_attribute(g, "integrator");
  cp.state.step = h5::int_attribute(g, "step");
  cp.state.heat_removed_hartree = h5::double_attribute(g, "heat_removed_hartree");
  read_outcome(g, file, cp.outcome);
  if (h5::has_attribute(g, "frames_every")) {
    cp.cadence.frames_every = h5::int_attribute(g, "frames_every");
    if (cp.cadence.frames_every < 0) throw InputError(file, "checkpoint frames_every is negative");
    if (h5::has_attribute(g, "checkpoint_every_s"))
      cp.cadence.checkpoint_every_s = h5::double_attribute(g, "checkpoint_every_s");
  }
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
  // a metric the file lacks (written before it existed) keeps its initial value
#define GPIQA_READ(type, name, initial)                                       \
  if (!h5::has_attribute(m.id(), #name)) {                                    \
  } else if constexpr (std::is_same_v<type, double>) {                        \
    cp.metrics.name = static_cast<type>(h5::double_attribute(m.id(), #name)); \
  } else {                                                                    \
    cp.metrics.name = static_cast<type>(h5::int_attribute(m.id(), #name));    \
  }
  GPIQA_RUNNING_METRICS(GPIQA_READ)
#undef GPIQA_READ
  if (identity) *identity = h5::prefixed_string_attributes(g, "identity.");
  return cp;
}

}  // namespace

void save_checkpoint(const std::string& path, const Checkpoint& cp, const Identity& identity,
                     const FrameBuffer* frames) {
  const std::string tmp = path + ".tmp";
  std::filesystem::remove(tmp);
  {
    h5::Handle f = h5::open_file(tmp, h5::Mode::kCreateNewChecksummed);  // a corrupt checkpoint is refused
    write_checkpoint(f.id(), cp, identity);
    if (frames && frames->size() > 0) {
      h5::Handle g = h5::group(f.id(), "frames", true);
      write_h5md_frames(g.id(), *frames);
    }
    h5::flush(f.id());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw InputError(path, "cannot replace checkpoint: " + ec.message());
}

Checkpoint load_checkpoint(const std::string& path, Identity* identity, FrameBuffer* frames) {
  h5::Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  h5::Handle root = h5::group(f.id(), "/", false);
  Checkpoint cp = read_checkpoint(root.id(), identity);
  if (frames) {
    *frames = FrameBuffer();
    if (h5::exists(f.id(), "frames")) {
      h5::Handle g = h5::group(f.id(), "frames", false);
      *frames = read_h5md_frames(g.id());
      frames->keep_through(cp.state.step);
    }
  }
  return cp;
}

}  // namespace gpiqa::io
