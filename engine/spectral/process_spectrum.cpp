#include "spectral/process_spectrum.hpp"

#include "io/read_error.hpp"
#include "io/reader.hpp"
#include "spectral/frames.hpp"
#include "spectral/normalise.hpp"
#include "spectral/quality.hpp"
#include "spectral/resample.hpp"
#include "spectral/smooth.hpp"
#include "spectral/unusable.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <new>
#include <string>

namespace vocloud::spectral {

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

std::string frameName(Frame frame) {
  return frame == Frame::Vacuum ? "vacuum" : frame == Frame::Air ? "air" : "as_is";
}

ProcessWorkspace::ProcessWorkspace(SpectralOptions const& options, Grid const& grid)
    : resampler(grid) {
  if (options.normalise.kind == Normalisation::Continuum)
    continuum.emplace(grid.wave, options.normalise);
}

ProcessedSpectrum processSpectrum(SpectrumSource const& source, SpectralOptions const& options,
                                  Grid const& grid, SpectrumStages* stages) {
  ProcessWorkspace workspace(options, grid);
  return processSpectrum(source, options, grid, workspace, stages);
}

namespace {

// Wavelengths into the chosen frame (a file of unknown frame is taken as it is), then the
// rest frame, then the cut to the grid.
void toGridFrame(io::Spectrum& spectrum, double z, SpectralOptions const& options,
                 Grid const& grid) {
  if (options.frame == Frame::Vacuum && spectrum.frame == io::WavelengthFrame::Air)
    airToVacuum(spectrum.wave);
  else if (options.frame == Frame::Air && spectrum.frame == io::WavelengthFrame::Vacuum)
    vacuumToAir(spectrum.wave);
  if (options.restFrame && std::isfinite(z)) toRestFrame(spectrum.wave, z);
  cutToGrid(spectrum, grid);
}

// The divisor of the normalisation, for the report's continuum panel.
void recordContinuum(Resampled const& resampled, SpectralOptions const& options, Grid const& grid,
                     ProcessWorkspace& workspace, SpectrumStages& stages) {
  std::vector<double> divisor;
  if (workspace.continuum)
    workspace.continuum->fit(resampled.flux, resampled.mask, divisor);
  else if (options.normalise.kind == Normalisation::Continuum)
    divisor = fitContinuum(resampled.flux, resampled.mask, grid.wave, options.normalise);
  else if (options.normalise.kind == Normalisation::RunningMedian)
    divisor = runningMedian(resampled.flux, resampled.mask, options.normalise.medianWindow);
  stages.continuum.assign(divisor.begin(), divisor.end());
}

// Resampling to normalisation of a spectrum already on the grid's frame. Returns the reason
// for rejecting it, "" when it is kept (then `out` holds the row).
std::string processOnGrid(io::Spectrum& spectrum, SpectralOptions const& options, Grid const& grid,
                          ProcessWorkspace& workspace, ProcessedSpectrum& out,
                          SpectrumStages* stages) {
  Resampled resampled =
      options.rebin
          ? workspace.resampler.rebin(spectrum.wave, spectrum.flux, spectrum.ivar, spectrum.mask)
          : workspace.resampler.interpolate(spectrum.wave, spectrum.flux, spectrum.ivar,
                                            spectrum.mask);
  out.coverage = resampled.coverage;
  char text[96];
  if (resampled.coverage < options.minCoverage) {
    std::snprintf(text, sizeof text, "coverage: %.3f of the grid < min_coverage %.3f",
                  resampled.coverage, options.minCoverage);
    return text;
  }
  fillMissing(resampled);
  out.snr = estimateSnr(resampled.flux, resampled.ivar, resampled.mask);
  if (options.minSnr > 0 && !(out.snr >= options.minSnr)) {
    std::snprintf(text, sizeof text, "low_snr: %.2f < min_snr %.2f", out.snr, options.minSnr);
    return text;
  }
  if (options.smoothSigma > 0) gaussianSmooth(resampled.flux, options.smoothSigma);
  if (stages) {
    stages->resampledFlux = resampled.flux;
    stages->resampledMask = resampled.mask;
    recordContinuum(resampled, options, grid, workspace, *stages);
  }
  if (workspace.continuum)
    workspace.continuum->normalise(resampled.flux, resampled.ivar, resampled.mask);
  else
    normalise(resampled.flux, resampled.ivar, resampled.mask, grid.wave, options.normalise);
  for (float v : resampled.flux)
    if (!std::isfinite(v)) return "non_finite: values after preprocessing";
  out.flux = std::move(resampled.flux);
  out.ivar = std::move(resampled.ivar);
  // A file without uncertainties: NaN says "unknown" (0 would say "no information").
  if (out.ivar.empty()) out.ivar.assign(out.flux.size(), std::numeric_limits<float>::quiet_NaN());
  out.mask = std::move(resampled.mask);
  return "";
}

}  // namespace

ProcessedSpectrum processSpectrum(SpectrumSource const& source, SpectralOptions const& options,
                                  Grid const& grid, ProcessWorkspace& workspace,
                                  SpectrumStages* stages) {
  ProcessedSpectrum out;
  out.label = source.label;
  io::Spectrum spectrum;
  try {
    spectrum = io::readSpectrum(source.path, options.read);
  } catch (io::ReadError const& e) {
    return rejected(out, io::reasonName(e.reason()) + ": " + e.what());
  }
  if (stages) {
    stages->read = true;
    stages->raw = spectrum;
  }
  out.layout = spectrum.layout;
  out.ra = std::isfinite(source.ra) ? source.ra : spectrum.meta.ra;
  out.dec = std::isfinite(source.dec) ? source.dec : spectrum.meta.dec;
  out.z = std::isfinite(source.z) ? source.z : spectrum.meta.z;
  if (out.label.empty()) out.label = spectrum.meta.cls;
  try {
    toGridFrame(spectrum, out.z, options, grid);
    if (stages) {
      stages->cutWave = spectrum.wave;
      stages->cutFlux = spectrum.flux;
    }
    std::string reason = processOnGrid(spectrum, options, grid, workspace, out, stages);
    if (!reason.empty()) return rejected(out, std::move(reason));
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

}  // namespace vocloud::spectral
