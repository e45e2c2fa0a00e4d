#include "gpiqa/io/frame_writer.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "gpiqa/md/elements.hpp"
#include "gpiqa/version.hpp"

namespace gpiqa::io {
namespace {

// The person behind the run: the password database's full name (GECOS up to the first comma), else the login
// name, else "unknown".
std::string author_name() {
  if (const passwd* pw = getpwuid(getuid())) {
    std::string gecos = pw->pw_gecos ? pw->pw_gecos : "";
    gecos = gecos.substr(0, gecos.find(','));
    if (!gecos.empty()) return gecos;
    if (pw->pw_name && *pw->pw_name) return pw->pw_name;
  }
  for (const char* var : {"USER", "LOGNAME"})
    if (const char* v = std::getenv(var); v && *v) return v;
  return "unknown";
}

}  // namespace

void write_h5md_metadata(hid_t root) {
  h5::Handle h5md = h5::group(root, "h5md", true);
  h5::delete_attribute(h5md.id(), "creator");  // a plain attribute before gpiqa wrote H5MD 1.1 metadata
  h5::set_attribute(h5md.id(), "version", std::vector<std::int64_t>{1, 1});
  h5::Handle author = h5::group(h5md.id(), "author", true);
  h5::set_fixed_string_attribute(author.id(), "name", author_name());
  h5::Handle creator = h5::group(h5md.id(), "creator", true);
  h5::set_fixed_string_attribute(creator.id(), "name", std::string("gpiqa"));
  h5::set_fixed_string_attribute(creator.id(), "version", std::string(kVersion));
}

// One time-dependent H5MD element: step, time and value grow together.
struct FrameWriter::Series {
  h5::Handle group;
  h5::Appendable step, time, value;
  Series(hid_t root, const std::string& path, const std::string& unit, std::vector<hsize_t> row_shape)
      : group(h5::group(root, path, true)),
        step(group.id(), "step", H5T_NATIVE_INT64, {}),
        time(group.id(), "time", H5T_NATIVE_DOUBLE, {}),
        value(group.id(), "value", H5T_NATIVE_DOUBLE, std::move(row_shape)) {
    h5::set_attribute(value.id(), "unit", unit);
    h5::set_attribute(time.id(), "unit", std::string("ps"));
  }
  void keep_through(long long last_step) {
    const std::vector<std::int64_t> steps = h5::read_ints(group.id(), "step");
    hsize_t keep = 0;
    while (keep < steps.size() && steps[keep] <= last_step) ++keep;
    step.truncate(keep), time.truncate(keep), value.truncate(keep);
  }
  void append(long long s, double t, const double* v) {
    const std::int64_t s64 = s;
    step.append(&s64);
    time.append(&t);
    value.append(v);
  }
};

// observables/dt: the frame interval, one value per frame, made when the second frame arrives.
struct FrameWriter::Interval {
  h5::Handle observables;
  std::unique_ptr<Series> series;                        // null until the file has two frames
  double ps = std::numeric_limits<double>::quiet_NaN();  // the interval, once known

  explicit Interval(hid_t root) : observables(h5::group(root, "observables", true)) {
    if (!h5::exists(observables.id(), "dt")) return;
    open();
    const std::vector<double> values = h5::read_doubles(series->group.id(), "value");
    if (!values.empty()) ps = values.front();
  }
  void open() { series = std::make_unique<Series>(observables.id(), "dt", "ps", std::vector<hsize_t>{}); }
  // Brings the series to one value per frame of `position`, whose last frame (`step`, `time_ps`) was just
  // written.
  void follow(const Series& position, long long step, double time_ps) {
    const hsize_t frames = position.value.rows();
    if (!series || std::isnan(ps)) {
      if (frames < 2) return;
      const std::vector<double> t = h5::read_doubles(position.group.id(), "time");
      ps = t[1] - t[0];
      if (!series) open();
    }
    if (series->value.rows() >= frames) return;
    if (series->value.rows() + 1 == frames) return series->append(step, time_ps, &ps);
    const std::vector<std::int64_t> steps = h5::read_ints(position.group.id(), "step");
    const std::vector<double> times = h5::read_doubles(position.group.id(), "time");
    for (std::size_t f = series->value.rows(); f < frames; ++f) series->append(steps[f], times[f], &ps);
  }
};

FrameWriter::FrameWriter(hid_t root, const std::vector<std::string>& elements, long long keep_through_step)
    : atoms_(static_cast<Eigen::Index>(elements.size())) {
  write_h5md_metadata(root);
  const hsize_t n = elements.size();
  h5::Handle all = h5::group(root, "particles/all", true);
  {
    h5::Handle box = h5::group(all.id(), "box", true);
    h5::set_attribute(box.id(), "dimension", std::int64_t{3});
    h5::set_fixed_string_attribute(box.id(), "boundary", std::vector<std::string>{"none", "none", "none"});
  }
  if (!h5::exists(all.id(), "species")) {
    std::vector<std::int64_t> z;
    for (const std::string& e : elements) z.push_back(md::atomic_number(e));
    h5::write_ints(all.id(), "species", z);
  }
  std::string joined;
  for (const std::string& e : elements) joined += (joined.empty() ? "" : ",") + e;
  h5::set_attribute(all.id(), "elements", joined);

  series_.push_back(
      std::make_unique<Series>(root, "particles/all/position", "Angstrom", std::vector<hsize_t>{n, 3}));
  series_.push_back(
      std::make_unique<Series>(root, "particles/all/velocity", "Angstrom ps-1", std::vector<hsize_t>{n, 3}));
  series_.push_back(std::make_unique<Series>(root, "particles/all/force", "kJ mol-1 Angstrom-1",
                                             std::vector<hsize_t>{n, 3}));
  for (const char* name : {"potential_energy", "kinetic_energy", "conserved_energy"})
    series_.push_back(std::make_unique<Series>(root, std::string("observables/") + name, "hartree",
                                               std::vector<hsize_t>{}));
  series_.push_back(std::make_unique<Series>(root, "observables/temperature", "K", std::vector<hsize_t>{}));

  // A file from before forces were written: its earlier frames get NaN forces, so every element has every
  // frame.
  Series& position = *series_[0];
  Series& force = *series_[2];
  if (force.value.rows() < position.value.rows()) {
    const std::vector<std::int64_t> steps = h5::read_ints(position.group.id(), "step");
    const std::vector<double> times = h5::read_doubles(position.group.id(), "time");
    const std::vector<double> nan(3 * n, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t f = force.value.rows(); f < steps.size(); ++f)
      force.append(steps[f], times[f], nan.data());
  }
  interval_ = std::make_unique<Interval>(root);
  if (keep_through_step >= 0) keep_through(keep_through_step);
}

void FrameWriter::keep_through(long long step) {
  for (auto& s : series_) s->keep_through(step);
  if (interval_->series) interval_->series->keep_through(step);
}

FrameWriter::~FrameWriter() = default;

void FrameWriter::write(long long step, double time_ps, const md::Positions& r, const md::Positions& v,
                        const md::Positions& f, double epot, double ekin, double econs, double T) {
  std::vector<double> pos, vel, force;
  append_rows(r, kFileAngstromPerBohr, atoms_, pos);
  append_rows(v, kFileAngstromPerPsPerAtomicVelocity, atoms_, vel);
  append_rows(f, kFileKJPerMolAngstromPerAtomicForce, atoms_, force);
  write_row(step, time_ps, pos.data(), vel.data(), force.data(), epot, ekin, econs, T);
}

void FrameWriter::write_row(long long step, double time_ps, const double* pos, const double* vel,
                            const double* force, double epot, double ekin, double econs, double T) {
  series_[0]->append(step, time_ps, pos);
  series_[1]->append(step, time_ps, vel);
  series_[2]->append(step, time_ps, force);
  series_[3]->append(step, time_ps, &epot);
  series_[4]->append(step, time_ps, &ekin);
  series_[5]->append(step, time_ps, &econs);
  series_[6]->append(step, time_ps, &T);
  interval_->follow(*series_[0], step, time_ps);
}

void write_h5md_frames(hid_t root, const FrameBuffer& b) {
  FrameWriter w(root, b.elements);
  const std::size_t n3 = 3 * b.elements.size();
  for (std::size_t f = 0; f < b.size(); ++f)
    w.write_row(b.step[f], b.time_ps[f], b.positions_angstrom.data() + f * n3,
                b.velocities_angstrom_per_ps.data() + f * n3, b.forces_kj_per_mol_angstrom.data() + f * n3,
                b.potential_hartree[f], b.kinetic_hartree[f], b.conserved_hartree[f], b.temperature_K[f]);
}

FrameBuffer read_h5md_frames(hid_t g) {
  FrameBuffer b;
  h5::Handle all = h5::group(g, "particles/all", false);
  const std::string joined = h5::string_attribute(all.id(), "elements");
  std::size_t start = 0;
  while (start < joined.size()) {
    std::size_t end = joined.find(',', start);
    if (end == std::string::npos) end = joined.size();
    b.elements.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  b.step = h5::read_ints(g, "particles/all/position/step");
  b.time_ps = h5::read_doubles(g, "particles/all/position/time");
  b.positions_angstrom = h5::read_doubles(g, "particles/all/position/value");
  b.velocities_angstrom_per_ps = h5::read_doubles(g, "particles/all/velocity/value");
  if (h5::exists(g, "particles/all/force/value"))
    b.forces_kj_per_mol_angstrom = h5::read_doubles(g, "particles/all/force/value");
  else
    b.forces_kj_per_mol_angstrom.assign(b.positions_angstrom.size(),
                                        std::numeric_limits<double>::quiet_NaN());
  b.potential_hartree = h5::read_doubles(g, "observables/potential_energy/value");
  b.kinetic_hartree = h5::read_doubles(g, "observables/kinetic_energy/value");
  b.conserved_hartree = h5::read_doubles(g, "observables/conserved_energy/value");
  b.temperature_K = h5::read_doubles(g, "observables/temperature/value");
  // A file whose writer was killed mid-frame: keep the frames every element has.
  const std::size_t n3 = 3 * b.elements.size();
  std::size_t complete =
      std::min({b.step.size(), b.time_ps.size(), b.potential_hartree.size(), b.kinetic_hartree.size(),
                b.conserved_hartree.size(), b.temperature_K.size()});
  if (n3 > 0)
    complete = std::min({complete, b.positions_angstrom.size() / n3, b.velocities_angstrom_per_ps.size() / n3,
                         b.forces_kj_per_mol_angstrom.size() / n3});
  b.truncate(complete);
  return b;
}

}  // namespace gpiqa::io
