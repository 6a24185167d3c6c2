// VOTable BINARY and BINARY2 serializations (VOTable 1.4 sec. 5): base64 STREAMs of
// big-endian rows, decoded into the text cells of VoTable::rows; plus the datatype and
// arraysize helpers the parser and writer share.
#include "core/error.hpp"
#include "io/votable_detail.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>

namespace vocloud::io::detail {

namespace {

// One FIELD prepared for decoding.
struct Column {
  std::string name;
  VoType type = VoType::Char;
  ArraySize size;
  bool hasNull = false;
  std::int64_t null = 0;  // the declared integer null value
};

// Reads big-endian values from the decoded stream, checking that the bytes are there.
class ByteReader {
 public:
  explicit ByteReader(std::vector<unsigned char> const& bytes) : _bytes(bytes) {}
  bool atEnd() const { return _pos >= _bytes.size(); }
  bool has(std::size_t n) const { return n <= _bytes.size() - _pos; }
  unsigned char const* take(std::size_t n) {
    unsigned char const* p = _bytes.data() + _pos;
    _pos += n;
    return p;
  }
  std::uint64_t bigEndian(std::size_t n) {
    std::uint64_t value = 0;
    for (unsigned char const* p = take(n); n > 0; --n, ++p) value = (value << 8) | *p;
    return value;
  }

 private:
  std::vector<unsigned char> const& _bytes;
  std::size_t _pos = 0;
};

std::int64_t signExtend(std::uint64_t raw, std::size_t bytes) {
  if (bytes == 8) return static_cast<std::int64_t>(raw);
  std::uint64_t const sign = std::uint64_t{1} << (bytes * 8 - 1);
  return static_cast<std::int64_t>((raw ^ sign) - sign);
}

float floatFromBits(std::uint64_t raw) {
  auto const bits = static_cast<std::uint32_t>(raw);
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

double doubleFromBits(std::uint64_t raw) {
  double value;
  std::memcpy(&value, &raw, sizeof value);
  return value;
}

void appendLatin1(std::string& out, unsigned char c) {
  if (c < 0x80)
    out += static_cast<char>(c);
  else
    appendUtf8(out, c);
}

// Text of `count` elements of a non-bit type at `p`; `scalar` says whether a null integer
// or boolean makes the whole cell empty.
std::string elementsText(Column const& column, unsigned char const* p, std::size_t count,
                         bool scalar) {
  std::string out;
  std::size_t const size = elementBytes(column.type);
  auto separate = [&](std::size_t i) {
    if (i > 0) out += ' ';
  };
  switch (column.type) {
    case VoType::Char:
      // Fixed-width strings end at the first NUL (padding), as astropy reads them.
      for (std::size_t i = 0; i < count && p[i] != 0; ++i) appendLatin1(out, p[i]);
      return out;
    case VoType::UnicodeChar:
      for (std::size_t i = 0; i < count; ++i) {
        char32_t unit = static_cast<char32_t>((p[2 * i] << 8) | p[2 * i + 1]);
        if (unit == 0) break;
        if (unit >= 0xD800 && unit < 0xDC00 && i + 1 < count) {
          char32_t const low = static_cast<char32_t>((p[2 * i + 2] << 8) | p[2 * i + 3]);
          if (low >= 0xDC00 && low < 0xE000) {
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            ++i;
          }
        }
        appendUtf8(out, unit);
      }
      return out;
    case VoType::Boolean:
      for (std::size_t i = 0; i < count; ++i) {
        char const c = static_cast<char>(p[i]);
        char const* text = c == 'T' || c == 't' || c == '1'   ? "T"
                           : c == 'F' || c == 'f' || c == '0' ? "F"
                                                              : "?";
        if (scalar && text[0] == '?') return "";
        separate(i);
        out += text;
      }
      return out;
    default:
      break;
  }
  for (std::size_t i = 0; i < count; ++i, p += size) {
    std::uint64_t raw = 0;
    for (std::size_t b = 0; b < size; ++b) raw = (raw << 8) | p[b];
    separate(i);
    switch (column.type) {
      case VoType::UnsignedByte:
      case VoType::Short:
      case VoType::Int:
      case VoType::Long: {
        std::int64_t const value = column.type == VoType::UnsignedByte
                                       ? static_cast<std::int64_t>(raw)
                                       : signExtend(raw, size);
        // A hexadecimal null is given as the stored bit pattern: compare both ways.
        bool const isNull =
            column.hasNull &&
            (value == column.null || (size < 8 && static_cast<std::int64_t>(raw) == column.null));
        if (scalar && isNull) return "";
        out += voCell(value);
        break;
      }
      case VoType::Float:
        out += voCell(floatFromBits(raw));
        break;
      case VoType::Double:
        out += voCell(doubleFromBits(raw));
        break;
      case VoType::FloatComplex:
        out += voCell(floatFromBits(raw >> 32)) + ' ' + voCell(floatFromBits(raw & 0xFFFFFFFFu));
        break;
      case VoType::DoubleComplex: {
        std::uint64_t im = 0;
        for (std::size_t b = 8; b < 16; ++b) im = (im << 8) | p[b];
        std::uint64_t re = 0;
        for (std::size_t b = 0; b < 8; ++b) re = (re << 8) | p[b];
        out += voCell(doubleFromBits(re)) + ' ' + voCell(doubleFromBits(im));
        break;
      }
      default:
        break;
    }
  }
  return out;
}

std::string bitsText(unsigned char const* p, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += ' ';
    out += (p[i / 8] >> (7 - i % 8)) & 1 ? '1' : '0';
  }
  return out;
}

[[noreturn]] void fail(std::size_t row, Column const& column, std::string const& what) {
  throw Error("row " + std::to_string(row + 1) + ", column '" + column.name + "': " + what);
}

}  // namespace

bool parseVoInteger(std::string_view text, std::int64_t& value) {
  text = trimXmlSpace(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  std::uint64_t magnitude = 0;
  auto const result = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size())
    return false;
  // Hexadecimal nulls are bit patterns (0xFFFF for a short is -1 as stored).
  // Negated as unsigned: -9223372036854775808 (a long's null) would overflow as signed.
  value = static_cast<std::int64_t>(negative ? 0 - magnitude : magnitude);
  return true;
}

std::optional<VoType> voType(std::string const& datatype) {
  static std::array<std::pair<char const*, VoType>, 12> const kTypes{{
      {"boolean", VoType::Boolean},
      {"bit", VoType::Bit},
      {"unsignedByte", VoType::UnsignedByte},
      {"short", VoType::Short},
      {"int", VoType::Int},
      {"long", VoType::Long},
      {"char", VoType::Char},
      {"unicodeChar", VoType::UnicodeChar},
      {"float", VoType::Float},
      {"double", VoType::Double},
      {"floatComplex", VoType::FloatComplex},
      {"doubleComplex", VoType::DoubleComplex},
  }};
  std::string const trimmed(trimXmlSpace(datatype));
  for (auto const& [name, type] : kTypes)
    if (trimmed == name) return type;
  return std::nullopt;
}

std::size_t elementBytes(VoType type) {
  switch (type) {
    case VoType::Bit:
      return 0;
    case VoType::Boolean:
    case VoType::UnsignedByte:
    case VoType::Char:
      return 1;
    case VoType::Short:
    case VoType::UnicodeChar:
      return 2;
    case VoType::Int:
    case VoType::Float:
      return 4;
    case VoType::Long:
    case VoType::Double:
    case VoType::FloatComplex:
      return 8;
    case VoType::DoubleComplex:
      return 16;
  }
  return 1;
}

bool isIntegerType(VoType type) {
  return type == VoType::UnsignedByte || type == VoType::Short || type == VoType::Int ||
         type == VoType::Long;
}

bool isFloatType(VoType type) {
  return type == VoType::Float || type == VoType::Double || type == VoType::FloatComplex ||
         type == VoType::DoubleComplex;
}

ArraySize parseArraySize(std::string const& text) {
  ArraySize size;
  std::string_view rest = trimXmlSpace(text);
  if (rest.empty()) return size;
  size.array = true;
  if (rest.back() == '*') {
    size.variable = true;
    rest.remove_suffix(1);
    // "N*" bounds the last dimension; "NxM*" and "Nx*" keep N as the fixed item.
    auto const x = rest.rfind('x');
    std::string_view const last = x == std::string_view::npos ? rest : rest.substr(x + 1);
    auto const result = std::from_chars(last.data(), last.data() + last.size(), size.maxItems);
    if (!last.empty() && (result.ec != std::errc() || result.ptr != last.data() + last.size()))
      throw Error("bad arraysize '" + text + "'");
    rest = x == std::string_view::npos ? std::string_view() : rest.substr(0, x);
  }
  while (!rest.empty()) {
    auto const x = rest.find('x');
    std::string_view const dim = rest.substr(0, x);
    std::size_t n = 0;
    auto const result = std::from_chars(dim.data(), dim.data() + dim.size(), n);
    if (dim.empty() || result.ec != std::errc() || result.ptr != dim.data() + dim.size() ||
        n > (std::size_t{1} << 31))
      throw Error("bad arraysize '" + text + "'");
    size.fixedCount *= n;
    rest = x == std::string_view::npos ? std::string_view() : rest.substr(x + 1);
    if (x != std::string_view::npos && rest.empty()) throw Error("bad arraysize '" + text + "'");
  }
  return size;
}

std::vector<unsigned char> decodeBase64(std::string_view text) {
  std::vector<unsigned char> out;
  out.reserve(text.size() / 4 * 3 + 3);
  std::uint32_t accumulator = 0;
  int bits = 0;
  bool padded = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char const c = text[i];
    int value;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '+')
      value = 62;
    else if (c == '/')
      value = 63;
    else if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
      continue;
    else if (c == '=') {
      padded = true;
      continue;
    } else
      throw Error("bad base64 character '" + std::string(1, c) + "' at offset " +
                  std::to_string(i) + " of the STREAM");
    if (padded) throw Error("base64 data after '=' padding in the STREAM");
    accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((accumulator >> bits) & 0xFF));
    }
  }
  return out;
}

void decodeBinaryStream(std::vector<unsigned char> const& bytes, std::vector<VoField> const& fields,
                        bool binary2, std::vector<std::vector<std::string>>& rows) {
  std::vector<Column> columns(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    Column& column = columns[i];
    column.name = fields[i].name.empty() ? fields[i].id : fields[i].name;
    auto const type = voType(fields[i].datatype);
    if (!type) fail(rows.size(), column, "unknown datatype '" + fields[i].datatype + "'");
    column.type = *type;
    try {
      column.size = parseArraySize(fields[i].arraysize);
    } catch (Error const& e) {
      fail(rows.size(), column, e.what());
    }
    if (isIntegerType(column.type) && !fields[i].values.null.empty())
      column.hasNull = parseVoInteger(fields[i].values.null, column.null);
  }
  if (fields.empty()) {
    if (!bytes.empty()) throw Error("a STREAM with data but no FIELD");
    return;
  }

  ByteReader reader(bytes);
  std::size_t const maskBytes = binary2 ? (fields.size() + 7) / 8 : 0;
  while (!reader.atEnd()) {
    std::size_t const row = rows.size();
    if (!reader.has(maskBytes)) fail(row, columns[0], "the stream ends inside the null flags");
    unsigned char const* mask = reader.take(maskBytes);
    std::vector<std::string> cells(fields.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      Column const& column = columns[c];
      std::size_t count = column.size.fixedCount;
      if (column.size.variable) {
        if (!reader.has(4)) fail(row, column, "the stream ends before the array length");
        std::uint64_t const items = reader.bigEndian(4);
        if (items > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()))
          fail(row, column, "negative array length");
        count *= static_cast<std::size_t>(items);
      }
      std::size_t const size =
          column.type == VoType::Bit ? (count + 7) / 8 : count * elementBytes(column.type);
      if (!reader.has(size))
        fail(row, column,
             "the stream ends inside the value (" + std::to_string(size) + " bytes expected)");
      unsigned char const* p = reader.take(size);
      bool const isNull = binary2 && ((mask[c / 8] >> (7 - c % 8)) & 1);
      if (isNull) continue;
      cells[c] = column.type == VoType::Bit ? bitsText(p, count)
                                            : elementsText(column, p, count, !column.size.array);
    }
    rows.push_back(std::move(cells));
  }
}

void appendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string asciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trimXmlSpace(std::string_view text) {
  auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace vocloud::io::detail
