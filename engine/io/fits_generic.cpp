// Generic layouts: a 1-D FITS image with a linear or log-linear wavelength solution, and a
// FITS table whose columns are named in ReadOptions or go by a usual name.
#include "io/fits_read.hpp"
#include "io/layout_readers.hpp"
#include "io/read_error.hpp"

#include <cmath>
#include <optional>

namespace vocloud::io::detail {

namespace {

std::string columnList(FitsTable const& table) {
  std::string text;
  for (auto const& column : table.columns()) text += (text.empty() ? "" : ", ") + column.name;
  return text.empty() ? "none" : text;
}

FitsColumn const& requireColumn(FitsTable const& table, std::string const& name) {
  if (FitsColumn const* column = table.find(name)) return *column;
  throw ReadError(ReadError::Reason::MissingColumn, table.file().path(),
                  "no column '" + name + "' in HDU " + std::to_string(table.hdu().number) +
                      " (columns: " + columnList(table) + ")");
}

// The name given in the options (which must then exist) or the first usual name present.
std::string chooseColumn(std::string const& given, FitsTable const& table,
                         std::vector<std::string> const& usual) {
  if (!given.empty()) return given;
  FitsColumn const* column = findAnyColumn(table, usual);
  return column ? column->name : std::string();
}

// Frame and metadata the primary header adds to a spectrum found in an extension.
void addPrimaryMeta(FitsHeader const& primary, Spectrum& out) {
  if (out.frame == WavelengthFrame::Unknown) out.frame = headerFrame(primary);
  readCommonMeta(primary, out.meta);
}

bool isLogUnit(std::string const& unit) {
  std::string const u = lowerCase(unit);
  return u.rfind("log", 0) == 0 || u.rfind("dex", 0) == 0;
}

}  // namespace

std::vector<std::string> const& waveColumnNames() {
  static std::vector<std::string> const names{"wave",     "wavelength", "lambda", "loglam",
                                              "spectral", "wavelen",    "awav",   "lam"};
  return names;
}
std::vector<std::string> const& fluxColumnNames() {
  static std::vector<std::string> const names{"flux", "flux_density", "flam", "f_lambda"};
  return names;
}
std::vector<std::string> const& ivarColumnNames() {
  static std::vector<std::string> const names{"ivar", "inverse_variance", "invvar"};
  return names;
}
std::vector<std::string> const& errorColumnNames() {
  static std::vector<std::string> const names{"error",    "err",     "sigma",     "flux_error",
                                              "flux_err", "fluxerr", "error_flux"};
  return names;
}
std::vector<std::string> const& maskColumnNames() {
  static std::vector<std::string> const names{"and_mask", "andmask", "mask"};
  return names;
}

std::vector<float> ivarFromError(std::vector<double> const& error) {
  std::vector<float> ivar(error.size());
  for (std::size_t i = 0; i < error.size(); ++i) {
    double const e = error[i];
    ivar[i] = std::isfinite(e) && e > 0 ? static_cast<float>(1.0 / (e * e)) : 0.0f;
  }
  return ivar;
}

void readCommonMeta(FitsHeader const& header, SpectrumMeta& meta) {
  if (meta.object.empty()) meta.object = header.string("OBJECT").value_or("");
  if (std::isnan(meta.ra)) meta.ra = header.angle("RA", true);
  if (std::isnan(meta.dec)) meta.dec = header.angle("DEC", false);
  if (std::isnan(meta.z)) {
    auto z = header.number("Z");
    if (!z) z = header.number("REDSHIFT");
    if (z) meta.z = *z;
  }
  if (meta.cls.empty()) meta.cls = header.string("CLASS").value_or("");
  if (meta.subclass.empty()) meta.subclass = header.string("SUBCLASS").value_or("");
}

void readTableColumns(FitsTable const& table, TableColumnNames const& names, Spectrum& out) {
  FitsColumn const& wave = requireColumn(table, names.wave);
  FitsColumn const& flux = requireColumn(table, names.flux);
  FitsColumn const* ivar = names.ivar.empty() ? nullptr : &requireColumn(table, names.ivar);
  FitsColumn const* error = names.error.empty() ? nullptr : &requireColumn(table, names.error);
  FitsColumn const* mask = names.mask.empty() ? nullptr : &requireColumn(table, names.mask);
  table.file().requireData(table.hdu());  // a cut table is a truncated file, whichever column

  out.wave = table.doubles(wave);
  if (names.waveIsLog10 || isLogUnit(wave.unit)) {
    for (double& w : out.wave) w = powerOfTen(w);
  } else {
    auto const scale = angstromsPerUnit(wave.unit);
    if (!scale)
      throw ReadError(
          ReadError::Reason::UnknownLayout, table.file().path(),
          "column '" + wave.name + "' has unit '" + wave.unit + "', not a wavelength unit");
    if (*scale != 1.0)
      for (double& w : out.wave) w *= *scale;
  }
  out.flux = table.floats(flux);
  if (ivar)
    out.ivar = table.floats(*ivar);
  else if (error)
    out.ivar = ivarFromError(table.doubles(*error));
  if (mask) out.mask = table.mask(*mask);
}

void readFitsTable(FitsMemory const& file, int hdu, ReadOptions const& options,
                   FitsHeader const& primary, Spectrum& out) {
  FitsTable const table(file, file.hdu(hdu));
  FitsHeader const& header = table.hdu().header;
  TableColumnNames names;
  names.wave = chooseColumn(options.waveColumn, table, waveColumnNames());
  names.flux = chooseColumn(options.fluxColumn, table, fluxColumnNames());
  if (names.wave.empty() || names.flux.empty())
    throw ReadError(ReadError::Reason::MissingColumn, file.path(),
                    std::string("no ") + (names.wave.empty() ? "wavelength" : "flux") +
                        " column found in HDU " + std::to_string(hdu) +
                        " (columns: " + columnList(table) +
                        "); name it in the reader options. Table layouts tried: sdss (flux and "
                        "loglam), lamost_dr8 (one row of flux and wavelength arrays), "
                        "ondrejov_ssap (flux and spectral), fits_table (a wavelength column named "
                        "wave, wavelength, lambda, loglam, spectral, wavelen, awav or lam, and a "
                        "flux column named flux, flux_density, flam or f_lambda)");
  names.waveIsLog10 = lowerCase(names.wave) == "loglam";
  names.ivar = chooseColumn(options.ivarColumn, table, ivarColumnNames());
  if (names.ivar.empty())
    names.error = chooseColumn(options.errorColumn, table, errorColumnNames());
  names.mask = chooseColumn("", table, maskColumnNames());
  readTableColumns(table, names, out);

  FitsColumn const& wave = *table.find(names.wave);
  std::string const comment = lowerCase(header.comment("TTYPE" + std::to_string(wave.number)));
  out.frame = headerFrame(header);
  if (out.frame == WavelengthFrame::Unknown) {
    if (comment.find("air") != std::string::npos) out.frame = WavelengthFrame::Air;
    if (comment.find("vac") != std::string::npos) out.frame = WavelengthFrame::Vacuum;
  }
  readCommonMeta(header, out.meta);
  addPrimaryMeta(primary, out);
}

void readFitsImage(FitsMemory const& file, int number, FitsHeader const& primary, Spectrum& out) {
  FitsHdu const& hdu = file.hdu(number);
  FitsHeader const& header = hdu.header;
  long long const n = hdu.axes.empty() ? 0 : hdu.axes[0];
  // CRPIX1 defaults to 0, as the FITS WCS standard (and astropy) have it.
  auto const solution = linearSolution(header, 0.0);
  if (!solution)
    throw ReadError(ReadError::Reason::MissingColumn, file.path(),
                    std::string("the 1-D image has no wavelength solution (") +
                        (header.has("CRVAL1") ? "CD1_1 or CDELT1" : "CRVAL1") + " absent)");
  ImageScale const scale = imageScale(header);
  double perUnit = 1.0;
  if (scale != ImageScale::Log10) {
    std::string const unit = header.string("CUNIT1").value_or("");
    auto const known = angstromsPerUnit(unit);
    if (!known)
      throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                      "CUNIT1 '" + unit + "' is not a wavelength unit");
    perUnit = *known;
  }
  out.flux = readImageFloats(file, hdu, 0, n);
  out.wave = imageWavelengths(*solution, n, scale, perUnit);
  out.frame = headerFrame(header);
  readCommonMeta(header, out.meta);
  if (number != 1) addPrimaryMeta(primary, out);
}

}  // namespace vocloud::io::detail
