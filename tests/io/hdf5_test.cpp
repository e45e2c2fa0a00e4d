// The HDF5 layer under checkpoints, frames and results files: creating never overwrites, appendable
// datasets grow and truncate in place, and what a file claims (an attribute's values, a dataset's shape) is
// checked against what gpiqa reads into before anything is read or allocated (cases the fuzzers found).
#include "gpiqa/io/hdf5.hpp"

#include <algorithm>
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

TEST(Hdf5, AnAttributeOfSeveralValuesIsNotReadIntoOne) {
  const std::string path = test::temp_dir("h5attr") + "/a.h5";
  h5::Handle f = h5::open_file(path, h5::Mode::kCreateNew);
  h5::set_attribute(f.id(), "n", std::vector<std::int64_t>{1, 2, 3, 4});
  h5::set_fixed_string_attribute(f.id(), "s", std::vector<std::string>{"a", "b"});
  try {
    h5::int_attribute(f.id(), "n");  // used to write four values into one on the stack
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("attribute 'n' holds 4 values, not one"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(h5::double_attribute(f.id(), "n"), InputError);
  EXPECT_THROW(h5::string_attribute(f.id(), "s"), InputError);
}

TEST(Hdf5, ADatasetClaimingMoreThanTheFileHoldsIsRefusedBeforeAllocating) {
  const std::string path = test::temp_dir("h5claim") + "/a.h5";
  h5::Handle f = h5::open_file(path, h5::Mode::kCreateNew);
  auto unwritten = [&](const char* name, std::vector<hsize_t> dims, bool chunked) {
    std::vector<hsize_t> max = dims;
    h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    if (chunked) {
      max[0] = H5S_UNLIMITED;
      std::vector<hsize_t> chunk(dims.size(), 4);  // at most a fixed dimension's size
      for (std::size_t i = 1; i < dims.size(); ++i) chunk[i] = std::min<hsize_t>(4, dims[i]);
      H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data());
    }
    h5::Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max.data()), H5Sclose);
    h5::Handle d(H5Dcreate2(f.id(), name, H5T_NATIVE_DOUBLE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                 H5Dclose);
    ASSERT_TRUE(d);
  };
  unwritten("huge", {hsize_t(1) << 40, 3}, false);  // 26 TB claimed, nothing stored
  unwritten("wraps", {(hsize_t(1) << 32) + 1, (hsize_t(1) << 32) + 1},
            true);  // 2^64 + ...: wrapped, it looked small
  try {
    h5::read_doubles(f.id(), "huge");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("claims 3298534883328 values but the file holds 0 bytes"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(h5::read_ints(f.id(), "wraps"), InputError);
  EXPECT_THROW(h5::read_strings(f.id(), "huge"), InputError);
  // A growing dataset killed between its extension and its write lacks at most its last chunk: still read.
  unwritten("grown", {3, 3}, true);  // one 4 x 3 chunk, never written
  EXPECT_EQ(h5::read_doubles(f.id(), "grown").size(), 9u);
}

TEST(Hdf5, ChecksummedFilesKeepFixedLengthStringsThatReadBackWhole) {
  const std::string dir = test::temp_dir("h5sum");
  for (const h5::Mode mode : {h5::Mode::kCreateNew, h5::Mode::kCreateNewChecksummed}) {
    const std::string path = dir + (mode == h5::Mode::kCreateNew ? "/plain.h5" : "/checksummed.h5");
    {
      h5::Handle f = h5::open_file(path, mode);
      h5::set_attribute(f.id(), "text", std::string("gpiqa-checkpoint"));
      h5::set_attribute(f.id(), "empty", std::string());
    }
    h5::Handle f = h5::open_file(path, h5::Mode::kReadOnly);
    EXPECT_EQ(h5::string_attribute(f.id(), "text"), "gpiqa-checkpoint");
    EXPECT_EQ(h5::string_attribute(f.id(), "empty"), "");
    h5::Handle attr(H5Aopen(f.id(), "text", H5P_DEFAULT), H5Aclose);
    h5::Handle type(H5Aget_type(attr.id()), H5Tclose);
    // variable-length strings live in HDF5's global heap, the one piece of metadata without a checksum
    EXPECT_EQ(H5Tis_variable_str(type.id()) > 0, mode == h5::Mode::kCreateNew);
    H5F_info2_t info;
    ASSERT_GE(H5Fget_info2(f.id(), &info), 0);
    EXPECT_EQ(info.super.version >= 2,
              mode == h5::Mode::kCreateNewChecksummed);  // superblock 2+: checksummed
  }
}

}  // namespace
}  // namespace gpiqa::io
