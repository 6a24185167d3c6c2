#pragma once
// Neighbourhood functions h(d) of a self-organising map (d: distance between two nodes on
// the map, in node spacings) and the cooling schedules of the radius and learning rate.
#include <string>

namespace vocloud::som {

enum class Neighbourhood { Gaussian, Bubble, CutGaussian, MexicanHat };
enum class Cooling { Linear, Exponential };

/// Parses "gaussian", "bubble", "cut_gaussian" (or "cutgaussian") and "mexican_hat" (or
/// "mexicanhat"), case-insensitively; throws vocloud::Error ("som: ...") otherwise.
Neighbourhood parseNeighbourhood(std::string const& name);

/// Parses "linear" and "exponential", case-insensitively; throws vocloud::Error otherwise.
Cooling parseCooling(std::string const& name);

/// exp(-d^2 / (2 sigma^2)); for sigma <= 0 the limit: 1 at d == 0, else 0.
double gaussian(double d, double sigma);

/// 1 when d <= radius, else 0.
double bubble(double d, double radius);

/// gaussian(d, radius) when d <= radius, else 0 (somoclu's compact-support Gaussian with
/// sigma = radius).
double cutGaussian(double d, double radius);

/// (1 - d^2 / sigma^2) exp(-d^2 / (2 sigma^2)): positive inside sigma, negative outside it,
/// tending to 0; for sigma <= 0: 1 at d == 0, else 0.
double mexicanHat(double d, double sigma);

/// The weight of `kind` at distance d for the epoch's radius (sigma = radius for the
/// Gaussian-shaped functions).
double neighbourhoodWeight(Neighbourhood kind, double d, double radius);

/// Value of a parameter cooled from `start` (epoch 0) to `end` (epoch epochs - 1) as
/// somoclu does: linear start + (end - start) t or exponential start (end / start)^t, with
/// t = epoch / (epochs - 1) (t = 0 when epochs == 1). Exponential cooling needs start > 0
/// and end > 0. Throws vocloud::Error for epochs < 1, epoch outside [0, epochs) or
/// non-positive exponential bounds.
double cool(Cooling cooling, double start, double end, int epochs, int epoch);

}  // namespace vocloud::som
