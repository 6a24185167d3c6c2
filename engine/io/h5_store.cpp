#include "io/h5_store.hpp"

#include "comm/hdf5_access.hpp"
#include "core/error.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <exception>

namespace vocloud::io {

namespace {

// HDF5's own reason for the last failure (the innermost entry of its error stack), which
// our message carries instead of HDF5 printing its whole stack on every rank.
std::string hdf5Reason() {
  std::string reason;
  auto const innermost = [](unsigned, H5E_error2_t const* entry, void* out) -> herr_t {
    char minor[160] = "";
    H5Eget_msg(entry->min_num, nullptr, minor, sizeof minor);
    *static_cast<std::string*>(out) = minor[0] ? minor : (entry->desc ? entry->desc : "");
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, innermost, &reason);  // the last is the innermost
  H5Eclear2(H5E_DEFAULT);
  return reason.empty() ? "" : " (" + reason + ")";
}

// Silences HDF5's printing of its error stack: our messages say what failed.
void quietHdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

[[noreturn]] void fail(std::string const& what, std::string const& path) {
  throw Error("hdf5: " + what + " failed for '" + path + "'" + hdf5Reason());
}

// A failure every rank has learnt of (through allOk): printed once, no MPI abort.
[[noreturn]] void failEverywhere(std::string const& what, std::string const& path) {
  throw CollectiveError("hdf5: " + what + " failed for '" + path + "'" + hdf5Reason());
}

void check(herr_t status, std::string const& what, std::string const& path) {
  if (status < 0) fail(what, path);
}

hid_t checkId(hid_t id, std::string const& what, std::string const& path) {
  if (id < 0) fail(what, path);
  return id;
}

hid_t fileType(H5Type type, std::uint64_t width) {
  switch (type) {
    case H5Type::Float32: return H5Tcopy(H5T_IEEE_F32LE);
    case H5Type::Float64: return H5Tcopy(H5T_IEEE_F64LE);
    case H5Type::Int64: return H5Tcopy(H5T_STD_I64LE);
    case H5Type::UInt8: return H5Tcopy(H5T_STD_U8LE);
    case H5Type::String: {
      hid_t const t = H5Tcopy(H5T_C_S1);
      H5Tset_size(t, std::max<std::uint64_t>(1, width));
      H5Tset_strpad(t, H5T_STR_NULLPAD);
      H5Tset_cset(t, H5T_CSET_UTF8);  // h5py's .asstr() and astropy decode it as text
      return t;
    }
  }
  return -1;
}

H5Type typeOf(hid_t dtype) {
  H5T_class_t const cls = H5Tget_class(dtype);
  std::size_t const size = H5Tget_size(dtype);
  if (cls == H5T_STRING) return H5Type::String;
  if (cls == H5T_FLOAT) return size == 4 ? H5Type::Float32 : H5Type::Float64;
  if (cls == H5T_INTEGER) return size == 1 ? H5Type::UInt8 : H5Type::Int64;
  throw Error("hdf5: unsupported dataset type");
}

}  // namespace

H5Id& H5Id::operator=(H5Id&& other) noexcept {
  if (this != &other) {
    reset();
    _id = other._id;
    _closer = other._closer;
    other._id = -1;
  }
  return *this;
}

void H5Id::reset() {
  if (_id >= 0 && _closer) _closer(_id);
  _id = -1;
}

H5File H5File::createParallel(std::string const& path, comm::Comm const& comm) {
  quietHdf5();
  H5Id fapl(comm::hdf5FileAccess(comm), H5Pclose);
  H5File file;
  file._path = path;
  file._parallel = true;
  file._rank = comm.rank();
  hid_t const id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  if (!comm.allOk(id >= 0)) {
    if (id >= 0) H5Fclose(id);
    failEverywhere("creating the file", path);
  }
  file._file = H5Id(id, H5Fclose);
  return file;
}

H5File H5File::openParallel(std::string const& path, comm::Comm const& comm, bool writable) {
  quietHdf5();
  H5Id fapl(comm::hdf5FileAccess(comm), H5Pclose);
  H5File file;
  file._path = path;
  file._parallel = true;
  file._rank = comm.rank();
  hid_t const id = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl.get());
  if (!comm.allOk(id >= 0)) {
    if (id >= 0) H5Fclose(id);
    failEverywhere("opening the file", path);
  }
  file._file = H5Id(id, H5Fclose);
  return file;
}

H5File H5File::createSerial(std::string const& path) {
  quietHdf5();
  H5File file;
  file._path = path;
  hid_t const id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) fail("creating the file", path);
  file._file = H5Id(id, H5Fclose);
  return file;
}

H5File H5File::openSerial(std::string const& path, bool writable) {
  quietHdf5();
  H5File file;
  file._path = path;
  hid_t const id = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) fail("opening the file", path);
  file._file = H5Id(id, H5Fclose);
  return file;
}

void H5File::createGroup(std::string const& name) const {
  H5Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  H5Id group(checkId(H5Gcreate2(id(), name.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
                     "creating group " + name, _path),
             H5Gclose);
}

void H5File::remove(std::string const& name) const {
  if (exists(name)) check(H5Ldelete(id(), name.c_str(), H5P_DEFAULT), "removing " + name, _path);
}

bool H5File::exists(std::string const& name) const {
  // Each component must exist before the next can be asked about.
  std::string partial;
  std::size_t start = 1;
  while (start <= name.size()) {
    std::size_t const slash = name.find('/', start);
    partial = name.substr(0, slash);
    if (H5Lexists(id(), partial.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

void H5File::setAttribute(std::string const& object, std::string const& key,
                          std::string const& value) const {
  H5Id obj(checkId(H5Oopen(id(), object.c_str(), H5P_DEFAULT), "opening " + object, _path), H5Oclose);
  if (H5Aexists(obj.get(), key.c_str()) > 0) check(H5Adelete(obj.get(), key.c_str()), "replacing attribute " + key, _path);
  // A variable-length UTF-8 string: h5py reads it as str (a fixed-length one reads as bytes).
  H5Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Id attr(checkId(H5Acreate2(obj.get(), key.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    "creating attribute " + key, _path),
            H5Aclose);
  char const* text = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &text), "writing attribute " + key, _path);
}

void H5File::setIntegerAttribute(std::string const& object, std::string const& key,
                                 std::int64_t value) const {
  H5Id obj(checkId(H5Oopen(id(), object.c_str(), H5P_DEFAULT), "opening " + object, _path), H5Oclose);
  if (H5Aexists(obj.get(), key.c_str()) > 0) check(H5Adelete(obj.get(), key.c_str()), "replacing attribute " + key, _path);
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Id attr(checkId(H5Acreate2(obj.get(), key.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    "creating attribute " + key, _path),
            H5Aclose);
  check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), "writing attribute " + key, _path);
}

void H5File::setAttribute(std::string const& object, std::string const& key, double value) const {
  H5Id obj(checkId(H5Oopen(id(), object.c_str(), H5P_DEFAULT), "opening " + object, _path), H5Oclose);
  if (H5Aexists(obj.get(), key.c_str()) > 0) check(H5Adelete(obj.get(), key.c_str()), "replacing attribute " + key, _path);
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Id attr(checkId(H5Acreate2(obj.get(), key.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    "creating attribute " + key, _path),
            H5Aclose);
  check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), "writing attribute " + key, _path);
}

bool H5File::hasAttribute(std::string const& object, std::string const& key) const {
  htri_t const found = H5Aexists_by_name(id(), object.c_str(), key.c_str(), H5P_DEFAULT);
  check(found < 0 ? found : 0, "looking for attribute " + object + "@" + key, _path);
  return found > 0;
}

std::string H5File::stringAttribute(std::string const& object, std::string const& key) const {
  H5Id attr(checkId(H5Aopen_by_name(id(), object.c_str(), key.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                    "opening attribute " + object + "@" + key, _path),
            H5Aclose);
  H5Id type(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tis_variable_str(type.get()) > 0) {
    char* text = nullptr;  // read with the attribute's own type: no character-set conversion
    check(H5Aread(attr.get(), type.get(), &text), "reading attribute " + key, _path);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  std::string value(H5Tget_size(type.get()), '\0');
  check(H5Aread(attr.get(), type.get(), value.data()), "reading attribute " + key, _path);
  value.resize(std::strlen(value.c_str()));
  return value;
}

double H5File::numberAttribute(std::string const& object, std::string const& key) const {
  H5Id attr(checkId(H5Aopen_by_name(id(), object.c_str(), key.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                    "opening attribute " + object + "@" + key, _path),
            H5Aclose);
  double value = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value), "reading attribute " + key, _path);
  return value;
}

H5File::~H5File() {
  if (std::uncaught_exceptions() > 0 && _parallel) _file.release();
}

void H5File::flush() const { check(H5Fflush(id(), H5F_SCOPE_GLOBAL), "flushing", _path); }

void H5File::close() {
  if (_file.get() < 0) return;
  check(H5Fclose(_file.release()), "closing", _path);
}

H5Rows H5Rows::create(H5File const& file, std::string const& name, H5Type type,
                      std::uint64_t cols, std::uint64_t chunkRows, std::uint64_t width) {
  H5Rows rows;
  rows._file = &file;
  rows._name = name;
  rows._type = type;
  rows._cols = cols;
  rows._width = width;
  int const rank = cols == 0 ? 1 : 2;
  hsize_t dims[2] = {0, cols};
  hsize_t maxdims[2] = {H5S_UNLIMITED, cols};
  hsize_t chunk[2] = {std::max<std::uint64_t>(1, chunkRows), std::max<std::uint64_t>(1, cols)};
  H5Id space(H5Screate_simple(rank, dims, maxdims), H5Sclose);
  H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  check(H5Pset_chunk(dcpl.get(), rank, chunk), "chunking " + name, file.path());
  // Every row is written after the dataset grows to hold it: filling new chunks with zeros
  // first (which parallel HDF5 does when they are allocated) would write each byte twice.
  check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "fill time of " + name, file.path());
  H5Id dtype(fileType(type, width), H5Tclose);
  H5Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  hid_t const id = H5Dcreate2(file.id(), name.c_str(), dtype.get(), space.get(), lcpl.get(),
                              dcpl.get(), H5P_DEFAULT);
  rows._dataset = std::make_shared<H5Id>(checkId(id, "creating dataset " + name, file.path()), H5Dclose);
  return rows;
}

H5Rows H5Rows::open(H5File const& file, std::string const& name) {
  H5Rows rows;
  rows._file = &file;
  rows._name = name;
  hid_t const id = H5Dopen2(file.id(), name.c_str(), H5P_DEFAULT);
  rows._dataset = std::make_shared<H5Id>(checkId(id, "opening dataset " + name, file.path()), H5Dclose);
  H5Id space(H5Dget_space(id), H5Sclose);
  hsize_t dims[2] = {0, 0};
  int const rank = H5Sget_simple_extent_ndims(space.get());
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  rows._cols = rank == 2 ? dims[1] : 0;
  H5Id dtype(H5Dget_type(id), H5Tclose);
  rows._type = typeOf(dtype.get());
  rows._width = rows._type == H5Type::String ? H5Tget_size(dtype.get()) : 0;
  return rows;
}

std::uint64_t H5Rows::rows() const {
  H5Id space(H5Dget_space(_dataset->get()), H5Sclose);
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  return dims[0];
}

void H5Rows::resize(std::uint64_t rows) const {
  hsize_t dims[2] = {rows, _cols};
  check(H5Dset_extent(_dataset->get(), dims), "resizing " + _name, _file->path());
}

void H5Rows::writeRaw(std::uint64_t first, std::uint64_t count, std::int64_t memType, void const* data) const {
  static char const kNothing = 0;
  if (data == nullptr) data = &kNothing;  // HDF5 wants a buffer even for an empty selection
  int const rank = _cols == 0 ? 1 : 2;
  H5Id fileSpace(H5Dget_space(_dataset->get()), H5Sclose);
  hsize_t start[2] = {first, 0};
  hsize_t extent[2] = {count, _cols};
  hsize_t memDims[2] = {std::max<std::uint64_t>(1, count), std::max<std::uint64_t>(1, _cols)};
  H5Id memSpace(H5Screate_simple(rank, memDims, nullptr), H5Sclose);
  if (count == 0) {
    H5Sselect_none(fileSpace.get());
    H5Sselect_none(memSpace.get());
  } else {
    check(H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start, nullptr, extent, nullptr),
          "selecting rows of " + _name, _file->path());
  }
  H5Id dxpl(_file->parallel() ? comm::hdf5CollectiveTransfer() : H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  check(H5Dwrite(_dataset->get(), memType, memSpace.get(), fileSpace.get(), dxpl.get(), data),
        "writing rows of " + _name, _file->path());
}

void H5Rows::readRaw(std::uint64_t first, std::uint64_t count, std::int64_t memType, void* data) const {
  if (count == 0) return;
  int const rank = _cols == 0 ? 1 : 2;
  H5Id fileSpace(H5Dget_space(_dataset->get()), H5Sclose);
  hsize_t start[2] = {first, 0};
  hsize_t extent[2] = {count, _cols};
  H5Id memSpace(H5Screate_simple(rank, extent, nullptr), H5Sclose);
  check(H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start, nullptr, extent, nullptr),
        "selecting rows of " + _name, _file->path());
  check(H5Dread(_dataset->get(), memType, memSpace.get(), fileSpace.get(), H5P_DEFAULT, data),
        "reading rows of " + _name, _file->path());
}

void H5Rows::write(std::uint64_t first, std::uint64_t count, float const* data) const { writeRaw(first, count, H5T_NATIVE_FLOAT, data); }
void H5Rows::write(std::uint64_t first, std::uint64_t count, double const* data) const { writeRaw(first, count, H5T_NATIVE_DOUBLE, data); }
void H5Rows::write(std::uint64_t first, std::uint64_t count, std::int64_t const* data) const { writeRaw(first, count, H5T_NATIVE_INT64, data); }
void H5Rows::write(std::uint64_t first, std::uint64_t count, std::uint8_t const* data) const { writeRaw(first, count, H5T_NATIVE_UINT8, data); }
void H5Rows::read(std::uint64_t first, std::uint64_t count, float* data) const { readRaw(first, count, H5T_NATIVE_FLOAT, data); }
void H5Rows::read(std::uint64_t first, std::uint64_t count, double* data) const { readRaw(first, count, H5T_NATIVE_DOUBLE, data); }
void H5Rows::read(std::uint64_t first, std::uint64_t count, std::int64_t* data) const { readRaw(first, count, H5T_NATIVE_INT64, data); }
void H5Rows::read(std::uint64_t first, std::uint64_t count, std::uint8_t* data) const { readRaw(first, count, H5T_NATIVE_UINT8, data); }

void H5Rows::write(std::uint64_t first, std::vector<std::string> const& strings) const {
  std::vector<char> buffer(std::max<std::size_t>(1, strings.size() * _width), '\0');
  for (std::size_t i = 0; i < strings.size(); ++i)
    std::memcpy(buffer.data() + i * _width, strings[i].data(), std::min<std::size_t>(_width, strings[i].size()));
  H5Id memType(fileType(H5Type::String, _width), H5Tclose);
  writeRaw(first, strings.size(), memType.get(), buffer.data());
}

std::vector<std::string> H5Rows::readStrings(std::uint64_t first, std::uint64_t count) const {
  std::vector<char> buffer(std::max<std::size_t>(1, count * _width), '\0');
  // The file's own string type: no character-set conversion (ASCII files written by other
  // tools and our UTF-8 ones read alike).
  H5Id memType(H5Dget_type(_dataset->get()), H5Tclose);
  readRaw(first, count, memType.get(), buffer.data());
  std::vector<std::string> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    char const* p = buffer.data() + i * _width;
    out[i].assign(p, strnlen(p, _width));
  }
  return out;
}

void writeWholeStrings(H5File const& file, std::string const& name,
                       std::vector<std::string> const& values, comm::Comm const& comm) {
  std::uint64_t width = 1;
  for (auto const& v : values) width = std::max<std::uint64_t>(width, v.size());
  if (file.parallel()) comm.bcast(&width, 1, 0);
  H5Rows const set = H5Rows::create(file, name, H5Type::String, 0, 1024, width);
  std::uint64_t rows = values.size();
  if (file.parallel()) comm.bcast(&rows, 1, 0);
  set.resize(rows);
  set.write(0, file.rank() == 0 ? values : std::vector<std::string>{});
}

void writeSmall(H5File const& file, std::string const& name, std::vector<double> const& values,
                std::vector<std::uint64_t> const& shape) {
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  H5Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  H5Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  H5Id dataset(checkId(H5Dcreate2(file.id(), name.c_str(), H5T_IEEE_F64LE, space.get(), lcpl.get(),
                                  H5P_DEFAULT, H5P_DEFAULT),
                       "creating dataset " + name, file.path()),
               H5Dclose);
  H5Id fileSpace(H5Dget_space(dataset.get()), H5Sclose);
  H5Id memSpace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  if (file.parallel() && file.rank() != 0) {
    H5Sselect_none(fileSpace.get());
    H5Sselect_none(memSpace.get());
  }
  H5Id dxpl(file.parallel() ? comm::hdf5CollectiveTransfer() : H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, memSpace.get(), fileSpace.get(), dxpl.get(), values.data()),
        "writing " + name, file.path());
}

std::vector<double> readSmall(H5File const& file, std::string const& name, std::vector<std::uint64_t>* shape) {
  H5Id dataset(checkId(H5Dopen2(file.id(), name.c_str(), H5P_DEFAULT), "opening " + name, file.path()), H5Dclose);
  H5Id space(H5Dget_space(dataset.get()), H5Sclose);
  int const rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  std::size_t n = 1;
  for (auto d : dims) n *= d;
  std::vector<double> values(n);
  if (n > 0)
    check(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "reading " + name, file.path());
  if (shape) shape->assign(dims.begin(), dims.end());
  return values;
}

}  // namespace vocloud::io
