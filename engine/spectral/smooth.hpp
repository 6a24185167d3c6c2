#pragma once
// Gaussian smoothing of a sampled spectrum.
#include <vector>

namespace vocloud::spectral {

/// Convolves `flux` in place with a Gaussian of standard deviation `sigmaPixels` (pixels),
/// truncated at ±ceil(4 σ) pixels. Each output is Σ_k w_k f_{i+k} / Σ_k w_k over the taps
/// that fall inside the array, so the kernel is renormalised at the edges (a constant stays
/// constant) and Σ f is preserved for a signal that lies more than 4 σ from both ends.
/// sigmaPixels == 0 leaves flux unchanged. Throws vocloud::Error for a negative or
/// non-finite sigma, or one wider than 1e6 pixels.
void gaussianSmooth(std::vector<float>& flux, double sigmaPixels);

}  // namespace vocloud::spectral
