#include "core/records.hpp"

#include "core/error.hpp"

#include <charconv>
#include <cmath>

namespace vocloud::core {

namespace {
constexpr char kField = '\x1f';
constexpr char kRecord = '\x1e';
}  // namespace

std::string packRecords(std::vector<std::vector<std::string>> const& records) {
  std::string text;
  for (auto const& record : records) {
    for (auto const& field : record) text += field + kField;
    text += kRecord;
  }
  return text;
}

std::vector<std::vector<std::string>> unpackRecords(std::string const& text, std::size_t fields) {
  std::vector<std::vector<std::string>> records;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t const end = text.find(kRecord, start);
    if (end == std::string::npos) throw Error("records: unterminated record");
    std::vector<std::string> record;
    for (std::size_t a = start, b; (b = text.find(kField, a)) != std::string::npos && b < end; a = b + 1)
      record.push_back(text.substr(a, b - a));
    if (record.size() != fields)
      throw Error("records: a record has " + std::to_string(record.size()) + " fields, expected " +
                  std::to_string(fields));
    records.push_back(std::move(record));
    start = end + 1;
  }
  return records;
}

std::string recordNumber(double value) {
  if (std::isnan(value)) return "nan";
  // The shortest text that reads back as the same double: exact, and a catalog round
  // broadcasts three numbers per row, where a string stream costs microseconds each.
  char text[32];
  auto const result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

}  // namespace vocloud::core
