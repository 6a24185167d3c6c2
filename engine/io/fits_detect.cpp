// Layout detection from FITS content: HDU structure, EXTNAME, column names, EXTEN0, NAXIS.
// The file name is never consulted.
#include "io/fits_read.hpp"
#include "io/layout_readers.hpp"
#include "io/read_error.hpp"

#include <algorithm>
#include <utility>

namespace vocloud::io::detail {

namespace {

std::string shapeText(std::vector<long long> const& shape) {
  if (shape.empty()) return "no data";
  std::string text;
  for (std::size_t i = 0; i < shape.size(); ++i)
    text += (i == 0 ? "" : "x") + std::to_string(shape[i]);
  return "a " + text + " image";
}

// A spectrum as a 1-D image: NAXIS1 pixels, every further axis of length 1 (IRAF often
// writes N x 1 x 1).
bool isOneDimensional(std::vector<long long> const& shape) {
  if (shape.empty() || shape[0] < 1) return false;
  return std::all_of(shape.begin() + 1, shape.end(), [](long long n) { return n == 1; });
}

bool contains(std::string const& text, std::string const& part) {
  return text.find(part) != std::string::npos;
}

// Ondřejov 2 m (Zeiss) CCD700 coudé spectrograph, as its archive headers say.
bool isOndrejov(FitsHeader const& header) {
  std::string const telescope = lowerCase(header.string("TELESCOP").value_or(""));
  std::string const observatory = lowerCase(header.string("OBSERVAT").value_or(""));
  std::string const instrument = lowerCase(header.string("INSTRUME").value_or(""));
  return contains(telescope, "zeiss-2m") || contains(observatory, "ondrejov") ||
         contains(instrument, "coude700");
}

// Log-linear (log10 Å) solution: DC-FLAG = 1 (IRAF) or a CTYPE1 that says LOG.
char const* imageLayout(FitsHeader const& header) {
  std::string const ctype = lowerCase(header.string("CTYPE1").value_or(""));
  bool const log = header.number("DC-FLAG").value_or(0) == 1 || contains(ctype, "log");
  return log ? kImageLogLinear : kImageLinear;
}

std::string tableLayout(FitsMemory const& file, FitsHdu const& hdu) {
  FitsTable const table(file, hdu);
  FitsColumn const* flux = table.find("flux");
  if (flux && table.find("loglam")) return kSdss;
  if (flux && table.find("wavelength") && flux->repeat > 1 && table.rows() == 1) return kLamostDr8;
  if (flux && table.find("spectral")) return kOndrejovSsap;
  return kTable;
}

}  // namespace

FitsLayout detectFitsLayout(FitsMemory const& file, ReadOptions const& options) {
  if (options.hdu > 0) {
    int const number = options.hdu + 1;
    FitsHdu const* hdu = file.find(number);
    if (hdu == nullptr)
      throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                      "the file has no extension " + std::to_string(options.hdu));
    if (hdu->kind != HduKind::Image) return {kTable, number};
    if (isOneDimensional(hdu->axes)) return {imageLayout(hdu->header), number};
    throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                    "extension " + std::to_string(options.hdu) + " holds " + shapeText(hdu->axes) +
                        ", not a spectrum");
  }

  FitsHdu const& primary = file.hdu(1);
  auto const& shape = primary.axes;
  if (shape.size() == 2) {
    if (auto exten0 = primary.header.string("EXTEN0")) {
      // LAMOST DR1-DR7 name the image rows in EXTEN0; DR1 has no wavelength row.
      bool hasWavelength = false;
      for (auto const& word : lowerCaseWords(*exten0))
        hasWavelength = hasWavelength || word == "wavelength";
      return {hasWavelength ? kLamostDr2 : kLamostDr1, 1};
    }
  }
  if (isOneDimensional(shape))
    return {isOndrejov(primary.header) ? kOndrejovRaw : imageLayout(primary.header), 1};

  FitsHdu const* first = file.find(2);
  if (first == nullptr)
    throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                    "the primary HDU holds " + shapeText(shape) + " and there is no extension");
  if (first->kind != HduKind::Image) return {tableLayout(file, *first), 2};
  if (isOneDimensional(first->axes)) return {imageLayout(first->header), 2};
  throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                  "the primary HDU holds " + shapeText(shape) + " and extension 1 " +
                      shapeText(first->axes) + "; neither is a spectrum layout");
}

}  // namespace vocloud::io::detail
