#pragma once
// RAII ownership of a CFITSIO fitsfile* with checked calls. Every CFITSIO status goes
// through check(), which throws vocloud::Error("fits: <what> failed for '<path>': <why>").
#include "core/error.hpp"

#include <fitsio.h>

#include <optional>
#include <string>

namespace vocloud::io {

/// The vocloud::Error thrown for a failed CFITSIO call; keeps CFITSIO's status code so
/// callers can tell a truncated file (END_OF_FILE, READ_ERROR) from other failures.
class FitsError : public Error {
public:
  FitsError(std::string const& message, int status) : Error(message), _status(status) {}
  /// The CFITSIO status of the failed call.
  int status() const { return _status; }

private:
  int _status;
};

enum class FitsMode { ReadOnly, ReadWrite };

/// CFITSIO's text for `status` followed by its queued error messages (the queue is emptied).
std::string fitsErrorText(int status);

/// Throws FitsError (a vocloud::Error) "fits: <what> failed for '<path>': <CFITSIO message>"
/// when status != 0; does nothing otherwise.
void checkFits(int status, std::string const& what, std::string const& path);

/// An open FITS file. Closes it in the destructor (errors there are swallowed: call close()
/// to see them). Movable, not copyable.
class FitsFile {
public:
  /// Creates a new file at `path`, replacing any existing file. The name is taken
  /// literally (no CFITSIO extended syntax: "!", "[...]" or "(...)" are plain characters).
  static FitsFile create(std::string const& path);

  /// Opens an existing file; gzip-compressed files are opened (read-only) transparently.
  /// The name is taken literally, as in create().
  static FitsFile open(std::string const& path, FitsMode mode = FitsMode::ReadOnly);

  FitsFile(FitsFile&& other) noexcept;
  FitsFile& operator=(FitsFile&& other) noexcept;
  FitsFile(FitsFile const&) = delete;
  FitsFile& operator=(FitsFile const&) = delete;
  ~FitsFile();

  /// The CFITSIO handle for direct calls (check their status with check()).
  fitsfile* get() const { return _file; }
  /// The path the file was created or opened with.
  std::string const& path() const { return _path; }
  /// True until close() (or a move away).
  bool isOpen() const { return _file != nullptr; }

  /// Throws vocloud::Error naming this file's path when status != 0.
  void check(int status, std::string const& what) const { checkFits(status, what, _path); }

  /// Flushes and closes the file; throws on failure (e.g. a full disk while writing).
  void close();

  /// Number of HDUs in the file.
  int hduCount() const;
  /// Moves to HDU `number` (1 = primary); returns its type (IMAGE_HDU, BINARY_TBL, ...).
  int moveTo(int number) const;
  /// Moves to the HDU whose EXTNAME is `extname` (any type); returns false if there is none.
  bool moveToNamed(std::string const& extname) const;
  /// Number (1-based) of the current HDU.
  int currentHdu() const;

  /// Writes (or replaces) a string keyword in the current HDU.
  void writeKey(std::string const& key, std::string const& value,
                std::string const& comment = "") const;
  /// Writes (or replaces) a string keyword; overload for literals.
  void writeKey(std::string const& key, char const* value, std::string const& comment = "") const {
    writeKey(key, std::string(value), comment);
  }
  /// Writes (or replaces) a floating keyword with 15 significant digits.
  void writeKey(std::string const& key, double value, std::string const& comment = "") const;
  /// Writes (or replaces) a floating keyword in fixed notation with `decimals` decimals.
  void writeFixedKey(std::string const& key, double value, int decimals,
                     std::string const& comment = "") const;
  /// Writes (or replaces) an integer keyword.
  void writeKey(std::string const& key, long long value, std::string const& comment = "") const;
  /// Writes (or replaces) an integer keyword; overload for int.
  void writeKey(std::string const& key, int value, std::string const& comment = "") const {
    writeKey(key, static_cast<long long>(value), comment);
  }
  /// Writes (or replaces) a logical keyword.
  void writeKey(std::string const& key, bool value, std::string const& comment = "") const;
  /// Appends a COMMENT card.
  void writeComment(std::string const& text) const;

  /// String keyword of the current HDU, or nothing if absent. Throws if not a string.
  std::optional<std::string> readString(std::string const& key) const;
  /// Numeric keyword of the current HDU, or nothing if absent. Throws if not a number.
  std::optional<double> readDouble(std::string const& key) const;
  /// Integer keyword of the current HDU, or nothing if absent. Throws if not an integer.
  std::optional<long long> readLong(std::string const& key) const;

private:
  FitsFile(fitsfile* file, std::string path) : _file(file), _path(std::move(path)) {}

  fitsfile* _file = nullptr;
  std::string _path;
};

}  // namespace vocloud::io
