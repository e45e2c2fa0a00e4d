#include "gpiqa/io/frame_writer.hpp"

#include "gpiqa/util/units.hpp"

namespace gpiqa::io {

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

FrameWriter::FrameWriter(hid_t root, const std::vector<std::string>& elements, long long keep_through_step)
    : atoms_(static_cast<int>(elements.size())) {
  const hsize_t n = elements.size();
  series_.push_back(
      std::make_unique<Series>(root, "particles/all/position", "angstrom", std::vector<hsize_t>{n, 3}));
  series_.push_back(
      std::make_unique<Series>(root, "particles/all/velocity", "angstrom/ps", std::vector<hsize_t>{n, 3}));
  for (const char* name : {"potential_energy", "kinetic_energy", "conserved_energy"})
    series_.push_back(std::make_unique<Series>(root, std::string("observables/") + name, "hartree",
                                               std::vector<hsize_t>{}));
  series_.push_back(std::make_unique<Series>(root, "observables/temperature", "K", std::vector<hsize_t>{}));
  std::string joined;
  for (const std::string& e : elements) joined += (joined.empty() ? "" : ",") + e;
  h5::Handle all = h5::group(root, "particles/all", false);
  h5::set_attribute(all.id(), "elements", joined);
  if (keep_through_step >= 0) keep_through(keep_through_step);
}

void FrameWriter::keep_through(long long step) {
  for (auto& s : series_) s->keep_through(step);
}

FrameWriter::~FrameWriter() = default;

void FrameWriter::write(long long step, double time_ps, const md::Positions& r, const md::Positions& v,
                        double epot, double ekin, double econs, double T) {
  std::vector<double> pos(static_cast<std::size_t>(3 * atoms_)), vel(pos.size());
  const double v_unit =
      units::kAngstromPerBohr * 1000.0 * units::kAtomicTimePerFemtosecond;  // -> angstrom/ps
  for (int a = 0; a < atoms_; ++a)
    for (int k = 0; k < 3; ++k) {
      pos[static_cast<std::size_t>(3 * a + k)] = r(k, a) * units::kAngstromPerBohr;
      vel[static_cast<std::size_t>(3 * a + k)] = v(k, a) * v_unit;
    }
  write_row(step, time_ps, pos.data(), vel.data(), epot, ekin, econs, T);
}

void FrameWriter::write_row(long long step, double time_ps, const double* pos, const double* vel, double epot,
                            double ekin, double econs, double T) {
  series_[0]->append(step, time_ps, pos);
  series_[1]->append(step, time_ps, vel);
  series_[2]->append(step, time_ps, &epot);
  series_[3]->append(step, time_ps, &ekin);
  series_[4]->append(step, time_ps, &econs);
  series_[5]->append(step, time_ps, &T);
}

}  // namespace gpiqa::io
