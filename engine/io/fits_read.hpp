#pragma once
// Reading helpers shared by the FITS spectrum readers: keywords that may be missing or of an
// unexpected type, whole-column and whole-image reads, and CFITSIO status -> ReadError.
// Internal to engine/io.
#include "io/fits_file.hpp"
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

/// Throws ReadError(reasonForStatus(status), path, "<what>: <CFITSIO text>") when status != 0.
void checkRead(FitsFile const& file, int status, std::string const& what);

/// Throws ReadError(Truncated) when the current HDU's data (as its header declares it)
/// extends past the end of the file. Call before reading data, so a lying header can never
/// make us allocate more than the file holds.
void requireCompleteData(FitsFile const& file);

/// The keyword cards of one HDU, read in one pass. CFITSIO searches the whole header anew
/// for every keyword it is asked for, which costs more than the data itself for tables of
/// many columns (SDSS SPECOBJ has ~200); here the raw cards are copied once and indexed by
/// keyword, and a value is parsed only when asked for.
class Header {
 public:
  /// Reads every card of the current HDU of `file`. The first of duplicate keywords wins;
  /// CONTINUE cards extend long strings.
  explicit Header(FitsFile const& file);

  /// True when the keyword is present (with a value or not).
  bool has(std::string const& key) const { return find(key) >= 0; }
  /// String value, unquoted and trimmed; a number or logical as written. Nothing if absent.
  std::optional<std::string> string(std::string const& key) const;
  /// Numeric value (also of a quoted number); nothing when absent, empty or not a number.
  std::optional<double> number(std::string const& key) const;
  /// Logical (T/F) value; nothing when absent or not a logical.
  std::optional<bool> logical(std::string const& key) const;
  /// An angle in degrees: a number is taken as degrees, a string as sexagesimal
  /// ("21:57:18.2", "21 57 18.2"), in hours when `hours` (RA) else degrees. NaN when absent
  /// or unparsable.
  double angle(std::string const& key, bool hours) const;
  /// The comment of a keyword, or "" when absent.
  std::string comment(std::string const& key) const;

 private:
  struct Value {
    std::string text;  // unquoted for strings, trimmed
    std::string comment;
    bool quoted = false;
  };
  int find(std::string const& key) const;  // card number (0-based) or -1
  std::optional<Value> value(std::string const& key) const;

  std::string _cards;                                 // 80 characters per card
  std::vector<std::pair<std::uint64_t, int>> _index;  // (packed keyword, card), sorted
};

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

/// Shape of the current HDU's image: axis lengths (empty for no data).
std::vector<long long> imageShape(FitsFile const& file);

/// Reads `count` pixels of the current image HDU from pixel `first` (0-based, in FITS
/// order: row after row), BSCALE/BZERO applied.
std::vector<double> readImageDoubles(FitsFile const& file, long long first, long long count);
/// The same as float (rounded to nearest, as numpy's astype(float32)).
std::vector<float> readImageFloats(FitsFile const& file, long long first, long long count);

/// A column of the current table HDU.
struct ColumnInfo {
  int number = 0;        ///< 1-based
  std::string name;      ///< TTYPE as written
  int typecode = 0;      ///< CFITSIO type code (TFLOAT, TDOUBLE, TINT, TSTRING...)
  long long repeat = 1;  ///< elements per row
  std::string unit;      ///< TUNIT, "" when absent
};

/// Rows of the current table HDU.
long long tableRows(FitsFile const& file);
/// All columns of the current table HDU, whose header is `header`, in order.
std::vector<ColumnInfo> tableColumns(FitsFile const& file, Header const& header);
/// The column named `name` (case-insensitive, exact), or nothing.
std::optional<ColumnInfo> findColumn(std::vector<ColumnInfo> const& columns,
                                     std::string const& name);
/// The first column whose lower-case name is in `candidates` (tried in candidate order).
std::optional<ColumnInfo> findAnyColumn(std::vector<ColumnInfo> const& columns,
                                        std::vector<std::string> const& candidates);

/// Every element of a numeric column, rows one after another (rows x repeat values).
std::vector<double> readColumnDoubles(FitsFile const& file, ColumnInfo const& column);
/// Every element of a numeric column as float (rounded to nearest as numpy's astype does).
std::vector<float> readColumnFloats(FitsFile const& file, ColumnInfo const& column);
/// Every element of a mask column as 32-bit patterns: integer columns keep their bits,
/// float columns are rounded (NaN and negative values become 0xFFFFFFFF, i.e. bad).
std::vector<std::uint32_t> readColumnMask(FitsFile const& file, ColumnInfo const& column);
/// Cell (row, 1-based) of a string column, trailing blanks removed.
std::string readColumnString(FitsFile const& file, ColumnInfo const& column, long long row);

/// Mask value of a number stored as float (LAMOST rows): see readColumnMask.
std::uint32_t maskFromNumber(double value);

}  // namespace vocloud::io::detail
