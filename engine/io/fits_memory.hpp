#pragma once
// In-memory FITS reading, the read path of every FITS spectrum layout: the file's bytes in
// one buffer (read with pread as far as the reader needs them; gzip content inflated with
// zlib), HDUs found by walking their headers, keyword values parsed on demand straight from
// the cards in the buffer, image pixels and table columns converted from big-endian in
// tight loops. CFITSIO spends ~34 µs opening, reading and closing even a small file and
// searches the header anew for every keyword; a LAMOST spectrum reads here in ~20 µs, most
// of it the copy out of the page cache. CFITSIO remains on this path only to uncompress
// unix-compress (.Z) and pack files, which zlib does not read (FitsMemory::fromCompressed).
// Internal to engine/io.
#include "io/read_error.hpp"
#include "io/spectrum.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vocloud::io::detail {

inline constexpr std::size_t kFitsBlock = 2880;  ///< bytes per FITS block
inline constexpr std::size_t kFitsCard = 80;     ///< bytes per header card

/// Bytes of a whole file, owned. Allocated with malloc, uninitialised, so reading a file
/// costs one copy and inflating gzip can grow the buffer with realloc.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  /// An uninitialised buffer of `size` bytes.
  explicit ByteBuffer(std::size_t size) { resize(size); }

  /// The bytes (nullptr when empty and never sized).
  char* data() { return _data.get(); }
  /// The bytes (nullptr when empty and never sized).
  char const* data() const { return _data.get(); }
  /// Number of bytes held.
  std::size_t size() const { return _size; }
  /// Bytes that fit without a new allocation.
  std::size_t capacity() const { return _capacity; }
  /// The bytes as a view.
  std::string_view view() const { return {_data.get(), _size}; }
  /// Sets the size, keeping the bytes held; new bytes are uninitialised. Throws
  /// std::bad_alloc when memory runs out.
  void resize(std::size_t size);

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> _data;
  std::size_t _size = 0, _capacity = 0;
};

/// The bytes of a regular file, read on demand into one buffer of the file's size: the
/// first blocks when it is opened (all of a small file), then the ranges asked for, with
/// pread. Copying out of the page cache is most of the cost of reading a spectrum; reading
/// only the headers and rows a reader uses saves ~40% of it for LAMOST DR1 and skips the
/// per-exposure HDUs of full SDSS files. Movable, not copyable; owns its file descriptor.
class FileBytes {
 public:
  /// Opens the regular file `path` and reads its first blocks. Throws ReadError: NotFound
  /// (no such file), Unreadable (a directory, not a regular file, no permission, an I/O
  /// error), ZeroLength (empty). Never blocks on a FIFO.
  static FileBytes open(std::string const& path);
  /// Bytes held in memory already (gzip content, tests): every range is loaded.
  FileBytes(std::string path, ByteBuffer bytes);

  FileBytes(FileBytes&& other) noexcept;
  FileBytes& operator=(FileBytes&& other) noexcept;
  FileBytes(FileBytes const&) = delete;
  FileBytes& operator=(FileBytes const&) = delete;
  ~FileBytes();

  /// The path (for messages).
  std::string const& path() const { return _path; }
  /// Size of the file in bytes.
  std::size_t size() const { return _bytes.size(); }
  /// The first min(size, n) bytes (loaded by open() for n up to one block).
  std::string_view head(std::size_t n) const { return {_bytes.data(), std::min(n, size())}; }
  /// Makes bytes [offset, offset + length) (clipped to the file) available and returns the
  /// start of the buffer. Throws ReadError: Truncated when the file has become shorter
  /// since it was opened, Unreadable for an I/O error.
  char const* ensure(std::uint64_t offset, std::uint64_t length);
  /// Reads whatever is not loaded yet and returns the whole file.
  std::string_view all();

 private:
  FileBytes() = default;
  void readBlocks(std::size_t first, std::size_t end);

  std::string _path;
  int _fd = -1;
  ByteBuffer _bytes;
  std::vector<bool> _loaded;  // per 2880-byte block
  std::size_t _missing = 0;   // blocks not loaded yet
};

/// The content of gzip data and how its stream ended.
struct GzipContent {
  ByteBuffer bytes;       ///< the inflated content (up to where the stream ends or breaks)
  bool complete = true;   ///< false when the stream ends early
  bool tooLarge = false;  ///< true when the content goes on past the limit (bytes holds the limit)
  std::string problem;    ///< non-empty for a corrupt stream (zlib's message)
};

/// Inflates gzip data `packed` (every member of it, as gzip -d does), at most `limit` bytes
/// of content: never holds more than limit + 1 bytes. Reports an early end, content past
/// the limit or a corrupt stream in the result instead of throwing (std::bad_alloc when
/// memory runs out).
GzipContent inflateGzip(std::string_view packed, std::uint64_t limit);

/// Uncompresses unix-compress (.Z, LZW) data `packed` with libarchive, at most `limit` bytes
/// of content, reported as inflateGzip() reports (LZW can expand tens of thousands of times:
/// a small file must not fill memory).
GzipContent uncompressLzw(std::string_view packed, std::uint64_t limit);

/// The detail of ReadError(TooLarge) for `kind` content ("gzip", "unix-compress") of
/// `packedBytes` bytes that goes on past inflateLimit(options, packedBytes).
std::string inflatedTooLarge(std::uint64_t packedBytes, ReadOptions const& options,
                             char const* kind = "gzip");

/// The number a FITS value or ASCII-table field writes: optional sign, digits, fraction, E
/// or D exponent, blanks around; nothing when the whole text is not one number.
std::optional<double> parseFitsNumber(std::string_view text);

/// One keyword value as written: the text (unquoted with '' -> ' for strings, CONTINUE
/// cards appended, trimmed), the comment after '/', and whether it was a quoted string.
struct FitsValue {
  std::string text;
  std::string comment;
  bool quoted = false;
};

/// The header of one HDU: its cards, left where they are in the file's buffer (which must
/// outlive the header), indexed by keyword in one pass so that every lookup is a hash probe
/// instead of a scan; values are parsed only when asked for. The first of duplicate
/// keywords wins, as in CFITSIO; CONTINUE cards extend long strings (LONGSTRN).
class FitsHeader {
 public:
  FitsHeader() = default;
  /// Indexes `count` cards of 80 characters at `cards` (the END card not among them).
  FitsHeader(char const* cards, int count);

  /// Number of cards.
  int size() const { return _count; }
  /// Card `i` (0-based), 80 characters.
  std::string_view card(int i) const {
    return {_cards + static_cast<std::size_t>(i) * kFitsCard, kFitsCard};
  }
  /// The card number (0-based) of keyword `key`, or -1 when absent. Keys are
  /// case-insensitive and at most 8 characters (longer ones are never found).
  int find(std::string_view key) const;
  /// True when the keyword is present (with a value or not).
  bool has(std::string_view key) const { return find(key) >= 0; }

  /// The value of card `i`; nothing for a commentary card (no "= " in columns 9-10).
  std::optional<FitsValue> valueAt(int i) const;
  /// The text of card `i`'s value, as string() gives it; nothing for a commentary card.
  std::optional<std::string> stringAt(int i) const;
  /// The text of card `i`'s value as a view into the card, when it is a quoted string with
  /// no '' escape and no CONTINUE (nearly all are); nothing otherwise (use stringAt()).
  std::optional<std::string_view> plainStringAt(int i) const;
  /// Numeric value of card `i` (also of a quoted number, D exponents allowed); nothing when
  /// empty or not a number.
  std::optional<double> numberAt(int i) const;

  /// String value, unquoted and trimmed; a number or logical as written. Nothing if absent.
  std::optional<std::string> string(std::string_view key) const;
  /// Numeric value (also of a quoted number); nothing when absent, empty or not a number.
  std::optional<double> number(std::string_view key) const;
  /// Integer value; nothing when absent or not an integer (a number with a fraction).
  std::optional<long long> integer(std::string_view key) const;
  /// Logical (T/F) value; nothing when absent or not a logical.
  std::optional<bool> logical(std::string_view key) const;
  /// A yes/no keyword as pipelines write it: logical T/F, the same quoted ('T', 'F',
  /// 'TRUE', 'FALSE', any case) or the number 1 or 0 (also quoted). Nothing when absent or
  /// anything else.
  std::optional<bool> flag(std::string_view key) const;
  /// An angle in degrees: a number is taken as degrees, a string as sexagesimal
  /// ("21:57:18.2", "21 57 18.2"), in hours when `hours` (RA) else degrees. NaN when absent
  /// or unparsable.
  double angle(std::string_view key, bool hours) const;
  /// The comment of a keyword, or "" when absent.
  std::string comment(std::string_view key) const;

 private:
  // The value text of card `number` whose value field is `field`: quoted or not, and where
  // the value ends in the field (the comment may follow).
  std::string textAt(int number, std::string_view field, bool& quoted, std::size_t& end) const;

  char const* _cards = nullptr;
  int _count = 0;
  std::vector<std::int32_t> _slots;  // open addressing: card number + 1, 0 = empty
  int _shift = 64;                   // slot of a key: (key * golden ratio) >> _shift
};

/// What an HDU holds.
enum class HduKind { Image, BinaryTable, AsciiTable, Other };

/// One HDU as its header declares it.
struct FitsHdu {
  int number = 1;  ///< 1 = primary
  HduKind kind = HduKind::Image;
  std::string xtension;  ///< XTENSION value ("" for the primary HDU)
  FitsHeader header;
  int bitpix = 8;
  std::vector<long long> axes;  ///< NAXIS1..NAXISn (empty when NAXIS = 0)
  long long pcount = 0, gcount = 1;
  std::size_t headerStart = 0;  ///< byte offset of the first card in the file
  std::size_t dataStart = 0;    ///< byte offset of the data (after the header's blocks)
  std::uint64_t dataBytes = 0;  ///< bytes of data declared, without the last block's padding

  /// Pixels of an image: the product of the axes, 0 when there are none.
  long long pixels() const;
};

/// A FITS file in memory. HDUs are parsed when first asked for, in order (asking for HDU 2
/// parses the headers of HDUs 1 and 2, nothing after), and data bytes are read from the
/// file only when a reader asks for them. Not thread-safe.
class FitsMemory {
 public:
  /// The FITS file whose bytes (starting "SIMPLE  =") `bytes` holds or will read.
  explicit FitsMemory(FileBytes bytes);
  /// The FITS file `path` whose bytes (starting "SIMPLE  =") are `bytes`.
  FitsMemory(std::string path, ByteBuffer bytes);
  /// Inflates gzip content (every member) of the file `path`, whose bytes are `packed`. A
  /// stream that ends early gives the content up to there, to be judged like a cut plain
  /// file. Throws ReadError: NotFits when the content does not start as FITS, Truncated
  /// when the stream ends before 9 bytes of content, Unreadable when it is corrupt.
  /// Throws ReadError(TooLarge) when the content inflates past inflateLimit(options, ...).
  static FitsMemory fromGzip(std::string path, std::string_view packed,
                             ReadOptions const& options = {});
  /// Uncompresses the unix-compress (.Z) file `path` (bytes `packed`) with libarchive, bounded
  /// by inflateLimit(options, ...) (ReadError(TooLarge) past it), and a pack file with CFITSIO
  /// (Huffman output is at most 8 times its input: refused as TooLarge when that could pass
  /// the limit). Throws ReadError with the reason; pkzip is Unreadable (CFITSIO 4.2 cannot
  /// uncompress it, and allocates whatever size its header claims first).
  static FitsMemory fromCompressed(std::string path, std::string_view packed,
                                   ReadOptions const& options = {});

  FitsMemory(FitsMemory&&) = default;
  FitsMemory& operator=(FitsMemory&&) = default;
  FitsMemory(FitsMemory const&) = delete;
  FitsMemory& operator=(FitsMemory const&) = delete;

  /// The path the bytes came from (for messages).
  std::string const& path() const { return _bytes.path(); }
  /// Bytes of the (uncompressed) file.
  std::size_t size() const { return _bytes.size(); }

  /// HDU `number` (1 = primary), or nullptr when the file ends before it starts (bytes
  /// after the last HDU that do not start with XTENSION are ignored, as astropy does).
  /// Throws ReadError: Truncated when its header has no END card before the end of the
  /// file or the data of an HDU before it is cut; Unreadable for a malformed header.
  FitsHdu const* find(int number) const;
  /// HDU `number`; throws ReadError(UnknownLayout) when the file has no such HDU, else as
  /// find(). References stay valid as long as the FitsMemory.
  FitsHdu const& hdu(int number) const;
  /// Number of HDUs in the file (parses every header).
  int hduCount() const;

  /// Throws ReadError(Truncated) when the file ends before the dataBytes bytes of data
  /// `hdu` declares, or part of the way through the padding after them (a file may end
  /// right after the data: some writers leave the last HDU's padding out); reads nothing.
  void requireData(FitsHdu const& hdu) const;
  /// Bytes [offset, offset + length) of the data of `hdu`, read from the file if need be:
  /// a pointer to the first. Throws ReadError(Truncated) as requireData(), and
  /// ReadError(Unreadable) when the range is outside the data.
  char const* bytes(FitsHdu const& hdu, std::uint64_t offset, std::uint64_t length) const;

 private:
  bool parseNext() const;  // parses the next HDU; false at the end of the file

  mutable FileBytes _bytes;
  mutable std::deque<FitsHdu> _hdus;  // a deque: references survive growth
  mutable bool _ended = false;
};

/// Reads `count` pixels of image `hdu` from pixel `first` (0-based, in FITS order: row after
/// row), BSCALE/BZERO applied; pixels equal to BLANK in an integer image are NaN (as
/// astropy reads them). Throws ReadError: Truncated (data cut), WrongSizes (range outside
/// the image), UnknownLayout (not an image).
std::vector<double> readImageDoubles(FitsMemory const& file, FitsHdu const& hdu, long long first,
                                     long long count);
/// The same as float (computed in double, then rounded to nearest as numpy's astype does).
std::vector<float> readImageFloats(FitsMemory const& file, FitsHdu const& hdu, long long first,
                                   long long count);
/// The same as mask values: each pixel's number through maskFromNumber (fits_read.hpp), as
/// LAMOST rows are read; BLANK pixels are bad (0xFFFFFFFF).
std::vector<std::uint32_t> readImageMask(FitsMemory const& file, FitsHdu const& hdu,
                                         long long first, long long count);

/// A column of a binary or ASCII table.
struct FitsColumn {
  int number = 0;       ///< 1-based
  std::string name;     ///< TTYPE, trimmed ("" when absent)
  std::string unit;     ///< TUNIT, "" when absent
  std::string format;   ///< TFORM as written
  char type = 'E';      ///< element type: L X B I J K A E D C M (ASCII tables: A I F E D)
  char descriptor = 0;  ///< 'P' or 'Q' for a variable-length array, else 0
  /// Elements per row (bits for X, characters for A); for a variable-length array the
  /// maximum length TFORM declares (0 when it declares none).
  long long repeat = 1;
  std::size_t offset = 0;  ///< bytes from the start of the row
  std::size_t width = 0;   ///< bytes per row
  double scale = 1.0;      ///< TSCAL
  double zero = 0.0;       ///< TZERO
  int decimals = 0;        ///< ASCII tables: d of Fw.d/Ew.d/Dw.d (implied decimal point)
  std::string null;        ///< ASCII tables: TNULL, the text of an undefined field

  /// True for character (A) columns.
  bool isText() const { return type == 'A'; }
  /// True for variable-length (P, Q) columns.
  bool isVariable() const { return descriptor != 0; }
  /// True when TSCAL/TZERO change the stored values.
  bool isScaled() const { return scale != 1.0 || zero != 0.0; }
};

/// A binary (BINTABLE) or ASCII (TABLE) table extension ready for whole-column reads.
class FitsTable {
 public:
  /// The table in `hdu` of `file`: its columns read from the header in one pass over the
  /// cards. Throws ReadError: UnknownLayout when `hdu` is not a table, Unreadable for a
  /// malformed TFORM or a column outside the row.
  FitsTable(FitsMemory const& file, FitsHdu const& hdu);

  /// Number of rows (NAXIS2).
  long long rows() const { return _rows; }
  /// Bytes per row (NAXIS1).
  std::size_t rowBytes() const { return _rowBytes; }
  /// The HDU of the table.
  FitsHdu const& hdu() const { return *_hdu; }
  /// The file of the table.
  FitsMemory const& file() const { return *_file; }
  /// Every column, in order.
  std::vector<FitsColumn> const& columns() const { return _columns; }
  /// The column named `name` (case-insensitive, exact), or nullptr.
  FitsColumn const* find(std::string_view name) const;

  /// Every element of a numeric column, rows one after another (rows x repeat values; the
  /// arrays of a variable-length column one after another), TSCAL/TZERO applied (TNULL is
  /// not: binary integers read as stored, as astropy reads them; an ASCII field that is
  /// blank or equal to TNULL is NaN). L gives 1 for 'T' else 0, X one 0/1 value per bit.
  /// Throws ReadError: UnknownLayout for text or complex columns, Truncated when the data
  /// is cut, Unreadable for descriptors outside the heap or an ASCII field that is not a
  /// number.
  std::vector<double> doubles(FitsColumn const& column) const;
  /// The same as float (rounded to nearest as numpy's astype(float32) does).
  std::vector<float> floats(FitsColumn const& column) const;
  /// The same as mask values: integer columns keep their low 32 bits (TZERO added with
  /// wrap-around), floating ones go through maskFromNumber (NaN and negative = bad).
  std::vector<std::uint32_t> mask(FitsColumn const& column) const;
  /// Cell of row `row` (0-based) as text, trailing blanks and anything after a NUL removed
  /// (and leading blanks, as the readers want them); a number column gives its first value
  /// printed with up to 15 significant digits.
  std::string text(FitsColumn const& column, long long row) const;

 private:
  template <typename Visit>
  void forEachRun(FitsColumn const& column, Visit const& visit) const;
  template <typename Out, typename Convert>
  void convertColumn(FitsColumn const& column, Out* out, Convert const& convert) const;
  template <typename Out>
  std::vector<Out> numbers(FitsColumn const& column) const;
  std::size_t elements(FitsColumn const& column) const;
  std::pair<char const*, std::size_t> heapArray(FitsColumn const& column, std::size_t row) const;
  std::vector<double> asciiNumbers(FitsColumn const& column) const;

  FitsMemory const* _file;
  FitsHdu const* _hdu;
  long long _rows = 0;
  std::size_t _rowBytes = 0;
  std::uint64_t _heapOffset = 0;  // THEAP, from the start of the data
  std::vector<FitsColumn> _columns;
};

}  // namespace vocloud::io::detail
