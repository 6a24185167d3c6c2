#pragma once
// The exception a preprocessing operation throws when one spectrum cannot be used (flat,
// all masked, unsorted wavelengths...). The caller turns it into a /rejected row and goes
// on with the next spectrum; every other vocloud::Error is a bug or a configuration error.
#include "core/error.hpp"

#include <string>
#include <utility>

namespace vocloud::spectral {

/// One spectrum is unusable. reason() is a short token for the /rejected table
/// ("flat_spectrum", "all_masked", ...); what() is "preprocess: <reason>: <detail>".
class Unusable : public Error {
 public:
  Unusable(std::string reason, std::string const& detail)
      : Error("preprocess: " + reason + ": " + detail), _reason(std::move(reason)) {}

  /// The short reason token, e.g. "flat_spectrum".
  std::string const& reason() const noexcept { return _reason; }

 private:
  std::string _reason;
};

}  // namespace vocloud::spectral
