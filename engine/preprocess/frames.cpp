#include "preprocess/frames.hpp"

#include "core/error.hpp"
#include "preprocess/number_text.hpp"

#include <cmath>
#include <string>

namespace vocloud::preprocess {

namespace {

void checkWavelength(double angstrom) {
  if (!std::isfinite(angstrom) || angstrom <= 0)
    throw Error("preprocess: cannot convert wavelength " + detail::numberText(angstrom) +
                " Å between air and vacuum (must be finite and positive)");
}

// Refractive index of standard air at vacuum wavelength `vac` (Å), Morton 1991.
double refractiveIndex(double vac) {
  double const s2 = 1.0 / (vac * vac);
  return 1.0 + 2.735182e-4 + 131.4182 * s2 + 2.76249e8 * s2 * s2;
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
  double vac = airAngstrom * refractiveIndex(airAngstrom);
  for (int iteration = 0; iteration < 50; ++iteration) {
    double const next = airAngstrom * refractiveIndex(vac);
    bool const converged = std::abs(next - vac) < 1e-10;
    vac = next;
    if (converged) break;
  }
  return vac;
}

void airToVacuum(std::vector<double>& wave) {
  for (double& w : wave) w = airToVacuum(w);
}

void vacuumToAir(std::vector<double>& wave) {
  for (double& w : wave) w = vacuumToAir(w);
}

void toRestFrame(std::vector<double>& wave, double z) {
  if (!std::isfinite(z) || z <= -1)
    throw Error("preprocess: cannot shift to the rest frame with redshift z = " +
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

}  // namespace vocloud::preprocess
