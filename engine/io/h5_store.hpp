#pragma once
// Parallel HDF5 storage for data sets of spectra: one file written by all ranks, datasets
// that grow by rows, collective hyperslab writes at offsets the caller computes (exclusive
// scans), fixed-width string columns, attributes. Every hid_t lives in an RAII handle and
// every call's status is checked.
#include "comm/comm.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace vocloud::io {

/// Owns an HDF5 identifier and closes it with the matching H5*close.
class H5Id {
 public:
  using Closer = int (*)(std::int64_t);
  H5Id() = default;
  H5Id(std::int64_t id, Closer closer) : _id(id), _closer(closer) {}
  ~H5Id() { reset(); }
  H5Id(H5Id&& other) noexcept : _id(other._id), _closer(other._closer) { other._id = -1; }
  H5Id& operator=(H5Id&& other) noexcept;
  H5Id(H5Id const&) = delete;
  H5Id& operator=(H5Id const&) = delete;
  std::int64_t get() const { return _id; }
  void reset();
  /// Gives up ownership without closing; returns the identifier.
  std::int64_t release() {
    std::int64_t const id = _id;
    _id = -1;
    return id;
  }

 private:
  std::int64_t _id = -1;
  Closer _closer = nullptr;
};

enum class H5Type { Float32, Float64, Int64, UInt8, String };

class H5File {
 public:
  H5File() = default;
  H5File(H5File&&) = default;
  H5File& operator=(H5File&&) = default;
  /// Closes the file; when an exception is unwinding the stack the (collective) close is
  /// skipped, so that a failing rank reaches MPI_Abort instead of waiting for the others.
  ~H5File();

  /// Creates (truncates) `path` for writing by every rank of comm. Collective over comm.
  static H5File createParallel(std::string const& path, comm::Comm const& comm);
  /// Opens an existing file on every rank of comm. Collective over comm.
  static H5File openParallel(std::string const& path, comm::Comm const& comm, bool writable);
  /// Creates (truncates) `path` in this process only (no MPI-IO).
  static H5File createSerial(std::string const& path);
  /// Opens a file in this process only (no MPI-IO), read-only unless `writable`.
  static H5File openSerial(std::string const& path, bool writable = false);

  std::int64_t id() const { return _file.get(); }
  std::string const& path() const { return _path; }
  /// True when opened by all ranks (writes must then be collective).
  bool parallel() const { return _parallel; }
  /// Rank in the file's communicator (0 for serial files).
  int rank() const { return _rank; }

  /// Creates a group (and its parents). Collective in parallel files.
  void createGroup(std::string const& name) const;
  /// Removes the link `name` (a dataset or group) when it exists. Collective in parallel files.
  void remove(std::string const& name) const;
  /// True when a link (group or dataset) `name` exists; `name` is an absolute path.
  bool exists(std::string const& name) const;

  /// Writes an attribute on the object at `object` ("/" = the file): strings as
  /// variable-length UTF-8 (h5py reads them as str), numbers as float64 or int64.
  /// Collective in parallel files, with the same value on every rank.
  void setAttribute(std::string const& object, std::string const& key,
                    std::string const& value) const;
  void setAttribute(std::string const& object, std::string const& key, double value) const;
  void setIntegerAttribute(std::string const& object, std::string const& key,
                           std::int64_t value) const;
  std::string stringAttribute(std::string const& object, std::string const& key) const;
  double numberAttribute(std::string const& object, std::string const& key) const;
  /// True when the object at `object` (which must exist) has an attribute `key`.
  bool hasAttribute(std::string const& object, std::string const& key) const;

  /// Writes everything buffered to the file. Collective in parallel files.
  void flush() const;

  /// Flushes and closes; errors throw. Collective in parallel files. Every H5Rows of the
  /// file must be gone first (MPI-IO files refuse to close with objects open).
  void close();

 private:
  H5Id _file;
  std::string _path;
  bool _parallel = false;
  int _rank = 0;
};

/// A 1-D (cols == 0) or 2-D dataset that grows by rows.
class H5Rows {
 public:
  /// Creates dataset `name` of `type` with `cols` columns (0 = a 1-D dataset), chunked by
  /// `chunkRows`, 0 rows, unlimited. String datasets hold fixed-width strings of `width`
  /// bytes. Rows added by resize are not filled: write every one of them (an unwritten row
  /// reads as whatever the file held). Collective in parallel files.
  static H5Rows create(H5File const& file, std::string const& name, H5Type type, std::uint64_t cols,
                       std::uint64_t chunkRows, std::uint64_t width = 0);
  /// Opens an existing dataset.
  static H5Rows open(H5File const& file, std::string const& name);

  std::uint64_t rows() const;
  std::uint64_t cols() const { return _cols; }
  std::uint64_t width() const { return _width; }
  H5Type type() const { return _type; }
  std::string const& name() const { return _name; }

  /// Sets the number of rows. Collective in parallel files (same value on every rank).
  void resize(std::uint64_t rows) const;

  /// Writes `count` rows starting at `first` from row-major `data`. In parallel files every
  /// rank calls it (collective), `count` may be 0.
  void write(std::uint64_t first, std::uint64_t count, float const* data) const;
  void write(std::uint64_t first, std::uint64_t count, double const* data) const;
  void write(std::uint64_t first, std::uint64_t count, std::int64_t const* data) const;
  void write(std::uint64_t first, std::uint64_t count, std::uint8_t const* data) const;
  /// Writes strings (each cut to width()).
  void write(std::uint64_t first, std::vector<std::string> const& strings) const;

  /// Reads `count` rows starting at `first` (independent I/O).
  void read(std::uint64_t first, std::uint64_t count, float* data) const;
  void read(std::uint64_t first, std::uint64_t count, double* data) const;
  void read(std::uint64_t first, std::uint64_t count, std::int64_t* data) const;
  void read(std::uint64_t first, std::uint64_t count, std::uint8_t* data) const;
  std::vector<std::string> readStrings(std::uint64_t first, std::uint64_t count) const;

 private:
  void writeRaw(std::uint64_t first, std::uint64_t count, std::int64_t memType,
                void const* data) const;
  void readRaw(std::uint64_t first, std::uint64_t count, std::int64_t memType, void* data) const;
  H5File const* _file = nullptr;
  std::shared_ptr<H5Id> _dataset;
  std::string _name;
  H5Type _type = H5Type::Float32;
  std::uint64_t _cols = 0;
  std::uint64_t _width = 0;
};

/// The stored type of a C++ element type (float, double, std::int64_t, std::uint8_t).
template <class T>
constexpr H5Type h5TypeOf() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> ||
                    std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint8_t>,
                "a dataset of float, double, int64 or uint8");
  return std::is_same_v<T, float>          ? H5Type::Float32
         : std::is_same_v<T, double>       ? H5Type::Float64
         : std::is_same_v<T, std::int64_t> ? H5Type::Int64
                                           : H5Type::UInt8;
}

/// A whole dataset of `values` (rows x cols, row-major; cols 0: 1-D) that every rank holds:
/// rank 0's values are written, the other ranks take part with no rows. Collective in
/// parallel files.
template <class T>
void writeWholeDataset(H5File const& file, std::string const& name, std::vector<T> const& values,
                       std::uint64_t cols = 0) {
  std::uint64_t const rows = cols ? values.size() / cols : values.size();
  std::uint64_t const chunk = std::clamp<std::uint64_t>(rows, 1, cols ? 4096 : 65536);
  H5Rows const set = H5Rows::create(file, name, h5TypeOf<T>(), cols, chunk);
  set.resize(rows);
  set.write(0, file.rank() == 0 ? rows : 0, values.data());
}

/// A dataset of `totalRows` rows (cols 0: 1-D) of which this rank writes its `local` rows
/// starting at global row `first`. Collective in parallel files.
template <class T>
void writeRowBlock(H5File const& file, std::string const& name, std::vector<T> const& local,
                   std::uint64_t first, std::uint64_t totalRows, std::uint64_t cols = 0) {
  H5Rows const set = H5Rows::create(file, name, h5TypeOf<T>(), cols, cols ? 4096 : 65536);
  set.resize(totalRows);
  set.write(first, cols ? local.size() / cols : local.size(), local.data());
}

/// A whole dataset of fixed-width strings from rank 0's `values` (the width is rank 0's
/// longest string, shared over comm). Collective in parallel files.
void writeWholeStrings(H5File const& file, std::string const& name,
                       std::vector<std::string> const& values, comm::Comm const& comm);

/// Writes a small whole dataset (e.g. the wavelength grid) from the values every rank
/// holds; rank 0's data is what is stored. Collective in parallel files.
void writeSmall(H5File const& file, std::string const& name, std::vector<double> const& values,
                std::vector<std::uint64_t> const& shape);
/// Reads a whole small float64 dataset with its shape.
std::vector<double> readSmall(H5File const& file, std::string const& name,
                              std::vector<std::uint64_t>* shape = nullptr);

}  // namespace vocloud::io
