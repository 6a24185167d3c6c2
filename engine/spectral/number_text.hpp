#pragma once
// Numbers in preprocessing error messages: 10 significant digits, "nan" and "inf" as such.
#include <cstdio>
#include <string>

namespace vocloud::spectral::detail {

/// `value` with up to 10 significant digits, for messages.
inline std::string numberText(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

}  // namespace vocloud::spectral::detail
