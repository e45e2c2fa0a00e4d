#include "hdf5_recipe.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <vector>

#include "gpiqa/io/hdf5.hpp"

namespace gpiqa::fuzz {
namespace {

using io::h5::Handle;

constexpr hsize_t kMaxWrittenElements = 65536;
constexpr hsize_t kMaxDimension = hsize_t(1) << 62;

std::vector<std::string> tokens(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

// The memory type of a recipe TYPE (a copy, closed by the handle), or an invalid handle.
Handle type_of(const std::string& name, std::size_t string_size) {
  hid_t t = -1;
  if (name == "str" || name == "vstr") {
    t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, name == "vstr" ? H5T_VARIABLE : (string_size == 0 ? 1 : string_size));
  } else if (name == "i64") {
    t = H5Tcopy(H5T_NATIVE_INT64);
  } else if (name == "i32") {
    t = H5Tcopy(H5T_NATIVE_INT32);
  } else if (name == "u8") {
    t = H5Tcopy(H5T_NATIVE_UINT8);
  } else if (name == "f64") {
    t = H5Tcopy(H5T_NATIVE_DOUBLE);
  } else if (name == "f32") {
    t = H5Tcopy(H5T_NATIVE_FLOAT);
  }
  return Handle(t, H5Tclose);
}

// Values in the memory layout of `type` for `count` elements (strings: fixed-size records or char pointers
// into `strings`).
std::vector<unsigned char> pack(const std::string& type, const std::vector<std::string>& values,
                                hsize_t count, std::size_t string_size, std::vector<std::string>& strings) {
  std::vector<unsigned char> out;
  auto put = [&](const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    out.insert(out.end(), b, b + n);
  };
  strings.assign(values.begin(), values.end());
  strings.resize(count);
  for (hsize_t i = 0; i < count; ++i) {
    const std::string& v = strings[i];
    if (type == "str") {
      std::string record = v;
      record.resize(string_size == 0 ? 1 : string_size, '\0');
      put(record.data(), record.size());
    } else if (type == "vstr") {
      const char* p = strings[i].c_str();
      put(&p, sizeof p);
    } else if (type == "f64" || type == "f32") {
      const double d = v.empty() ? 0.0 : std::strtod(v.c_str(), nullptr);
      const float f = static_cast<float>(d);
      type == "f64" ? put(&d, sizeof d) : put(&f, sizeof f);
    } else {
      const long long l = v.empty() ? 0 : std::strtoll(v.c_str(), nullptr, 10);
      const std::int64_t i64 = l;
      const std::int32_t i32 = static_cast<std::int32_t>(l);
      const std::uint8_t u8 = static_cast<std::uint8_t>(l);
      type == "i64" ? put(&i64, sizeof i64) : type == "i32" ? put(&i32, sizeof i32) : put(&u8, sizeof u8);
    }
  }
  return out;
}

// "PATH" -> (parent, name); the parent group is created when missing.
Handle parent_of(hid_t file, const std::string& path, std::string& name) {
  const auto slash = path.rfind('/');
  name = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::string parent = slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
  if (parent != "/" && H5Lexists(file, parent.c_str(), H5P_DEFAULT) <= 0) {
    Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
    H5Pset_create_intermediate_group(lcpl.id(), 1);
    Handle g(H5Gcreate2(file, parent.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  }
  return Handle(H5Oopen(file, parent.c_str(), H5P_DEFAULT), H5Oclose);
}

bool parse_dims(const std::string& text, std::vector<hsize_t>& dims, bool& unlimited) {
  dims.clear();
  unlimited = !text.empty() && text[0] == '+';
  if (text == "scalar") return true;
  std::string rest = unlimited ? text.substr(1) : text;
  std::istringstream in(rest);
  for (std::string part; std::getline(in, part, 'x');) {
    char* end = nullptr;
    const unsigned long long d = std::strtoull(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || d > kMaxDimension) return false;
    dims.push_back(d);
  }
  return !dims.empty() && dims.size() <= 8;
}

hsize_t product(const std::vector<hsize_t>& dims) {
  hsize_t n = 1;
  for (hsize_t d : dims) n = d != 0 && n > std::numeric_limits<hsize_t>::max() / d ? 0 : n * d;
  return n;
}

void add_attribute(hid_t file, const std::vector<std::string>& t, const std::string& line) {
  std::string name;
  Handle parent = parent_of(file, t[1], name);
  if (!parent || name.empty()) return;
  const bool text = t[2] == "str" || t[2] == "vstr";
  std::vector<std::string> values;
  if (text) {  // the rest of the line after the type, one string
    const auto at = line.find(t[2], line.find(t[1]) + t[1].size()) + t[2].size();
    values.push_back(at < line.size() ? line.substr(at + 1) : std::string());
  } else {
    values.assign(t.begin() + 3, t.end());
  }
  const std::size_t string_size = text ? values[0].size() : 0;
  Handle type = type_of(t[2], string_size);
  if (!type) return;
  const hsize_t count = values.size() == 1 ? 1 : values.size();
  Handle space(values.size() == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &count, nullptr), H5Sclose);
  if (H5Aexists(parent.id(), name.c_str()) > 0) H5Adelete(parent.id(), name.c_str());
  Handle attr(H5Acreate2(parent.id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  if (!attr) return;
  std::vector<std::string> strings;
  const std::vector<unsigned char> bytes = pack(t[2], values, count, string_size, strings);
  if (!bytes.empty()) H5Awrite(attr.id(), type.id(), bytes.data());
}

void add_dataset(hid_t file, const std::vector<std::string>& t) {
  std::vector<hsize_t> dims;
  bool unlimited = false;
  if (!parse_dims(t[3], dims, unlimited)) return;
  std::string name;
  Handle parent = parent_of(file, t[1], name);
  if (!parent || name.empty() || H5Lexists(parent.id(), name.c_str(), H5P_DEFAULT) > 0) return;
  const std::vector<std::string> values(t.begin() + 4, t.end());
  std::size_t string_size = 1;
  for (const std::string& v : values) string_size = std::max(string_size, v.size());
  Handle type = type_of(t[2], string_size);
  if (!type) return;
  std::vector<hsize_t> maxdims = dims;
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (unlimited && !dims.empty()) {
    maxdims[0] = H5S_UNLIMITED;
    std::vector<hsize_t> chunk = dims;
    for (hsize_t& c : chunk) c = c == 0 ? 1 : std::min<hsize_t>(c, 64);
    H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data());
  }
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
               H5Sclose);
  Handle d(H5Dcreate2(parent.id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
           H5Dclose);
  const hsize_t count = dims.empty() ? 1 : product(dims);
  if (!d || count == 0 || count > kMaxWrittenElements) return;
  std::vector<std::string> strings;
  const std::vector<unsigned char> bytes = pack(t[2], values, count, string_size, strings);
  H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
}

}  // namespace

bool write_hdf5_recipe(const std::string& recipe, const std::string& path) {
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file) return false;
  std::istringstream in(recipe);
  for (std::string line; std::getline(in, line);) {
    const std::vector<std::string> t = tokens(line);
    if (t.size() >= 2 && t[0] == "group" && H5Lexists(file.id(), t[1].c_str(), H5P_DEFAULT) <= 0) {
      std::string name;
      Handle parent = parent_of(file.id(), t[1] + "/x", name);
    } else if (t.size() >= 3 && t[0] == "attr") {
      add_attribute(file.id(), t, line);
    } else if (t.size() >= 4 && t[0] == "data") {
      add_dataset(file.id(), t);
    }
  }
  return true;
}

}  // namespace gpiqa::fuzz
