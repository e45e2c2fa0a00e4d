#include "gpiqa/io/hdf5.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "gpiqa/util/error.hpp"

namespace gpiqa::io::h5 {
namespace {

// HDF5 prints its own error stacks by default; gpiqa reports one line instead.
struct SilenceHdf5 {
  SilenceHdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
};
const SilenceHdf5 silence;

[[noreturn]] void fail(hid_t obj, const std::string& what) {
  throw InputError(obj >= 0 ? file_name(obj) : std::string("HDF5"), what);
}

hid_t check(hid_t id, hid_t obj, const std::string& what) {
  if (id < 0) fail(obj, what);
  return id;
}

}  // namespace

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = o.id_;
    closer_ = o.closer_;
    o.id_ = -1;
  }
  return *this;
}

Handle::~Handle() {
  if (id_ >= 0 && closer_) closer_(id_);
}

Handle open_file(const std::string& path, Mode mode) {
  hid_t id = -1;
  switch (mode) {
    case Mode::kCreateNew:
      if (std::filesystem::exists(path)) throw InputError(path, "already exists; refusing to overwrite it");
      id = H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
      if (id < 0) throw InputError(path, "cannot create HDF5 file (directory missing or not writable?)");
      break;
    case Mode::kReadOnly:
    case Mode::kReadWrite:
      if (!std::filesystem::exists(path)) throw InputError(path, "does not exist");
      if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path, "is not an HDF5 file");
      id = H5Fopen(path.c_str(), mode == Mode::kReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR, H5P_DEFAULT);
      if (id < 0)
        throw InputError(path, "cannot open HDF5 file (locked by another process, or not writable?)");
      break;
  }
  return Handle(id, H5Fclose);
}

std::string file_name(hid_t obj) {
  char buf[4096];
  const ssize_t n = H5Fget_name(obj, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("HDF5");
}

void flush(hid_t obj) {
  H5Fflush(obj, H5F_SCOPE_GLOBAL);
}

bool exists(hid_t loc, const std::string& path) {
  if (path == "/" || path == ".") return true;
  std::string partial;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) {
      partial += (partial.empty() ? "" : "/") + path.substr(start, end - start);
      if (H5Lexists(loc, partial.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    start = end + 1;
  }
  return true;
}

Handle group(hid_t loc, const std::string& path, bool create) {
  if (exists(loc, path))
    return Handle(check(H5Gopen2(loc, path.c_str(), H5P_DEFAULT), loc, "cannot open group " + path),
                  H5Gclose);
  if (!create) fail(loc, "has no group '" + path + "'");
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  return Handle(check(H5Gcreate2(loc, path.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), loc,
                      "cannot create group " + path),
                H5Gclose);
}

namespace {
Handle string_type(std::size_t size) {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.id(), size == 0 ? 1 : size);
  H5Tset_cset(t.id(), H5T_CSET_UTF8);
  return t;
}
Handle vlen_string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.id(), H5T_VARIABLE);
  H5Tset_cset(t.id(), H5T_CSET_UTF8);
  return t;
}
void replace_attribute(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
}
}  // namespace

bool has_attribute(hid_t obj, const std::string& name) {
  return H5Aexists(obj, name.c_str()) > 0;
}

void set_attribute(hid_t obj, const std::string& name, const std::string& value) {
  replace_attribute(obj, name);
  Handle type = vlen_string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(check(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), obj,
                    "cannot write attribute " + name),
              H5Aclose);
  const char* p = value.c_str();
  if (H5Awrite(attr.id(), type.id(), &p) < 0) fail(obj, "cannot write attribute " + name);
}

void set_attribute(hid_t obj, const std::string& name, double value) {
  replace_attribute(obj, name);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(check(H5Acreate2(obj, name.c_str(), H5T_NATIVE_DOUBLE, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                    obj, "cannot write attribute " + name),
              H5Aclose);
  H5Awrite(attr.id(), H5T_NATIVE_DOUBLE, &value);
}

void set_attribute(hid_t obj, const std::string& name, std::int64_t value) {
  replace_attribute(obj, name);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(check(H5Acreate2(obj, name.c_str(), H5T_NATIVE_INT64, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                    obj, "cannot write attribute " + name),
              H5Aclose);
  H5Awrite(attr.id(), H5T_NATIVE_INT64, &value);
}

void set_attribute(hid_t obj, const std::string& name, const std::vector<std::int64_t>& values) {
  replace_attribute(obj, name);
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle attr(check(H5Acreate2(obj, name.c_str(), H5T_NATIVE_INT64, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                    obj, "cannot write attribute " + name),
              H5Aclose);
  if (H5Awrite(attr.id(), H5T_NATIVE_INT64, values.data()) < 0) fail(obj, "cannot write attribute " + name);
}

namespace {
// Fixed-length, null-padded ASCII strings as wide as the longest value; `scalar` for one value.
void write_fixed_strings_attribute(hid_t obj, const std::string& name, const std::vector<std::string>& values,
                                   bool scalar) {
  replace_attribute(obj, name);
  std::size_t width = 1;
  for (const std::string& v : values) width = std::max(width, v.size());
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.id(), width);
  H5Tset_strpad(type.id(), H5T_STR_NULLPAD);
  H5Tset_cset(type.id(), H5T_CSET_ASCII);
  const hsize_t n = values.size();
  Handle space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose);
  std::string buffer(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) buffer.replace(i * width, values[i].size(), values[i]);
  Handle attr(check(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), obj,
                    "cannot write attribute " + name),
              H5Aclose);
  if (H5Awrite(attr.id(), type.id(), buffer.data()) < 0) fail(obj, "cannot write attribute " + name);
}
}  // namespace

void set_fixed_string_attribute(hid_t obj, const std::string& name, const std::string& value) {
  write_fixed_strings_attribute(obj, name, {value}, true);
}

void set_fixed_string_attribute(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  write_fixed_strings_attribute(obj, name, values, false);
}

void delete_attribute(hid_t obj, const std::string& name) {
  replace_attribute(obj, name);
}

std::string string_attribute(hid_t obj, const std::string& name) {
  if (!has_attribute(obj, name)) fail(obj, "missing attribute '" + name + "'");
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle ftype(H5Aget_type(attr.id()), H5Tclose);
  if (H5Tget_class(ftype.id()) != H5T_STRING) fail(obj, "attribute '" + name + "' is not a string");
  if (H5Tis_variable_str(ftype.id()) > 0) {
    Handle type = vlen_string_type();
    char* p = nullptr;
    if (H5Aread(attr.id(), type.id(), &p) < 0) fail(obj, "cannot read attribute " + name);
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  std::string s(H5Tget_size(ftype.id()), '\0');  // read with its own type: ASCII or UTF-8 as written
  if (H5Aread(attr.id(), ftype.id(), s.data()) < 0) fail(obj, "cannot read attribute " + name);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

double double_attribute(hid_t obj, const std::string& name) {
  if (!has_attribute(obj, name)) fail(obj, "missing attribute '" + name + "'");
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  double v = 0;
  if (H5Aread(attr.id(), H5T_NATIVE_DOUBLE, &v) < 0) fail(obj, "cannot read attribute " + name);
  return v;
}

std::int64_t int_attribute(hid_t obj, const std::string& name) {
  if (!has_attribute(obj, name)) fail(obj, "missing attribute '" + name + "'");
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  std::int64_t v = 0;
  if (H5Aread(attr.id(), H5T_NATIVE_INT64, &v) < 0) fail(obj, "cannot read attribute " + name);
  return v;
}

namespace {
Handle create_dataset(hid_t loc, const std::string& name, hid_t type, const std::vector<hsize_t>& dims) {
  if (exists(loc, name)) fail(loc, "dataset '" + name + "' already exists");
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  return Handle(check(H5Dcreate2(loc, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      loc, "cannot create dataset " + name),
                H5Dclose);
}
Handle open_dataset(hid_t loc, const std::string& name, std::vector<hsize_t>* dims) {
  if (!exists(loc, name)) fail(loc, "missing dataset '" + name + "'");
  Handle d(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), loc, "cannot open dataset " + name), H5Dclose);
  if (dims) {
    Handle space(H5Dget_space(d.id()), H5Sclose);
    dims->resize(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.id())));
    H5Sget_simple_extent_dims(space.id(), dims->data(), nullptr);
  }
  return d;
}
hsize_t count(const std::vector<hsize_t>& dims) {
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  return n;
}
}  // namespace

void write_doubles(hid_t loc, const std::string& name, const std::vector<double>& data,
                   const std::vector<hsize_t>& dims) {
  Handle d = create_dataset(loc, name, H5T_NATIVE_DOUBLE, dims);
  if (!data.empty() && H5Dwrite(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
    fail(loc, "cannot write " + name);
}

std::vector<double> read_doubles(hid_t loc, const std::string& name, std::vector<hsize_t>* dims_out) {
  std::vector<hsize_t> dims;
  Handle d = open_dataset(loc, name, &dims);
  std::vector<double> v(count(dims));
  if (!v.empty() && H5Dread(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    fail(loc, "cannot read " + name);
  if (dims_out) *dims_out = dims;
  return v;
}

void write_ints(hid_t loc, const std::string& name, const std::vector<std::int64_t>& data) {
  Handle d = create_dataset(loc, name, H5T_NATIVE_INT64, {data.size()});
  if (!data.empty()) H5Dwrite(d.id(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data());
}

std::vector<std::int64_t> read_ints(hid_t loc, const std::string& name) {
  std::vector<hsize_t> dims;
  Handle d = open_dataset(loc, name, &dims);
  std::vector<std::int64_t> v(count(dims));
  if (!v.empty() && H5Dread(d.id(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    fail(loc, "cannot read " + name);
  return v;
}

void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& data) {
  Handle type = vlen_string_type();
  Handle d = create_dataset(loc, name, type.id(), {data.size()});
  std::vector<const char*> p;
  for (const std::string& s : data) p.push_back(s.c_str());
  if (!p.empty()) H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data());
}

void write_fixed_strings(hid_t loc, const std::string& name, const std::vector<std::string>& data,
                         std::size_t width) {
  Handle type = string_type(width);
  H5Tset_strpad(type.id(), H5T_STR_NULLPAD);
  Handle d = create_dataset(loc, name, type.id(), {data.size()});
  std::string buffer(data.size() * width, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i].size() > width) fail(loc, "value too long for fixed-width column " + name);
    buffer.replace(i * width, data[i].size(), data[i]);
  }
  if (!data.empty()) H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data());
}

std::vector<std::string> read_strings(hid_t loc, const std::string& name) {
  std::vector<hsize_t> dims;
  Handle d = open_dataset(loc, name, &dims);
  Handle ftype(H5Dget_type(d.id()), H5Tclose);
  if (H5Tget_class(ftype.id()) == H5T_STRING && H5Tis_variable_str(ftype.id()) <= 0) {
    const std::size_t width = H5Tget_size(ftype.id());
    std::string buffer(count(dims) * width, '\0');
    if (!buffer.empty() && H5Dread(d.id(), ftype.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0)
      fail(loc, "cannot read " + name);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count(dims); ++i) {
      std::string s = buffer.substr(i * width, width);
      s.resize(std::strlen(s.c_str()));
      out.push_back(std::move(s));
    }
    return out;
  }
  Handle type = vlen_string_type();
  std::vector<char*> p(count(dims), nullptr);
  if (!p.empty() && H5Dread(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()) < 0)
    fail(loc, "cannot read " + name);
  std::vector<std::string> out;
  for (char* s : p) out.emplace_back(s ? s : "");
  Handle space(H5Dget_space(d.id()), H5Sclose);
  if (!p.empty()) H5Dvlen_reclaim(type.id(), space.id(), H5P_DEFAULT, p.data());
  return out;
}

Appendable::Appendable(hid_t loc, const std::string& name, hid_t type, std::vector<hsize_t> row_shape,
                       hsize_t chunk_rows)
    : type_(type), row_shape_(std::move(row_shape)) {
  std::vector<hsize_t> dims{0}, maxdims{H5S_UNLIMITED}, chunk{chunk_rows};
  for (hsize_t d : row_shape_) dims.push_back(d), maxdims.push_back(d), chunk.push_back(d);
  if (exists(loc, name)) {
    dataset_ = Handle(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), loc, "cannot open " + name), H5Dclose);
    Handle space(H5Dget_space(dataset_.id()), H5Sclose);
    std::vector<hsize_t> cur(dims.size());
    if (H5Sget_simple_extent_ndims(space.id()) != static_cast<int>(dims.size()))
      fail(loc, name + " has the wrong shape");
    H5Sget_simple_extent_dims(space.id(), cur.data(), nullptr);
    rows_ = cur[0];
    return;
  }
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()), H5Sclose);
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(plist.id(), static_cast<int>(chunk.size()), chunk.data());
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  dataset_ = Handle(check(H5Dcreate2(loc, name.c_str(), type, space.id(), lcpl.id(), plist.id(), H5P_DEFAULT),
                          loc, "cannot create " + name),
                    H5Dclose);
}

void Appendable::append(const void* row) {
  std::vector<hsize_t> dims{rows_ + 1}, start{rows_}, block{1};
  for (hsize_t d : row_shape_) dims.push_back(d), start.push_back(0), block.push_back(d);
  if (H5Dset_extent(dataset_.id(), dims.data()) < 0) fail(dataset_.id(), "cannot extend dataset");
  Handle fspace(H5Dget_space(dataset_.id()), H5Sclose);
  H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start.data(), nullptr, block.data(), nullptr);
  Handle mspace(H5Screate_simple(static_cast<int>(block.size()), block.data(), nullptr), H5Sclose);
  if (H5Dwrite(dataset_.id(), type_, mspace.id(), fspace.id(), H5P_DEFAULT, row) < 0)
    fail(dataset_.id(), "cannot append");
  ++rows_;
}

void Appendable::truncate(hsize_t rows) {
  if (rows >= rows_) return;
  std::vector<hsize_t> dims{rows};
  for (hsize_t d : row_shape_) dims.push_back(d);
  H5Dset_extent(dataset_.id(), dims.data());
  rows_ = rows;
}

}  // namespace gpiqa::io::h5
