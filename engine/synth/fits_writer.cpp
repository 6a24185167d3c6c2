// Bit-identical output needs IEEE rounding of every operation: no FMA contraction.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "synth/fits_writer.hpp"

#include "core/error.hpp"
#include "io/fits_file.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace vocloud::synth {

namespace {

using io::FitsFile;

// SDSS wdisp: the instrumental sigma in pixels of 1e-4 dex, 1 / (2.3548 R ln10 1e-4), R = 2000.
constexpr float kSdssWdisp = 0.9222f;

struct Column {
  std::string name, form, unit;
};

// Appends a binary table HDU with `rows` rows; an empty extname writes no EXTNAME.
void createTable(FitsFile const& file, long long rows, std::vector<Column> const& columns,
                 std::string const& extname) {
  std::vector<std::string> names, forms, units;
  for (auto const& c : columns) {
    names.push_back(c.name);
    forms.push_back(c.form);
    units.push_back(c.unit);
  }
  std::vector<char*> ttype, tform, tunit;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    ttype.push_back(names[i].data());
    tform.push_back(forms[i].data());
    tunit.push_back(units[i].data());
  }
  std::string ext = extname;
  int status = 0;
  fits_create_tbl(file.get(), BINARY_TBL, rows, static_cast<int>(columns.size()), ttype.data(),
                  tform.data(), tunit.data(), extname.empty() ? nullptr : ext.data(), &status);
  file.check(status, "creating table " + (extname.empty() ? std::string("HDU") : extname));
}

// Writes `count` values of type `datatype` (TFLOAT, TDOUBLE, TINT...) to a table cell range.
void writeColumn(FitsFile const& file, int datatype, int column, long long firstRow,
                 long long count, void const* data) {
  int status = 0;
  fits_write_col(file.get(), datatype, column, firstRow, 1, count, const_cast<void*>(data),
                 &status);
  file.check(status, "writing column " + std::to_string(column));
}

void createEmptyPrimary(FitsFile const& file) {
  int status = 0;
  fits_create_img(file.get(), BYTE_IMG, 0, nullptr, &status);
  file.check(status, "creating the primary HDU");
}

void writeImage(FitsFile const& file, int bitpix, std::vector<long> axes, int datatype,
                long long count, void const* data) {
  int status = 0;
  fits_create_img(file.get(), bitpix, static_cast<int>(axes.size()), axes.data(), &status);
  file.check(status, "creating the primary image");
  fits_write_img(file.get(), datatype, 1, count, const_cast<void*>(data), &status);
  file.check(status, "writing the primary image");
}

// Keywords every layout carries: the label and the generator's provenance.
void writeLabelKeys(FitsFile const& file, SyntheticSpectrum const& s) {
  file.writeKey("LABEL", className(s.cls), "vocloud synthetic H-alpha class");
  file.writeKey("OUTLIER", s.outlier == OutlierKind::None ? "none" : outlierName(s.outlier),
                "vocloud synthetic outlier kind");
  file.writeKey("SYNTHIDX", static_cast<long long>(s.index), "vocloud synthetic global row");
  file.writeKey("TEFF", std::round(s.teff), "[K] continuum temperature (synthetic)");
  file.writeComment("Synthetic spectrum written by vocloud synth; not an observation.");
}

// "LAMOST Jhhmmss.ss+ddmmss.s" from the position.
std::string designation(std::string const& prefix, double ra, double dec) {
  std::string h = sexagesimal(ra, true, 2), d = sexagesimal(dec, false, 1);
  std::string text = prefix + " J";
  for (char c : h)
    if (c != ':') text += c;
  for (char c : d)
    if (c != ':') text += c;
  return text;
}

std::vector<float> normalised(SyntheticSpectrum const& s) {
  std::vector<float> out(s.flux.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = s.continuum[i] > 0 ? s.flux[i] / s.continuum[i] : 0.0f;
  return out;
}

void writeLogLinearKeys(FitsFile const& file, SyntheticSpectrum const& s) {
  file.writeKey("VACUUM", true, "Wavelengths are in vacuum");
  file.writeKey("NWORDER", 2, "Number of linear-log10 coefficients");
  file.writeKey("WFITTYPE", "LOG-LINEAR", "Linear-log10 dispersion");
  file.writeFixedKey("COEFF0", s.crval1, 4, "Central wavelength (log10) of first pixel");
  file.writeFixedKey("COEFF1", s.cdelt1, 4 + 5, "Log10 dispersion per pixel");
  file.writeFixedKey("CRVAL1", s.crval1, 4, "Central wavelength (log10) of first pixel");
  file.writeFixedKey("CD1_1", s.cdelt1, 4 + 5, "Log10 dispersion per pixel");
  file.writeKey("CRPIX1", 1, "Starting pixel (1-indexed)");
  file.writeKey("CTYPE1", "LINEAR");
  file.writeKey("DC-FLAG", 1, "Log-linear flag");
}

void writeLamostObjectKeys(FitsFile const& file, SyntheticSpectrum const& s) {
  file.writeComment("--------FILE INFORMATION");
  file.writeKey("AUTHOR", "vocloud synth", "Who compiled the information");
  file.writeKey("ORIGIN", "vocloud", "Organization responsible for creating this file");
  file.writeKey("TELESCOP", "LAMOST", "GuoShouJing Telescope (simulated)");
  file.writeKey("DATE-OBS", isoDateFromMjd(s.mjd), "The observation date (simulated)");
  file.writeKey("MJD", s.mjd, "Modified Julian Day");
  file.writeKey("RA", s.ra, "[deg] Right ascension of object");
  file.writeKey("DEC", s.dec, "[deg] Declination of object");
  file.writeKey("DESIG", designation("LAMOST", s.ra, s.dec), "Designation of LAMOST target");
  file.writeKey("OBJNAME", s.id, "Name of object");
  file.writeKey("OBJTYPE", "star", "Object type from input catalog");
  file.writeKey("RADECSYS", "FK5", "Equatorial coordinate system");
  file.writeFixedKey("EQUINOX", 2000.0, 1, "Equinox in years");
}

void writeLamostResultKeys(FitsFile const& file, SyntheticSpectrum const& s) {
  file.writeComment("--------SPECTRA ANALYSIS RESULTS");
  file.writeKey("CLASS", "STAR", "Class of object");
  file.writeKey("SUBCLASS", spectralType(s.teff), "Subclass of object");
  file.writeKey("Z", s.z, "Redshift of object");
  file.writeKey("Z_ERR", 1e-5, "Redshift error of object");
  file.writeFixedKey("SN_R", s.snr, 2, "SNR of r filter");
  writeLabelKeys(file, s);
}

void writeSdss(FitsFile const& file, SyntheticSpectrum const& s) {
  long long const n = s.npix;
  createEmptyPrimary(file);
  int const plate = 3000 + static_cast<int>(s.index / 1000);
  int const fiber = 1 + static_cast<int>(s.index % 1000);
  file.writeKey("TELESCOP", "SDSS 2.5-M", "Sloan Digital Sky Survey (simulated)");
  file.writeKey("RA", s.ra, "Right ascension of the object (deg)");
  file.writeKey("DEC", s.dec, "Declination of the object (deg)");
  file.writeKey("RADEG", s.ra, "Right Ascension. (degrees)");
  file.writeKey("DECDEG", s.dec, "Declination. (degrees)");
  file.writeFixedKey("EQUINOX", 2000.0, 2);
  file.writeKey("RADECSYS", "FK5");
  file.writeKey("MJD", s.mjd, "MJD of observation");
  file.writeKey("PLATEID", plate, "Plate Id");
  file.writeKey("FIBERID", fiber, "Fiber Id");
  file.writeKey("OBJNAME", s.id, "vocloud spectrum id");
  file.writeKey("VACUUM", true, "Wavelengths are in vacuum");
  file.writeFixedKey("COEFF0", s.crval1, 4, "Central wavelength (log10) of first pixel");
  file.writeFixedKey("COEFF1", s.cdelt1, 4 + 5, "Log10 dispersion per pixel");
  writeLabelKeys(file, s);

  createTable(file, n,
              {{"flux", "E", ""},
               {"loglam", "E", ""},
               {"ivar", "E", ""},
               {"and_mask", "J", ""},
               {"or_mask", "J", ""},
               {"wdisp", "E", ""},
               {"sky", "E", ""},
               {"model", "E", ""}},
              "COADD");
  file.writeComment("Coadded spectrum");
  std::vector<float> loglam(n), wdisp(n, kSdssWdisp);
  for (long long i = 0; i < n; ++i) loglam[i] = static_cast<float>(s.crval1 + i * s.cdelt1);
  writeColumn(file, TFLOAT, 1, 1, n, s.flux.data());
  writeColumn(file, TFLOAT, 2, 1, n, loglam.data());
  writeColumn(file, TFLOAT, 3, 1, n, s.ivar.data());
  writeColumn(file, TINT, 4, 1, n, s.andMask.data());
  writeColumn(file, TINT, 5, 1, n, s.orMask.data());
  writeColumn(file, TFLOAT, 6, 1, n, wdisp.data());
  writeColumn(file, TFLOAT, 7, 1, n, s.sky.data());
  writeColumn(file, TFLOAT, 8, 1, n, s.model.data());

  createTable(file, 1,
              {{"PLATE", "J", ""},
               {"MJD", "J", ""},
               {"FIBERID", "J", ""},
               {"PLUG_RA", "D", ""},
               {"PLUG_DEC", "D", ""},
               {"CLASS", "6A", ""},
               {"SUBCLASS", "21A", ""},
               {"Z", "E", ""},
               {"Z_ERR", "E", ""},
               {"ZWARNING", "J", ""},
               {"SN_MEDIAN_ALL", "E", ""},
               {"ELODIE_TEFF", "E", ""}},
              "SPECOBJ");
  int const mjd = s.mjd, zwarning = 0;
  float const z = static_cast<float>(s.z), zErr = 1e-5f, snr = static_cast<float>(s.snr);
  float const teff = static_cast<float>(std::round(s.teff));
  std::string const sub = spectralType(s.teff);
  char cls[] = "STAR";
  char* clsCell = cls;
  std::vector<char> subText(sub.begin(), sub.end());
  subText.push_back('\0');
  char* subCell = subText.data();
  writeColumn(file, TINT, 1, 1, 1, &plate);
  writeColumn(file, TINT, 2, 1, 1, &mjd);
  writeColumn(file, TINT, 3, 1, 1, &fiber);
  writeColumn(file, TDOUBLE, 4, 1, 1, &s.ra);
  writeColumn(file, TDOUBLE, 5, 1, 1, &s.dec);
  writeColumn(file, TSTRING, 6, 1, 1, &clsCell);
  writeColumn(file, TSTRING, 7, 1, 1, &subCell);
  writeColumn(file, TFLOAT, 8, 1, 1, &z);
  writeColumn(file, TFLOAT, 9, 1, 1, &zErr);
  writeColumn(file, TINT, 10, 1, 1, &zwarning);
  writeColumn(file, TFLOAT, 11, 1, 1, &snr);
  writeColumn(file, TFLOAT, 12, 1, 1, &teff);
}

// The row names of a LAMOST 5 x N image: DR1 and DR2 separate them with blanks, DR3-DR7
// with commas ('Flux, Inverse, Wavelength, Andmask, Ormask'). Synthetic files take both
// conventions in turn, by global row, so the bytes do not depend on the number of ranks.
std::string lamostExten0(bool dr2, std::uint64_t index) {
  char const* names[] = {"Flux", "Inverse", dr2 ? "Wavelength" : "Subcontinuum", "Andmask",
                         "Ormask"};
  char const* separator = index % 2 == 1 ? ", " : " ";
  std::string text = names[0];
  for (int i = 1; i < 5; ++i) text += std::string(separator) + names[i];
  return text;
}

// LAMOST DR1 (float32, row 3 continuum-normalised flux) or DR2-7 (float64, row 3 wavelength,
// EXTNAME 'Flux', as in the real DR2 files).
void writeLamostImage(FitsFile const& file, SyntheticSpectrum const& s, bool dr2) {
  long long const n = s.npix;
  std::vector<float> const norm = normalised(s);
  if (dr2) {
    std::vector<double> rows(5 * n);
    for (long long i = 0; i < n; ++i) {
      rows[i] = s.flux[i];
      rows[n + i] = s.ivar[i];
      rows[2 * n + i] = s.wave[i];
      rows[3 * n + i] = s.andMask[i];
      rows[4 * n + i] = s.orMask[i];
    }
    writeImage(file, DOUBLE_IMG, {static_cast<long>(n), 5}, TDOUBLE, 5 * n, rows.data());
  } else {
    std::vector<float> rows(5 * n);
    for (long long i = 0; i < n; ++i) {
      rows[i] = s.flux[i];
      rows[n + i] = s.ivar[i];
      rows[2 * n + i] = norm[i];
      rows[3 * n + i] = static_cast<float>(s.andMask[i]);
      rows[4 * n + i] = static_cast<float>(s.orMask[i]);
    }
    writeImage(file, FLOAT_IMG, {static_cast<long>(n), 5}, TFLOAT, 5 * n, rows.data());
  }
  file.writeKey("N_EXTEN", 1, "The extension number");
  file.writeKey("EXTEN0", lamostExten0(dr2, s.index));
  if (dr2) file.writeKey("EXTNAME", "Flux", "The extension name");
  writeLamostObjectKeys(file, s);
  file.writeComment("--------DATA REDUCTION PARAMETERS");
  file.writeKey("HELIO", true, "Heliocentric correction");
  writeLogLinearKeys(file, s);
  writeLamostResultKeys(file, s);
}

// LAMOST DR8 and later: header in an empty primary, arrays in a one-row COADD table.
void writeLamostDr8(FitsFile const& file, SyntheticSpectrum const& s) {
  long long const n = s.npix;
  createEmptyPrimary(file);
  writeLamostObjectKeys(file, s);
  file.writeComment("--------DATA REDUCTION PARAMETERS");
  file.writeKey("HELIO", true, "Heliocentric correction");
  file.writeKey("VACUUM", true, "Wavelengths are in vacuum");
  writeLamostResultKeys(file, s);

  std::string const form = std::to_string(n) + "E";
  createTable(file, 1,
              {{"FLUX", form, ""},
               {"IVAR", form, ""},
               {"WAVELENGTH", form, ""},
               {"ANDMASK", form, ""},
               {"ORMASK", form, ""},
               {"NORMALIZATION", form, ""}},
              "COADD");
  std::vector<float> wave(n), andMask(n), orMask(n);
  for (long long i = 0; i < n; ++i) {
    wave[i] = static_cast<float>(s.wave[i]);
    andMask[i] = static_cast<float>(s.andMask[i]);
    orMask[i] = static_cast<float>(s.orMask[i]);
  }
  std::vector<float> const norm = normalised(s);
  writeColumn(file, TFLOAT, 1, 1, n, s.flux.data());
  writeColumn(file, TFLOAT, 2, 1, n, s.ivar.data());
  writeColumn(file, TFLOAT, 3, 1, n, wave.data());
  writeColumn(file, TFLOAT, 4, 1, n, andMask.data());
  writeColumn(file, TFLOAT, 5, 1, n, orMask.data());
  writeColumn(file, TFLOAT, 6, 1, n, norm.data());
}

void writeOndrejovRaw(FitsFile const& file, SyntheticSpectrum const& s) {
  long long const n = s.npix;
  writeImage(file, FLOAT_IMG, {static_cast<long>(n)}, TFLOAT, n, s.flux.data());
  file.writeKey("EXTEND", false, "File may contain extensions");
  file.writeKey("ORIGIN", "vocloud synth", "FITS file originator");
  file.writeKey("OBJECT", s.id, "Title of observation");
  file.writeKey("OBSERVAT", "ONDREJOV", "Name of observatory (IRAF style)");
  file.writeKey("TELESCOP", "ZEISS-2m", "2m Ondrejov observatory telescope (simulated)");
  file.writeKey("INSTRUME", "COUDE700", "Coude spectrograph setup - 1400/700mm focus");
  file.writeKey("IMAGETYP", "object", "Type of observation, eg. FLAT");
  file.writeKey("DATE-OBS", isoDateFromMjd(s.mjd), "UTC date start of observation");
  file.writeKey("BUNIT", "ADU", "Unit of the array of image data");
  char hours[32];
  std::snprintf(hours, sizeof hours, "%.6f", s.ra / 15.0);
  char degrees[32];
  std::snprintf(degrees, sizeof degrees, "%.6f", s.dec);
  file.writeKey("RA", sexagesimal(s.ra, true, 3), hours);
  file.writeKey("DEC", sexagesimal(s.dec, false, 2), degrees);
  file.writeFixedKey("EQUINOX", 2000.0, 1, "Equinox of RA and DEC");
  file.writeKey("WCSDIM", 1);
  file.writeKey("WAT0_001", "system=equispec");
  file.writeKey("WAT1_001", "wtype=linear label=Wavelength units=angstroms");
  file.writeKey("CTYPE1", "LINEAR");
  file.writeKey("CRVAL1", s.crval1);
  file.writeFixedKey("CRPIX1", 1.0, 1);
  file.writeKey("CDELT1", s.cdelt1);
  file.writeKey("CD1_1", s.cdelt1);
  file.writeKey("DC-FLAG", 0);
  writeLabelKeys(file, s);
}

void writeOndrejovSsap(FitsFile const& file, SyntheticSpectrum const& s) {
  long long const n = s.npix;
  createEmptyPrimary(file);
  createTable(file, n, {{"spectral", "D", "Angstrom"}, {"flux", "D", ""}}, "");
  int status = 0;
  fits_modify_comment(file.get(), "TTYPE1", "Air wavelength", &status);
  fits_modify_comment(file.get(), "TTYPE2", "Relative flux", &status);
  file.check(status, "commenting the columns");
  file.writeKey("TUTYP1", "spec:spectrum.data.spectralaxis.value");
  file.writeKey("TUTYP2", "spec:spectrum.data.fluxaxis.value");
  file.writeKey("TITLE", "ccd700/synth/" + s.id + ".fit");
  file.writeKey("DS_IDPUB", "ivo://asu.cas.cz/stel/ccd700/" + s.id);
  file.writeKey("SPECBAND", "Optical");
  file.writeKey("OBJECT", s.id);
  file.writeKey("SRCCLASS", "star");
  file.writeKey("RA", s.ra);
  file.writeKey("DEC", s.dec);
  file.writeKey("APERTURE", 0.000167, "[deg]");
  file.writeKey("TMID", s.mjd + 0.5, "[d]");
  file.writeKey("SPEC_VAL", 0.5 * (s.wave.front() + s.wave.back()) * 1e-10, "[m]");
  file.writeKey("SPEC_BW", (s.wave.back() - s.wave.front()) * 1e-10, "[m]");
  file.writeKey("TDMIN1", s.wave.front() * 1e-10, "[m]");
  file.writeKey("TDMAX1", s.wave.back() * 1e-10, "[m]");
  file.writeKey("RADECSYS", "ICRS");
  file.writeKey("SPECSDIM", "Angstrom");
  file.writeKey("VOSEGT", "Spectrum");
  file.writeKey("VOPUB", "ivo://asu.cas.cz/org");
  file.writeKey("DSSOURCE", "pointed");
  file.writeKey("CRETYPE", "archival");
  file.writeKey("FLUX_CAL", "UNCALIBRATED");
  file.writeKey("SPEC_CAL", "ABSOLUTE");
  writeLabelKeys(file, s);
  std::vector<double> flux(s.flux.begin(), s.flux.end());
  writeColumn(file, TDOUBLE, 1, 1, n, s.wave.data());
  writeColumn(file, TDOUBLE, 2, 1, n, flux.data());
}

}  // namespace

std::string sexagesimal(double degrees, bool hours, int decimals) {
  double value = hours ? degrees / 15.0 : degrees;
  decimals = decimals < 0 ? 0 : (decimals > 6 ? 6 : decimals);
  bool const negative = value < 0;
  if (negative) value = -value;
  long long scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  // Round once, in units of the last printed digit, so 59.9999 s carries into the minute.
  auto const total = static_cast<long long>(std::llround(value * 3600.0 * scale));
  long long const whole = total / scale;
  long long const fraction = total % scale;
  long long units = whole / 3600;
  if (hours) units %= 24;
  char text[128];
  std::snprintf(text, sizeof text, "%s%02lld:%02lld:%02lld", hours ? "" : (negative ? "-" : "+"),
                units, (whole / 60) % 60, whole % 60);
  std::string out = text;
  if (decimals > 0) {
    std::snprintf(text, sizeof text, ".%0*lld", decimals, fraction % 1000000);
    out += text;
  }
  return out;
}

std::string isoDateFromMjd(int mjd) {
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm); MJD 40587 = 1970-01-01.
  long long z = static_cast<long long>(mjd) - 40587 + 719468;
  long long const era = (z >= 0 ? z : z - 146096) / 146097;
  long long const doe = z - era * 146097;
  long long const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long const mp = (5 * doy + 2) / 153;
  long long const day = doy - (153 * mp + 2) / 5 + 1;
  long long const month = mp < 10 ? mp + 3 : mp - 9;
  long long const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char text[96];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", year, month, day);
  return text;
}

void writeSpectrumFits(SyntheticSpectrum const& s, std::string const& path) {
  auto const n = static_cast<std::size_t>(s.npix);
  if (s.npix <= 0 || s.wave.size() != n || s.flux.size() != n || s.ivar.size() != n ||
      s.andMask.size() != n || s.orMask.size() != n || s.model.size() != n ||
      s.continuum.size() != n || (s.layout == Layout::Sdss && s.sky.size() != n))
    throw Error("synth: spectrum " + s.id + " has inconsistent array sizes; not writing '" + path +
                "'");
  try {
    FitsFile file = FitsFile::create(path);
    switch (s.layout) {
      case Layout::Sdss:
        writeSdss(file, s);
        break;
      case Layout::LamostDr1:
        writeLamostImage(file, s, false);
        break;
      case Layout::LamostDr2:
        writeLamostImage(file, s, true);
        break;
      case Layout::LamostDr8:
        writeLamostDr8(file, s);
        break;
      case Layout::OndrejovRaw:
        writeOndrejovRaw(file, s);
        break;
      case Layout::OndrejovSsap:
        writeOndrejovSsap(file, s);
        break;
    }
    file.close();
  } catch (Error const&) {
    // Leave no half-written file that a later reader could take for a spectrum.
    std::error_code ignored;
    if (std::filesystem::is_regular_file(path, ignored)) std::filesystem::remove(path, ignored);
    throw;
  }
}

}  // namespace vocloud::synth
