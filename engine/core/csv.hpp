#pragma once
// CSV fields as RFC 4180 writes them: quoted (with doubled quotes) only when needed.
#include <string>

namespace vocloud::core {

/// `text` as one CSV field: unchanged, or in double quotes when it holds a comma, a quote
/// or a line break.
inline std::string csvField(std::string const& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace vocloud::core
