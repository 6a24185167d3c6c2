// Wavelength conventions of FITS headers, shared by the image readers: the linear solution
// of axis 1 (CRVAL1; CD1_1, or CDELT1 times PC1_1; CRPIX1), IRAF's DC-FLAG, the FITS WCS
// spectral algorithm codes of CTYPE1 and the frame a header states (AIRORVAC, VACUUM,
// CTYPE1 'AWAV'/'WAVE').
#include "io/fits_read.hpp"
#include "io/layout_readers.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace vocloud::io::detail {

namespace {

// CTYPE1 split as the FITS WCS standard writes it: a 4-character type ("WAVE", "AWAV"),
// then "-" and a 3-character algorithm code ("LOG", "TAB"), upper case, blanks removed.
struct SpectralType {
  std::string type, algorithm;
};

SpectralType spectralType(FitsHeader const& header) {
  std::string ctype;
  for (char c : header.string("CTYPE1").value_or(""))
    if (c != ' ') ctype += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  SpectralType out;
  auto const dash = ctype.find('-');
  out.type = ctype.substr(0, dash);
  if (dash != std::string::npos) {
    out.algorithm = ctype.substr(dash);
    while (!out.algorithm.empty() && out.algorithm.front() == '-') out.algorithm.erase(0, 1);
  }
  return out;
}

}  // namespace

std::optional<LinearSolution> linearSolution(FitsHeader const& header, double defaultCrpix) {
  auto const crval = header.number("CRVAL1");
  auto step = header.number("CD1_1");
  if (!step) {
    // CDi_j replaces CDELTi and PCi_j together; without it the step is CDELT1 * PC1_1.
    if (auto const cdelt = header.number("CDELT1"))
      step = *cdelt * header.number("PC1_1").value_or(1.0);
  }
  if (!crval || !step) return std::nullopt;
  return LinearSolution{*crval, *step, header.number("CRPIX1").value_or(defaultCrpix)};
}

std::optional<bool> dcFlagLogLinear(FitsHeader const& header) {
  auto const flag = header.number("DC-FLAG");
  if (flag && *flag == 1) return true;
  if (flag && *flag == 0) return false;
  return std::nullopt;
}

ImageScale imageScale(FitsHeader const& header) {
  SpectralType const ctype = spectralType(header);
  // FITS WCS paper III: "-LOG" is S = CRVAL1 exp(w / CRVAL1), whatever the spectral type.
  if (ctype.algorithm == "LOG") return ImageScale::WcsLog;
  if (auto const log10 = dcFlagLogLinear(header))
    return *log10 ? ImageScale::Log10 : ImageScale::Linear;
  // IRAF-style types such as 'LOG-LINEAR' or 'LOGLAM' state log10 wavelengths.
  std::string const type = lowerCase(ctype.type);
  return type.find("log") != std::string::npos ? ImageScale::Log10 : ImageScale::Linear;
}

std::vector<double> imageWavelengths(LinearSolution const& solution, long long n, ImageScale scale,
                                     double perUnit) {
  if (scale == ImageScale::Log10)
    return wavelengthGrid(solution.crval, solution.step, solution.crpix, n, true);
  if (scale == ImageScale::Linear)
    return wavelengthGrid(solution.crval, solution.step, solution.crpix, n, false, perUnit);
  std::vector<double> wave(static_cast<std::size_t>(std::max(0LL, n)));
  for (long long i = 0; i < n; ++i) {
    double const w = solution.step * (static_cast<double>(i) + 1.0 - solution.crpix);
    wave[static_cast<std::size_t>(i)] = solution.crval * std::exp(w / solution.crval) * perUnit;
  }
  return wave;
}

WavelengthFrame headerFrame(FitsHeader const& header) {
  std::string const airOrVac = lowerCase(header.string("AIRORVAC").value_or(""));
  if (airOrVac.rfind("air", 0) == 0) return WavelengthFrame::Air;
  if (airOrVac.rfind("vac", 0) == 0) return WavelengthFrame::Vacuum;
  if (auto vacuum = header.flag("VACUUM"))
    return *vacuum ? WavelengthFrame::Vacuum : WavelengthFrame::Air;
  // FITS WCS paper III spectral types: AWAV is air wavelength, WAVE vacuum wavelength.
  std::string const type = spectralType(header).type;
  if (type == "AWAV") return WavelengthFrame::Air;
  if (type == "WAVE") return WavelengthFrame::Vacuum;
  return WavelengthFrame::Unknown;
}

}  // namespace vocloud::io::detail
