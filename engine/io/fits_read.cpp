#include "io/fits_read.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>

namespace vocloud::io::detail {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string trim(std::string const& text) {
  auto const first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  auto const last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool isIntegerType(int typecode) {
  switch (typecode) {
    case TBIT:
    case TBYTE:
    case TSBYTE:
    case TLOGICAL:
    case TSHORT:
    case TUSHORT:
    case TINT:
    case TUINT:
    case TLONG:
    case TULONG:
    case TLONGLONG:
    case TULONGLONG:
      return true;
    default:
      return false;
  }
}

// Elements of a column over all rows; refuses variable-length and non-numeric columns.
long long columnElements(FitsFile const& file, ColumnInfo const& column) {
  if (column.typecode < 0)
    throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                    "column '" + column.name + "' is a variable-length array");
  if (column.typecode == TSTRING)
    throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                    "column '" + column.name + "' holds text, not numbers");
  return tableRows(file) * column.repeat;
}

template <typename T>
std::vector<T> readColumnAs(FitsFile const& file, ColumnInfo const& column, int datatype) {
  long long const count = columnElements(file, column);
  std::vector<T> values(static_cast<std::size_t>(count));
  if (count == 0) return values;
  int status = 0, anyNull = 0;
  fits_read_col(file.get(), datatype, column.number, 1, 1, count, nullptr, values.data(), &anyNull,
                &status);
  checkRead(file, status, "reading column '" + column.name + "'");
  return values;
}

}  // namespace

ReadError::Reason reasonForStatus(int status) {
  switch (status) {
    case END_OF_FILE:
    case READ_ERROR:
      return ReadError::Reason::Truncated;
    case COL_NOT_FOUND:
      return ReadError::Reason::MissingColumn;
    default:
      return ReadError::Reason::Unreadable;
  }
}

void checkRead(FitsFile const& file, int status, std::string const& what) {
  if (status == 0) return;
  throw ReadError(reasonForStatus(status), file.path(), what + ": " + fitsErrorText(status));
}

void requireCompleteData(FitsFile const& file) {
  int status = 0, type = 0;
  fits_get_hdu_type(file.get(), &type, &status);
  LONGLONG headStart = 0, dataStart = 0, dataEnd = 0;
  fits_get_hduaddrll(file.get(), &headStart, &dataStart, &dataEnd, &status);
  checkRead(file, status, "locating the data of HDU " + std::to_string(file.currentHdu()));
  // Bytes the data needs without the padding of its last 2880-byte block, which some
  // writers leave out of the last HDU.
  long long needed = 0;
  if (type == IMAGE_HDU) {
    std::vector<long long> const shape = imageShape(file);
    int bitpix = 0;
    fits_get_img_type(file.get(), &bitpix, &status);
    checkRead(file, status, "reading BITPIX");
    needed = shape.empty() ? 0 : std::abs(bitpix) / 8;
    for (long long axis : shape) needed *= axis;
  } else {
    LONGLONG rowBytes = 0, rows = 0;
    fits_read_key(file.get(), TLONGLONG, "NAXIS1", &rowBytes, nullptr, &status);
    fits_read_key(file.get(), TLONGLONG, "NAXIS2", &rows, nullptr, &status);
    checkRead(file, status, "reading the table size");
    needed = rowBytes * rows;
  }
  long long const available = file.get()->Fptr->logfilesize - dataStart;
  if (needed > available)
    throw ReadError(ReadError::Reason::Truncated, file.path(),
                    "HDU " + std::to_string(file.currentHdu()) + " declares " +
                        std::to_string(needed) + " bytes of data but the file holds " +
                        std::to_string(std::max(0LL, available)));
}

namespace {

constexpr std::size_t kCard = 80;

// The 8-character keyword field of a card (blank padded) packed into one integer, so the
// index sorts and compares keywords as numbers.
std::uint64_t packKeyword(char const* text, std::size_t length) {
  std::uint64_t packed = 0;
  for (std::size_t i = 0; i < 8; ++i)
    packed = packed << 8 | static_cast<unsigned char>(i < length ? text[i] : ' ');
  return packed;
}

// The quoted string starting at text[0] == '\'': its content ('' -> ') and the position
// just after the closing quote.
std::pair<std::string, std::size_t> quotedString(std::string_view text) {
  std::string out;
  std::size_t i = 1;
  for (; i < text.size(); ++i) {
    if (text[i] == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {
        out += '\'';
        ++i;
        continue;
      }
      return {out, i + 1};
    }
    out += text[i];
  }
  return {out, i};
}

}  // namespace

Header::Header(FitsFile const& file) {
  int count = 0, more = 0, status = 0;
  fits_get_hdrspace(file.get(), &count, &more, &status);
  checkRead(file, status, "reading the header of HDU " + std::to_string(file.currentHdu()));
  _cards.assign(static_cast<std::size_t>(count) * kCard, ' ');
  _index.reserve(static_cast<std::size_t>(count));
  char card[FLEN_CARD] = {};
  for (int i = 0; i < count; ++i) {
    fits_read_record(file.get(), i + 1, card, &status);
    checkRead(file, status, "reading header card " + std::to_string(i + 1));
    std::size_t const length = std::min(std::strlen(card), kCard);
    std::memcpy(&_cards[i * kCard], card, length);
    _index.emplace_back(packKeyword(card, length), i);
  }
  std::sort(_index.begin(), _index.end());  // by keyword, then card: the first one wins
}

int Header::find(std::string const& key) const {
  if (key.size() > 8) return -1;
  std::uint64_t const packed = packKeyword(key.data(), key.size());
  auto const it = std::lower_bound(_index.begin(), _index.end(), std::make_pair(packed, -1));
  return it != _index.end() && it->first == packed ? it->second : -1;
}

std::optional<Header::Value> Header::value(std::string const& key) const {
  int const number = find(key);
  if (number < 0) return std::nullopt;
  std::string_view const card(_cards.data() + number * kCard, kCard);
  if (card.substr(8, 2) != "= ") return std::nullopt;  // a commentary card
  std::string_view field = card.substr(10);
  std::size_t const start = field.find_first_not_of(' ');
  if (start == std::string_view::npos) return Value{};
  field.remove_prefix(start);
  Value value;
  std::size_t rest = 0;
  if (field.front() == '\'') {
    auto [text, end] = quotedString(field);
    value.quoted = true;
    rest = end;
    // Long strings (the LONGSTRN convention): 'text&' continued by CONTINUE cards.
    for (int next = number + 1;
         !text.empty() && text.back() == '&' && next < static_cast<int>(_cards.size() / kCard);
         ++next) {
      std::string_view const more(_cards.data() + next * kCard, kCard);
      std::size_t const quote = more.find('\'');
      if (more.substr(0, 8) != "CONTINUE" || quote == std::string_view::npos) break;
      text.pop_back();
      text += quotedString(more.substr(quote)).first;
    }
    value.text = trim(text);
  } else {
    rest = std::min(field.find('/'), field.size());
    value.text = trim(std::string(field.substr(0, rest)));
  }
  std::size_t const slash = field.find('/', rest);
  if (slash != std::string_view::npos) value.comment = trim(std::string(field.substr(slash + 1)));
  return value;
}

std::optional<std::string> Header::string(std::string const& key) const {
  auto v = value(key);
  if (!v) return std::nullopt;
  return std::move(v->text);
}

std::optional<double> Header::number(std::string const& key) const {
  auto v = value(key);
  if (!v || v->text.empty()) return std::nullopt;
  std::string text = std::move(v->text);
  for (char& c : text)
    if (c == 'D' || c == 'd') c = 'E';  // Fortran exponents are legal in FITS
  char* end = nullptr;
  double const number = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') return std::nullopt;
  return number;
}

std::optional<bool> Header::logical(std::string const& key) const {
  auto v = value(key);
  if (!v || v->quoted) return std::nullopt;
  if (v->text == "T") return true;
  if (v->text == "F") return false;
  return std::nullopt;
}

double Header::angle(std::string const& key, bool hours) const {
  auto v = value(key);
  if (!v || v->text.empty()) return kNaN;
  if (v->quoted) return sexagesimalDegrees(v->text, hours);
  return number(key).value_or(kNaN);
}

std::string Header::comment(std::string const& key) const {
  auto v = value(key);
  return v ? v->comment : std::string();
}

double sexagesimalDegrees(std::string const& text, bool hours) {
  std::string const t = trim(text);
  if (t.empty()) return kNaN;
  bool const negative = t.front() == '-';
  std::string body = (t.front() == '-' || t.front() == '+') ? t.substr(1) : t;
  for (char& c : body)
    if (c == ':') c = ' ';
  double parts[3] = {0, 0, 0};
  int count = 0;
  char const* cursor = body.c_str();
  while (*cursor != '\0') {
    while (*cursor == ' ') ++cursor;
    if (*cursor == '\0') break;
    if (count == 3) return kNaN;
    char* end = nullptr;
    parts[count] = std::strtod(cursor, &end);
    if (end == cursor || !std::isfinite(parts[count]) || parts[count] < 0) return kNaN;
    ++count;
    cursor = end;
    if (*cursor != ' ' && *cursor != '\0') return kNaN;
  }
  if (count == 0) return kNaN;
  double const value = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
  return (negative ? -value : value) * (hours ? 15.0 : 1.0);
}

std::optional<double> angstromsPerUnit(std::string const& unit) {
  std::string u;
  for (char c : lowerCase(unit))
    if (c != ' ') u += c;
  if (u.empty() || u == "angstrom" || u == "angstroms" || u == "aa" || u == "a" ||
      u == "\xc3\xa5" || u == "\xe2\x84\xab" || u == "0.1nm")
    return 1.0;
  if (u == "nm" || u == "nanometer" || u == "nanometers" || u == "nanometre") return 10.0;
  if (u == "um" || u == "\xc2\xb5m" || u == "\xce\xbcm" || u == "micron" || u == "microns" ||
      u == "micrometer" || u == "micrometers" || u == "micrometre")
    return 1e4;
  if (u == "mm") return 1e7;
  if (u == "cm") return 1e8;
  if (u == "m" || u == "meter" || u == "meters" || u == "metre") return 1e10;
  if (u == "pm") return 1e-2;
  return std::nullopt;
}

std::string lowerCase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::vector<long long> imageShape(FitsFile const& file) {
  constexpr int kMaxAxes = 9;
  int bitpix = 0, naxis = 0, status = 0;
  LONGLONG axes[kMaxAxes] = {};
  fits_get_img_paramll(file.get(), kMaxAxes, &bitpix, &naxis, axes, &status);
  checkRead(file, status, "reading the image size");
  naxis = std::min(naxis, kMaxAxes);
  return std::vector<long long>(axes, axes + naxis);
}

std::vector<double> readImageDoubles(FitsFile const& file, long long first, long long count) {
  std::vector<double> values(static_cast<std::size_t>(count));
  if (count == 0) return values;
  int status = 0, anyNull = 0;
  fits_read_img(file.get(), TDOUBLE, first + 1, count, nullptr, values.data(), &anyNull, &status);
  checkRead(file, status, "reading the image");
  return values;
}

std::vector<float> readImageFloats(FitsFile const& file, long long first, long long count) {
  std::vector<float> values(static_cast<std::size_t>(count));
  if (count == 0) return values;
  int status = 0, anyNull = 0;
  fits_read_img(file.get(), TFLOAT, first + 1, count, nullptr, values.data(), &anyNull, &status);
  checkRead(file, status, "reading the image");
  return values;
}

long long tableRows(FitsFile const& file) {
  LONGLONG rows = 0;
  int status = 0;
  fits_get_num_rowsll(file.get(), &rows, &status);
  checkRead(file, status, "counting table rows");
  return rows;
}

std::vector<ColumnInfo> tableColumns(FitsFile const& file, Header const& header) {
  int count = 0, status = 0;
  fits_get_num_cols(file.get(), &count, &status);
  checkRead(file, status, "counting table columns");
  std::vector<ColumnInfo> columns;
  for (int i = 1; i <= count; ++i) {
    ColumnInfo column;
    column.number = i;
    std::string const n = std::to_string(i);
    column.name = header.string("TTYPE" + n).value_or("");
    column.unit = header.string("TUNIT" + n).value_or("");
    LONGLONG repeat = 0, width = 0;
    fits_get_coltypell(file.get(), i, &column.typecode, &repeat, &width, &status);
    checkRead(file, status, "reading the type of column " + n);
    column.repeat = repeat;
    columns.push_back(std::move(column));
  }
  return columns;
}

std::optional<ColumnInfo> findColumn(std::vector<ColumnInfo> const& columns,
                                     std::string const& name) {
  std::string const wanted = lowerCase(name);
  for (auto const& column : columns)
    if (lowerCase(column.name) == wanted) return column;
  return std::nullopt;
}

std::optional<ColumnInfo> findAnyColumn(std::vector<ColumnInfo> const& columns,
                                        std::vector<std::string> const& candidates) {
  for (auto const& candidate : candidates)
    if (auto column = findColumn(columns, candidate)) return column;
  return std::nullopt;
}

std::vector<double> readColumnDoubles(FitsFile const& file, ColumnInfo const& column) {
  return readColumnAs<double>(file, column, TDOUBLE);
}

std::vector<float> readColumnFloats(FitsFile const& file, ColumnInfo const& column) {
  return readColumnAs<float>(file, column, TFLOAT);
}

std::uint32_t maskFromNumber(double value) {
  // NaN fails both comparisons
  if (!(value >= 0 && value < 4294967295.0)) return 0xFFFFFFFFu;
  return static_cast<std::uint32_t>(value + 0.5);
}

std::vector<double> wavelengthGrid(double crval, double step, double crpix, long long n, bool log10,
                                   double scale) {
  constexpr long long kBlock = 16;
  std::vector<double> wave(static_cast<std::size_t>(std::max(0LL, n)));
  auto exact = [&](long long i) { return crval + step * (static_cast<double>(i) + 1.0 - crpix); };
  if (!log10) {
    for (long long i = 0; i < n; ++i) wave[i] = exact(i) * scale;
    return wave;
  }
  double steps[kBlock];  // 10^(k step): one rounding between exact anchors
  for (long long k = 0; k < kBlock; ++k) steps[k] = powerOfTen(step * static_cast<double>(k));
  for (long long start = 0; start < n; start += kBlock) {
    double const anchor = powerOfTen(exact(start));
    long long const end = std::min(n, start + kBlock);
    for (long long i = start; i < end; ++i) wave[i] = anchor * steps[i - start];
  }
  return wave;
}

std::vector<std::uint32_t> readColumnMask(FitsFile const& file, ColumnInfo const& column) {
  std::vector<std::uint32_t> mask;
  if (isIntegerType(column.typecode)) {
    auto const values = readColumnAs<long long>(file, column, TLONGLONG);
    mask.reserve(values.size());
    for (long long v : values) mask.push_back(static_cast<std::uint32_t>(v));  // keep low bits
  } else {
    auto const values = readColumnDoubles(file, column);
    mask.reserve(values.size());
    for (double v : values) mask.push_back(maskFromNumber(v));
  }
  return mask;
}

std::string readColumnString(FitsFile const& file, ColumnInfo const& column, long long row) {
  std::vector<char> cell(static_cast<std::size_t>(std::max(1LL, column.repeat)) + 1, '\0');
  char* cells[] = {cell.data()};
  char empty[] = "";
  int status = 0, anyNull = 0;
  fits_read_col_str(file.get(), column.number, row, 1, 1, empty, cells, &anyNull, &status);
  checkRead(file, status, "reading column '" + column.name + "'");
  return trim(cell.data());
}

}  // namespace vocloud::io::detail
