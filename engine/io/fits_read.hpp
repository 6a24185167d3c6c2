#pragma once
// Reading helpers shared by the FITS spectrum readers: keywords that may be missing or of an
// unexpected type, whole-column and whole-image reads, and CFITSIO status -> ReadError.
// Internal to engine/io.
#include "io/fits_file.hpp"
#include "io/read_error.hpp"

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

/// String value of a keyword of the current HDU, trimmed; a number or logical is returned
/// as written. Nothing when the keyword is absent.
std::optional<std::string> keyString(FitsFile const& file, char const* key);
/// Numeric value of a keyword; nothing when absent, empty or not a number.
std::optional<double> keyNumber(FitsFile const& file, char const* key);
/// Logical (T/F) value of a keyword; nothing when absent or not a logical.
std::optional<bool> keyLogical(FitsFile const& file, char const* key);
/// An angle keyword in degrees: a number is taken as degrees; a string as sexagesimal
/// ("21:57:18.2" or "21 57 18.2"), in hours when `hours` (RA) else degrees. NaN when absent
/// or unparsable.
double keyAngle(FitsFile const& file, char const* key, bool hours);
/// The comment of a keyword, or "" when absent.
std::string keyComment(FitsFile const& file, char const* key);

/// Degrees of a sexagesimal text "[+-]D[:| ]M[:| ]S" (times 15 when `hours`); NaN when it is
/// not one. A single number is taken in the same unit (hours or degrees).
double sexagesimalDegrees(std::string const& text, bool hours);

/// Ångström per unit of a wavelength unit string (TUNIT/CUNIT: "Angstrom", "nm", "um",
/// "m", ...); 1 for an empty unit; nothing when it is not a length unit we know.
std::optional<double> angstromsPerUnit(std::string const& unit);

/// Lower-case copy (ASCII).
std::string lowerCase(std::string text);

/// Shape of the current HDU's image: axis lengths (empty for no data).
std::vector<long long> imageShape(FitsFile const& file);

/// Reads the first `count` pixels of the current image HDU (BSCALE/BZERO applied).
std::vector<double> readImageDoubles(FitsFile const& file, long long count);

/// A column of the current table HDU.
struct ColumnInfo {
  int number = 0;          ///< 1-based
  std::string name;        ///< TTYPE as written
  int typecode = 0;        ///< CFITSIO type code (TFLOAT, TDOUBLE, TINT, TSTRING...)
  long long repeat = 1;    ///< elements per row
  std::string unit;        ///< TUNIT, "" when absent
};

/// Rows of the current table HDU.
long long tableRows(FitsFile const& file);
/// All columns of the current table HDU, in order.
std::vector<ColumnInfo> tableColumns(FitsFile const& file);
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
