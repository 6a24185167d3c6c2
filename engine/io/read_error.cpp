#include "io/read_error.hpp"

#include "io/spectrum.hpp"

#include <utility>

namespace vocloud::io {

ReadError::ReadError(Reason reason, std::string path, std::string const& detail)
    : Error("io: " + path + ": " + reasonText(reason) + (detail.empty() ? "" : ": " + detail)),
      _reason(reason),
      _path(std::move(path)),
      _detail(detail) {}

std::string reasonName(ReadError::Reason reason) {
  switch (reason) {
    case ReadError::Reason::NotFound:
      return "not_found";
    case ReadError::Reason::NotFits:
      return "not_fits";
    case ReadError::Reason::Truncated:
      return "truncated";
    case ReadError::Reason::MissingColumn:
      return "missing_column";
    case ReadError::Reason::ZeroLength:
      return "zero_length";
    case ReadError::Reason::AllNonFinite:
      return "all_non_finite";
    case ReadError::Reason::UnknownLayout:
      return "unknown_layout";
    case ReadError::Reason::WrongSizes:
      return "wrong_sizes";
    case ReadError::Reason::Unreadable:
      return "unreadable";
    case ReadError::Reason::BadWavelength:
      return "bad_wavelength";
    case ReadError::Reason::TooFewPoints:
      return "too_few_points";
    case ReadError::Reason::TooLarge:
      return "too_large";
  }
  return "unreadable";
}

std::string reasonText(ReadError::Reason reason) {
  switch (reason) {
    case ReadError::Reason::NotFound:
      return "file not found";
    case ReadError::Reason::NotFits:
      return "not a FITS file or text table";
    case ReadError::Reason::Truncated:
      return "truncated file";
    case ReadError::Reason::MissingColumn:
      return "missing column";
    case ReadError::Reason::ZeroLength:
      return "no data points";
    case ReadError::Reason::AllNonFinite:
      return "no finite values";
    case ReadError::Reason::UnknownLayout:
      return "unknown layout";
    case ReadError::Reason::WrongSizes:
      return "array sizes disagree";
    case ReadError::Reason::Unreadable:
      return "unreadable";
    case ReadError::Reason::BadWavelength:
      return "bad wavelength axis";
    case ReadError::Reason::TooFewPoints:
      return "too few points";
    case ReadError::Reason::TooLarge:
      return "content too large";
  }
  return "unreadable";
}

std::string frameName(WavelengthFrame frame) {
  switch (frame) {
    case WavelengthFrame::Vacuum:
      return "vacuum";
    case WavelengthFrame::Air:
      return "air";
    case WavelengthFrame::Unknown:
      return "unknown";
  }
  return "unknown";
}

}  // namespace vocloud::io
