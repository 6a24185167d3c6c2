// The PNG preview, drawn with Cairo (anti-aliased lines, the system's sans-serif font).
#include "core/error.hpp"
#include "report/preview.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>

namespace vocloud::report {

namespace {

constexpr int kWidth = 1000, kBand = 64, kRow = 260, kMargin = 12;

struct Rgb {
  double r, g, b;
};
constexpr Rgb kInk{0.12, 0.12, 0.12}, kRaw{31 / 255., 90 / 255., 180 / 255.},
    kPre{20 / 255., 20 / 255., 20 / 255.}, kBad{210 / 255., 40 / 255., 40 / 255.},
    kMaskShade{252 / 255., 218 / 255., 218 / 255.}, kOutside{236 / 255., 236 / 255., 236 / 255.},
    kGridColour{30 / 255., 140 / 255., 60 / 255.}, kRule{0.78, 0.78, 0.78};

using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using Context = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

void colour(cairo_t* cr, Rgb c) {
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void text(cairo_t* cr, double x, double y, std::string const& s, double size, bool bold = false) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, s.c_str());
}

// A y range that leaves out the 0.5% most extreme values on each side (cosmic rays).
std::pair<double, double> robustRange(std::vector<double> values) {
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
      values.end());
  if (values.empty()) return {0, 1};
  std::sort(values.begin(), values.end());
  auto at = [&](double q) { return values[static_cast<std::size_t>(q * (values.size() - 1))]; };
  double lo = at(0.005), hi = at(0.995);
  if (!(hi > lo)) lo -= 0.5, hi += 0.5;
  double const pad = 0.06 * (hi - lo);
  return {lo - pad, hi + pad};
}

// Where a panel's plot area is and what it maps.
struct Axes {
  double left, top, width, height, xMin, xMax, yMin, yMax;
  double x(double v) const { return left + (v - xMin) / (xMax - xMin) * width; }
  double y(double v) const { return top + height - (v - yMin) / (yMax - yMin) * height; }
};

// A nice tick step for `span` over about `count` ticks.
double tickStep(double span, int count) {
  double const raw = span / count, power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * power) return m * power;
  return 10 * power;
}

void frame(cairo_t* cr, Axes const& a, std::string const& title, std::string const& xLabel) {
  colour(cr, kInk);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, a.left + 0.5, a.top + 0.5, a.width, a.height);
  cairo_stroke(cr);
  text(cr, a.left, a.top - 6, title, 12, true);
  char label[32];
  for (int axis = 0; axis < 2; ++axis) {
    double const lo = axis ? a.yMin : a.xMin, hi = axis ? a.yMax : a.xMax;
    double const step = tickStep(hi - lo, axis ? 4 : 5);
    for (double v = std::ceil(lo / step) * step; v <= hi; v += step) {
      std::snprintf(label, sizeof label, "%g", std::abs(v) < step * 1e-9 ? 0.0 : v);
      if (axis)
        text(cr, a.left - 48, a.y(v) + 4, label, 10);
      else
        text(cr, a.x(v) - 14, a.top + a.height + 14, label, 10);
    }
  }
  text(cr, a.left + a.width / 2 - 80, a.top + a.height + 30, xLabel, 11);
}

// The line through the finite points; `only` (when given) keeps the segments touching one.
void line(cairo_t* cr, Axes const& a, std::vector<double> const& x, std::vector<double> const& y,
          Rgb c, double width, std::vector<bool> const* only = nullptr) {
  cairo_save(cr);
  cairo_rectangle(cr, a.left, a.top, a.width, a.height);
  cairo_clip(cr);
  colour(cr, c);
  cairo_set_line_width(cr, width);
  bool open = false;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    bool keep = std::isfinite(x[i]) && std::isfinite(y[i]);
    if (only)
      keep = keep &&
             ((*only)[i] || (i > 0 && (*only)[i - 1]) || (i + 1 < only->size() && (*only)[i + 1]));
    if (!keep) {
      open = false;
      continue;
    }
    if (open)
      cairo_line_to(cr, a.x(x[i]), a.y(y[i]));
    else
      cairo_move_to(cr, a.x(x[i]), a.y(y[i]));
    open = true;
  }
  cairo_stroke(cr);
  cairo_restore(cr);
}

void shade(cairo_t* cr, Axes const& a, double from, double to, Rgb c) {
  double const x0 = std::max(a.left, a.x(std::min(from, to))),
               x1 = std::min(a.left + a.width, a.x(std::max(from, to)));
  if (!(x1 > x0)) return;
  colour(cr, c);
  cairo_rectangle(cr, x0, a.top, x1 - x0, a.height);
  cairo_fill(cr);
}

void rawPanel(cairo_t* cr, Axes a, PreviewSpectrum const& s, std::vector<double> const& grid) {
  std::string const name = std::filesystem::path(s.path).filename().string();
  std::string const frameText = s.rawRead ? " (" + io::frameName(s.raw.frame) + ")" : "";
  if (!s.rawRead) {
    a.xMin = grid.front(), a.xMax = grid.back(), a.yMin = 0, a.yMax = 1;
    frame(cr, a, "raw: " + name, "wavelength as stored (\u00C5)");
    colour(cr, kBad);
    text(cr, a.left + 20, a.top + a.height / 2, "cannot read the raw file", 12);
    return;
  }
  auto const [lo, hi] = std::minmax_element(s.raw.wave.begin(), s.raw.wave.end());
  a.xMin = *lo, a.xMax = *hi > *lo ? *hi : *lo + 1;
  std::vector<double> const flux(s.raw.flux.begin(), s.raw.flux.end());
  std::tie(a.yMin, a.yMax) = robustRange(flux);
  double const from = std::min(s.gridFrom, s.gridTo), to = std::max(s.gridFrom, s.gridTo);
  shade(cr, a, a.xMin, from, kOutside);
  shade(cr, a, to, a.xMax, kOutside);
  frame(cr, a, "raw: " + name, "wavelength as stored" + frameText + " (\u00C5)");
  for (double edge : {from, to})
    if (edge >= a.xMin && edge <= a.xMax) {
      colour(cr, kGridColour);
      cairo_move_to(cr, a.x(edge), a.top);
      cairo_line_to(cr, a.x(edge), a.top + a.height);
      cairo_stroke(cr);
    }
  line(cr, a, s.raw.wave, flux, kRaw, 1.2);
  std::vector<bool> const bad = detail::rawFlags(s);
  line(cr, a, s.raw.wave, flux, kBad, 1.6, &bad);
}

void preprocessedPanel(cairo_t* cr, Axes a, PreviewSpectrum const& s, PreviewData const& data) {
  std::vector<bool> const masked = detail::gridFlags(s);
  auto const count = std::count(masked.begin(), masked.end(), true);
  a.xMin = data.wave.front(), a.xMax = data.wave.back();
  std::vector<double> const flux(s.flux.begin(), s.flux.end());
  std::tie(a.yMin, a.yMax) = robustRange(flux);
  for (auto const& [from, to] : detail::flaggedSpans(data.wave, masked))
    shade(cr, a, from, to, kMaskShade);
  std::string frameText = data.frame == "vacuum" || data.frame == "air" ? ", " + data.frame : "";
  if (data.restFrame) frameText += ", rest frame";
  frame(cr, a,
        "preprocessed: " + std::to_string(data.wave.size()) + " points, " + std::to_string(count) +
            " masked",
        "grid wavelength" + frameText + " (\u00C5)");
  line(cr, a, data.wave, flux, kPre, 1.4);
  if (count > 0) line(cr, a, data.wave, flux, kBad, 1.6, &masked);
}

void legend(cairo_t* cr, PreviewData const& data) {
  colour(cr, kInk);
  text(cr, kMargin, 22, "vocloud preview", 15, true);
  text(cr, kMargin + 150, 22, data.datasetPath, 12);
  double x = kMargin;
  auto entry = [&](Rgb c, bool box, std::string const& label) {
    colour(cr, c);
    if (box) {
      cairo_rectangle(cr, x, 40, 22, 12);
      cairo_fill(cr);
    } else {
      cairo_set_line_width(cr, 2);
      cairo_move_to(cr, x, 46);
      cairo_line_to(cr, x + 22, 46);
      cairo_stroke(cr);
    }
    colour(cr, kInk);
    text(cr, x + 28, 51, label, 12);
    cairo_text_extents_t extents;
    cairo_text_extents(cr, label.c_str(), &extents);
    x += 28 + extents.x_advance + 22;
  };
  entry(kRaw, false, "raw flux");
  entry(kPre, false, "preprocessed");
  entry(kBad, false, "masked/bad");
  entry(kMaskShade, true, "interpolated");
  entry(kGridColour, false, "grid range");
  entry(kOutside, true, "cut");
}

}  // namespace

void writePreviewPng(PreviewData const& data, std::string const& path) {
  int const rows = std::max<int>(1, static_cast<int>(data.spectra.size()));
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, kWidth, kBand + kRow * rows),
                  &cairo_surface_destroy);
  Context context(cairo_create(surface.get()), &cairo_destroy);
  cairo_t* cr = context.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  legend(cr, data);
  double const panel = (kWidth - 3 * kMargin) / 2.0;
  for (std::size_t r = 0; r < data.spectra.size(); ++r) {
    PreviewSpectrum const& s = data.spectra[r];
    double const top = kBand + static_cast<double>(r) * kRow;
    colour(cr, kRule);
    cairo_rectangle(cr, 0, top, kWidth, 1);
    cairo_fill(cr);
    colour(cr, kInk);
    text(cr, kMargin, top + 20, s.id, 13, true);
    text(cr, kMargin + 170, top + 20, detail::describeSpectrum(s, "   "), 12);
    // Plot areas: room on the left for tick labels, below for ticks and the axis label.
    Axes const left{kMargin + 56, top + 52, panel - 62, kRow - 100, 0, 1, 0, 1};
    Axes const right{2 * kMargin + panel + 56, top + 52, panel - 62, kRow - 100, 0, 1, 0, 1};
    rawPanel(cr, left, s, data.wave);
    preprocessedPanel(cr, right, s, data);
  }
  cairo_surface_flush(surface.get());
  cairo_status_t const status = cairo_surface_write_to_png(surface.get(), path.c_str());
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS || status != CAIRO_STATUS_SUCCESS)
    throw Error("preview: cannot write " + path + ": " + cairo_status_to_string(status));
}

}  // namespace vocloud::report
