#include "core/csv.hpp"

namespace vocloud::core {

std::vector<std::string> splitCsvLine(std::string const& line) {
  // Most lines have no quotes and no CR: the fields are the text between commas.
  if (line.find_first_of("\"\r") == std::string::npos) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
      fields.emplace_back(line, start, comma - start);
    fields.emplace_back(line, start);
    return fields;
  }
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char const c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back().push_back(c);
    }
  }
  return fields;
}

}  // namespace vocloud::core
