#pragma once
// CSV fields as RFC 4180 writes them: quoted (with doubled quotes) only when needed; and
// one line split back into its fields.
#include <string>
#include <vector>

namespace vocloud::core {

/// `text` as one CSV field: unchanged, or in double quotes when it holds a comma, a quote
/// or a line break.
inline std::string csvField(std::string const& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

/// Splits one CSV line (RFC 4180 quoting, a trailing CR dropped) into its fields.
std::vector<std::string> splitCsvLine(std::string const& line);

}  // namespace vocloud::core
