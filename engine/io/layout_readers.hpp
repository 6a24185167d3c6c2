#pragma once
// The per-layout readers behind readSpectrum() and the content-based layout detection.
// Each reader gets the file in memory (fits_memory.hpp) and fills wave, flux, ivar, mask,
// frame and meta of `out`; reader.cpp checks the result (sizes, finiteness).
// Internal to engine/io.
#include "io/fits_memory.hpp"
#include "io/fits_read.hpp"
#include "io/spectrum.hpp"

#include <optional>
#include <string>
#include <vector>

namespace vocloud::io::detail {

/// Layout names as they appear in Spectrum::layout.
inline constexpr char kSdss[] = "sdss";
inline constexpr char kLamostDr1[] = "lamost_dr1";
inline constexpr char kLamostDr2[] = "lamost_dr2";
inline constexpr char kLamostDr8[] = "lamost_dr8";
inline constexpr char kOndrejovRaw[] = "ondrejov_raw";
inline constexpr char kOndrejovSsap[] = "ondrejov_ssap";
inline constexpr char kImageLinear[] = "fits_image_linear";
inline constexpr char kImageLogLinear[] = "fits_image_loglinear";
inline constexpr char kTable[] = "fits_table";
inline constexpr char kText[] = "text";

/// Where a FITS spectrum lives: its layout and the (1-based) HDU of its data.
struct FitsLayout {
  std::string name;
  int hdu = 1;
};

/// Detects the layout of a FITS file from its HDU structure, EXTNAME, column names, EXTEN0
/// and NAXIS; reads headers only. Throws ReadError(UnknownLayout) when nothing in it looks
/// like a spectrum.
FitsLayout detectFitsLayout(FitsMemory const& file, ReadOptions const& options);

// The readers: `primary` is the primary header, `hdu` the data's HDU.

/// SDSS/BOSS spec lite or full: COADD table in `hdu`, SPECOBJ/SPALL after it.
void readSdss(FitsMemory const& file, int hdu, FitsHeader const& primary, Spectrum& out);
/// LAMOST DR1 (no Wavelength row: wavelengths from the header) or DR2-7 (a Wavelength row):
/// rows named by EXTEN0 (lamostRows()) in the 5 x N primary image.
void readLamostImage(FitsMemory const& file, FitsHeader const& primary, Spectrum& out);
/// LAMOST DR8 and later: header in the primary HDU, one-row table of arrays in `hdu`.
void readLamostDr8(FitsMemory const& file, int hdu, FitsHeader const& primary, Spectrum& out);
/// Ondřejov CCD700 raw archive spectrum: 1-D primary image, linear wavelengths, air.
void readOndrejovRaw(FitsMemory const& file, FitsHeader const& primary, Spectrum& out);
/// Ondřejov SSAP/DataLink table (columns spectral, flux) in `hdu`.
void readOndrejovSsap(FitsMemory const& file, int hdu, FitsHeader const& primary, Spectrum& out);
/// Generic 1-D image in `hdu`; wavelengths from linearSolution() under imageScale().
void readFitsImage(FitsMemory const& file, int hdu, FitsHeader const& primary, Spectrum& out);
/// Generic table in `hdu`, columns from `options` or found by their usual names.
void readFitsTable(FitsMemory const& file, int hdu, ReadOptions const& options,
                   FitsHeader const& primary, Spectrum& out);
/// 2- or 3-column CSV/TXT/ASC table held in `content` (the whole file).
void readTextSpectrum(std::string const& path, std::string const& content,
                      ReadOptions const& options, Spectrum& out);

/// Which table columns carry a spectrum; empty names are unused.
struct TableColumnNames {
  std::string wave, flux, ivar, error, mask;
  bool waveIsLog10 = false;  ///< the wave column holds log10(Å) (SDSS-style loglam)
};

/// Reads the columns `names` of `table` into `out`: wave converted to Å through the
/// column's TUNIT, ivar from ivar or 1/error^2. Throws ReadError(MissingColumn) naming an
/// absent column and the columns present.
void readTableColumns(FitsTable const& table, TableColumnNames const& names, Spectrum& out);

/// Frame stated by a header: AIRORVAC ('air...'/'vac...'), else VACUUM (T/F, see
/// FitsHeader::flag), else a FITS WCS CTYPE1 of type AWAV (air) or WAVE (vacuum); Unknown
/// when none says.
WavelengthFrame headerFrame(FitsHeader const& header);

/// The linear solution of axis 1: pixel i (0-based) is at crval + step * (i + 1 - crpix).
struct LinearSolution {
  double crval = 0, step = 0, crpix = 1;
};

/// CRVAL1 and the step CD1_1, else CDELT1 times PC1_1 (1 when absent), as the FITS WCS
/// standard has it; CRPIX1, or `defaultCrpix` when absent (the standard's default is 0).
/// Nothing when CRVAL1 or the step is absent.
std::optional<LinearSolution> linearSolution(FitsHeader const& header, double defaultCrpix);

/// What IRAF's DC-FLAG says: 1 (log10 dispersion) gives true, 0 (linear) false; nothing when
/// absent or any other value.
std::optional<bool> dcFlagLogLinear(FitsHeader const& header);

/// How a 1-D image's axis-1 solution maps to wavelength.
enum class ImageScale {
  Linear,  ///< the solution is the wavelength (times the CUNIT1 scale)
  Log10,   ///< the solution is log10(Å) (IRAF DC-FLAG = 1, CTYPE1 such as 'LOG-LINEAR')
  WcsLog   ///< FITS WCS "-LOG" algorithm (CTYPE1 'WAVE-LOG'): crval exp(w / crval)
};

/// The scale of a 1-D image: a CTYPE1 algorithm code LOG, else DC-FLAG, else a CTYPE1 type
/// containing "log" (Log10), else Linear.
ImageScale imageScale(FitsHeader const& header);

/// The wavelengths of `n` pixels under `solution` and `scale`; Linear and WcsLog values are
/// multiplied by `perUnit` (Å per CUNIT1 unit), Log10 ones are Å already.
std::vector<double> imageWavelengths(LinearSolution const& solution, long long n, ImageScale scale,
                                     double perUnit);

/// The rows of a LAMOST DR1-DR7 5 x N image as its EXTEN0 names them (-1 when absent), and
/// the names as read.
struct LamostRows {
  int flux = -1, ivar = -1, wave = -1, andmask = -1;
  std::vector<std::string> names;
};

/// Reads EXTEN0: names separated by commas (DR3-DR7, 'Flux, Inverse, Wavelength, Andmask,
/// Ormask') and/or blanks (DR1, DR2), in any case and order. `height` (NAXIS2) decides
/// between comma items with blanks inside ('Inverse Variance') and blank-separated words.
LamostRows lamostRows(std::string const& exten0, long long height);

/// Fills empty fields of `meta` from common keywords of a header (OBJECT, RA, DEC, Z or
/// REDSHIFT, CLASS, SUBCLASS).
void readCommonMeta(FitsHeader const& header, SpectrumMeta& meta);

/// Column names a generic table's wavelength, flux, ivar, error and mask columns go by.
std::vector<std::string> const& waveColumnNames();
std::vector<std::string> const& fluxColumnNames();
std::vector<std::string> const& ivarColumnNames();
std::vector<std::string> const& errorColumnNames();
std::vector<std::string> const& maskColumnNames();

/// The name of a file without its folders and its .fits/.fit/.fts/.csv/.txt/.asc/.dat
/// extension (and a .gz/.bz2/.Z after it): the spectrum id of last resort.
std::string fileStem(std::string const& path);

/// ivar = 1/err^2 for finite err > 0, else 0 (an unknown error means no weight).
std::vector<float> ivarFromError(std::vector<double> const& error);

}  // namespace vocloud::io::detail
