#pragma once
// Wavelength frames: air <-> vacuum wavelengths and the shift to the rest frame.
#include <vector>

namespace vocloud::spectral {

/// Speed of light in km/s (exact, SI).
inline constexpr double kSpeedOfLightKms = 299792.458;

/// Below this wavelength (Å) air and vacuum wavelengths are the same by convention (the IAU
/// standard quotes vacuum wavelengths below 2000 Å), so both conversions are the identity.
inline constexpr double kAirVacuumLimit = 2000.0;

/// Air wavelength (Å) of a vacuum wavelength (Å), the IAU standard as the SDSS documents
/// it (Morton 1991, ApJS 77, 119; SDSS idlutils vactoair):
/// air = vac / (1 + 2.735182e-4 + 131.4182 / vac^2 + 2.76249e8 / vac^4),
/// for vac >= 2000 Å; shorter wavelengths are returned unchanged.
/// Throws Unusable("bad_wavelength") (a vocloud::Error) for a non-finite or non-positive
/// wavelength.
double vacuumToAir(double vacuumAngstrom);

/// Vacuum wavelength (Å) of an air wavelength (Å): the exact inverse of vacuumToAir(),
/// solved by fixed-point iteration vac <- air * n(vac) to 1e-10 Å (round trip well under
/// 1e-8 Å), for air >= 2000 Å; shorter wavelengths are returned unchanged.
/// Throws Unusable("bad_wavelength") (a vocloud::Error) for a non-finite or non-positive
/// wavelength.
double airToVacuum(double airAngstrom);

/// airToVacuum() applied to every element of `wave` (Å), in place.
void airToVacuum(std::vector<double>& wave);

/// vacuumToAir() applied to every element of `wave` (Å), in place.
void vacuumToAir(std::vector<double>& wave);

/// Shifts observed wavelengths (Å) to the rest frame in place: λ_rest = λ_obs / (1 + z).
/// Throws Unusable("bad_redshift") (a vocloud::Error) when z is not finite or z <= -1.
void toRestFrame(std::vector<double>& wave, double z);

/// Redshift of a line-of-sight velocity (km/s), classical Doppler z = v / c, the
/// convention of the synthetic spectra (not the relativistic sqrt((1+β)/(1-β)) - 1).
double velocityToZ(double kms);

/// Velocity (km/s) of a redshift by the same classical convention: v = c z.
double zToVelocity(double z);

}  // namespace vocloud::spectral
