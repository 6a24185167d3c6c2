// Layout detection from FITS content: HDU structure, EXTNAME, column names, EXTEN0, NAXIS.
// The file name is never consulted.
#include "io/fits_read.hpp"
#include "io/layout_readers.hpp"
#include "io/read_error.hpp"

#include <algorithm>
#include <sstream>
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
bool isOndrejov(Header const& header) {
  std::string const telescope = lowerCase(header.string("TELESCOP").value_or(""));
  std::string const observatory = lowerCase(header.string("OBSERVAT").value_or(""));
  std::string const instrument = lowerCase(header.string("INSTRUME").value_or(""));
  return contains(telescope, "zeiss-2m") || contains(observatory, "ondrejov") ||
         contains(instrument, "coude700");
}

// Log-linear (log10 Å) solution: DC-FLAG = 1 (IRAF) or a CTYPE1 that says LOG.
char const* imageLayout(Header const& header) {
  std::string const ctype = lowerCase(header.string("CTYPE1").value_or(""));
  bool const log = header.number("DC-FLAG").value_or(0) == 1 || contains(ctype, "log");
  return log ? kImageLogLinear : kImageLinear;
}

// Moves to HDU `hdu` (1-based); false when the file has fewer HDUs.
bool moveIfPresent(FitsFile const& file, int hdu, int& type) {
  int status = 0;
  fits_movabs_hdu(file.get(), hdu, &type, &status);
  if (status == END_OF_FILE || status == BAD_HDU_NUM) {
    fits_clear_errmsg();
    return false;
  }
  checkRead(file, status, "moving to HDU " + std::to_string(hdu));
  return true;
}

std::string tableLayout(FitsFile const& file) {
  auto const columns = tableColumns(file, Header(file));
  auto const flux = findColumn(columns, "flux");
  if (flux && findColumn(columns, "loglam")) return kSdss;
  if (flux && findColumn(columns, "wavelength") && flux->repeat > 1 && tableRows(file) == 1)
    return kLamostDr8;
  if (flux && findColumn(columns, "spectral")) return kOndrejovSsap;
  return kTable;
}

// Layout name and data HDU; `primary` is the header of HDU 1.
std::pair<std::string, int> detect(FitsFile const& file, ReadOptions const& options,
                                   Header const& primary) {
  int type = 0;
  if (options.hdu > 0) {
    int const hdu = options.hdu + 1;
    if (!moveIfPresent(file, hdu, type))
      throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                      "the file has no extension " + std::to_string(options.hdu));
    if (type != IMAGE_HDU) return {kTable, hdu};
    auto const shape = imageShape(file);
    if (isOneDimensional(shape)) return {imageLayout(Header(file)), hdu};
    throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                    "extension " + std::to_string(options.hdu) + " holds " + shapeText(shape) +
                        ", not a spectrum");
  }

  file.moveTo(1);
  auto const shape = imageShape(file);
  if (shape.size() == 2) {
    if (auto exten0 = primary.string("EXTEN0")) {
      // LAMOST DR1-DR7 name the image rows in EXTEN0; DR1 has no wavelength row.
      std::istringstream words(lowerCase(*exten0));
      std::string word;
      bool hasWavelength = false;
      while (words >> word) hasWavelength = hasWavelength || word == "wavelength";
      return {hasWavelength ? kLamostDr2 : kLamostDr1, 1};
    }
  }
  if (isOneDimensional(shape))
    return {isOndrejov(primary) ? kOndrejovRaw : imageLayout(primary), 1};

  if (!moveIfPresent(file, 2, type))
    throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                    "the primary HDU holds " + shapeText(shape) + " and there is no extension");
  if (type != IMAGE_HDU) return {tableLayout(file), 2};
  auto const first = imageShape(file);
  if (isOneDimensional(first)) return {imageLayout(Header(file)), 2};
  throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                  "the primary HDU holds " + shapeText(shape) + " and extension 1 " +
                      shapeText(first) + "; neither is a spectrum layout");
}

}  // namespace

FitsLayout detectFitsLayout(FitsFile const& file, ReadOptions const& options) {
  file.moveTo(1);
  Header primary(file);
  auto [name, hdu] = detect(file, options, primary);
  return FitsLayout{std::move(name), hdu, std::move(primary)};
}

}  // namespace vocloud::io::detail
