#pragma once
// VOTable (IVOA VOTable 1.1-1.4) as a plain data model: resources, tables, FIELDs, PARAMs,
// GROUPs, INFOs and every cell as text; the parser (expat) reads TABLEDATA, BINARY and
// BINARY2 serializations; VoTableWriter streams TABLEDATA VOTable 1.4. Also the reading of
// a spectrum stored as a VOTable (SSA/Spectrum data model columns).
#include "core/error.hpp"
#include "io/spectrum.hpp"

#include <cstdint>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace vocloud::io {

/// A VALUES element: the null value and the declared range or options of a FIELD or PARAM.
struct VoValues {
  std::string null;  ///< VALUES null= ("" when none is declared)
  std::string min, max;
  std::vector<std::pair<std::string, std::string>> options;  ///< OPTION (name, value)
};

/// A LINK element.
struct VoLink {
  std::string contentRole, contentType, title, value, href;
};

/// The description of a column (FIELD) or of the value part of a PARAM.
struct VoField {
  std::string name, id, datatype, arraysize, unit, ucd, utype, ref, xtype, width, precision,
      description;
  VoValues values;
  std::vector<VoLink> links;
};

/// A PARAM: a field with one value (as text, arrays space-separated).
struct VoParam {
  VoField field;
  std::string value;
};

/// An INFO element: name, ID, value= and its text content.
struct VoInfo {
  std::string name, id, value, content;
};

/// A GROUP: PARAMs, references to FIELDs and PARAMs (FIELDref/PARAMref ref=) and subgroups.
struct VoGroup {
  std::string name, id, utype, ucd, ref, description;
  std::vector<VoParam> params;
  std::vector<std::string> fieldRefs, paramRefs;
  std::vector<VoGroup> groups;
};

/// A TABLE with its data.
struct VoTable {
  std::string name, id, utype, ucd, ref, description;
  std::vector<VoField> fields;
  std::vector<VoParam> params;
  std::vector<VoGroup> groups;
  std::vector<VoInfo> infos;
  std::vector<VoLink> links;
  /// Every cell as text, as TABLEDATA writes it: the TD content (trimmed, except for char
  /// and unicodeChar), or the values of a BINARY/BINARY2 row in shortest round-trip form
  /// (float columns as float); arrays space-separated, booleans T/F, NaN as "NaN". Nulls are
  /// empty: BINARY2 null flags, integers equal to VALUES null=, scalar booleans '?'. One
  /// entry per FIELD in each row (short TRs are padded with nulls).
  std::vector<std::vector<std::string>> rows;

  /// Index of the column whose name, ID, utype or UCD equals `key` (case-insensitive for
  /// utype/UCD), or -1. Names win over IDs, IDs over utypes, utypes over UCDs.
  int column(std::string const& key) const;
  /// Index of the first column whose utype ends with `suffix` (e.g. "Access.Reference",
  /// case-insensitive) just after a ':' or '.' or at its start, or -1.
  int columnByUtypeSuffix(std::string const& suffix) const;
  /// The PARAM whose name, ID or utype equals `key` as column() matches, or nullptr.
  VoParam const* param(std::string const& key) const;
};

/// A RESOURCE, possibly nested.
struct VoResource {
  std::string name, id, type, utype, description;
  std::vector<VoInfo> infos;
  std::vector<VoParam> params;
  std::vector<VoGroup> groups;
  std::vector<VoTable> tables;
  std::vector<VoResource> resources;
  std::vector<VoLink> links;
};

/// A service descriptor: RESOURCE type="meta" utype="adhoc:service" (DataLink 1.0 sec. 4).
struct ServiceDescriptor {
  std::string id, name, description;
  std::string accessUrl, standardId, resourceIdentifier;
  /// GROUP name="inputParams"; a PARAM with ref= points at a column of the results table
  /// (whose value per row is the parameter's value), the others carry their own value.
  std::vector<VoParam> inputParams;
};

/// A whole VOTable document.
struct VoDocument {
  std::string source;  ///< the file or URL it was parsed from (for error messages)
  std::string version;
  std::string description;
  std::vector<VoInfo> infos;
  std::vector<VoResource> resources;
  std::vector<VoParam> params;
  std::vector<VoGroup> groups;

  /// value= of INFO name="QUERY_STATUS" of the results resource (the first RESOURCE
  /// type="results", else the first without a type, as type defaults to "results"), else of
  /// the document or any resource: "OK", "ERROR", "OVERFLOW"; "" when absent.
  std::string queryStatus() const;
  /// Text content of that INFO (the error message of an ERROR status); "" when absent.
  std::string queryStatusMessage() const;
  /// The first table of the results resource (see queryStatus()), or the first table
  /// anywhere. Throws vocloud::Error (naming an error QUERY_STATUS) when there is no table.
  VoTable const& resultsTable() const;
  /// Every RESOURCE type="meta" utype="adhoc:service", in document order.
  std::vector<ServiceDescriptor> serviceDescriptors() const;
};

/// A document that cannot be parsed as a VOTable. The message is
/// "votable: <source>:<line>: <what>".
class VoTableError : public Error {
 public:
  VoTableError(std::string const& message, long line, bool truncated)
      : Error(message), _line(line), _truncated(truncated) {}
  /// The line of the document where the problem was found (1-based; 0 when unknown).
  long line() const { return _line; }
  /// Whether the document ends before its root element closes (a truncated file).
  bool truncated() const { return _truncated; }

 private:
  long _line;
  bool _truncated;
};

/// Parses the VOTable in `xml`; `source` names the file/URL in error messages. Throws
/// VoTableError("votable: <source>:<line>: ...") for malformed XML, a document that is not
/// a VOTable, undecodable BINARY/BINARY2 streams, unsupported serializations (FITS,
/// external STREAM href, non-base64 encodings) and elements nested more than 256 deep.
VoDocument parseVoTable(std::string const& xml, std::string const& source);

/// Reads and parses the VOTable file `path` in pieces of 1-16 MiB (never held whole);
/// errors name `source` (default: the path). Throws VoTableError as parseVoTable(), and
/// vocloud::Error("votable: <path>: cannot read ...") when the file cannot be read.
VoDocument readVoTableFile(std::string const& path, std::string const& source = "");

/// Whether `content` (the start of a file, a few hundred bytes suffice) looks like a VOTable:
/// an XML document whose root element is VOTABLE (namespace prefix allowed).
bool looksLikeVoTable(std::string const& content);

/// What VoTableWriter writes before the rows: one RESOURCE type="results" with one TABLE.
struct VoTableHeader {
  std::string resourceName, resourceDescription;
  std::string tableName, tableDescription;
  std::vector<VoInfo> infos;    ///< INFOs of the resource (QUERY_STATUS OK is added first)
  std::vector<VoParam> params;  ///< PARAMs of the table
  std::vector<VoField> fields;  ///< the columns, one cell each per row
};

/// Streams a TABLEDATA VOTable 1.4 (namespace http://www.ivoa.net/xml/VOTable/v1.3) row by row;
/// the output passes `stilts votlint`. Integer columns without a declared null get one (the
/// type's minimum, 255 for unsignedByte) so that empty cells can be written. An xtype that
/// DALI does not define (votlint warns about those) and ref= attributes (nothing in the
/// output for them to name) are not written.
class VoTableWriter {
 public:
  /// Writes the header to `out`, which must outlive the writer. Throws vocloud::Error for a
  /// FIELD or PARAM without a name, with an unknown datatype or a bad arraysize, for an ID
  /// that is not an XML name, for two FIELDs (or PARAMs) of one name or two equal IDs, and
  /// for a PARAM value that is not valid for its datatype.
  VoTableWriter(std::ostream& out, VoTableHeader header);
  /// Creates (truncates) the file `path` and writes the header there.
  VoTableWriter(std::string const& path, VoTableHeader header);
  /// Calls finish() when it was not called (errors then go unreported: call finish()).
  ~VoTableWriter();
  VoTableWriter(VoTableWriter const&) = delete;
  VoTableWriter& operator=(VoTableWriter const&) = delete;

  /// Writes one row: one cell per FIELD, as text (arrays space-separated, "" = null; NaN,
  /// +Inf, -Inf spelled in any common way). Throws vocloud::Error naming the row and column
  /// for a wrong cell count, a number that does not parse or fit its type, a boolean that is
  /// not T/F/1/0/true/false/?, or a fixed-size array with the wrong element count.
  void writeRow(std::vector<std::string> const& cells);
  /// Closes the table and document and flushes; throws vocloud::Error when writing failed.
  void finish();
  /// Rows written so far.
  std::int64_t rowCount() const { return _rows; }

 private:
  void writeHeader();
  std::string cellText(std::size_t column, std::string const& cell) const;

  std::unique_ptr<std::ofstream> _file;
  std::ostream* _out;
  std::string _target;  // the path, or "<stream>", for messages
  VoTableHeader _header;
  std::int64_t _rows = 0;
  bool _finished = false;
};

/// Cell text of a double for VoTableWriter: shortest round-trip form, "NaN", "+Inf", "-Inf".
std::string voCell(double value);
/// Cell text of a float: shortest form that reads back as the same float.
std::string voCell(float value);
/// Cell text of an integer.
std::string voCell(std::int64_t value);

/// Reads the spectrum stored as a VOTable in `path` (layout "votable"): the first table of
/// the results resource (or the first table). Columns are `options`' names when given, else
/// the spectral column (utype ...SpectralAxis.Value, UCD em.wl, names spectral/wave/
/// wavelength/lambda) converted to Å through its unit (Angstrom, nm, um, m, ...), the flux
/// (utype ...FluxAxis.Value, UCD phot.flux*, name flux) as float, and ivar from an
/// inverse-variance column (ivar) or as 1/err^2 from an error column (utype
/// ...FluxAxis.Accuracy.StatError, UCD stat.error;phot.flux*, names flux_error/error/err/
/// sigma). A single row of array cells reads as the arrays. Metadata from the SSA PARAMs
/// (publisher DID, target name, position, redshift); frame from the spectral column (UCD
/// obs.atmos or a description saying air/vacuum). TABLEDATA, BINARY and BINARY2.
/// Throws ReadError: NotFound, ZeroLength (empty file or no rows), UnknownLayout (not a
/// VOTable, a QUERY_STATUS=ERROR response, a spectral unit that is not a length), Truncated,
/// Unreadable (malformed XML, unsupported serialization, a cell that is not a number),
/// MissingColumn, WrongSizes.
Spectrum readVoTableSpectrum(std::string const& path, ReadOptions const& options = {});

/// The same for the VOTable document `xml` (the content of the file `path`, inflated when
/// it was gzip-compressed); `path` names the spectrum and the errors.
Spectrum voTableSpectrum(std::string const& path, std::string const& xml,
                         ReadOptions const& options = {});

}  // namespace vocloud::io
