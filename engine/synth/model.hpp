#pragma once
// The physics of the synthetic generator: labelled stellar spectra (absorption, emission,
// double-peak H-alpha, as in the Ondřejov CCD700 set of Be stars) on the wavelength grids
// of the real archive layouts, with noise, masks and a small fraction of outliers.
// Serial and deterministic: see docs/synth.md.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vocloud::synth {

enum class Layout { Sdss, LamostDr1, LamostDr2, LamostDr8, OndrejovRaw, OndrejovSsap };
inline constexpr int kLayoutCount = 6;

/// "sdss", "lamost_dr1", "lamost_dr2", "lamost_dr8", "ondrejov_raw", "ondrejov_ssap".
std::string layoutName(Layout layout);
/// The layout called `name` (as layoutName spells it), or nothing.
std::optional<Layout> layoutFromName(std::string const& name);
/// True when the layout stores vacuum wavelengths (SDSS, LAMOST); false for air (Ondřejov).
inline bool isVacuum(Layout layout) {
  return layout != Layout::OndrejovRaw && layout != Layout::OndrejovSsap;
}
/// True when the layout stores inverse variance and masks (SDSS, LAMOST).
inline bool hasInverseVariance(Layout layout) {
  return isVacuum(layout);
}

enum class SpectrumClass { Absorption, Emission, DoublePeak };
inline constexpr int kClassCount = 3;

/// "absorption", "emission", "double_peak".
std::string className(SpectrumClass cls);

enum class OutlierKind { None, PCygni, Flat, Cosmic, BadCalibration };
inline constexpr int kOutlierKindCount = 4;  // not counting None

/// "" for None, "p_cygni", "flat", "cosmic", "bad_calibration".
std::string outlierName(OutlierKind kind);

/// Generator parameters: plain values, filled from the YAML config. A group of weights
/// that is all zero means equal weights.
struct SynthParams {
  std::uint64_t seed = 1;
  double outlierFraction = 0.005;    ///< fraction of spectra that are outliers
  double snrMin = 10, snrMax = 100;  ///< S/N per pixel of the continuum, drawn log-uniform
  double rvSigmaKms = 30;            ///< radial velocity ~ N(0, sigma), km/s
  double maskedFraction = 0.002;     ///< fraction of pixels flagged bad (SDSS and LAMOST only)
  std::array<double, kLayoutCount> layoutWeights{};  ///< relative, need not sum to 1
  std::array<double, kClassCount> classWeights{};
  std::array<double, kOutlierKindCount> outlierWeights{};  ///< p_cygni, flat, cosmic, bad_cal.
};

/// One generated spectrum with everything the FITS writers and the catalog need.
struct SyntheticSpectrum {
  std::uint64_t index = 0;  ///< global row
  std::string id;           ///< "synth-000000123" (9+ digits, zero padded)
  Layout layout = Layout::Sdss;
  /// H-alpha class drawn for the star. Outliers keep the drawn class, but for p_cygni and
  /// flat the flux no longer shows it (outlierName says what the flux shows).
  SpectrumClass cls = SpectrumClass::Absorption;
  OutlierKind outlier = OutlierKind::None;
  double ra = 0, dec = 0;  ///< deg, ICRS
  double z = 0;            ///< radial velocity / c (what the catalog reports)
  double snr = 0;          ///< the S/N per pixel of the continuum drawn
  double teff = 0;         ///< K, temperature of the continuum
  int mjd = 0;             ///< modified Julian date of the (fictitious) observation
  /// Å, as the layout stores it (vacuum SDSS/LAMOST, air Ondřejov), ascending; for
  /// bad_calibration outliers this is the nominal (wrong) solution the header states.
  std::vector<double> wave;
  std::vector<float> flux, ivar;  ///< ivar = 0 on masked pixels
  std::vector<std::int32_t> andMask, orMask;
  std::vector<float> model;      ///< noiseless flux (SDSS "model")
  std::vector<float> continuum;  ///< noiseless continuum (flux / continuum = normalised)
  std::vector<float> sky;        ///< SDSS only: the sky flux that was subtracted; else empty
  /// The wavelength solution the FITS writer stores: log-linear layouts (SDSS, LAMOST)
  /// log10 Å of the first pixel and log10 step; linear layouts (Ondřejov) Å and Å/pixel.
  double crval1 = 0, cdelt1 = 0;
  int npix = 0;
};

/// What generateSpectrum draws first for a row: its layout, class and outlier kind.
struct SpectrumLabels {
  Layout layout = Layout::Sdss;
  SpectrumClass cls = SpectrumClass::Absorption;
  OutlierKind outlier = OutlierKind::None;
};

/// The labels of global row `index`, exactly as generateSpectrum draws them, at a tiny
/// fraction of its cost (to count proportions, or to estimate file sizes before writing).
SpectrumLabels drawLabels(SynthParams const& params, std::uint64_t index);

/// The spectrum of global row `index`. Deterministic: the same (params, index) gives
/// bit-identical output on every rank and machine (IEEE arithmetic, no libm, see random.hpp).
SyntheticSpectrum generateSpectrum(SynthParams const& params, std::uint64_t index);

/// "synth-" followed by the index zero-padded to 9 digits (more when larger).
std::string spectrumId(std::uint64_t index);

/// Vacuum wavelength (Å) of an air wavelength (Å), Morton (2000) / IAU refractive index.
double airToVacuum(double airAngstrom);

/// MK spectral type ("B5", "A0", "K2"...) of the nearest tabulated temperature (K).
std::string spectralType(double teff);

/// Rest-frame H-alpha wavelength in the layout's medium: 6564.61 Å vacuum, 6562.80 Å air.
double halphaRest(Layout layout);

}  // namespace vocloud::synth
