#include "som/neighbourhood.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace vocloud::som {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Neighbourhood parseNeighbourhood(std::string const& name) {
  std::string const n = lower(name);
  if (n == "gaussian") return Neighbourhood::Gaussian;
  if (n == "bubble") return Neighbourhood::Bubble;
  if (n == "cut_gaussian" || n == "cutgaussian") return Neighbourhood::CutGaussian;
  if (n == "mexican_hat" || n == "mexicanhat") return Neighbourhood::MexicanHat;
  throw Error("som: unknown neighbourhood '" + name +
              "' (expected gaussian, bubble, cut_gaussian or mexican_hat)");
}

Cooling parseCooling(std::string const& name) {
  std::string const n = lower(name);
  if (n == "linear") return Cooling::Linear;
  if (n == "exponential") return Cooling::Exponential;
  throw Error("som: unknown cooling '" + name + "' (expected linear or exponential)");
}

double gaussian(double d, double sigma) {
  if (sigma <= 0.) return d == 0. ? 1. : 0.;
  return std::exp(-d * d / (2. * sigma * sigma));
}

double bubble(double d, double radius) {
  return d <= radius ? 1. : 0.;
}

double cutGaussian(double d, double radius) {
  return d <= radius ? gaussian(d, radius) : 0.;
}

double mexicanHat(double d, double sigma) {
  if (sigma <= 0.) return d == 0. ? 1. : 0.;
  double const q = d * d / (sigma * sigma);
  return (1. - q) * std::exp(-q / 2.);
}

double neighbourhoodWeight(Neighbourhood kind, double d, double radius) {
  switch (kind) {
    case Neighbourhood::Gaussian:
      return gaussian(d, radius);
    case Neighbourhood::Bubble:
      return bubble(d, radius);
    case Neighbourhood::CutGaussian:
      return cutGaussian(d, radius);
    case Neighbourhood::MexicanHat:
      return mexicanHat(d, radius);
  }
  throw Error("som: unknown neighbourhood kind");
}

double cool(Cooling cooling, double start, double end, int epochs, int epoch) {
  if (epochs < 1) throw Error("som: cooling needs at least 1 epoch, got " + std::to_string(epochs));
  if (epoch < 0 || epoch >= epochs)
    throw Error("som: epoch " + std::to_string(epoch) + " is outside 0.." +
                std::to_string(epochs - 1));
  if (cooling == Cooling::Exponential && (!(start > 0.) || !(end > 0.)))
    throw Error("som: exponential cooling needs positive start and end values, got " +
                std::to_string(start) + " and " + std::to_string(end));
  if (epoch == 0) return start;
  if (epoch == epochs - 1) return end;  // exactly, whatever the rounding of the formula
  double const t = static_cast<double>(epoch) / (epochs - 1);
  if (cooling == Cooling::Linear) return start + (end - start) * t;
  return start * std::pow(end / start, t);
}

}  // namespace vocloud::som
