#include "preprocess/process_spectrum.hpp"

#include "io/read_error.hpp"
#include "io/reader.hpp"
#include "preprocess/frames.hpp"
#include "preprocess/normalise.hpp"
#include "preprocess/quality.hpp"
#include "preprocess/resample.hpp"
#include "preprocess/smooth.hpp"
#include "preprocess/unusable.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <new>
#include <string>

namespace vocloud::preprocess {

namespace {

ProcessedSpectrum rejected(ProcessedSpectrum out, std::string reason) {
  out.accepted = false;
  out.reason = std::move(reason);
  out.flux.clear();
  out.ivar.clear();
  out.mask.clear();
  return out;
}

// Keeps the pixels that reach the grid plus a margin of 3 on each side (resampling then
// sees the same pixel edges over the grid as with the whole spectrum, at a fraction of the
// cost for wide spectra such as SDSS and LAMOST).
void cutToGrid(io::Spectrum& s, Grid const& grid) {
  std::size_t const n = s.wave.size();
  if (n < 8 || !(s.wave.front() < s.wave.back())) return;  // descending: left as it is
  constexpr std::size_t kMargin = 3;
  auto const lo = std::lower_bound(s.wave.begin(), s.wave.end(), grid.wave.front());
  auto const hi = std::upper_bound(s.wave.begin(), s.wave.end(), grid.wave.back());
  std::size_t const begin = static_cast<std::size_t>(lo - s.wave.begin());
  std::size_t const end = static_cast<std::size_t>(hi - s.wave.begin());
  std::size_t const first = begin > kMargin ? begin - kMargin : 0;
  std::size_t const last = std::min(n, end + kMargin);
  if (first == 0 && last == n) return;
  if (first >= last) return;  // no overlap: resampling reports the coverage
  auto cut = [&](auto& v) {
    if (v.empty()) return;
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(last), v.end());
    v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(first));
  };
  cut(s.wave);
  cut(s.flux);
  cut(s.ivar);
  cut(s.mask);
}

}  // namespace

ProcessWorkspace::ProcessWorkspace(PreprocessConfig const& config, Grid const& grid)
    : resampler(grid) {
  if (config.normalise.kind == Normalisation::Continuum)
    continuum.emplace(grid.wave, config.normalise);
}

ProcessedSpectrum processSpectrum(CatalogRow const& row, PreprocessConfig const& config,
                                  Grid const& grid) {
  ProcessWorkspace workspace(config, grid);
  return processSpectrum(row, config, grid, workspace);
}

ProcessedSpectrum processSpectrum(CatalogRow const& row, PreprocessConfig const& config,
                                  Grid const& grid, ProcessWorkspace& workspace) {
  ProcessedSpectrum out;
  out.label = row.label;
  io::Spectrum spectrum;
  try {
    spectrum = io::readSpectrum(row.path);
  } catch (io::ReadError const& e) {
    return rejected(out, io::reasonName(e.reason()) + ": " + e.what());
  }
  out.layout = spectrum.layout;
  out.ra = std::isfinite(row.ra) ? row.ra : spectrum.meta.ra;
  out.dec = std::isfinite(row.dec) ? row.dec : spectrum.meta.dec;
  out.z = std::isfinite(row.z) ? row.z : spectrum.meta.z;
  if (out.label.empty()) out.label = spectrum.meta.cls;
  try {
    // Wavelengths into the chosen frame; a file of unknown frame is taken as it is.
    if (config.frame == Frame::Vacuum && spectrum.frame == io::WavelengthFrame::Air)
      airToVacuum(spectrum.wave);
    else if (config.frame == Frame::Air && spectrum.frame == io::WavelengthFrame::Vacuum)
      vacuumToAir(spectrum.wave);
    if (config.restFrame && std::isfinite(out.z)) toRestFrame(spectrum.wave, out.z);
    cutToGrid(spectrum, grid);

    Resampled resampled =
        config.rebin
            ? workspace.resampler.rebin(spectrum.wave, spectrum.flux, spectrum.ivar, spectrum.mask)
            : workspace.resampler.interpolate(spectrum.wave, spectrum.flux, spectrum.ivar,
                                              spectrum.mask);
    out.coverage = resampled.coverage;
    if (resampled.coverage < config.minCoverage) {
      char text[96];
      std::snprintf(text, sizeof text, "coverage: %.3f of the grid < min_coverage %.3f",
                    resampled.coverage, config.minCoverage);
      return rejected(out, text);
    }
    fillMissing(resampled);
    out.snr = estimateSnr(resampled.flux, resampled.ivar, resampled.mask);
    if (config.minSnr > 0 && !(out.snr >= config.minSnr)) {
      char text[96];
      std::snprintf(text, sizeof text, "low_snr: %.2f < min_snr %.2f", out.snr, config.minSnr);
      return rejected(out, text);
    }
    if (config.smoothSigma > 0) gaussianSmooth(resampled.flux, config.smoothSigma);
    if (workspace.continuum)
      workspace.continuum->normalise(resampled.flux, resampled.ivar, resampled.mask);
    else
      normalise(resampled.flux, resampled.ivar, resampled.mask, grid.wave, config.normalise);
    for (float v : resampled.flux)
      if (!std::isfinite(v)) return rejected(out, "non_finite: values after preprocessing");
    out.flux = std::move(resampled.flux);
    out.ivar = std::move(resampled.ivar);
    // A file without uncertainties: NaN says "unknown" (0 would say "no information").
    if (out.ivar.empty()) out.ivar.assign(out.flux.size(), std::numeric_limits<float>::quiet_NaN());
    out.mask = std::move(resampled.mask);
    out.accepted = true;
    return out;
  } catch (Unusable const& e) {
    return rejected(out, e.reason() + ": " + e.what());
  } catch (std::bad_alloc const&) {
    throw;  // memory is the run's problem, not this spectrum's
  } catch (std::exception const& e) {
    // Anything else one spectrum's numbers provoke (a frame, a fit, a resampling check)
    // rejects that spectrum, with the message, and the run goes on.
    return rejected(out, std::string("error: ") + e.what());
  }
}

}  // namespace vocloud::preprocess
