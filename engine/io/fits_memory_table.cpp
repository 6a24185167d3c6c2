// FitsTable: the columns of a binary or ASCII table from one pass over its header cards, and
// whole-column reads: big-endian elements converted in one loop per run of elements (the
// whole column when it holds one value a row, a row's array otherwise, a variable-length
// array from the heap), TSCAL/TZERO applied.
#include "io/fits_memory.hpp"

#include "io/fits_memory_convert.hpp"
#include "io/fits_read.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>

namespace vocloud::io::detail {

namespace {

using namespace fitsconvert;
using Reason = ReadError::Reason;

// The column keywords we read; each is a bit of the "seen" flags (the first card wins).
enum ColumnKey : unsigned {
  kType = 1,
  kForm = 2,
  kUnit = 4,
  kScal = 8,
  kZero = 16,
  kNull = 32,
  kBcol = 64
};

// Which column keyword a card holds and its column number: "TTYPE12 " -> (kType, 12).
std::pair<unsigned, int> columnKeyword(std::string_view card) {
  if (card[0] != 'T') return {0, 0};
  std::string_view const prefix = card.substr(0, 5);
  unsigned key = 0;
  if (prefix == "TTYPE")
    key = kType;
  else if (prefix == "TFORM")
    key = kForm;
  else if (prefix == "TUNIT")
    key = kUnit;
  else if (prefix == "TSCAL")
    key = kScal;
  else if (prefix == "TZERO")
    key = kZero;
  else if (prefix == "TNULL")
    key = kNull;
  else if (prefix == "TBCOL")
    key = kBcol;
  else
    return {0, 0};
  int number = 0, digits = 0;
  std::size_t i = 5;
  for (; i < 8 && card[i] >= '0' && card[i] <= '9'; ++i, ++digits)
    number = number * 10 + (card[i] - '0');
  for (; i < 8; ++i)
    if (card[i] != ' ') return {0, 0};
  return digits == 0 ? std::pair<unsigned, int>{0, 0} : std::pair<unsigned, int>{key, number};
}

// TFORM without blanks, in upper case, in a small buffer ("" when it does not fit).
std::string_view compactForm(std::string_view text, char (&buffer)[72]) {
  std::size_t n = 0;
  for (char c : text) {
    if (c == ' ') continue;
    if (n == sizeof buffer) return {};
    buffer[n++] = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return {buffer, n};
}

// Leading digits of `text` from `at` as a number (`fallback` when there are none).
long long digitsAt(std::string_view text, std::size_t& at, long long fallback) {
  std::size_t const start = at;
  long long value = 0;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9' && value < (1LL << 50))
    value = value * 10 + (text[at++] - '0');
  return at == start ? fallback : value;
}

// Binary table TFORM "rT", "rPT(max)", "rQT(max)", "rAw": element type, descriptor,
// repeat and bytes per row. False when it is not one.
bool parseBinaryForm(std::string_view form, FitsColumn& column) {
  std::size_t at = 0;
  long long const repeat = digitsAt(form, at, 1);
  if (at >= form.size()) return false;
  char type = form[at++];
  if (type == 'P' || type == 'Q') {
    column.descriptor = type;
    if (at >= form.size()) return false;
    type = form[at++];
    long long maximum = 0;
    if (at < form.size() && form[at] == '(') {
      ++at;
      maximum = digitsAt(form, at, 0);
    }
    column.repeat = maximum;
    column.width = repeat == 0 ? 0 : (column.descriptor == 'P' ? 8 : 16);
  } else {
    column.repeat = repeat;
    column.width = type == 'X' ? static_cast<std::size_t>((repeat + 7) / 8)
                               : static_cast<std::size_t>(repeat) * elementBytes(type);
  }
  column.type = type;
  return type == 'X' || elementBytes(type) != 0;
}

// ASCII table TFORM "Aw", "Iw", "Fw.d", "Ew.d", "Dw.d".
bool parseAsciiForm(std::string_view form, FitsColumn& column) {
  if (form.empty()) return false;
  char const type = form[0];
  if (type != 'A' && type != 'I' && type != 'F' && type != 'E' && type != 'D') return false;
  std::size_t at = 1;
  long long const width = digitsAt(form, at, -1);
  if (width < 1) return false;
  if (at < form.size() && form[at] == '.') {
    ++at;
    column.decimals = static_cast<int>(digitsAt(form, at, 0));
  }
  column.type = type;
  column.width = static_cast<std::size_t>(width);
  column.repeat = type == 'A' ? width : 1;
  return true;
}

std::string trimmedCell(char const* cell, std::size_t width) {
  std::size_t end = 0;
  while (end < width && cell[end] != '\0') ++end;  // a NUL ends the string
  std::size_t begin = 0;
  while (begin < end && (cell[begin] == ' ' || cell[begin] == '\t')) ++begin;
  while (end > begin && (cell[end - 1] == ' ' || cell[end - 1] == '\t')) --end;
  return std::string(cell + begin, end - begin);
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

FitsTable::FitsTable(FitsMemory const& file, FitsHdu const& hdu) : _file(&file), _hdu(&hdu) {
  std::string const where = "HDU " + std::to_string(hdu.number);
  if (hdu.kind != HduKind::BinaryTable && hdu.kind != HduKind::AsciiTable)
    throw ReadError(Reason::UnknownLayout, file.path(),
                    where +
                        (hdu.kind == HduKind::Image ? " is an image"
                                                    : " is a '" + hdu.xtension + "' extension") +
                        ", not a table");
  if (hdu.axes.size() != 2 || hdu.bitpix != 8)
    throw ReadError(Reason::Unreadable, file.path(),
                    where + " is a table without BITPIX 8 and NAXIS 2");
  _rowBytes = static_cast<std::size_t>(hdu.axes[0]);
  _rows = hdu.axes[1];
  FitsHeader const& header = hdu.header;
  auto const fields = header.integer("TFIELDS");
  if (!fields || *fields < 0 || *fields > 999)
    throw ReadError(Reason::Unreadable, file.path(), where + " has no valid TFIELDS");
  bool const binary = hdu.kind == HduKind::BinaryTable;
  _heapOffset = static_cast<std::uint64_t>(
      header.integer("THEAP").value_or(static_cast<long long>(_rowBytes) * _rows));

  _columns.resize(static_cast<std::size_t>(*fields));
  std::vector<unsigned> seen(_columns.size(), 0);
  std::vector<long long> start(_columns.size(), 0);  // TBCOL
  for (int i = 0; i < header.size(); ++i) {
    auto const [key, number] = columnKeyword(header.card(i));
    if (key == 0 || number < 1 || number > *fields || (seen[number - 1] & key) != 0) continue;
    seen[number - 1] |= key;
    FitsColumn& column = _columns[static_cast<std::size_t>(number - 1)];
    if (key == kScal || key == kZero) {
      auto const value = header.numberAt(i);
      if (value) (key == kScal ? column.scale : column.zero) = *value;
      continue;
    }
    if (key == kBcol) {
      start[number - 1] = static_cast<long long>(header.numberAt(i).value_or(0));
      continue;
    }
    std::string value;
    if (auto plain = header.plainStringAt(i))  // no copy but the one we keep
      value.assign(plain->data(), plain->size());
    else if (auto text = header.stringAt(i))
      value = std::move(*text);
    else
      continue;
    if (key == kType) column.name = std::move(value);
    if (key == kForm) column.format = std::move(value);
    if (key == kUnit) column.unit = std::move(value);
    if (key == kNull) column.null = std::move(value);
  }

  std::size_t offset = 0;
  for (std::size_t k = 0; k < _columns.size(); ++k) {
    FitsColumn& column = _columns[k];
    column.number = static_cast<int>(k + 1);
    char buffer[72];
    std::string_view const form = compactForm(column.format, buffer);
    bool const valid = binary ? parseBinaryForm(form, column) : parseAsciiForm(form, column);
    if (!valid)
      throw ReadError(Reason::Unreadable, file.path(),
                      where + " column " + std::to_string(k + 1) + " has TFORM '" + column.format +
                          "', not a FITS " + (binary ? "binary" : "ASCII") + " table format");
    if (binary) {
      column.offset = offset;
      offset += column.width;
    } else {
      if (start[k] < 1)
        throw ReadError(Reason::Unreadable, file.path(),
                        where + " column " + std::to_string(k + 1) + " has no valid TBCOL");
      column.offset = static_cast<std::size_t>(start[k] - 1);
    }
    if (column.offset + column.width > _rowBytes)
      throw ReadError(Reason::Unreadable, file.path(),
                      where + " column " + std::to_string(k + 1) + " ('" + column.name +
                          "') ends at byte " + std::to_string(column.offset + column.width) +
                          " of a " + std::to_string(_rowBytes) + "-byte row");
  }
}

FitsColumn const* FitsTable::find(std::string_view name) const {
  for (auto const& column : _columns)
    if (equalsIgnoringCase(column.name, name)) return &column;
  return nullptr;
}

// Calls visit(src, stride, count, at) for each run of the column's elements in memory:
// `count` elements `stride` bytes apart from `src`, going to output index `at`.
template <typename Visit>
void FitsTable::forEachRun(FitsColumn const& column, Visit const& visit) const {
  std::size_t const size = elementBytes(column.type);
  auto const rows = static_cast<std::size_t>(_rows);
  if (rows == 0) return;
  if (!column.isVariable()) {
    auto const repeat = static_cast<std::size_t>(column.repeat);
    if (repeat == 0) return;
    if (rows == 1) {  // one row (LAMOST DR8): only this column's bytes are read
      visit(_file->bytes(*_hdu, column.offset, repeat * size), size, repeat, std::size_t{0});
      return;
    }
    char const* const data = _file->bytes(*_hdu, 0, rows * _rowBytes);
    if (repeat == 1) {
      visit(data + column.offset, _rowBytes, rows, std::size_t{0});  // one strided run
    } else {
      for (std::size_t row = 0; row < rows; ++row)
        visit(data + row * _rowBytes + column.offset, size, repeat, row * repeat);
    }
    return;
  }
  std::size_t at = 0;
  for (std::size_t row = 0; row < rows; ++row) {
    auto const [src, count] = heapArray(column, row);
    if (count > 0) visit(src, size, count, at);
    at += count;
  }
}

std::pair<char const*, std::size_t> FitsTable::heapArray(FitsColumn const& column,
                                                         std::size_t row) const {
  char const* const cell = _file->bytes(*_hdu, row * _rowBytes + column.offset, column.width);
  std::uint64_t count = 0, offset = 0;
  if (column.descriptor == 'P') {
    count = static_cast<std::uint32_t>(loadBig<std::int32_t>(cell));
    offset = static_cast<std::uint32_t>(loadBig<std::int32_t>(cell + 4));
  } else {
    count = static_cast<std::uint64_t>(loadBig<std::int64_t>(cell));
    offset = static_cast<std::uint64_t>(loadBig<std::int64_t>(cell + 8));
  }
  std::uint64_t const dataBytes = _hdu->dataBytes;
  std::uint64_t const size = std::max<std::size_t>(1, elementBytes(column.type));
  if (count > dataBytes || offset > dataBytes || _heapOffset > dataBytes ||
      _heapOffset + offset + count * size > dataBytes)
    throw ReadError(Reason::Unreadable, _file->path(),
                    "row " + std::to_string(row + 1) + " of column '" + column.name +
                        "' points outside the heap of HDU " + std::to_string(_hdu->number));
  return {_file->bytes(*_hdu, _heapOffset + offset, count * size), static_cast<std::size_t>(count)};
}

std::size_t FitsTable::elements(FitsColumn const& column) const {
  std::string const what = "column '" + column.name + "' of HDU " + std::to_string(_hdu->number);
  if (column.isText())
    throw ReadError(Reason::UnknownLayout, _file->path(), what + " holds text, not numbers");
  if (column.type == 'C' || column.type == 'M')
    throw ReadError(Reason::UnknownLayout, _file->path(), what + " holds complex numbers");
  if (column.isVariable() && column.type == 'X')
    throw ReadError(Reason::UnknownLayout, _file->path(),
                    what + " is a variable-length bit array, which is not supported");
  // The data must be there before anything its size is allocated.
  _file->requireData(*_hdu);
  if (!column.isVariable()) return static_cast<std::size_t>(_rows * column.repeat);
  std::size_t total = 0;
  forEachRun(column,
             [&](char const*, std::size_t, std::size_t count, std::size_t) { total += count; });
  // Rows may share heap arrays; arrays that add up to more than the HDU holds would make
  // a small file allocate without bound.
  std::uint64_t const size = std::max<std::size_t>(1, elementBytes(column.type));
  if (total > _hdu->dataBytes / size)
    throw ReadError(Reason::Unreadable, _file->path(),
                    what + ": its variable-length arrays add up to " + std::to_string(total) +
                        " values, more than the " + std::to_string(_hdu->dataBytes) +
                        " bytes of the HDU hold");
  return total;
}

template <typename Out, typename Convert>
void FitsTable::convertColumn(FitsColumn const& column, Out* out, Convert const& convert) const {
  if (column.type == 'X') {  // bits, most significant first; TSCAL/TZERO do not apply
    char const* const data = _file->bytes(*_hdu, 0, static_cast<std::uint64_t>(_rows) * _rowBytes);
    auto const bits = static_cast<std::size_t>(column.repeat);
    for (std::size_t row = 0; row < static_cast<std::size_t>(_rows); ++row) {
      auto const* cell =
          reinterpret_cast<unsigned char const*>(data + row * _rowBytes + column.offset);
      for (std::size_t k = 0; k < bits; ++k)
        out[row * bits + k] = static_cast<Out>((cell[k >> 3] >> (7 - (k & 7))) & 1);
    }
    return;
  }
  withRawType(column.type, [&](auto raw) {
    using Raw = decltype(raw);
    forEachRun(column, [&](char const* src, std::size_t stride, std::size_t count, std::size_t at) {
      convertRun<Raw>(src, stride, count, out + at, convert);
    });
  });
}

template <typename Out>
std::vector<Out> FitsTable::numbers(FitsColumn const& column) const {
  if (_hdu->kind == HduKind::AsciiTable) {
    std::vector<double> const values = asciiNumbers(column);
    return std::vector<Out>(values.begin(), values.end());
  }
  std::vector<Out> out(elements(column));
  if (out.empty()) return out;
  if (column.isScaled())
    convertColumn(column, out.data(), Scaled<Out>{column.scale, column.zero});
  else
    convertColumn(column, out.data(), Plain<Out>{});
  return out;
}

std::vector<double> FitsTable::asciiNumbers(FitsColumn const& column) const {
  if (column.isText())
    throw ReadError(Reason::UnknownLayout, _file->path(),
                    "column '" + column.name + "' of HDU " + std::to_string(_hdu->number) +
                        " holds text, not numbers");
  char const* const data = _file->bytes(*_hdu, 0, static_cast<std::uint64_t>(_rows) * _rowBytes);
  std::vector<double> out(static_cast<std::size_t>(_rows));
  double const implied = std::pow(10.0, column.decimals);
  for (std::size_t row = 0; row < out.size(); ++row) {
    std::string_view const cell(data + row * _rowBytes + column.offset, column.width);
    std::string const text = trimmedCell(cell.data(), cell.size());
    if (text.empty() || text == column.null) {  // an undefined field
      out[row] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    std::optional<double> value = parseFitsNumber(text);
    if (!value)
      throw ReadError(Reason::Unreadable, _file->path(),
                      "row " + std::to_string(row + 1) + " of column '" + column.name +
                          "' holds '" + text + "', not a number");
    // Fw.d written without a decimal point: the point is implied d digits from the right.
    if (column.type != 'I' && column.decimals > 0 && text.find('.') == std::string::npos)
      *value /= implied;
    out[row] = *value * column.scale + column.zero;
  }
  return out;
}

std::vector<double> FitsTable::doubles(FitsColumn const& column) const {
  return numbers<double>(column);
}

std::vector<float> FitsTable::floats(FitsColumn const& column) const {
  return numbers<float>(column);
}

std::vector<std::uint32_t> FitsTable::mask(FitsColumn const& column) const {
  if (_hdu->kind == HduKind::AsciiTable) {  // integers keep their low bits, as below
    std::vector<double> const values = doubles(column);
    std::vector<std::uint32_t> out(values.size());
    MaskRounded const bits{1.0, 0.0};
    for (std::size_t i = 0; i < values.size(); ++i)
      out[i] = column.type == 'I' ? bits(values[i]) : maskFromNumber(values[i]);
    return out;
  }
  std::vector<std::uint32_t> out(elements(column));
  if (out.empty()) return out;
  double const zero = column.zero;
  if (column.type == 'E' || column.type == 'D') {
    if (column.isScaled())
      convertColumn(column, out.data(), MaskOfNumber{column.scale, zero, false, 0});
    else
      convertColumn(column, out.data(), MaskPlain{});
  } else if (column.scale == 1.0 && zero == std::floor(zero) && zero > -9.2e18 && zero < 1.8e19) {
    // An integral TZERO with TSCAL 1 (the unsigned conventions) adds with wrap-around and
    // keeps the bit pattern; anything else is rounded.
    std::uint64_t const bits = zero >= 0
                                   ? static_cast<std::uint64_t>(zero)
                                   : static_cast<std::uint64_t>(static_cast<std::int64_t>(zero));
    convertColumn(column, out.data(), MaskBits{bits});
  } else {
    convertColumn(column, out.data(), MaskRounded{column.scale, zero});
  }
  return out;
}

std::string FitsTable::text(FitsColumn const& column, long long row) const {
  if (row < 0 || row >= _rows)
    throw ReadError(Reason::Unreadable, _file->path(),
                    "row " + std::to_string(row + 1) + " of column '" + column.name +
                        "' is past the " + std::to_string(_rows) + " rows of HDU " +
                        std::to_string(_hdu->number));
  if (!column.isText()) {
    std::vector<double> const values = doubles(column);
    std::size_t const per = column.isVariable() ? 1 : static_cast<std::size_t>(column.repeat);
    std::size_t const at = static_cast<std::size_t>(row) * per;
    if (column.isVariable() || at >= values.size()) return {};
    char printed[32];
    std::snprintf(printed, sizeof printed, "%.15g", values[at]);
    return printed;
  }
  if (column.isVariable()) {
    auto const [src, count] = heapArray(column, static_cast<std::size_t>(row));
    return trimmedCell(src, count);
  }
  char const* const cell = _file->bytes(
      *_hdu, static_cast<std::uint64_t>(row) * _rowBytes + column.offset, column.width);
  return trimmedCell(cell, column.width);
}

}  // namespace vocloud::io::detail
