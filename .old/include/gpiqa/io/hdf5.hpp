#pragma once
// A thin RAII layer over HDF5's C API: handles that close themselves, and the few read/write helpers gpiqa
// needs (attributes, fixed datasets, extendible 1-D/2-D/3-D datasets that grow along the first axis).
// Every failure is an InputError naming the file and the object.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gpiqa::io::h5 {

class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  ~Handle();
  hid_t id() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  herr_t (*closer_)(hid_t) = nullptr;
};

enum class Mode { kCreateNew, kReadOnly, kReadWrite };

/// Opens or creates a file. kCreateNew refuses to overwrite an existing file.
Handle open_file(const std::string& path, Mode mode);
/// Group at `path` below `loc`, created (with parents) when missing and `create` is set.
Handle group(hid_t loc, const std::string& path, bool create);
bool exists(hid_t loc, const std::string& path);
std::string file_name(hid_t obj);
void flush(hid_t obj);

void set_attribute(hid_t obj, const std::string& name, const std::string& value);
void set_attribute(hid_t obj, const std::string& name, double value);
void set_attribute(hid_t obj, const std::string& name, std::int64_t value);
/// A rank-1 integer attribute (H5MD's `version: Integer[2]`).
void set_attribute(hid_t obj, const std::string& name, const std::vector<std::int64_t>& values);
/// Fixed-length ASCII string attributes, scalar or rank 1 (H5MD's metadata and `box/boundary` are of that
/// type).
void set_fixed_string_attribute(hid_t obj, const std::string& name, const std::string& value);
void set_fixed_string_attribute(hid_t obj, const std::string& name, const std::vector<std::string>& values);
void delete_attribute(hid_t obj, const std::string& name);
/// Reads a scalar string attribute, variable- or fixed-length.
std::string string_attribute(hid_t obj, const std::string& name);
double double_attribute(hid_t obj, const std::string& name);
std::int64_t int_attribute(hid_t obj, const std::string& name);
bool has_attribute(hid_t obj, const std::string& name);

/// Writes a double dataset of the given shape (row-major), replacing nothing: fails if it exists.
void write_doubles(hid_t loc, const std::string& name, const std::vector<double>& data,
                   const std::vector<hsize_t>& dims);
std::vector<double> read_doubles(hid_t loc, const std::string& name, std::vector<hsize_t>* dims = nullptr);
void write_ints(hid_t loc, const std::string& name, const std::vector<std::int64_t>& data);
std::vector<std::int64_t> read_ints(hid_t loc, const std::string& name);
void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& data);
/// Fixed-length (null-padded) strings of `width` bytes; longer values are an error.
void write_fixed_strings(hid_t loc, const std::string& name, const std::vector<std::string>& data,
                         std::size_t width);
/// Reads variable- or fixed-length string datasets.
std::vector<std::string> read_strings(hid_t loc, const std::string& name);

/// A dataset that grows along its first axis (chunked, unlimited). `row_shape` is the shape of one row.
class Appendable {
 public:
  Appendable() = default;
  /// Creates it, or opens it when it exists (then appends after its current rows).
  Appendable(hid_t loc, const std::string& name, hid_t type, std::vector<hsize_t> row_shape,
             hsize_t chunk_rows = 64);
  void append(const void* row);
  hsize_t rows() const { return rows_; }
  /// Drops rows from `rows` on (used to discard frames written after the checkpoint a run resumes from).
  void truncate(hsize_t rows);
  hid_t id() const { return dataset_.id(); }

 private:
  Handle dataset_;
  hid_t type_ = -1;
  std::vector<hsize_t> row_shape_;
  hsize_t rows_ = 0;
};

}  // namespace gpiqa::io::h5
