#include "core/json.hpp"

#include <cmath>
#include <cstdio>

namespace vocloud::core {

std::string jsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
          out += buffer;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

void JsonWriter::separate() {
  if (_afterKey) {
    _afterKey = false;
    return;
  }
  if (!_first.empty()) {
    if (!_first.back()) _out.push_back(',');
    _first.back() = false;
  }
}

JsonWriter& JsonWriter::beginObject() {
  separate();
  _out.push_back('{');
  _first.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::endObject() {
  _out.push_back('}');
  _first.pop_back();
  return *this;
}

JsonWriter& JsonWriter::beginArray() {
  separate();
  _out.push_back('[');
  _first.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::endArray() {
  _out.push_back(']');
  _first.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  _out += '"' + jsonEscape(name) + "\":";
  _afterKey = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  _out += '"' + jsonEscape(text) + '"';
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  separate();
  if (!std::isfinite(number)) {
    _out += "null";
  } else {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", number);
    _out += buffer;
  }
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  separate();
  _out += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t number) {
  separate();
  _out += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  separate();
  _out += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  _out += "null";
  return *this;
}

}  // namespace vocloud::core
