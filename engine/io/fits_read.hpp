#pragma once
// Helpers shared by the FITS spectrum readers, on top of the in-memory FITS path
// (fits_memory.hpp): CFITSIO status -> ReadError reason, sexagesimal angles, wavelength
// units and grids, mask values, column look-up by usual names. Internal to engine/io.
#include "io/fits_memory.hpp"
#include "io/read_error.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vocloud::io::detail {

/// The ReadError reason of a CFITSIO status: END_OF_FILE and READ_ERROR mean the file ends
/// early (Truncated), COL_NOT_FOUND is MissingColumn, anything else Unreadable.
ReadError::Reason reasonForStatus(int status);

/// Degrees of a sexagesimal text "[+-]D[:| ]M[:| ]S" (times 15 when `hours`); NaN when it is
/// not one. A single number is taken in the same unit (hours or degrees).
double sexagesimalDegrees(std::string const& text, bool hours);

/// Ångström per unit of a wavelength unit string (TUNIT/CUNIT: "Angstrom", "nm", "um",
/// "m", ...); 1 for an empty unit; nothing when it is not a length unit we know.
std::optional<double> angstromsPerUnit(std::string const& unit);

/// 10^x as exp(x ln 10): within ~1e-15 relative of pow(10, x) and faster.
inline double powerOfTen(double x) {
  return std::exp(x * 2.302585092994045684017991454684364208);
}

/// Wavelengths of a FITS linear solution: crval + step * (i + 1 - crpix) for pixel i in
/// [0, n), times `scale`; with `log10`, 10 to that power (scale unused). The log-linear grid
/// is exact every 16 pixels and anchor * 10^(k step) in between: within ~1e-15 relative of
/// the exact values at a tenth of the cost.
std::vector<double> wavelengthGrid(double crval, double step, double crpix, long long n, bool log10,
                                   double scale = 1.0);

/// Lower-case copy (ASCII).
std::string lowerCase(std::string text);

/// The words of `text`, separated by commas and/or blanks (tabs, line ends), in lower case
/// (ASCII): "Flux, Inverse,Wavelength  Andmask" gives flux, inverse, wavelength, andmask.
std::vector<std::string> lowerCaseWords(std::string const& text);

/// The items of a list written with commas ("Flux, Inverse Variance, ...": each item
/// trimmed, inner blanks collapsed to one) or, when `text` has no comma, with blanks; lower
/// case, empty items dropped.
std::vector<std::string> lowerCaseItems(std::string const& text);

/// Mask value of a number stored as float (LAMOST rows): NaN, negative and too large values
/// are bad (0xFFFFFFFF), others round to nearest (halves up), i.e. uint32(value + 0.5).
/// Written without branches and through an int32 conversion so that loops over it
/// vectorise (SSE2 has no double -> uint32 conversion).
inline std::uint32_t maskFromNumber(double value) {
  bool const good = (value >= 0) & (value < 4294967295.0);         // NaN fails both
  bool const high = value >= 2147483647.5;                         // value + 0.5 >= 2^31
  double const low = (value + 0.5) - (high ? 2147483648.0 : 0.0);  // exact, in [0, 2^31)
  auto const bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(good ? low : 0.0)) |
                    (high ? 0x80000000u : 0u);
  return good ? bits : 0xFFFFFFFFu;
}

/// The first column of `table` whose lower-case name is in `candidates` (tried in candidate
/// order), or nullptr.
FitsColumn const* findAnyColumn(FitsTable const& table, std::vector<std::string> const& candidates);

}  // namespace vocloud::io::detail
