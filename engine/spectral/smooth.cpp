#include "spectral/smooth.hpp"

#include "core/error.hpp"
#include "spectral/number_text.hpp"

#include <algorithm>
#include <cmath>

namespace vocloud::spectral {

void gaussianSmooth(std::vector<float>& flux, double sigmaPixels) {
  if (!std::isfinite(sigmaPixels) || sigmaPixels < 0 || sigmaPixels > 1e6)
    throw Error("preprocess: gaussian smoothing sigma must be 0-1e6 pixels, got " +
                detail::numberText(sigmaPixels));
  if (sigmaPixels == 0 || flux.empty()) return;
  auto const half = static_cast<std::ptrdiff_t>(std::ceil(4.0 * sigmaPixels));
  std::vector<double> kernel(static_cast<std::size_t>(2 * half + 1));
  for (std::ptrdiff_t k = -half; k <= half; ++k) {
    double const u = static_cast<double>(k) / sigmaPixels;
    kernel[static_cast<std::size_t>(k + half)] = std::exp(-0.5 * u * u);
  }
  auto const n = static_cast<std::ptrdiff_t>(flux.size());
  std::vector<float> out(flux.size());
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    double sum = 0, weight = 0;
    std::ptrdiff_t const from = std::max<std::ptrdiff_t>(-half, -i);
    std::ptrdiff_t const to = std::min<std::ptrdiff_t>(half, n - 1 - i);
    for (std::ptrdiff_t k = from; k <= to; ++k) {
      double const w = kernel[static_cast<std::size_t>(k + half)];
      sum += w * flux[static_cast<std::size_t>(i + k)];
      weight += w;
    }
    out[static_cast<std::size_t>(i)] = static_cast<float>(sum / weight);
  }
  flux.swap(out);
}

}  // namespace vocloud::spectral
