// VoTableWriter: TABLEDATA VOTable 1.4, streamed row by row. Every cell is checked against
// its FIELD (numbers parse and fit, booleans are booleans, fixed arrays have their length)
// so that what is written passes `stilts votlint`.
#include "io/votable_detail.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <set>

namespace vocloud::io {

namespace {

using detail::VoType;

// xtypes DALI 1.1 defines; votlint warns about any other, so others are not written.
bool isDaliXtype(std::string const& xtype) {
  static char const* const kDali[] = {"timestamp", "interval", "point", "circle",
                                      "polygon",   "moc",      "shape", "multipolygon",
                                      "uri",       "hms",      "dms"};
  for (char const* known : kDali)
    if (xtype == known) return true;
  return false;
}

// Whether `id` is an XML NCName (ASCII letters, digits, '_', '-', '.'; bytes of UTF-8
// letters allowed; no leading digit, '-' or '.').
bool isNcName(std::string const& id) {
  for (std::size_t i = 0; i < id.size(); ++i) {
    auto const c = static_cast<unsigned char>(id[i]);
    bool const start = std::isalpha(c) || c == '_' || c >= 0x80;
    if (!(start || (i > 0 && (std::isdigit(c) || c == '-' || c == '.')))) return false;
  }
  return !id.empty();
}

// Appends `text` escaped for XML content or attributes: the five markup characters as
// entities, control characters other than tab/LF/CR dropped, bytes that are not UTF-8 taken
// as Latin-1.
void appendEscaped(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto const c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      case '\'':
        out += "&apos;";
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      if (c == '\t' || c == '\n' || c == '\r') out += static_cast<char>(c);
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    std::size_t const length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool valid = length > 0 && c < 0xF5 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k)
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (valid) {
      out.append(text.substr(i, length));
      i += length - 1;
    } else {
      detail::appendUtf8(out, c);
    }
  }
}

std::string escaped(std::string_view text) {
  std::string out;
  appendEscaped(out, text);
  return out;
}

void appendAttribute(std::string& out, char const* name, std::string const& value) {
  if (value.empty()) return;
  out += ' ';
  out += name;
  out += "=\"";
  appendEscaped(out, value);
  out += '"';
}

std::vector<std::string_view> tokens(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::strchr(" \t\r\n", text[i]) != nullptr) ++i;
    std::size_t const start = i;
    while (i < text.size() && std::strchr(" \t\r\n", text[i]) == nullptr) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// The text a float token is written as ("NaN", "+Inf", "-Inf" or the token), or nothing.
std::optional<std::string> floatToken(std::string_view token) {
  std::string const lower = detail::asciiLower(token);
  if (lower == "nan" || lower == "+nan" || lower == "-nan") return std::string("NaN");
  if (lower == "inf" || lower == "+inf" || lower == "infinity" || lower == "+infinity")
    return std::string("+Inf");
  if (lower == "-inf" || lower == "-infinity") return std::string("-Inf");
  std::string_view number = token;
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  double value = 0;
  auto const result = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || result.ec != std::errc() || result.ptr != number.data() + number.size())
    return std::nullopt;
  return std::string(token);
}

bool integerInRange(std::string_view token, VoType type) {
  bool negative = false;
  if (!token.empty() && (token.front() == '+' || token.front() == '-')) {
    negative = token.front() == '-';
    token.remove_prefix(1);
  }
  int base = 10;
  if (token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) {
    base = 16;
    token.remove_prefix(2);
  }
  std::uint64_t magnitude = 0;
  auto const result = std::from_chars(token.data(), token.data() + token.size(), magnitude, base);
  if (token.empty() || result.ec != std::errc() || result.ptr != token.data() + token.size())
    return false;
  std::uint64_t const bits = type == VoType::UnsignedByte ? 8
                             : type == VoType::Short      ? 16
                             : type == VoType::Int        ? 32
                                                          : 64;
  if (base == 16) return !negative && (bits == 64 || magnitude < (std::uint64_t{1} << bits));
  if (type == VoType::UnsignedByte) return !negative ? magnitude <= 255 : magnitude == 0;
  std::uint64_t const limit = std::uint64_t{1} << (bits - 1);
  return negative ? magnitude <= limit : magnitude < limit;
}

std::string typeMinimum(VoType type) {
  switch (type) {
    case VoType::UnsignedByte:
      return "255";
    case VoType::Short:
      return "-32768";
    case VoType::Int:
      return "-2147483648";
    default:
      return "-9223372036854775808";
  }
}

// Checks a FIELD or PARAM and gives integer types a null value.
void prepareField(VoField& field, std::string const& what, std::string const& target) {
  if (field.name.empty()) throw Error("votable: " + target + ": " + what + " without a name");
  auto const type = detail::voType(field.datatype);
  if (!type)
    throw Error("votable: " + target + ": " + what + " '" + field.name + "' has datatype '" +
                field.datatype + "', not a VOTable datatype");
  try {
    detail::parseArraySize(field.arraysize);
  } catch (Error const& e) {
    throw Error("votable: " + target + ": " + what + " '" + field.name + "': " + e.what());
  }
  if (!field.id.empty() && !isNcName(field.id))
    throw Error("votable: " + target + ": " + what + " '" + field.name + "' has ID '" + field.id +
                "', not an XML name (letters, digits, '_', '-', '.'; no leading digit)");
  if (detail::isIntegerType(*type) && field.values.null.empty())
    field.values.null = typeMinimum(*type);
  if (!isDaliXtype(field.xtype)) field.xtype.clear();
  field.ref.clear();  // the writer writes no COOSYS, TIMESYS or GROUP a ref= could name
}

void appendField(std::string& out, char const* element, VoField const& field,
                 std::string const* value) {
  out += "      <";
  out += element;
  appendAttribute(out, "ID", field.id);
  appendAttribute(out, "name", field.name);
  appendAttribute(out, "datatype", field.datatype);
  appendAttribute(out, "arraysize", field.arraysize);
  appendAttribute(out, "width", field.width);
  appendAttribute(out, "precision", field.precision);
  appendAttribute(out, "unit", field.unit);
  appendAttribute(out, "ucd", field.ucd);
  appendAttribute(out, "utype", field.utype);
  appendAttribute(out, "xtype", field.xtype);
  if (value != nullptr) {
    out += " value=\"";
    appendEscaped(out, *value);
    out += '"';
  }
  VoValues const& values = field.values;
  bool const hasValues =
      !values.null.empty() || !values.min.empty() || !values.max.empty() || !values.options.empty();
  if (field.description.empty() && !hasValues && field.links.empty()) {
    out += "/>\n";
    return;
  }
  out += ">";
  if (!field.description.empty())
    out += "<DESCRIPTION>" + escaped(field.description) + "</DESCRIPTION>";
  if (hasValues) {
    out += "<VALUES";
    appendAttribute(out, "null", values.null);
    out += ">";
    if (!values.min.empty()) out += "<MIN value=\"" + escaped(values.min) + "\"/>";
    if (!values.max.empty()) out += "<MAX value=\"" + escaped(values.max) + "\"/>";
    for (auto const& [name, value] : values.options) {
      out += "<OPTION";
      appendAttribute(out, "name", name);
      out += " value=\"" + escaped(value) + "\"/>";
    }
    out += "</VALUES>";
  }
  for (auto const& link : field.links) {
    out += "<LINK";
    appendAttribute(out, "content-role", link.contentRole);
    appendAttribute(out, "content-type", link.contentType);
    appendAttribute(out, "title", link.title);
    appendAttribute(out, "value", link.value);
    appendAttribute(out, "href", link.href);
    out += "/>";
  }
  out += "</";
  out += element;
  out += ">\n";
}

// The TD text of `cell` for `field` (before XML escaping); throws Error(what is wrong) for a bad
// cell.
std::string normalisedCell(VoField const& field, std::string const& cell) {
  VoType const type = *detail::voType(field.datatype);
  detail::ArraySize const size = detail::parseArraySize(field.arraysize);
  if (type == VoType::Char || type == VoType::UnicodeChar) return cell;

  std::vector<std::string_view> const items = tokens(cell);
  std::size_t const perElement =
      type == VoType::FloatComplex || type == VoType::DoubleComplex ? 2 : 1;
  std::size_t const fixed = size.fixedCount * perElement;
  std::string nullToken = type == VoType::Boolean ? "?" : detail::isFloatType(type) ? "NaN" : "0";
  if (detail::isIntegerType(type)) nullToken = field.values.null;

  if (items.empty()) {
    if (size.variable || (!size.array && perElement == 1)) return {};  // null
    // A fixed-size array (and a complex number, a pair) has no empty form: write its
    // elements as nulls.
    std::string out;
    for (std::size_t i = 0; i < fixed; ++i) out += (i > 0 ? " " : "") + nullToken;
    return out;
  }
  if (!size.array && items.size() != perElement)
    throw Error(std::to_string(items.size()) + " values for a scalar");
  if (size.array && !size.variable && items.size() != fixed)
    throw Error(std::to_string(items.size()) + " values for arraysize " + field.arraysize);
  if (size.variable && items.size() % fixed != 0)
    throw Error(std::to_string(items.size()) + " values, not a multiple of " +
                std::to_string(fixed) + " (arraysize " + field.arraysize + ")");
  if (size.variable && size.maxItems > 0 && items.size() / fixed > size.maxItems)
    throw Error(std::to_string(items.size()) + " values for arraysize " + field.arraysize);

  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string_view const item = items[i];
    if (i > 0) out += ' ';
    if (type == VoType::Boolean) {
      std::string const lower = detail::asciiLower(item);
      if (lower == "t" || lower == "true" || lower == "1")
        out += 'T';
      else if (lower == "f" || lower == "false" || lower == "0")
        out += 'F';
      else if (lower == "?")
        out += '?';
      else
        throw Error("'" + std::string(item) + "' is not a boolean (T, F or ?)");
    } else if (type == VoType::Bit) {
      if (item != "0" && item != "1") throw Error("'" + std::string(item) + "' is not a bit");
      out += item;
    } else if (detail::isIntegerType(type)) {
      if (!integerInRange(item, type))
        throw Error("'" + std::string(item) + "' is not a " + field.datatype + " value");
      out += item;
    } else {
      auto const text = floatToken(item);
      if (!text) throw Error("'" + std::string(item) + "' is not a number");
      out += *text;
    }
  }
  return out;
}

}  // namespace

std::string voCell(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto const result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string voCell(float value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto const result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string voCell(std::int64_t value) {
  return std::to_string(value);
}

VoTableWriter::VoTableWriter(std::ostream& out, VoTableHeader header)
    : _out(&out), _target("<stream>"), _header(std::move(header)) {
  writeHeader();
}

VoTableWriter::VoTableWriter(std::string const& path, VoTableHeader header)
    : _file(std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc)),
      _out(_file.get()),
      _target(path),
      _header(std::move(header)) {
  if (!*_file) throw Error("votable: " + path + ": cannot create the file");
  writeHeader();
}

VoTableWriter::~VoTableWriter() {
  if (_finished) return;
  try {
    finish();
  } catch (...) {
    // A destructor must not throw; finish() reports errors to callers that call it.
  }
}

void VoTableWriter::writeHeader() {
  std::set<std::string> names, ids;
  auto uniqueId = [&](VoField const& field) {
    if (!field.id.empty() && !ids.insert(field.id).second)
      throw Error("votable: " + _target + ": two elements with ID '" + field.id + "'");
  };
  for (auto& field : _header.fields) {
    uniqueId(field);
    prepareField(field, "FIELD", _target);
    if (!names.insert(field.name).second)
      throw Error("votable: " + _target + ": two FIELDs named '" + field.name + "'");
  }
  names.clear();
  for (auto& param : _header.params) {
    uniqueId(param.field);
    prepareField(param.field, "PARAM", _target);
    if (!names.insert(param.field.name).second)
      throw Error("votable: " + _target + ": two PARAMs named '" + param.field.name + "'");
    try {
      param.value = normalisedCell(param.field, param.value);
    } catch (Error const& e) {
      throw Error("votable: " + _target + ": PARAM '" + param.field.name + "': " + e.what());
    }
  }

  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://www.ivoa.net/xml/VOTable/v1.3 "
      "http://www.ivoa.net/xml/VOTable/VOTable-1.4.xsd\">\n"
      "  <RESOURCE type=\"results\"";
  appendAttribute(out, "name", _header.resourceName);
  out += ">\n";
  if (!_header.resourceDescription.empty())
    out += "    <DESCRIPTION>" + escaped(_header.resourceDescription) + "</DESCRIPTION>\n";
  bool hasStatus = false;
  for (auto const& info : _header.infos) hasStatus |= info.name == "QUERY_STATUS";
  if (!hasStatus) out += "    <INFO name=\"QUERY_STATUS\" value=\"OK\"/>\n";
  for (auto const& info : _header.infos) {
    out += "    <INFO";
    appendAttribute(out, "ID", info.id);
    out += " name=\"" + escaped(info.name) + "\" value=\"" + escaped(info.value) + "\"";
    out += info.content.empty() ? "/>\n" : ">" + escaped(info.content) + "</INFO>\n";
  }
  out += "    <TABLE";
  appendAttribute(out, "name", _header.tableName);
  out += ">\n";
  if (!_header.tableDescription.empty())
    out += "      <DESCRIPTION>" + escaped(_header.tableDescription) + "</DESCRIPTION>\n";
  for (auto const& param : _header.params) appendField(out, "PARAM", param.field, &param.value);
  for (auto const& field : _header.fields) appendField(out, "FIELD", field, nullptr);
  out += "      <DATA><TABLEDATA>\n";
  *_out << out;
  if (!*_out) throw Error("votable: " + _target + ": write error");
}

void VoTableWriter::writeRow(std::vector<std::string> const& cells) {
  if (_finished) throw Error("votable: " + _target + ": writeRow() after finish()");
  if (cells.size() != _header.fields.size())
    throw Error("votable: " + _target + ": row " + std::to_string(_rows + 1) + " has " +
                std::to_string(cells.size()) + " cells for " +
                std::to_string(_header.fields.size()) + " FIELDs");
  std::string out = "        <TR>";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    out += "<TD>";
    appendEscaped(out, cellText(i, cells[i]));
    out += "</TD>";
  }
  out += "</TR>\n";
  *_out << out;
  if (!*_out)
    throw Error("votable: " + _target + ": write error at row " + std::to_string(_rows + 1));
  ++_rows;
}

std::string VoTableWriter::cellText(std::size_t column, std::string const& cell) const {
  VoField const& field = _header.fields[column];
  try {
    return normalisedCell(field, cell);
  } catch (Error const& e) {
    throw Error("votable: " + _target + ": row " + std::to_string(_rows + 1) + ", column '" +
                field.name + "': " + e.what());
  }
}

void VoTableWriter::finish() {
  if (_finished) return;
  _finished = true;
  *_out << "      </TABLEDATA></DATA>\n    </TABLE>\n  </RESOURCE>\n</VOTABLE>\n";
  _out->flush();
  if (_file) _file->close();
  if (_file ? _file->fail() : !*_out) throw Error("votable: " + _target + ": write error");
}

}  // namespace vocloud::io
