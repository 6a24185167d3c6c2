#pragma once
// One spectrum as read from a file of any supported layout: the arrays as stored (wavelength
// in Å, no air/vacuum conversion, in file order) plus the metadata the header carries.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace vocloud::io {

/// Whether the stored wavelengths are vacuum or air wavelengths.
enum class WavelengthFrame { Vacuum, Air, Unknown };

/// "vacuum", "air" or "unknown".
std::string frameName(WavelengthFrame frame);

/// What the file says about the observed object. Strings are empty and numbers NaN when the
/// file does not say.
struct SpectrumMeta {
  std::string id;        ///< spectrum identifier (SDSS spec-PLATE-MJD-FIBER, LAMOST OBSID, DID)
  std::string object;    ///< object name or designation
  std::string cls;       ///< pipeline class (SDSS/LAMOST CLASS: STAR, GALAXY, QSO)
  std::string subclass;  ///< pipeline subclass (spectral type for LAMOST stars)
  double ra = std::numeric_limits<double>::quiet_NaN();   ///< deg
  double dec = std::numeric_limits<double>::quiet_NaN();  ///< deg
  double z = std::numeric_limits<double>::quiet_NaN();    ///< redshift
};

/// A spectrum read by readSpectrum(). wave, flux and (when present) ivar and mask have the
/// same length, which is at least 1.
struct Spectrum {
  std::string path;  ///< the path it was read from
  /// "sdss", "lamost_dr1", "lamost_dr2" (DR2-7), "lamost_dr8", "ondrejov_raw",
  /// "ondrejov_ssap", "fits_image_linear", "fits_image_loglinear", "fits_table", "text".
  std::string layout;
  std::vector<double> wave;  ///< Å, as stored (no air/vacuum conversion), in file order
  WavelengthFrame frame = WavelengthFrame::Unknown;
  std::vector<float> flux;
  /// Inverse variance; empty when the file has none. Derived as 1/err^2 from an error column.
  std::vector<float> ivar;
  /// Pixel mask, nonzero = bad (SDSS and_mask, LAMOST andmask); empty when the file has none.
  std::vector<std::uint32_t> mask;
  SpectrumMeta meta;
};

/// Choices for files whose layout is not recognised by content alone: a generic binary or
/// ASCII table whose columns have unusual names.
struct ReadOptions {
  std::string waveColumn;   ///< wavelength column (or loglam-like: see docs); empty = auto
  std::string fluxColumn;   ///< flux column; empty = auto
  std::string ivarColumn;   ///< inverse-variance column; empty = auto
  std::string errorColumn;  ///< 1-sigma error column (ivar = 1/err^2); empty = auto
  /// Extension of a generic table, counted as astropy does (0 = primary, 1 = first
  /// extension); 0 = the first table extension.
  int hdu = 0;
  /// gzip content may inflate to at most this many times its compressed size (real
  /// .fits.gz spectra inflate 2-5 times; deflate's own limit is ~1032): a bomb stops with
  /// ReadError(TooLarge) instead of filling memory. Small files may always reach
  /// kInflateFloorBytes.
  double maxInflateRatio = 50;
  /// Whatever the ratio, gzip content never inflates past this many bytes.
  std::uint64_t maxInflatedBytes = std::uint64_t{2} << 30;
};

/// Inflated bytes a gzip file may always reach, however well it compresses (16 MiB).
constexpr std::uint64_t kInflateFloorBytes = std::uint64_t{16} << 20;

/// The most bytes gzip content of `packedBytes` compressed bytes may inflate to under
/// `options`: max(ratio x packed, kInflateFloorBytes), at most maxInflatedBytes.
std::uint64_t inflateLimit(ReadOptions const& options, std::uint64_t packedBytes);

}  // namespace vocloud::io
