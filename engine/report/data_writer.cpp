#include "report/data_writer.hpp"

#include "core/error.hpp"
#include "core/files.hpp"

#include <cstring>
#include <filesystem>

namespace vocloud::report {

namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "report: typed arrays are written as the host's bytes, which must be little-endian");

template <class T>
void typed(core::JsonWriter& json, char const* dtype, std::vector<T> const& values,
           std::vector<std::uint64_t> shape) {
  if (shape.empty()) shape = {values.size()};
  json.beginObject().key("dtype").value(dtype).key("shape").beginArray();
  for (auto n : shape) json.value(n);
  json.endArray().key("b64").value(base64(values.data(), values.size() * sizeof(T)));
  json.endObject();
}

}  // namespace

std::string base64(void const* data, std::size_t size) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto const* bytes = static_cast<unsigned char const*>(data);
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    std::uint32_t const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int shift : {18, 12, 6, 0}) out.push_back(kDigits[(v >> shift) & 63]);
  }
  if (std::size_t const left = size - i; left > 0) {
    std::uint32_t v = bytes[i] << 16;
    if (left == 2) v |= bytes[i + 1] << 8;
    out.push_back(kDigits[(v >> 18) & 63]);
    out.push_back(kDigits[(v >> 12) & 63]);
    out.push_back(left == 2 ? kDigits[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

void typedArray(core::JsonWriter& json, std::vector<float> const& values,
                std::vector<std::uint64_t> shape) {
  typed(json, "f32", values, std::move(shape));
}
void typedArray(core::JsonWriter& json, std::vector<double> const& values,
                std::vector<std::uint64_t> shape) {
  typed(json, "f64", values, std::move(shape));
}
void typedArray(core::JsonWriter& json, std::vector<std::int32_t> const& values,
                std::vector<std::uint64_t> shape) {
  typed(json, "i32", values, std::move(shape));
}
void typedArray(core::JsonWriter& json, std::vector<std::uint8_t> const& values,
                std::vector<std::uint64_t> shape) {
  typed(json, "u8", values, std::move(shape));
}

void jsonArray(core::JsonWriter& json, std::vector<double> const& values) {
  json.beginArray();
  for (double v : values) json.value(v);
  json.endArray();
}
void jsonArray(core::JsonWriter& json, std::vector<std::int64_t> const& values) {
  json.beginArray();
  for (auto v : values) json.value(v);
  json.endArray();
}
void jsonArray(core::JsonWriter& json, std::vector<std::string> const& values) {
  json.beginArray();
  for (auto const& v : values) json.value(v);
  json.endArray();
}

std::string dataFileText(std::string_view name, std::string const& json) {
  return "vocloudData(\"" + core::jsonEscape(name) + "\", " + json + ");\n";
}

void writeDataFile(std::string const& dataDir, std::string const& name, std::string const& json) {
  std::string const path = dataDir + "/" + name + ".js";
  try {
    core::makeDirectories(std::filesystem::path(path).parent_path().string());
    core::writeFileAtomic(path, dataFileText(name, json));
  } catch (Error const& e) {
    throw Error("report: cannot write " + path + ": " + e.what());
  }
}

}  // namespace vocloud::report
