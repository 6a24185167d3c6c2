// Bit-identical output needs IEEE rounding of every operation: no FMA contraction.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "synth/model.hpp"

#include "synth/random.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace vocloud::synth {

namespace {

using detail::portableExp;
using detail::portableLog;

constexpr double kSpeedOfLightKms = 299792.458;
constexpr double kHcOverK = 1.438776877e8;  // h c / k in Å K (Planck's law)
constexpr double kFwhmToSigma = 1.0 / 2.354820045030949;
constexpr double kHalphaAir = 6562.80;
constexpr double kRefWave = 6563.0;  // continuum normalisation wavelength, Å

// SDSS and LAMOST pixel flag: every exposure bad (SDSS FULLREJECT bit 18, LAMOST BADCCD).
constexpr std::int32_t kSdssFullReject = 1 << 18;
constexpr std::int32_t kSdssNearBadPixel = 1 << 16;
constexpr std::int32_t kLamostBadCcd = 1;

// One profile component relative to the continuum: amplitude > 0 emission, < 0 absorption;
// shape (1 - w) Gaussian(sigma) + w Lorentzian(gamma), both 1 at the centre.
struct Feature {
  double center = 0, amplitude = 0, sigma = 1, gamma = 0, lorentzWeight = 0;
};

enum class Family { Balmer, Cool, WarmCool, Mid, Hot };

struct LineSpec {
  double air;  // rest wavelength in air, Å
  Family family;
  double depth;       // central depth at full strength, fraction of the continuum
  double extraSigma;  // additional intrinsic width, Å (molecular bands)
};

// Stellar absorption lines other than H-alpha (which defines the class).
constexpr LineSpec kLines[] = {
    {3889.05, Family::Balmer, 0.45, 0},   {3970.07, Family::Balmer, 0.50, 0},
    {4101.74, Family::Balmer, 0.55, 0},   {4340.47, Family::Balmer, 0.60, 0},
    {4861.33, Family::Balmer, 0.65, 0},   {3933.66, Family::WarmCool, 0.80, 0},
    {3968.47, Family::WarmCool, 0.70, 0}, {4226.73, Family::Cool, 0.40, 0},
    {4300.00, Family::Cool, 0.25, 6.0},   {4481.20, Family::Mid, 0.15, 0},
    {5167.32, Family::Cool, 0.30, 0},     {5172.68, Family::Cool, 0.35, 0},
    {5183.60, Family::Cool, 0.40, 0},     {5889.95, Family::Cool, 0.50, 0},
    {5895.92, Family::Cool, 0.45, 0},     {6347.11, Family::Mid, 0.12, 0},
    {6371.37, Family::Mid, 0.10, 0},      {6393.60, Family::Cool, 0.15, 0},
    {6430.85, Family::Cool, 0.12, 0},     {6439.08, Family::Cool, 0.15, 0},
    {6462.57, Family::Cool, 0.12, 0},     {6494.98, Family::Cool, 0.12, 0},
    {8498.02, Family::WarmCool, 0.40, 0}, {8542.09, Family::WarmCool, 0.50, 0},
    {8662.14, Family::WarmCool, 0.45, 0}, {4471.48, Family::Hot, 0.15, 0},
    {5875.62, Family::Hot, 0.15, 0},      {6678.15, Family::Hot, 0.12, 0},
};

// Sky emission lines (air, Å) for the SDSS "sky" column.
constexpr double kSkyLines[] = {5577.34, 5889.95, 5895.92, 6300.30, 6363.78, 7316.28,
                                7340.88, 7750.64, 7794.11, 8344.60, 8399.17, 8430.17,
                                8827.10, 8885.85, 8919.63, 8943.40};

double square(double x) {
  return x * x;
}

// Relative strength of a line family at temperature teff (K), in [0, 1].
double familyStrength(Family family, double teff) {
  switch (family) {
    case Family::Balmer: {
      double const x = (portableLog(teff / 9500.0) / detail::kLn10) / 0.2;
      return 0.15 + 0.85 * portableExp(-0.5 * x * x);
    }
    case Family::Cool:
      return std::clamp((7500.0 - teff) / 3500.0, 0.0, 1.0);
    case Family::WarmCool:
      return std::clamp((10000.0 - teff) / 5000.0, 0.0, 1.0);
    case Family::Mid: {
      double const x = (teff - 11000.0) / 3000.0;
      return portableExp(-0.5 * x * x);
    }
    case Family::Hot:
      return std::clamp((teff - 11000.0) / 9000.0, 0.0, 1.0);
  }
  return 0;
}

double resolvingPower(Layout layout) {
  switch (layout) {
    case Layout::Sdss:
      return 2000;
    case Layout::OndrejovRaw:
    case Layout::OndrejovSsap:
      return 13000;
    default:
      return 1800;  // LAMOST
  }
}

// Planck B_lambda up to a constant: (wave / kRefWave)^-5 / (e^(hc / wave k T) - 1).
double planckShape(double wave, double teff) {
  double const x = wave / kRefWave;
  return 1.0 / (x * x * x * x * x * (portableExp(kHcOverK / (wave * teff)) - 1.0));
}

double featureValue(Feature const& f, double wave) {
  double const x = wave - f.center;
  double value = 0;
  if (f.lorentzWeight < 1) {
    double const u = x / f.sigma;
    if (u * u < 100.0) value += (1 - f.lorentzWeight) * portableExp(-0.5 * u * u);
  }
  if (f.lorentzWeight > 0)
    value += f.lorentzWeight * f.gamma * f.gamma / (x * x + f.gamma * f.gamma);
  return f.amplitude * value;
}

// Adds feature f to values[i] at wave[i] (ascending); Gaussians only within 10 sigma.
void addFeature(std::vector<double>& values, std::vector<double> const& wave, Feature const& f) {
  auto first = wave.begin();
  auto last = wave.end();
  if (f.lorentzWeight <= 0) {  // Lorentzian wings reach everywhere, Gaussians do not
    first = std::lower_bound(wave.begin(), wave.end(), f.center - 10 * f.sigma);
    last = std::upper_bound(first, wave.end(), f.center + 10 * f.sigma);
  }
  for (auto it = first; it != last; ++it) values[it - wave.begin()] += featureValue(f, *it);
}

// Wavelength grid of the layout; fills wave, crval1, cdelt1, npix.
void makeGrid(SyntheticSpectrum& s, Rng& rng) {
  bool logLinear = true;
  switch (s.layout) {
    case Layout::Sdss: {
      auto const skip = static_cast<int>(rng.below(4));
      s.crval1 = (35800 + skip) / 1e4;  // the double nearest to the decimal header value
      s.cdelt1 = 1e-4;
      s.npix = 3840 - skip;
      break;
    }
    case Layout::LamostDr1:
    case Layout::LamostDr2:
    case Layout::LamostDr8:
      s.crval1 = 3.5682;
      s.cdelt1 = 1e-4;
      s.npix = 3900 + static_cast<int>(rng.below(10));
      break;
    case Layout::OndrejovRaw: {
      bool const wide = rng.bernoulli(0.2);  // the 2047-pixel set-up (e.g. BT CMi)
      logLinear = false;
      s.npix = wide ? 2047 : 1997;
      // Rounded to 1e-6 Å and 1e-10 Å/px so that the 15-digit header values read back
      // as exactly these doubles.
      s.crval1 = std::round(((wide ? 6261.68 : 6252.90) + rng.uniform(-0.12, 0.12)) * 1e6) / 1e6;
      s.cdelt1 =
          std::round(((wide ? 0.230918 : 0.256680) + rng.uniform(-3e-5, 3e-5)) * 1e10) / 1e10;
      break;
    }
    case Layout::OndrejovSsap: {
      logLinear = false;
      s.npix = 1953 + static_cast<int>(rng.below(48));
      s.crval1 = 6282.0 + rng.uniform(0.0, 0.26);
      s.cdelt1 = (6732.75 + rng.uniform(0.0, 0.25) - s.crval1) / (s.npix - 1);
      break;
    }
  }
  s.wave.resize(s.npix);
  for (int i = 0; i < s.npix; ++i) {
    double const coordinate = s.crval1 + i * s.cdelt1;
    s.wave[i] = logLinear ? detail::portablePow10(coordinate) : coordinate;
  }
}

// The H-alpha profile that defines the class, centred on `center` (observed, Å).
void addHalpha(std::vector<Feature>& features, SpectrumClass cls, double center, double sigmaInst,
               bool highResolution, Rng& rng) {
  // Draw every parameter whatever the class, so the class does not shift later draws.
  double const depth = rng.uniform(0.3, 0.7);
  double const sigmaCore = std::sqrt(square(sigmaInst) + square(rng.uniform(1.5, 4.0)));
  double const gamma = rng.uniform(1.5, 5.0);
  double const weight = rng.uniform(0.3, 0.6);
  double const height = rng.uniform(0.5, 3.0);
  double const sigmaEmission = std::sqrt(square(sigmaInst) + square(rng.uniform(1.2, 4.0)));
  double const photosphere = rng.uniform(0.0, 0.15);
  double const sigmaPhotosphere = rng.uniform(6.0, 12.0);
  double separation = highResolution ? rng.uniform(3.0, 8.0) : rng.uniform(7.0, 13.0);
  double const ratio = rng.uniform(3.2, 4.5);
  double const peakA = rng.uniform(0.6, 2.5);
  double const peakB = peakA * rng.uniform(0.7, 1.0);
  bool const violetStronger = rng.bernoulli(0.5);
  double const centreFraction = rng.uniform(0.0, 0.4);
  double const shellWidth = rng.uniform(0.6, 0.9);

  switch (cls) {
    case SpectrumClass::Absorption:
      features.push_back({center, -depth, sigmaCore, gamma, weight});
      break;
    case SpectrumClass::Emission:
      features.push_back({center, -photosphere, sigmaPhotosphere, 0, 0});
      features.push_back({center, height + photosphere, sigmaEmission, 0, 0});
      break;
    case SpectrumClass::DoublePeak: {
      double const sigmaPeak = std::max(separation / ratio, 1.02 * sigmaInst);
      separation = std::max(separation, 3.2 * sigmaPeak);
      double const violet = violetStronger ? peakA : peakB;
      double const red = violetStronger ? peakB : peakA;
      double const overlap = portableExp(-0.5 * square(separation / (2 * sigmaPeak)));
      // Central absorption brings the middle down to centreFraction of the weaker peak.
      double const shell = std::max(0.0, (violet + red) * overlap - centreFraction * peakB);
      features.push_back({center, -photosphere * 0.66, sigmaPhotosphere, 0, 0});
      features.push_back({center - separation / 2, violet, sigmaPeak, 0, 0});
      features.push_back({center + separation / 2, red, sigmaPeak, 0, 0});
      features.push_back({center, -shell, std::max(sigmaInst, shellWidth * sigmaPeak), 0, 0});
      break;
    }
  }
}

// P Cygni H-alpha: emission slightly to the red, absorption trough to the blue.
void addPCygni(std::vector<Feature>& features, double center, double sigmaInst, Rng& rng) {
  double const sigmaEmission = std::sqrt(square(sigmaInst) + square(rng.uniform(1.2, 3.0)));
  double const sigmaTrough = std::sqrt(square(sigmaInst) + square(rng.uniform(0.8, 2.5)));
  double const height = rng.uniform(0.5, 2.5);
  double const depth = rng.uniform(0.3, 0.7);
  double const redShift = rng.uniform(0.0, 1.0) * sigmaEmission;
  double const blueShift = std::max(rng.uniform(2.5, 8.0), 2.2 * (sigmaEmission + sigmaTrough));
  features.push_back({center + redShift, height, sigmaEmission, 0, 0});
  features.push_back({center - blueShift, -depth, sigmaTrough, 0, 0});
}

struct Instrument {
  double scale = 1, slope = 0, curvature = 0;  // flux = scale (1 + slope x + curvature x^2)
};

// Flux scale and instrument response of the layout, x in [-1, 1] across the range.
Instrument drawInstrument(Layout layout, Rng& rng) {
  double const u1 = rng.uniform(), u2 = rng.uniform(), u3 = rng.uniform();
  Instrument out;
  switch (layout) {
    case Layout::Sdss:
      out.scale = 2.0 * portableExp(u1 * portableLog(40.0));
      break;  // 1e-17 cgs
    case Layout::LamostDr1:
    case Layout::LamostDr2:
    case Layout::LamostDr8:  // counts, relative flux calibration
      out = {100.0 * portableExp(u1 * portableLog(50.0)), 0.6 * u2 - 0.3, -0.3 * u3};
      break;
    case Layout::OndrejovRaw:  // ADU, uncorrected blaze
      out = {1000.0 * portableExp(u1 * portableLog(30.0)), 0.4 * u2 - 0.2, 0.2 * u3 - 0.15};
      break;
    case Layout::OndrejovSsap:
      out = {1.0, 0.02 * u2 - 0.01, 0.0};
      break;  // normalised
  }
  return out;
}

// Noise: sigma = continuum / snr at the continuum, growing as sqrt(flux) in lines.
void addNoise(SyntheticSpectrum& s, SynthParams const& params, std::vector<double> const& continuum,
              std::vector<double> const& model) {
  Rng noise(params.seed, s.index, Stream::Noise);
  auto const n = continuum.size();
  s.flux.resize(n);
  s.ivar.resize(n);
  s.model.resize(n);
  s.continuum.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double const sigma = continuum[i] / s.snr * std::sqrt(std::max(0.05, model[i] / continuum[i]));
    s.flux[i] = static_cast<float>(model[i] + sigma * noise.normal());
    s.ivar[i] = static_cast<float>(1.0 / (sigma * sigma));
    s.model[i] = static_cast<float>(model[i]);
    s.continuum[i] = static_cast<float>(continuum[i]);
  }
}

// Masked pixels (layouts with an inverse variance only): flux 0, ivar 0, and_mask set.
void addMasks(SyntheticSpectrum& s, SynthParams const& params) {
  auto const n = s.flux.size();
  s.andMask.assign(n, 0);
  s.orMask.assign(n, 0);
  if (!hasInverseVariance(s.layout) || !(params.maskedFraction > 0)) return;
  bool const sdss = s.layout == Layout::Sdss;
  std::int32_t const bad = sdss ? kSdssFullReject : kLamostBadCcd;
  Rng mask(params.seed, s.index, Stream::Mask);
  for (std::size_t i = 0; i < n; ++i) {
    if (!mask.bernoulli(params.maskedFraction)) continue;
    s.flux[i] = 0;
    s.ivar[i] = 0;
    s.andMask[i] |= bad;
    s.orMask[i] |= bad;
    if (sdss && i > 0) s.orMask[i - 1] |= kSdssNearBadPixel;
    if (sdss && i + 1 < n) s.orMask[i + 1] |= kSdssNearBadPixel;
  }
}

// Header-only values: the observing date and, for SDSS, the sky that was subtracted.
void addMeta(SyntheticSpectrum& s, SynthParams const& params, double scale, double sigmaInstKms) {
  Rng meta(params.seed, s.index, Stream::Meta);
  switch (s.layout) {
    case Layout::Sdss:
      s.mjd = 51600 + static_cast<int>(meta.below(6900));
      break;
    case Layout::OndrejovRaw:
    case Layout::OndrejovSsap:
      s.mjd = 50500 + static_cast<int>(meta.below(9500));
      break;
    default:
      s.mjd = 55850 + static_cast<int>(meta.below(3650));
      break;
  }
  if (s.layout != Layout::Sdss) return;
  std::vector<double> sky(s.wave.size(), scale * meta.uniform(0.05, 0.3));
  for (double line : kSkyLines) {
    double const center = airToVacuum(line);
    addFeature(
        sky, s.wave,
        {center, scale * meta.uniform(0.3, 3.0), center * sigmaInstKms / kSpeedOfLightKms, 0, 0});
  }
  s.sky.assign(sky.begin(), sky.end());
}

}  // namespace

constexpr char const* kLayoutNames[kLayoutCount] = {"sdss",       "lamost_dr1",   "lamost_dr2",
                                                    "lamost_dr8", "ondrejov_raw", "ondrejov_ssap"};
constexpr char const* kClassNames[kClassCount] = {"absorption", "emission", "double_peak"};
constexpr char const* kOutlierNames[kOutlierKindCount + 1] = {"", "p_cygni", "flat", "cosmic",
                                                              "bad_calibration"};

std::string layoutName(Layout layout) {
  auto const i = static_cast<int>(layout);
  return i >= 0 && i < kLayoutCount ? kLayoutNames[i] : "unknown";
}

std::optional<Layout> layoutFromName(std::string const& name) {
  for (int i = 0; i < kLayoutCount; ++i)
    if (name == kLayoutNames[i]) return static_cast<Layout>(i);
  return std::nullopt;
}

std::string className(SpectrumClass cls) {
  auto const i = static_cast<int>(cls);
  return i >= 0 && i < kClassCount ? kClassNames[i] : "unknown";
}

std::string outlierName(OutlierKind kind) {
  auto const i = static_cast<int>(kind);
  return i >= 0 && i <= kOutlierKindCount ? kOutlierNames[i] : "unknown";
}

std::string spectrumId(std::uint64_t index) {
  char text[40];
  std::snprintf(text, sizeof text, "synth-%09llu", static_cast<unsigned long long>(index));
  return text;
}

double airToVacuum(double air) {
  double const s2 = (1e4 / air) * (1e4 / air);
  double const n = 1.0 + 8.34254e-5 + 2.406147e-2 / (130.0 - s2) + 1.5998e-4 / (38.9 - s2);
  return air * n;
}

std::string spectralType(double teff) {
  constexpr double kTeff[] = {3850, 4400, 5200,  5600,  5900,  6500, 7200,
                              8200, 9700, 12000, 15000, 20000, 30000};
  constexpr char const* kType[] = {"M0", "K5", "K0", "G5", "G0", "F5", "F0",
                                   "A5", "A0", "B8", "B5", "B2", "B0"};
  std::size_t best = 0;
  for (std::size_t i = 1; i < std::size(kTeff); ++i)
    if (std::abs(kTeff[i] - teff) < std::abs(kTeff[best] - teff)) best = i;
  return kType[best];
}

double halphaRest(Layout layout) {
  return isVacuum(layout) ? airToVacuum(kHalphaAir) : kHalphaAir;
}

SpectrumLabels drawLabels(SynthParams const& params, std::uint64_t index) {
  Rng labels(params.seed, index, Stream::Labels);
  SpectrumLabels out;
  out.layout = static_cast<Layout>(labels.pick(params.layoutWeights));
  out.cls = static_cast<SpectrumClass>(labels.pick(params.classWeights));
  bool const outlier = labels.bernoulli(params.outlierFraction);
  auto const kind = labels.pick(params.outlierWeights);
  out.outlier = outlier ? static_cast<OutlierKind>(1 + kind) : OutlierKind::None;
  return out;
}

SyntheticSpectrum generateSpectrum(SynthParams const& params, std::uint64_t index) {
  SyntheticSpectrum s;
  s.index = index;
  s.id = spectrumId(index);
  SpectrumLabels const drawn = drawLabels(params, index);
  s.layout = drawn.layout;
  s.cls = drawn.cls;
  s.outlier = drawn.outlier;

  Rng physics(params.seed, index, Stream::Physics);
  s.ra = physics.uniform(0.0, 360.0);
  s.dec = detail::portableAsin(physics.uniform(-1.0, 1.0)) * (180.0 / detail::kPi);
  s.z = physics.normal(0.0, params.rvSigmaKms) / kSpeedOfLightKms;
  s.snr = physics.logUniform(params.snrMin, params.snrMax);
  s.teff = physics.logUniform(4000.0, 20000.0);
  double const vsini = s.teff > 8000.0 ? physics.uniform(50.0, 300.0) : physics.uniform(2.0, 20.0);
  makeGrid(s, physics);
  Instrument const instrument = drawInstrument(s.layout, physics);

  // Stellar absorption lines, then the class's H-alpha profile.
  double const sigmaInstKms = kSpeedOfLightKms * kFwhmToSigma / resolvingPower(s.layout);
  double const sigmaKms = std::sqrt(sigmaInstKms * sigmaInstKms + 0.25 * vsini * vsini + 25.0);
  double const balmerGamma = physics.uniform(1.0, 3.0);
  auto toMedium = [&s](double air) { return isVacuum(s.layout) ? airToVacuum(air) : air; };
  std::vector<Feature> features;
  for (auto const& line : kLines) {
    double const strength = familyStrength(line.family, s.teff);
    double const center = toMedium(line.air) * (1 + s.z);
    double const sigma =
        std::sqrt(square(center * sigmaKms / kSpeedOfLightKms) + square(line.extraSigma));
    double const depth = line.depth * strength * physics.uniform(0.8, 1.2);
    bool const balmer = line.family == Family::Balmer;
    features.push_back(
        {center, -depth, sigma, balmer ? balmerGamma * (0.3 + strength) : 0, balmer ? 0.5 : 0.0});
  }
  double const halpha = toMedium(kHalphaAir) * (1 + s.z);
  double const sigmaInstHalpha = halpha * sigmaInstKms / kSpeedOfLightKms;
  std::size_t const stellar = features.size();
  addHalpha(features, s.cls, halpha, sigmaInstHalpha, !isVacuum(s.layout), physics);
  if (s.outlier == OutlierKind::PCygni) {  // replaces the class's profile
    features.resize(stellar);
    Rng defect(params.seed, index, Stream::Outlier);
    addPCygni(features, halpha, sigmaInstHalpha, defect);
  }

  // Wavelengths the light really came from: the nominal grid, except for a bad calibration.
  std::vector<double> trueWave = s.wave;
  if (s.outlier == OutlierKind::BadCalibration) {
    Rng defect(params.seed, index, Stream::Outlier);
    double const shift = (defect.bernoulli(0.5) ? 1 : -1) * defect.uniform(20.0, 60.0);
    bool const stretch = defect.bernoulli(0.5);
    double const first = s.wave.front();
    double const factor = 1 + shift / (halphaRest(s.layout) - first);
    for (auto& w : trueWave) w = stretch ? first + (w - first) * factor : w + shift;
  }

  int const n = s.npix;
  double const lo = s.wave.front(), hi = s.wave.back();
  std::vector<double> continuum(n), model(n);
  bool const planck = s.layout != Layout::OndrejovSsap;  // SSAP flux is normalised
  double const planckNorm = planckShape(kRefWave, s.teff);
  for (int i = 0; i < n; ++i) {
    double const x = 2 * (s.wave[i] - lo) / (hi - lo) - 1;
    double const response = 1 + instrument.slope * x + instrument.curvature * x * x;
    double const shape = planck ? planckShape(trueWave[i], s.teff) / planckNorm : 1.0;
    continuum[i] = instrument.scale * response * shape;
  }
  if (s.outlier == OutlierKind::Flat) {
    // Featureless: either flat or a slowly wandering (AR(1)) garbage level.
    Rng defect(params.seed, index, Stream::Outlier);
    bool const wander = defect.bernoulli(0.5);
    double level = 0;
    for (int i = 0; i < n; ++i) {
      if (wander) level = 0.99 * level + defect.normal(0.0, 0.02);
      continuum[i] = instrument.scale * std::max(0.05, 1 + level);
      model[i] = continuum[i];
    }
  } else {
    std::vector<double> normalised(n, 1.0);
    for (auto const& f : features) addFeature(normalised, trueWave, f);
    for (int i = 0; i < n; ++i) model[i] = continuum[i] * std::max(0.02, normalised[i]);
  }

  addNoise(s, params, continuum, model);
  if (s.outlier == OutlierKind::Cosmic) {
    Rng defect(params.seed, index, Stream::Outlier);
    auto const hits = 10 + defect.below(41);
    for (std::uint64_t k = 0; k < hits; ++k) {
      auto const at = static_cast<int>(defect.below(static_cast<std::uint64_t>(n)));
      int const width = defect.bernoulli(0.7) ? 1 : 2;
      double const height = defect.uniform(5.0, 30.0);
      for (int i = at; i < std::min(n, at + width); ++i)
        s.flux[i] += static_cast<float>(height * continuum[i]);
    }
  }
  addMasks(s, params);
  addMeta(s, params, instrument.scale, sigmaInstKms);
  return s;
}

}  // namespace vocloud::synth
