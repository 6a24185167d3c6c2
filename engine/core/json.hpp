#pragma once
// A small streaming JSON writer for the files vocloud writes (timings, stage manifests,
// `--json` outputs). Reading JSON back goes through yaml-cpp (JSON is YAML).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vocloud::core {

/// Escapes a string for a JSON string literal (without the quotes).
std::string jsonEscape(std::string_view text);

class JsonWriter {
public:
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  /// Key of the next value inside an object.
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(char const* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::string const& text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();
  /// The document so far.
  std::string const& str() const { return _out; }

private:
  void separate();
  std::string _out;
  std::vector<bool> _first;  // per open container: no element written yet
  bool _afterKey = false;
};

}  // namespace vocloud::core
