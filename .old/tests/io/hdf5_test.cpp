// The HDF5 layer under checkpoints, frames and results files: creating never overwrites, and appendable
// datasets grow and truncate in place.
#include "gpiqa/io/hdf5.hpp"

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"
#include "support/test_data.hpp"

namespace gpiqa::io {
namespace {

TEST(Hdf5, CreateNewNeverOverwrites) {
  const std::string dir = test::temp_dir("h5new");
  std::ofstream(dir + "/x.h5") << "keep";
  EXPECT_THROW(h5::open_file(dir + "/x.h5", h5::Mode::kCreateNew), InputError);
  std::ifstream in(dir + "/x.h5");
  std::string s;
  in >> s;
  EXPECT_EQ(s, "keep");
}

TEST(Hdf5, AppendableGrowsAndTruncates) {
  const std::string path = test::temp_dir("h5app") + "/a.h5";
  h5::Handle f = h5::open_file(path, h5::Mode::kCreateNew);
  {
    h5::Appendable a(f.id(), "g/x", H5T_NATIVE_DOUBLE, {2});
    for (int i = 0; i < 5; ++i) {
      const double row[2] = {static_cast<double>(i), -static_cast<double>(i)};
      a.append(row);
    }
    a.truncate(3);
  }
  h5::Appendable reopened(f.id(), "g/x", H5T_NATIVE_DOUBLE, {2});
  EXPECT_EQ(reopened.rows(), 3u);
  EXPECT_EQ(h5::read_doubles(f.id(), "g/x"), (std::vector<double>{0, 0, 1, -1, 2, -2}));
}

}  // namespace
}  // namespace gpiqa::io
