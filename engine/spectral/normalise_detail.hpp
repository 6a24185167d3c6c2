#pragma once
// Helpers shared by the normalisations (normalise.cpp) and the continuum fit
// (continuum.cpp). Internal to engine/preprocess.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vocloud::spectral::detail {

/// Indices of the pixels statistics may use (mask 0 or no mask, finite flux) into `good`
/// (cleared first). Throws vocloud::Error when mask and flux differ in length, Unusable
/// ("all_masked") when no pixel is good.
void goodPixels(std::vector<float> const& flux, std::vector<std::uint8_t> const& mask,
                std::vector<std::size_t>& good);

/// Throws Unusable ("nonpositive_continuum", naming `what` and the pixel) unless every
/// value of `continuum` is finite and > 0.
void checkPositive(std::vector<double> const& continuum, char const* what);

/// flux /= divisor, ivar *= divisor^2 per pixel (ivar may be empty).
void divideBy(std::vector<float>& flux, std::vector<float>& ivar,
              std::vector<double> const& divisor);

}  // namespace vocloud::spectral::detail
