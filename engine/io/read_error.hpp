#pragma once
// The error every spectrum reader throws: a reason that lands in /rejected lists, the path,
// and a message "io: <path>: <reason text>: <detail>".
#include "core/error.hpp"

#include <string>

namespace vocloud::io {

/// A spectrum file that cannot be read or holds no usable spectrum.
class ReadError : public Error {
 public:
  enum class Reason {
    NotFound,       ///< no such file
    NotFits,        ///< neither FITS nor a readable text table
    Truncated,      ///< the file ends before the data its header declares
    MissingColumn,  ///< a required column, row or wavelength solution is absent
    ZeroLength,     ///< an empty file or a spectrum with no points
    AllNonFinite,   ///< every flux (or wavelength) value is NaN or infinite
    UnknownLayout,  ///< a valid file whose layout is not a spectrum layout we know
    WrongSizes,     ///< arrays that should have one length do not
    Unreadable,     ///< any other failure (permissions, a directory, a corrupt header)
    BadWavelength,  ///< a wavelength axis that is non-positive, non-finite, constant or not
                    ///< monotonic
    TooFewPoints,   ///< a spectrum of a single point
    TooLarge        ///< content larger than a reader accepts (a gzip stream inflating past its cap)
  };

  /// Builds the message "io: <path>: <reasonText(reason)>: <detail>".
  ReadError(Reason reason, std::string path, std::string const& detail);

  /// Why the file was rejected.
  Reason reason() const { return _reason; }
  /// The path of the file that failed.
  std::string const& path() const { return _path; }
  /// The detail part of the message (what exactly was wrong).
  std::string const& detail() const { return _detail; }

 private:
  Reason _reason;
  std::string _path;
  std::string _detail;
};

/// Short machine name of a reason for rejected lists: "not_found", "not_fits", "truncated",
/// "missing_column", "zero_length", "all_non_finite", "unknown_layout", "wrong_sizes",
/// "unreadable", "bad_wavelength", "too_few_points", "too_large".
std::string reasonName(ReadError::Reason reason);

/// Human text of a reason ("file not found", "truncated file", ...), as used in what().
std::string reasonText(ReadError::Reason reason);

}  // namespace vocloud::io
