#include "spectral/frames.hpp"

#include "core/error.hpp"
#include "spectral/number_text.hpp"
#include "spectral/unusable.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace vocloud::spectral {

namespace {

void checkWavelength(double angstrom) {
  if (!std::isfinite(angstrom) || angstrom <= 0)
    throw Unusable("bad_wavelength", "cannot convert wavelength " + detail::numberText(angstrom) +
                                         " Å between air and vacuum (must be finite and positive)");
}

// Refractive index of standard air at vacuum wavelength `vac` (Å), Morton 1991.
double refractiveIndex(double vac) {
  double const s2 = 1.0 / (vac * vac);
  return 1.0 + 2.735182e-4 + 131.4182 * s2 + 2.76249e8 * s2 * s2;
}

// Fixed-point iteration vac <- air * n(vac) from `vac`, at most `iterations` steps, until a
// step moves less than 1e-10 Å.
double iterateToVacuum(double air, double vac, int iterations) {
  for (int iteration = 0; iteration < iterations; ++iteration) {
    double const next = air * refractiveIndex(vac);
    bool const converged = std::abs(next - vac) < 1e-10;
    vac = next;
    if (converged) break;
  }
  return vac;
}

// vac_0 = air n(air), vac_1 = air n(vac_0), vac_2 = air n(vac_1) for `m` wavelengths. Also
// compiled for AVX2 (chosen at run time): twice the lanes for the divisions, and the same
// numbers (AVX2 brings no fused multiply-add).
__attribute__((target_clones("avx2", "default"))) void firstIterates(double const* __restrict air,
                                                                     std::size_t m,
                                                                     double* __restrict v0,
                                                                     double* __restrict v1,
                                                                     double* __restrict v2) {
  for (std::size_t j = 0; j < m; ++j) {
    v0[j] = air[j] * refractiveIndex(air[j]);
    v1[j] = air[j] * refractiveIndex(v0[j]);
    v2[j] = air[j] * refractiveIndex(v1[j]);
  }
}

}  // namespace

double vacuumToAir(double vacuumAngstrom) {
  checkWavelength(vacuumAngstrom);
  if (vacuumAngstrom < kAirVacuumLimit) return vacuumAngstrom;
  return vacuumAngstrom / refractiveIndex(vacuumAngstrom);
}

double airToVacuum(double airAngstrom) {
  checkWavelength(airAngstrom);
  if (airAngstrom < kAirVacuumLimit) return airAngstrom;
  // n(vac) changes by ~1e-10 per Å near 2000 Å, so the fixed point contracts by that
  // factor each step: three or four iterations reach 1e-10 Å.
  return iterateToVacuum(airAngstrom, airAngstrom * refractiveIndex(airAngstrom), 50);
}

void airToVacuum(std::vector<double>& wave) {
  for (double w : wave)  // throws for the first bad one, as one by one would
    if (!std::isfinite(w) || w <= 0) checkWavelength(w);
  // The first three iterates of every pixel in a loop the compiler vectorises (the
  // divisions in n(vac) dominate), then per pixel the iterate airToVacuum(double) would
  // stop at: the same convergence test on the same numbers, so the same result. Pixels not
  // converged by the third iterate (none in the optical) go on one by one.
  constexpr std::size_t kBlock = 64;
  double v0[kBlock], v1[kBlock], v2[kBlock];
  for (std::size_t start = 0; start < wave.size(); start += kBlock) {
    std::size_t const m = std::min(kBlock, wave.size() - start);
    double* const air = wave.data() + start;
    firstIterates(air, m, v0, v1, v2);
    for (std::size_t j = 0; j < m; ++j) {
      if (air[j] < kAirVacuumLimit) continue;
      if (std::abs(v1[j] - v0[j]) < 1e-10)
        air[j] = v1[j];
      else if (std::abs(v2[j] - v1[j]) < 1e-10)
        air[j] = v2[j];
      else
        air[j] = iterateToVacuum(air[j], v2[j], 48);
    }
  }
}

void vacuumToAir(std::vector<double>& wave) {
  for (double& w : wave) w = vacuumToAir(w);
}

void toRestFrame(std::vector<double>& wave, double z) {
  if (!std::isfinite(z) || z <= -1)
    throw Unusable("bad_redshift", "cannot shift to the rest frame with redshift z = " +
                                       detail::numberText(z) + " (must be finite and > -1)");
  double const factor = 1.0 + z;
  for (double& w : wave) w /= factor;
}

double velocityToZ(double kms) {
  return kms / kSpeedOfLightKms;
}

double zToVelocity(double z) {
  return z * kSpeedOfLightKms;
}

}  // namespace vocloud::spectral
