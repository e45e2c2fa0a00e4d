// The H5MD 1.1 structure of every trajectory gpiqa writes (a `gpiqa md --out` file's root, a campaign task's
// group): the metadata groups and attribute types the specification requires, the gas-phase box, species, and
// positions, velocities and forces with the units H5MD readers translate. A failure here means MDAnalysis or
// another H5MD reader refuses the files or reads wrong numbers. Also: frames from before forces were written
// still read and continue, and a frame cut short by a kill is dropped. The frame interval MDAnalysis reads as
// trajectory.dt (observables/dt) has one value per frame from the second frame on, also when a file is
// continued or cut back to a checkpoint's step.
#include "gpiqa/io/frame_writer.hpp"

#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "gpiqa/io/frame_buffer.hpp"
#include "gpiqa/io/trajectory_file.hpp"
#include "gpiqa/version.hpp"
#include "support/test_data.hpp"

namespace gpiqa::io {
namespace {

using h5::Handle;

const std::vector<std::string> kWater{"O", "H", "H"};

md::Positions pattern(double offset) {
  md::Positions m(3, 3);
  for (int a = 0; a < 3; ++a)
    for (int k = 0; k < 3; ++k) m(k, a) = offset + 0.1 * (3 * a + k);
  return m;
}

// Frame f: positions, velocities and forces are made-up patterns distinct per frame and quantity.
void append_frames(FrameSink& sink, int frames) {
  for (int f = 0; f < frames; ++f)
    sink.append(10 * f, 0.005 * f, pattern(1.0 + f), pattern(0.001 * (f + 1)), pattern(-0.02 * (f + 1)),
                -76.4 + 0.01 * f, 0.003 * f, -76.4, 300.0 + f);
}

struct Attribute {
  H5T_class_t type_class;
  bool variable_length = false;
  std::vector<hsize_t> dims;
};

Attribute describe(hid_t obj, const char* name) {
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  EXPECT_GE(attr.id(), 0) << name;
  Handle type(H5Aget_type(attr.id()), H5Tclose);
  Handle space(H5Aget_space(attr.id()), H5Sclose);
  Attribute a;
  a.type_class = H5Tget_class(type.id());
  a.variable_length = a.type_class == H5T_STRING && H5Tis_variable_str(type.id()) > 0;
  a.dims.resize(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.id())));
  H5Sget_simple_extent_dims(space.id(), a.dims.data(), nullptr);
  return a;
}

std::vector<std::int64_t> int_array_attribute(hid_t obj, const char* name) {
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Handle space(H5Aget_space(attr.id()), H5Sclose);
  std::vector<std::int64_t> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id())));
  H5Aread(attr.id(), H5T_NATIVE_INT64, v.data());
  return v;
}

std::vector<std::string> fixed_string_array_attribute(hid_t obj, const char* name) {
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr.id()), H5Tclose);
  Handle space(H5Aget_space(attr.id()), H5Sclose);
  const std::size_t width = H5Tget_size(type.id());
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id()));
  std::string buffer(n * width, '\0');
  H5Aread(attr.id(), type.id(), buffer.data());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::string s = buffer.substr(i * width, width);
    s.resize(std::strlen(s.c_str()));
    out.push_back(s);
  }
  return out;
}

std::string unit_of(hid_t root, const std::string& dataset) {
  Handle d(H5Dopen2(root, dataset.c_str(), H5P_DEFAULT), H5Dclose);
  EXPECT_FALSE(describe(d.id(), "unit").type_class != H5T_STRING) << dataset;
  return h5::string_attribute(d.id(), "unit");
}

// Everything H5MD 1.1 and MDAnalysis's reader need, below `root`.
void expect_h5md_structure(hid_t root, int frames) {
  Handle h5md = h5::group(root, "h5md", false);
  const Attribute version = describe(h5md.id(), "version");
  EXPECT_EQ(version.type_class, H5T_INTEGER);
  EXPECT_EQ(version.dims, (std::vector<hsize_t>{2}));
  EXPECT_EQ(int_array_attribute(h5md.id(), "version"), (std::vector<std::int64_t>{1, 1}));
  EXPECT_FALSE(h5::has_attribute(h5md.id(), "creator")) << "creator is a group in H5MD 1.1";
  Handle author = h5::group(h5md.id(), "author", false);
  EXPECT_FALSE(describe(author.id(), "name").variable_length) << "H5MD: fixed-length string";
  EXPECT_FALSE(h5::string_attribute(author.id(), "name").empty());
  Handle creator = h5::group(h5md.id(), "creator", false);
  EXPECT_FALSE(describe(creator.id(), "name").variable_length);
  EXPECT_EQ(h5::string_attribute(creator.id(), "name"), "gpiqa");
  EXPECT_EQ(h5::string_attribute(creator.id(), "version"), kVersion);

  Handle box = h5::group(root, "particles/all/box", false);
  EXPECT_EQ(describe(box.id(), "dimension").type_class, H5T_INTEGER);
  EXPECT_EQ(describe(box.id(), "dimension").dims, std::vector<hsize_t>{});
  EXPECT_EQ(h5::int_attribute(box.id(), "dimension"), 3);
  const Attribute boundary = describe(box.id(), "boundary");
  EXPECT_EQ(boundary.type_class, H5T_STRING);
  EXPECT_FALSE(boundary.variable_length);
  EXPECT_EQ(fixed_string_array_attribute(box.id(), "boundary"),
            (std::vector<std::string>{"none", "none", "none"}));
  EXPECT_FALSE(h5::exists(box.id(), "edges")) << "no periodic cell for a molecule in the gas phase";

  EXPECT_EQ(h5::read_ints(root, "particles/all/species"), (std::vector<std::int64_t>{8, 1, 1}));
  for (const char* element : {"position", "velocity", "force"}) {
    const std::string base = std::string("particles/all/") + element;
    std::vector<hsize_t> dims;
    h5::read_doubles(root, base + "/value", &dims);
    EXPECT_EQ(dims, (std::vector<hsize_t>{static_cast<hsize_t>(frames), 3, 3})) << element;
    EXPECT_EQ(h5::read_ints(root, base + "/step").size(), static_cast<std::size_t>(frames)) << element;
    EXPECT_EQ(unit_of(root, base + "/time"), "ps") << element;
  }
  EXPECT_EQ(unit_of(root, "particles/all/position/value"), "Angstrom");
  EXPECT_EQ(unit_of(root, "particles/all/velocity/value"), "Angstrom ps-1");
  EXPECT_EQ(unit_of(root, "particles/all/force/value"), "kJ mol-1 Angstrom-1");
  for (const char* obs : {"potential_energy", "kinetic_energy", "conserved_energy", "temperature"})
    EXPECT_EQ(h5::read_doubles(root, std::string("observables/") + obs + "/value").size(),
              static_cast<std::size_t>(frames))
        << obs;
}

TEST(FrameWriter, MdTrajectoryFileIsAnH5md11FileWithUnitsReadersTranslate) {
  const std::string path = test::temp_dir("h5md") + "/t.h5";
  {
    auto file = TrajectoryFile::create(path, kWater);
    append_frames(*file, 2);
  }
  Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  expect_h5md_structure(f.id(), 2);
  // frame 1 atom 2 component z (row-major frames x atoms x 3): the made-up pattern in file units
  const std::size_t i = 9 + 3 * 2 + 2;
  const double expected_position = (2.0 + 0.8) * units::kAngstromPerBohr;
  EXPECT_DOUBLE_EQ(h5::read_doubles(f.id(), "particles/all/position/value")[i], expected_position);
  EXPECT_DOUBLE_EQ(h5::read_doubles(f.id(), "particles/all/force/value")[i],
                   (-0.04 + 0.8) * units::kKJPerMolPerHartree / units::kAngstromPerBohr);
  EXPECT_DOUBLE_EQ(h5::read_doubles(f.id(), "particles/all/velocity/value")[i],
                   (0.002 + 0.8) * units::kAngstromPerBohr * 1000.0 / units::kFemtosecondPerAtomicTime);
  EXPECT_EQ(h5::read_doubles(f.id(), "particles/all/force/time"), (std::vector<double>{0.0, 0.005}));
}

TEST(FrameWriter, CampaignTaskGroupIsTheSameStructureAndReadsBack) {
  FrameBuffer buffer;
  buffer.elements = kWater;
  append_frames(buffer, 3);
  const std::string path = test::temp_dir("h5md-group") + "/r.h5";
  {
    Handle f = h5::open_file(path, h5::Mode::kCreateNew);
    Handle g = h5::group(f.id(), "trajectories/7", true);
    write_h5md_frames(g.id(), buffer);
  }
  Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  Handle g = h5::group(f.id(), "trajectories/7", false);
  expect_h5md_structure(g.id(), 3);
  const FrameBuffer back = read_h5md_frames(g.id());
  EXPECT_EQ(back.elements, kWater);
  EXPECT_EQ(back.step, buffer.step);
  EXPECT_EQ(back.positions_angstrom, buffer.positions_angstrom);
  EXPECT_EQ(back.velocities_angstrom_per_ps, buffer.velocities_angstrom_per_ps);
  EXPECT_EQ(back.forces_kj_per_mol_angstrom, buffer.forces_kj_per_mol_angstrom);
  EXPECT_EQ(back.temperature_K, buffer.temperature_K);
}

TEST(FrameWriter, TrajectoryFromBeforeForcesContinuesWithNaNForcesAndNewMetadata) {
  const std::string path = test::temp_dir("h5md-old") + "/old.h5";
  {
    auto file = TrajectoryFile::create(path, kWater);
    append_frames(*file, 2);
  }
  {  // what an older gpiqa wrote: no forces, no box or species, version and creator as string attributes
    Handle f = h5::open_file(path, h5::Mode::kReadWrite);
    for (const char* name : {"particles/all/force", "particles/all/box", "particles/all/species", "h5md"})
      ASSERT_GE(H5Ldelete(f.id(), name, H5P_DEFAULT), 0) << name;
    Handle h5md = h5::group(f.id(), "h5md", true);
    h5::set_attribute(h5md.id(), "version", std::string("1.1"));
    h5::set_attribute(h5md.id(), "creator", std::string("gpiqa md"));
  }
  {
    Handle f = h5::open_file(path, h5::Mode::kReadOnly);
    const FrameBuffer old = read_h5md_frames(f.id());
    ASSERT_EQ(old.size(), 2u);
    EXPECT_TRUE(std::isnan(old.forces_kj_per_mol_angstrom.front()));
  }
  {
    auto file = TrajectoryFile::open(path, kWater);
    file->append(20, 0.01, pattern(3), pattern(0.003), pattern(-0.06), -76.38, 0.006, -76.4, 302);
  }
  Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  expect_h5md_structure(f.id(), 3);
  const std::vector<double> force = h5::read_doubles(f.id(), "particles/all/force/value");
  EXPECT_TRUE(std::isnan(force[0]) && std::isnan(force[17]));
  EXPECT_DOUBLE_EQ(force[18], -0.06 * units::kKJPerMolPerHartree / units::kAngstromPerBohr);
  EXPECT_EQ(h5::read_ints(f.id(), "particles/all/force/step"), (std::vector<std::int64_t>{0, 10, 20}));
}

TEST(FrameWriter, FrameCutShortByAKillIsDroppedOnReading) {
  const std::string path = test::temp_dir("h5md-cut") + "/cut.h5";
  {
    auto file = TrajectoryFile::create(path, kWater);
    append_frames(*file, 2);
  }
  {  // the writer died after the positions of a third frame
    Handle f = h5::open_file(path, h5::Mode::kReadWrite);
    Handle g = h5::group(f.id(), "particles/all/position", false);
    h5::Appendable step(g.id(), "step", H5T_NATIVE_INT64, {});
    h5::Appendable value(g.id(), "value", H5T_NATIVE_DOUBLE, {3, 3});
    const std::int64_t s = 20;
    const std::vector<double> row(9, 1.0);
    step.append(&s);
    value.append(row.data());
  }
  Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  const FrameBuffer b = read_h5md_frames(f.id());
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(b.positions_angstrom.size(), 18u);
}

// observables/dt below `root`: its values, and checks that step and time follow the positions'.
std::vector<double> frame_interval(hid_t root) {
  if (!h5::exists(root, "observables/dt")) return {};
  EXPECT_EQ(unit_of(root, "observables/dt/value"), "ps");
  EXPECT_EQ(unit_of(root, "observables/dt/time"), "ps");
  EXPECT_EQ(h5::read_ints(root, "observables/dt/step"), h5::read_ints(root, "particles/all/position/step"));
  EXPECT_EQ(h5::read_doubles(root, "observables/dt/time"),
            h5::read_doubles(root, "particles/all/position/time"));
  return h5::read_doubles(root, "observables/dt/value");
}

TEST(FrameWriter, FrameIntervalIsAnObservableOfEveryFrameOnceThereAreTwo) {
  const std::string path = test::temp_dir("h5md-dt") + "/dt.h5";
  {
    auto file = TrajectoryFile::create(path, kWater);
    append_frames(*file, 1);
    Handle f = h5::open_file(path, h5::Mode::kReadOnly);
    // one frame has no interval; an empty series would make MDAnalysis fail on frame 0
    EXPECT_FALSE(h5::exists(f.id(), "observables/dt"));
  }
  {
    auto file = TrajectoryFile::open(path, kWater);
    file->append(10, 0.005, pattern(2), pattern(0.002), pattern(-0.04), -76.39, 0.003, -76.4, 301);
    file->append(20, 0.01, pattern(3), pattern(0.003), pattern(-0.06), -76.38, 0.006, -76.4, 302);
  }
  {
    Handle f = h5::open_file(path, h5::Mode::kReadOnly);
    EXPECT_EQ(frame_interval(f.id()), (std::vector<double>{0.005, 0.005, 0.005}));
  }
  {  // resumed from a checkpoint at step 10: frames after it are dropped, the interval with them
    auto file = TrajectoryFile::open(path, kWater);
    file->keep_through(10);
    file->append(20, 0.01, pattern(3), pattern(0.003), pattern(-0.06), -76.38, 0.006, -76.4, 302);
    file->append(30, 0.015, pattern(4), pattern(0.004), pattern(-0.08), -76.37, 0.008, -76.4, 303);
  }
  Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  expect_h5md_structure(f.id(), 4);
  EXPECT_EQ(frame_interval(f.id()), (std::vector<double>(4, 0.005)));
}

TEST(FrameWriter, CampaignTaskFramesCarryTheirInterval) {
  FrameBuffer buffer;
  buffer.elements = kWater;
  append_frames(buffer, 3);
  const std::string path = test::temp_dir("h5md-dt-group") + "/r.h5";
  {
    Handle f = h5::open_file(path, h5::Mode::kCreateNew);
    Handle g = h5::group(f.id(), "trajectories/2", true);
    write_h5md_frames(g.id(), buffer);
  }
  Handle f = h5::open_file(path, h5::Mode::kReadOnly);
  Handle g = h5::group(f.id(), "trajectories/2", false);
  EXPECT_EQ(frame_interval(g.id()), (std::vector<double>(3, 0.005)));
  EXPECT_EQ(read_h5md_frames(g.id()).size(), 3u) << "reading frames is unchanged by the observable";
}

}  // namespace
}  // namespace gpiqa::io
