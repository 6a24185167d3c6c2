#include "io/fits_file.hpp"

#include "core/error.hpp"

#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

namespace vocloud::io {

namespace {

// CFITSIO keeps at most 68 characters of a plain string value; longer ones need the
// LONGSTRN (CONTINUE card) convention.
constexpr std::size_t kMaxShortString = 68;

// Frees memory CFITSIO allocated for us (fits_read_key_longstr).
struct CfitsioFree {
  void operator()(char* p) const {
    int status = 0;
    fits_free_memory(p, &status);
  }
};

}  // namespace

std::string fitsErrorText(int status) {
  char text[FLEN_STATUS] = {};
  fits_get_errstatus(status, text);
  std::string message = text;
  char queued[FLEN_ERRMSG] = {};
  std::vector<std::string> details;
  while (fits_read_errmsg(queued) != 0) details.emplace_back(queued);
  for (auto const& detail : details)
    if (!detail.empty() && message.find(detail) == std::string::npos) message += "; " + detail;
  return message + " (status " + std::to_string(status) + ")";
}

void checkFits(int status, std::string const& what, std::string const& path) {
  if (status == 0) return;
  throw FitsError("fits: " + what + " failed for '" + path + "': " + fitsErrorText(status), status);
}

FitsFile FitsFile::create(std::string const& path) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);  // CFITSIO refuses to overwrite
  fitsfile* file = nullptr;
  int status = 0;
  fits_create_diskfile(&file, path.c_str(), &status);
  checkFits(status, "creating the file", path);
  return FitsFile(file, path);
}

FitsFile FitsFile::open(std::string const& path, FitsMode mode) {
  fitsfile* file = nullptr;
  int status = 0;
  fits_open_diskfile(&file, path.c_str(), mode == FitsMode::ReadWrite ? READWRITE : READONLY,
                     &status);
  if (status != 0 && file != nullptr) {
    int ignored = 0;
    fits_close_file(file, &ignored);
  }
  checkFits(status, "opening the file", path);
  return FitsFile(file, path);
}

FitsFile::FitsFile(FitsFile&& other) noexcept
    : _file(std::exchange(other._file, nullptr)), _path(std::move(other._path)) {}

FitsFile& FitsFile::operator=(FitsFile&& other) noexcept {
  if (this != &other) {
    if (_file != nullptr) {
      int ignored = 0;
      fits_close_file(_file, &ignored);
    }
    _file = std::exchange(other._file, nullptr);
    _path = std::move(other._path);
  }
  return *this;
}

FitsFile::~FitsFile() {
  if (_file == nullptr) return;
  int ignored = 0;
  fits_close_file(_file, &ignored);
  fits_clear_errmsg();
}

void FitsFile::close() {
  if (_file == nullptr) return;
  int status = 0;
  fits_close_file(_file, &status);
  _file = nullptr;  // CFITSIO frees the handle even when closing fails
  check(status, "closing the file");
}

int FitsFile::hduCount() const {
  int count = 0, status = 0;
  fits_get_num_hdus(_file, &count, &status);
  check(status, "counting HDUs");
  return count;
}

int FitsFile::moveTo(int number) const {
  int type = 0, status = 0;
  fits_movabs_hdu(_file, number, &type, &status);
  check(status, "moving to HDU " + std::to_string(number));
  return type;
}

bool FitsFile::moveToNamed(std::string const& extname) const {
  int status = 0;
  std::vector<char> name(extname.begin(), extname.end());
  name.push_back('\0');
  fits_movnam_hdu(_file, ANY_HDU, name.data(), 0, &status);
  if (status == BAD_HDU_NUM) {
    fits_clear_errmsg();
    return false;
  }
  check(status, "moving to HDU '" + extname + "'");
  return true;
}

int FitsFile::currentHdu() const {
  int number = 0;
  fits_get_hdu_num(_file, &number);
  return number;
}

void FitsFile::writeKey(std::string const& key, std::string const& value,
                        std::string const& comment) const {
  int status = 0;
  if (value.size() <= kMaxShortString)
    fits_update_key_str(_file, key.c_str(), value.c_str(), comment.c_str(), &status);
  else
    fits_update_key_longstr(_file, key.c_str(), value.c_str(), comment.c_str(), &status);
  check(status, "writing keyword " + key);
}

void FitsFile::writeKey(std::string const& key, double value, std::string const& comment) const {
  int status = 0;
  fits_update_key_dbl(_file, key.c_str(), value, -15, comment.c_str(), &status);
  check(status, "writing keyword " + key);
}

void FitsFile::writeFixedKey(std::string const& key, double value, int decimals,
                             std::string const& comment) const {
  int status = 0;
  fits_update_key_fixdbl(_file, key.c_str(), value, decimals, comment.c_str(), &status);
  check(status, "writing keyword " + key);
}

void FitsFile::writeKey(std::string const& key, long long value, std::string const& comment) const {
  int status = 0;
  fits_update_key_lng(_file, key.c_str(), static_cast<LONGLONG>(value), comment.c_str(), &status);
  check(status, "writing keyword " + key);
}

void FitsFile::writeKey(std::string const& key, bool value, std::string const& comment) const {
  int status = 0;
  fits_update_key_log(_file, key.c_str(), value ? 1 : 0, comment.c_str(), &status);
  check(status, "writing keyword " + key);
}

void FitsFile::writeComment(std::string const& text) const {
  int status = 0;
  fits_write_comment(_file, text.c_str(), &status);
  check(status, "writing a COMMENT card");
}

std::optional<std::string> FitsFile::readString(std::string const& key) const {
  int status = 0;
  char* raw = nullptr;
  fits_read_key_longstr(_file, key.c_str(), &raw, nullptr, &status);
  std::unique_ptr<char, CfitsioFree> owned(raw);
  if (status == KEY_NO_EXIST) {
    fits_clear_errmsg();
    return std::nullopt;
  }
  check(status, "reading keyword " + key);
  return std::string(raw != nullptr ? raw : "");
}

std::optional<double> FitsFile::readDouble(std::string const& key) const {
  int status = 0;
  double value = 0;
  fits_read_key(_file, TDOUBLE, key.c_str(), &value, nullptr, &status);
  if (status == KEY_NO_EXIST) {
    fits_clear_errmsg();
    return std::nullopt;
  }
  check(status, "reading keyword " + key);
  return value;
}

std::optional<long long> FitsFile::readLong(std::string const& key) const {
  int status = 0;
  LONGLONG value = 0;
  fits_read_key(_file, TLONGLONG, key.c_str(), &value, nullptr, &status);
  if (status == KEY_NO_EXIST) {
    fits_clear_errmsg();
    return std::nullopt;
  }
  check(status, "reading keyword " + key);
  return static_cast<long long>(value);
}

}  // namespace vocloud::io
