// The serial synthetic generator: deterministic random numbers, the physics of the three
// classes and the outliers, the layouts' wavelength grids, the drawn proportions, and
// byte-identical FITS files.
#include "core/error.hpp"
#include "io/fits_file.hpp"
#include "io/reader.hpp"
#include "synth/fits_writer.hpp"
#include "synth/model.hpp"
#include "synth/random.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace vocloud;
using namespace vocloud::synth;

namespace {

SynthParams evenParams() {
  SynthParams p;
  p.seed = 42;
  p.layoutWeights = {1, 1, 1, 1, 1, 1};
  p.classWeights = {1, 1, 1};
  p.outlierWeights = {1, 1, 1, 1};
  return p;
}

// Nearly noiseless, unmasked, no outliers, one layout and one class.
SynthParams cleanParams(Layout layout, SpectrumClass cls) {
  SynthParams p = evenParams();
  p.snrMin = p.snrMax = 1e5;
  p.maskedFraction = 0;
  p.outlierFraction = 0;
  p.layoutWeights = {};
  p.layoutWeights[static_cast<int>(layout)] = 1;
  p.classWeights = {};
  p.classWeights[static_cast<int>(cls)] = 1;
  return p;
}

// |count - n p| within 4 binomial standard deviations.
bool binomialOk(std::uint64_t count, std::uint64_t n, double p) {
  double const expected = n * p;
  return std::abs(count - expected) <= 4 * std::sqrt(n * p * (1 - p)) + 1e-9;
}

template <typename T>
bool sameBits(std::vector<T> const& a, std::vector<T> const& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

bool identical(SyntheticSpectrum const& a, SyntheticSpectrum const& b) {
  return a.id == b.id && a.layout == b.layout && a.cls == b.cls && a.outlier == b.outlier &&
         a.ra == b.ra && a.dec == b.dec && a.z == b.z && a.snr == b.snr && a.npix == b.npix &&
         a.crval1 == b.crval1 && a.cdelt1 == b.cdelt1 && sameBits(a.wave, b.wave) &&
         sameBits(a.flux, b.flux) && sameBits(a.ivar, b.ivar) && sameBits(a.andMask, b.andMask) &&
         sameBits(a.orMask, b.orMask) && sameBits(a.model, b.model) && sameBits(a.sky, b.sky);
}

struct Profile {
  std::vector<double> wave, value;  // value = model / continuum
};

// The normalised noiseless profile within `halfWidth` Å of the (shifted) H-alpha.
Profile halphaProfile(SyntheticSpectrum const& s, double halfWidth) {
  double const center = halphaRest(s.layout) * (1 + s.z);
  Profile p;
  for (int i = 0; i < s.npix; ++i)
    if (std::abs(s.wave[i] - center) <= halfWidth) {
      p.wave.push_back(s.wave[i]);
      p.value.push_back(static_cast<double>(s.model[i]) / s.continuum[i]);
    }
  return p;
}

// Indices of strict local maxima above `floor`.
std::vector<std::size_t> peaks(Profile const& p, double floor) {
  std::vector<std::size_t> out;
  for (std::size_t i = 1; i + 1 < p.value.size(); ++i)
    if (p.value[i] > floor && p.value[i] > p.value[i - 1] && p.value[i] >= p.value[i + 1])
      out.push_back(i);
  return out;
}

std::vector<char> fileBytes(std::filesystem::path const& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("vocloud-test-synth-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(synth_random)

BOOST_AUTO_TEST_CASE(streams_depend_only_on_seed_index_and_stream) {
  Rng a(7, 123, Stream::Noise), b(7, 123, Stream::Noise);
  Rng otherIndex(7, 124, Stream::Noise), otherSeed(8, 123, Stream::Noise),
      otherStream(7, 123, Stream::Mask);
  int differentIndex = 0, differentSeed = 0, differentStream = 0;
  for (int i = 0; i < 100; ++i) {
    auto const x = a.next();
    BOOST_TEST(x == b.next());
    differentIndex += x != otherIndex.next();
    differentSeed += x != otherSeed.next();
    differentStream += x != otherStream.next();
  }
  BOOST_TEST(differentIndex == 100);
  BOOST_TEST(differentSeed == 100);
  BOOST_TEST(differentStream == 100);
}

BOOST_AUTO_TEST_CASE(uniform_and_normal_have_the_right_moments) {
  Rng rng(1, 2, Stream::Physics);
  int const n = 200000;
  double sum = 0, sumSq = 0, usum = 0, umin = 1, umax = 0;
  for (int i = 0; i < n; ++i) {
    double const u = rng.uniform();
    usum += u;
    umin = std::min(umin, u);
    umax = std::max(umax, u);
    double const g = rng.normal();
    sum += g;
    sumSq += g * g;
  }
  BOOST_TEST(umin >= 0.0);
  BOOST_TEST(umax < 1.0);
  BOOST_TEST(std::abs(usum / n - 0.5) < 4 * std::sqrt(1.0 / 12 / n));
  BOOST_TEST(std::abs(sum / n) < 4 / std::sqrt(double(n)));
  BOOST_TEST(std::abs(sumSq / n - 1) < 4 * std::sqrt(2.0 / n));
}

BOOST_AUTO_TEST_CASE(portable_math_matches_libm_to_rounding) {
  for (double x = -700; x < 700; x += 0.731)
    BOOST_TEST(std::abs(detail::portableExp(x) / std::exp(x) - 1) < 1e-15);
  for (double x = 1e-300; x < 1e300; x *= 3.7)
    BOOST_TEST(std::abs(detail::portableLog(x) - std::log(x)) <=
               1e-15 * std::max(1.0, std::abs(std::log(x))));
  for (double x = -1; x <= 1; x += 0.0137)
    BOOST_TEST(std::abs(detail::portableAsin(x) - std::asin(x)) < 1e-15);
  BOOST_TEST(detail::portableExp(0.0) == 1.0);
  BOOST_TEST(detail::portableLog(1.0) == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(synth_model)

BOOST_AUTO_TEST_CASE(names_and_ids) {
  BOOST_TEST(layoutName(Layout::LamostDr8) == "lamost_dr8");
  BOOST_TEST(className(SpectrumClass::DoublePeak) == "double_peak");
  BOOST_TEST(outlierName(OutlierKind::None) == "");
  BOOST_TEST(outlierName(OutlierKind::BadCalibration) == "bad_calibration");
  for (int i = 0; i < kLayoutCount; ++i)
    BOOST_TEST((layoutFromName(layoutName(static_cast<Layout>(i))) == static_cast<Layout>(i)));
  BOOST_TEST(!layoutFromName("fits").has_value());
  BOOST_TEST(spectrumId(123) == "synth-000000123");
  BOOST_TEST(spectrumId(12345678901ull) == "synth-12345678901");
  BOOST_TEST(std::abs(airToVacuum(6562.80) - 6564.61) < 0.01);
  BOOST_TEST(spectralType(9600) == "A0");
}

BOOST_AUTO_TEST_CASE(same_index_same_bits_other_index_other_bits) {
  SynthParams const p = evenParams();
  for (std::uint64_t index : {0ull, 1ull, 77ull, 123456789ull}) {
    SyntheticSpectrum const a = generateSpectrum(p, index);
    generateSpectrum(p, index + 1);  // no hidden state between calls
    SyntheticSpectrum const b = generateSpectrum(p, index);
    BOOST_TEST(identical(a, b));
    SyntheticSpectrum const c = generateSpectrum(p, index + 1);
    BOOST_TEST(!sameBits(a.flux, c.flux));
    BOOST_TEST(a.ra != c.ra);
  }
  SynthParams other = p;
  other.seed = 43;
  BOOST_TEST(!sameBits(generateSpectrum(p, 5).flux, generateSpectrum(other, 5).flux));
}

BOOST_AUTO_TEST_CASE(wavelength_grids_follow_each_layout) {
  SynthParams const p = evenParams();
  int seen[kLayoutCount] = {};
  for (std::uint64_t index = 0; index < 300; ++index) {
    SyntheticSpectrum const s = generateSpectrum(p, index);
    ++seen[static_cast<int>(s.layout)];
    BOOST_TEST_REQUIRE(s.wave.size() == static_cast<std::size_t>(s.npix));
    BOOST_TEST(std::is_sorted(s.wave.begin(), s.wave.end()));
    double const ha = halphaRest(s.layout);
    BOOST_TEST((s.wave.front() < ha - 100 && s.wave.back() > ha + 100));
    int const last = s.npix - 1;
    switch (s.layout) {
      case Layout::Sdss:
        BOOST_TEST((s.crval1 >= 3.58 - 1e-12 && s.crval1 <= 3.5803 + 1e-12));
        BOOST_TEST(s.cdelt1 == 1e-4);
        BOOST_TEST(std::abs(s.crval1 + last * s.cdelt1 - 3.9639) < 1e-9);
        break;
      case Layout::LamostDr1:
      case Layout::LamostDr2:
      case Layout::LamostDr8:
        BOOST_TEST(s.crval1 == 3.5682);
        BOOST_TEST(s.cdelt1 == 1e-4);
        BOOST_TEST((s.npix >= 3900 && s.npix <= 3909));
        break;
      case Layout::OndrejovRaw:
        BOOST_TEST((s.npix == 1997 || s.npix == 2047));
        BOOST_TEST(std::abs(s.crval1 - (s.npix == 1997 ? 6252.9 : 6261.68)) < 0.2);
        BOOST_TEST(std::abs(s.cdelt1 - (s.npix == 1997 ? 0.25668 : 0.23092)) < 1e-4);
        break;
      case Layout::OndrejovSsap:
        BOOST_TEST((s.npix >= 1953 && s.npix <= 2000));
        BOOST_TEST((s.wave.front() >= 6282.0 && s.wave.back() <= 6733.0));
        break;
    }
    bool const logLinear = isVacuum(s.layout);
    for (int i : {0, s.npix / 2, last}) {
      double const x = s.crval1 + i * s.cdelt1;
      BOOST_TEST(std::abs(s.wave[i] / (logLinear ? std::pow(10.0, x) : x) - 1) < 1e-13);
    }
  }
  for (int count : seen) BOOST_TEST(count > 20);
}

BOOST_AUTO_TEST_CASE(halpha_shows_the_class_on_noiseless_spectra) {
  for (int l = 0; l < kLayoutCount; ++l) {
    auto const layout = static_cast<Layout>(l);
    for (std::uint64_t index = 0; index < 20; ++index) {
      auto const absorption = halphaProfile(
          generateSpectrum(cleanParams(layout, SpectrumClass::Absorption), index), 12);
      BOOST_TEST(*std::min_element(absorption.value.begin(), absorption.value.end()) < 0.75);
      BOOST_TEST(*std::max_element(absorption.value.begin(), absorption.value.end()) < 1.02);

      auto const emission =
          halphaProfile(generateSpectrum(cleanParams(layout, SpectrumClass::Emission), index), 12);
      BOOST_TEST(*std::max_element(emission.value.begin(), emission.value.end()) > 1.4);
      BOOST_TEST(peaks(emission, 1.1).size() == 1u, layoutName(layout) << " " << index);

      auto const twin = halphaProfile(
          generateSpectrum(cleanParams(layout, SpectrumClass::DoublePeak), index), 12);
      auto const found = peaks(twin, 1.2);
      BOOST_TEST_REQUIRE(found.size() == 2u, layoutName(layout) << " " << index);
      double const lower = std::min(twin.value[found[0]], twin.value[found[1]]);
      double const dip =
          *std::min_element(twin.value.begin() + found[0], twin.value.begin() + found[1]);
      BOOST_TEST(lower - dip > 0.3 * (lower - 1), layoutName(layout) << " " << index);
    }
  }
}

BOOST_AUTO_TEST_CASE(proportions_follow_the_weights) {
  SynthParams p = evenParams();
  p.layoutWeights = {1, 2, 3, 1, 2, 1};
  p.classWeights = {0.5, 0.3, 0.2};
  p.outlierFraction = 0.05;
  p.outlierWeights = {1, 2, 1, 0};
  std::uint64_t const n = 20000;
  std::uint64_t layouts[kLayoutCount] = {}, classes[kClassCount] = {},
                kinds[kOutlierKindCount + 1] = {};
  for (std::uint64_t index = 0; index < n; ++index) {
    SpectrumLabels const l = drawLabels(p, index);
    ++layouts[static_cast<int>(l.layout)];
    ++classes[static_cast<int>(l.cls)];
    ++kinds[static_cast<int>(l.outlier)];
  }
  for (int i = 0; i < kLayoutCount; ++i)
    BOOST_TEST(binomialOk(layouts[i], n, p.layoutWeights[i] / 10));
  for (int i = 0; i < kClassCount; ++i) BOOST_TEST(binomialOk(classes[i], n, p.classWeights[i]));
  BOOST_TEST(binomialOk(n - kinds[0], n, 0.05));
  for (int i = 0; i < kOutlierKindCount; ++i)
    BOOST_TEST(binomialOk(kinds[i + 1], n, 0.05 * p.outlierWeights[i] / 4));
  for (std::uint64_t index = 0; index < 200; ++index) {  // generateSpectrum draws the same
    SyntheticSpectrum const s = generateSpectrum(p, index);
    SpectrumLabels const l = drawLabels(p, index);
    BOOST_TEST((s.layout == l.layout && s.cls == l.cls && s.outlier == l.outlier));
  }
}

BOOST_AUTO_TEST_CASE(positions_velocities_noise_and_masks) {
  SynthParams p = evenParams();
  p.outlierFraction = 0;
  p.maskedFraction = 0.01;
  std::uint64_t const n = 600;
  double sinDec = 0, rvSq = 0, resSum = 0, resSq = 0;
  std::uint64_t resCount = 0, masked = 0, maskable = 0;
  for (std::uint64_t index = 0; index < n; ++index) {
    SyntheticSpectrum const s = generateSpectrum(p, index);
    BOOST_TEST((s.ra >= 0 && s.ra < 360 && s.dec >= -90 && s.dec <= 90));
    BOOST_TEST((s.snr >= p.snrMin && s.snr <= p.snrMax));
    sinDec += std::sin(s.dec * detail::kPi / 180);
    rvSq += std::pow(s.z * 299792.458, 2);
    std::vector<double> snrAtContinuum;
    int inconsistent = 0;
    for (int i = 0; i < s.npix; ++i) {
      bool const bad = s.ivar[i] == 0;
      inconsistent += bad != (s.andMask[i] != 0) || (bad && s.orMask[i] == 0);
      if (hasInverseVariance(s.layout)) {
        ++maskable;
        masked += bad;
      }
      if (bad) continue;
      double const r = (s.flux[i] - s.model[i]) * std::sqrt(double(s.ivar[i]));
      resSum += r;
      resSq += r * r;
      ++resCount;
      if (std::abs(s.model[i] / s.continuum[i] - 1) < 1e-3)
        snrAtContinuum.push_back(s.continuum[i] * std::sqrt(double(s.ivar[i])));
    }
    BOOST_TEST(inconsistent == 0);  // ivar = 0 exactly where and_mask is set
    std::nth_element(snrAtContinuum.begin(), snrAtContinuum.begin() + snrAtContinuum.size() / 2,
                     snrAtContinuum.end());
    BOOST_TEST(std::abs(snrAtContinuum[snrAtContinuum.size() / 2] / s.snr - 1) < 0.01);
  }
  BOOST_TEST(std::abs(sinDec / n) < 4 / std::sqrt(3.0 * n));  // uniform on the sphere
  BOOST_TEST(std::abs(std::sqrt(rvSq / n) / p.rvSigmaKms - 1) < 0.15);
  BOOST_TEST(std::abs(resSum / resCount) < 4 / std::sqrt(double(resCount)));
  BOOST_TEST(std::abs(resSq / resCount - 1) < 0.01);
  BOOST_TEST(binomialOk(masked, maskable, p.maskedFraction));
  for (std::uint64_t index = 0; index < 100; ++index) {
    SyntheticSpectrum const s = generateSpectrum(p, index);
    if (!hasInverseVariance(s.layout))
      BOOST_TEST(std::count(s.andMask.begin(), s.andMask.end(), 0) == s.npix);
  }
}

BOOST_AUTO_TEST_CASE(outliers_carry_their_defect) {
  auto params = [](OutlierKind kind, SpectrumClass cls) {
    SynthParams p = cleanParams(Layout::Sdss, cls);
    p.layoutWeights = {1, 1, 1, 1, 1, 1};
    p.outlierFraction = 1;
    p.outlierWeights = {};
    p.outlierWeights[static_cast<int>(kind) - 1] = 1;
    return p;
  };
  for (std::uint64_t index = 0; index < 30; ++index) {
    SyntheticSpectrum const normal =
        generateSpectrum(cleanParams(Layout::Sdss, SpectrumClass::Emission), index);
    auto spikes = [](SyntheticSpectrum const& s) {
      int count = 0;
      for (int i = 0; i < s.npix; ++i) count += s.flux[i] > 4.5 * s.continuum[i];
      return count;
    };
    BOOST_TEST(spikes(normal) == 0);
    auto const cosmic =
        generateSpectrum(params(OutlierKind::Cosmic, SpectrumClass::Absorption), index);
    BOOST_TEST((cosmic.outlier == OutlierKind::Cosmic));
    BOOST_TEST(spikes(cosmic) >= 5);

    auto const flat = generateSpectrum(params(OutlierKind::Flat, SpectrumClass::Emission), index);
    BOOST_TEST(sameBits(flat.model, flat.continuum));  // no line at all

    auto const cygni = halphaProfile(
        generateSpectrum(params(OutlierKind::PCygni, SpectrumClass::Absorption), index), 20);
    auto const top = std::max_element(cygni.value.begin(), cygni.value.end());
    BOOST_TEST(*top > 1.4);
    BOOST_TEST(*std::min_element(cygni.value.begin(), top) < 0.75);  // the blue trough

    // Emission star with a wrong wavelength solution: the peak is far from H-alpha.
    auto const shifted =
        generateSpectrum(params(OutlierKind::BadCalibration, SpectrumClass::Emission), index);
    std::size_t peak = 0;
    for (int i = 0; i < shifted.npix; ++i)
      if (shifted.model[i] / shifted.continuum[i] > shifted.model[peak] / shifted.continuum[peak])
        peak = i;
    BOOST_TEST(std::abs(shifted.wave[peak] - halphaRest(shifted.layout) * (1 + shifted.z)) > 15);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(synth_fits)

BOOST_AUTO_TEST_CASE(sexagesimal_and_dates) {
  BOOST_TEST(sexagesimal(279.234735, true, 3) == "18:36:56.336");
  BOOST_TEST(sexagesimal(38.783667, false, 2) == "+38:47:01.20");
  BOOST_TEST(sexagesimal(-8.408167, false, 2) == "-08:24:29.40");
  BOOST_TEST(sexagesimal(29.9999999, true, 3) == "02:00:00.000");  // no "60" seconds
  BOOST_TEST(isoDateFromMjd(40587) == "1970-01-01");
  BOOST_TEST(isoDateFromMjd(51544) == "2000-01-01");
  BOOST_TEST(isoDateFromMjd(51603) == "2000-02-29");
}

BOOST_AUTO_TEST_CASE(files_are_byte_identical_and_hold_the_layout) {
  TempDir dir;
  SynthParams p = evenParams();
  p.outlierFraction = 0;
  int const expectedHdus[kLayoutCount] = {3, 1, 1, 2, 1, 2};
  for (int l = 0; l < kLayoutCount; ++l) {
    p.layoutWeights = {};
    p.layoutWeights[l] = 1;
    SyntheticSpectrum const s = generateSpectrum(p, 1000 + l);
    auto const a = dir.path / ("a" + std::to_string(l) + ".fits");
    auto const b = dir.path / ("b" + std::to_string(l) + ".fits");
    writeSpectrumFits(s, a.string());
    writeSpectrumFits(s, b.string());
    writeSpectrumFits(s, a.string());  // overwrites
    auto const bytes = fileBytes(a);
    BOOST_TEST(bytes.size() % 2880 == 0u);
    BOOST_TEST((bytes == fileBytes(b)), layoutName(s.layout));

    io::FitsFile file = io::FitsFile::open(a.string());
    BOOST_TEST(file.hduCount() == expectedHdus[l], layoutName(s.layout));
    bool const ondrejov = !isVacuum(s.layout);
    if (s.layout == Layout::OndrejovSsap) file.moveTo(2);
    BOOST_TEST(file.readString(ondrejov ? "OBJECT" : "OBJNAME").value_or("") == s.id);
    BOOST_TEST(file.readString("LABEL").value_or("") == className(s.cls));
    BOOST_TEST(!file.readString("DATE").has_value());
    BOOST_TEST(!file.readString("CHECKSUM").has_value());
    if (s.layout == Layout::OndrejovRaw) {  // the image is the flux, bit for bit
      std::vector<float> flux(s.npix);
      int status = 0, anyNull = 0;
      fits_read_img(file.get(), TFLOAT, 1, s.npix, nullptr, flux.data(), &anyNull, &status);
      file.check(status, "reading the image");
      BOOST_TEST(sameBits(flux, s.flux));
      BOOST_TEST(file.readDouble("CRVAL1").value_or(0) == s.crval1);
    }
    if (s.layout == Layout::LamostDr1 || s.layout == Layout::LamostDr2) {
      std::string const exten0 = file.readString("EXTEN0").value_or("");
      BOOST_TEST(
          (exten0.rfind("Flux Inverse ", 0) == 0u || exten0.rfind("Flux, Inverse, ", 0) == 0u),
          exten0);
    }
    if (s.layout == Layout::Sdss || s.layout == Layout::LamostDr8)
      BOOST_TEST(file.moveToNamed("COADD"));
    BOOST_TEST(!file.moveToNamed("NO_SUCH_HDU"));
    file.close();
  }
}

// LAMOST DR1/DR2 name the image rows with blanks, DR3-DR7 with commas: synth writes both,
// and each reads back (through the readers) as the arrays written.
BOOST_AUTO_TEST_CASE(lamost_images_use_both_exten0_conventions) {
  TempDir dir;
  for (Layout layout : {Layout::LamostDr1, Layout::LamostDr2}) {
    SynthParams p = evenParams();
    p.outlierFraction = 0;
    p.layoutWeights = {};
    p.layoutWeights[static_cast<int>(layout)] = 1;
    std::vector<std::string> conventions;
    for (std::uint64_t index = 0; index < 4; ++index) {
      SyntheticSpectrum const s = generateSpectrum(p, index);
      auto const path = (dir.path / ("l" + std::to_string(index) + ".fits")).string();
      writeSpectrumFits(s, path);
      std::string const exten0 = io::FitsFile::open(path).readString("EXTEN0").value_or("");
      bool const commas = exten0.find(',') != std::string::npos;
      BOOST_TEST_CONTEXT(exten0) {
        if (std::find(conventions.begin(), conventions.end(), commas ? "," : " ") ==
            conventions.end())
          conventions.push_back(commas ? "," : " ");
        io::Spectrum const read = io::readSpectrum(path);
        BOOST_TEST(read.layout == layoutName(layout));
        BOOST_TEST(sameBits(read.flux, s.flux));
        BOOST_TEST(sameBits(read.ivar, s.ivar));
        BOOST_TEST(read.mask.size() == s.andMask.size());
        BOOST_TEST(
            std::equal(read.mask.begin(), read.mask.end(), s.andMask.begin(),
                       [](std::uint32_t a, int b) { return a == static_cast<std::uint32_t>(b); }));
        if (layout == Layout::LamostDr2) BOOST_TEST(read.wave == s.wave);
      }
    }
    BOOST_TEST(conventions.size() == 2u, layoutName(layout));
  }
}

BOOST_AUTO_TEST_CASE(failures_name_the_path) {
  SyntheticSpectrum const s = generateSpectrum(evenParams(), 3);
  std::string const path = "/nonexistent-vocloud-dir/x.fits";
  try {
    writeSpectrumFits(s, path);
    BOOST_FAIL("writing into a missing directory must throw");
  } catch (Error const& e) {
    std::string const what = e.what();
    BOOST_TEST(what.rfind("fits: ", 0) == 0u);
    BOOST_TEST(what.find(path) != std::string::npos);
  }
  BOOST_CHECK_THROW(io::FitsFile::open("/nonexistent-vocloud-dir/y.fits"), Error);
  SyntheticSpectrum broken = s;
  broken.flux.pop_back();
  BOOST_CHECK_THROW(writeSpectrumFits(broken, "/tmp/never-written.fits"), Error);
}

BOOST_AUTO_TEST_SUITE_END()
