#pragma once
// The per-layout readers behind readSpectrum() and the content-based layout detection.
// Each reader gets the file in memory (fits_memory.hpp) and fills wave, flux, ivar, mask,
// frame and meta of `out`; reader.cpp checks the result (sizes, finiteness).
// Internal to engine/io.
#include "io/fits_memory.hpp"
#include "io/fits_read.hpp"
#include "io/spectrum.hpp"

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
/// LAMOST DR1 (row 3 = continuum-normalised flux, wavelengths from the header) or DR2-7
/// (row 3 = wavelength): rows named by EXTEN0 in the 5 x N primary image.
void readLamostImage(FitsMemory const& file, FitsHeader const& primary, Spectrum& out);
/// LAMOST DR8 and later: header in the primary HDU, one-row table of arrays in `hdu`.
void readLamostDr8(FitsMemory const& file, int hdu, FitsHeader const& primary, Spectrum& out);
/// Ondřejov CCD700 raw archive spectrum: 1-D primary image, linear wavelengths, air.
void readOndrejovRaw(FitsMemory const& file, FitsHeader const& primary, Spectrum& out);
/// Ondřejov SSAP/DataLink table (columns spectral, flux) in `hdu`.
void readOndrejovSsap(FitsMemory const& file, int hdu, FitsHeader const& primary, Spectrum& out);
/// Generic 1-D image in `hdu`; wavelengths CRVAL1 + CDELT1 * (i + 1 - CRPIX1), as log10 Å
/// when `logLinear`.
void readFitsImage(FitsMemory const& file, int hdu, bool logLinear, FitsHeader const& primary,
                   Spectrum& out);
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

/// Frame stated by a header (AIRORVAC, VACUUM), or Unknown.
WavelengthFrame headerFrame(FitsHeader const& header);

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
