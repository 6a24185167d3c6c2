#include "preprocess/plot_raster.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vocloud::preprocess {

namespace {

// The built-in font: 5 columns x 9 rows per glyph (7 above the baseline, 2 for
// descenders), one byte per row, bit 4 = leftmost column. Drawn for this project.
struct Glyph {
  char32_t code;
  std::uint8_t rows[kGlyphHeight];
};

constexpr Glyph kFont[] = {
    {U' ', {0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {U'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E, 0, 0}},
    {U'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E, 0, 0}},
    {U'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F, 0, 0}},
    {U'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E, 0, 0}},
    {U'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02, 0, 0}},
    {U'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E, 0, 0}},
    {U'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E, 0, 0}},
    {U'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08, 0, 0}},
    {U'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E, 0, 0}},
    {U'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C, 0, 0}},
    {U'A', {0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0, 0}},
    {U'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E, 0, 0}},
    {U'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E, 0, 0}},
    {U'D', {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C, 0, 0}},
    {U'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F, 0, 0}},
    {U'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10, 0, 0}},
    {U'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F, 0, 0}},
    {U'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11, 0, 0}},
    {U'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E, 0, 0}},
    {U'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C, 0, 0}},
    {U'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11, 0, 0}},
    {U'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F, 0, 0}},
    {U'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11, 0, 0}},
    {U'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0, 0}},
    {U'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E, 0, 0}},
    {U'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10, 0, 0}},
    {U'Q', {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D, 0, 0}},
    {U'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11, 0, 0}},
    {U'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E, 0, 0}},
    {U'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0, 0}},
    {U'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E, 0, 0}},
    {U'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04, 0, 0}},
    {U'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A, 0, 0}},
    {U'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11, 0, 0}},
    {U'Y', {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0, 0}},
    {U'Z', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F, 0, 0}},
    {U'a', {0, 0, 0x0E, 0x01, 0x0F, 0x11, 0x0F, 0, 0}},
    {U'b', {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1E, 0, 0}},
    {U'c', {0, 0, 0x0E, 0x10, 0x10, 0x11, 0x0E, 0, 0}},
    {U'd', {0x01, 0x01, 0x0D, 0x13, 0x11, 0x11, 0x0F, 0, 0}},
    {U'e', {0, 0, 0x0E, 0x11, 0x1F, 0x10, 0x0E, 0, 0}},
    {U'f', {0x06, 0x09, 0x08, 0x1C, 0x08, 0x08, 0x08, 0, 0}},
    {U'g', {0, 0, 0x0F, 0x11, 0x11, 0x11, 0x0F, 0x01, 0x0E}},
    {U'h', {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11, 0, 0}},
    {U'i', {0x04, 0, 0x0C, 0x04, 0x04, 0x04, 0x0E, 0, 0}},
    {U'j', {0x02, 0, 0x06, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}},
    {U'k', {0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12, 0, 0}},
    {U'l', {0x0C, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E, 0, 0}},
    {U'm', {0, 0, 0x1A, 0x15, 0x15, 0x11, 0x11, 0, 0}},
    {U'n', {0, 0, 0x16, 0x19, 0x11, 0x11, 0x11, 0, 0}},
    {U'o', {0, 0, 0x0E, 0x11, 0x11, 0x11, 0x0E, 0, 0}},
    {U'p', {0, 0, 0x1E, 0x11, 0x11, 0x11, 0x1E, 0x10, 0x10}},
    {U'q', {0, 0, 0x0F, 0x11, 0x11, 0x11, 0x0F, 0x01, 0x01}},
    {U'r', {0, 0, 0x16, 0x19, 0x10, 0x10, 0x10, 0, 0}},
    {U's', {0, 0, 0x0F, 0x10, 0x0E, 0x01, 0x1E, 0, 0}},
    {U't', {0x08, 0x08, 0x1C, 0x08, 0x08, 0x09, 0x06, 0, 0}},
    {U'u', {0, 0, 0x11, 0x11, 0x11, 0x13, 0x0D, 0, 0}},
    {U'v', {0, 0, 0x11, 0x11, 0x11, 0x0A, 0x04, 0, 0}},
    {U'w', {0, 0, 0x11, 0x11, 0x15, 0x15, 0x0A, 0, 0}},
    {U'x', {0, 0, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0, 0}},
    {U'y', {0, 0, 0x11, 0x11, 0x11, 0x11, 0x0F, 0x01, 0x0E}},
    {U'z', {0, 0, 0x1F, 0x02, 0x04, 0x08, 0x1F, 0, 0}},
    {U'.', {0, 0, 0, 0, 0, 0x0C, 0x0C, 0, 0}},
    {U',', {0, 0, 0, 0, 0, 0x0C, 0x0C, 0x04, 0x08}},
    {U'-', {0, 0, 0, 0x1F, 0, 0, 0, 0, 0}},
    {U'+', {0, 0x04, 0x04, 0x1F, 0x04, 0x04, 0, 0, 0}},
    {U'_', {0, 0, 0, 0, 0, 0, 0, 0x1F, 0}},
    {U':', {0, 0x0C, 0x0C, 0, 0x0C, 0x0C, 0, 0, 0}},
    {U'/', {0, 0x01, 0x02, 0x04, 0x08, 0x10, 0, 0, 0}},
    {U'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02, 0, 0}},
    {U')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08, 0, 0}},
    {U'[', {0x0E, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0E, 0, 0}},
    {U']', {0x0E, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0E, 0, 0}},
    {U'=', {0, 0, 0x1F, 0, 0x1F, 0, 0, 0, 0}},
    {U'%', {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03, 0, 0}},
    {U'#', {0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A, 0, 0}},
    {U'<', {0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02, 0, 0}},
    {U'>', {0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08, 0, 0}},
    {U'*', {0, 0x04, 0x15, 0x0E, 0x15, 0x04, 0, 0, 0}},
    {U'!', {0x04, 0x04, 0x04, 0x04, 0x04, 0, 0x04, 0, 0}},
    {U'|', {0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0, 0}},
    {U'\'', {0x0C, 0x04, 0x08, 0, 0, 0, 0, 0, 0}},
    {U'?', {0x0E, 0x11, 0x01, 0x02, 0x04, 0, 0x04, 0, 0}},
    {U'\u00C5', {0x04, 0x0A, 0x04, 0x0A, 0x11, 0x1F, 0x11, 0, 0}},  // Å: ring over a short A
};

Glyph const& glyphFor(char32_t code) {
  for (Glyph const& g : kFont)
    if (g.code == code) return g;
  return glyphFor(U'?');
}

// Code points of UTF-8 text; a malformed byte counts as one unknown character.
std::vector<char32_t> codePoints(std::string const& text) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    auto const c = static_cast<unsigned char>(text[i]);
    int extra = c < 0x80           ? 0
                : (c >> 5) == 0x6  ? 1
                : (c >> 4) == 0xE  ? 2
                : (c >> 3) == 0x1E ? 3
                                   : -1;
    bool valid = extra >= 0 && i + static_cast<std::size_t>(extra) < text.size();
    for (int k = 1; valid && k <= extra; ++k)
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      out.push_back(U'?');
      ++i;
      continue;
    }
    char32_t code = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k)
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    out.push_back(code);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

double distanceToSegment(double px, double py, double x0, double y0, double x1, double y1) {
  double const dx = x1 - x0, dy = y1 - y0;
  double const length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / length2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

int clampToInt(double v, int lo, int hi) {
  if (!(v > lo)) return lo;  // also NaN
  if (v > hi) return hi;
  return static_cast<int>(v);
}

}  // namespace

int textWidth(std::string const& text, int scale) {
  return static_cast<int>(codePoints(text).size()) * kGlyphAdvance * scale;
}

Canvas::Canvas(int width, int height, Rgb background) {
  if (width <= 0 || height <= 0 || static_cast<long long>(width) * height > (1LL << 28))
    throw Error("plot: a canvas of " + std::to_string(width) + " x " + std::to_string(height) +
                " pixels cannot be made");
  _image.width = width;
  _image.height = height;
  _image.pixels.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
  for (std::size_t i = 0; i < _image.pixels.size(); i += 3) {
    _image.pixels[i] = background.r;
    _image.pixels[i + 1] = background.g;
    _image.pixels[i + 2] = background.b;
  }
}

Rgb Canvas::pixel(int x, int y) const {
  if (x < 0 || y < 0 || x >= width() || y >= height())
    throw Error("plot: pixel (" + std::to_string(x) + ", " + std::to_string(y) +
                ") is outside the " + std::to_string(width()) + " x " + std::to_string(height()) +
                " canvas");
  std::uint8_t const* p = _image.pixels.data() + (static_cast<std::size_t>(y) * width() + x) * 3;
  return {p[0], p[1], p[2]};
}

void Canvas::blend(int x, int y, Rgb colour, double alpha) {
  if (x < 0 || y < 0 || x >= width() || y >= height() || !(alpha > 0)) return;
  alpha = std::min(alpha, 1.0);
  std::uint8_t* p = _image.pixels.data() + (static_cast<std::size_t>(y) * width() + x) * 3;
  std::uint8_t const c[3] = {colour.r, colour.g, colour.b};
  for (int k = 0; k < 3; ++k)
    p[k] = static_cast<std::uint8_t>(std::lround(p[k] * (1.0 - alpha) + c[k] * alpha));
}

void Canvas::fillRect(PixelRect const& rect, Rgb colour) {
  int const x0 = std::max(0, rect.x), x1 = std::min(width(), rect.x + rect.width);
  int const y0 = std::max(0, rect.y), y1 = std::min(height(), rect.y + rect.height);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      std::uint8_t* p = _image.pixels.data() + (static_cast<std::size_t>(y) * width() + x) * 3;
      p[0] = colour.r;
      p[1] = colour.g;
      p[2] = colour.b;
    }
}

void Canvas::drawLine(double x0, double y0, double x1, double y1, Rgb colour, double width) {
  drawPolyline({x0, x1}, {y0, y1}, colour, width, PixelRect{0, 0, this->width(), height()});
}

void Canvas::drawPolyline(std::vector<double> const& xs, std::vector<double> const& ys, Rgb colour,
                          double width, PixelRect const& clip) {
  if (xs.size() != ys.size())
    throw Error("plot: a polyline with " + std::to_string(xs.size()) + " x and " +
                std::to_string(ys.size()) + " y coordinates");
  int const cx0 = std::max(0, clip.x), cy0 = std::max(0, clip.y);
  int const cx1 = std::min(this->width(), clip.x + clip.width);
  int const cy1 = std::min(height(), clip.y + clip.height);
  if (cx0 >= cx1 || cy0 >= cy1 || !(width > 0)) return;
  int const cw = cx1 - cx0;
  // Largest coverage per pixel of the clip area, blended once at the end.
  std::vector<float> coverage(static_cast<std::size_t>(cw) * static_cast<std::size_t>(cy1 - cy0),
                              0.0f);
  double const reach = width / 2 + 0.5;
  auto stamp = [&](double ax, double ay, double bx, double by) {
    int const px0 = clampToInt(std::floor(std::min(ax, bx) - reach), cx0, cx1);
    int const px1 = clampToInt(std::ceil(std::max(ax, bx) + reach), cx0, cx1);
    int const py0 = clampToInt(std::floor(std::min(ay, by) - reach), cy0, cy1);
    int const py1 = clampToInt(std::ceil(std::max(ay, by) + reach), cy0, cy1);
    for (int y = py0; y < py1; ++y)
      for (int x = px0; x < px1; ++x) {
        double const d = distanceToSegment(x + 0.5, y + 0.5, ax, ay, bx, by);
        double const a = std::clamp(reach - d, 0.0, 1.0);
        float& slot = coverage[static_cast<std::size_t>(y - cy0) * cw + (x - cx0)];
        slot = std::max(slot, static_cast<float>(a));
      }
  };
  auto finite = [&](std::size_t i) { return std::isfinite(xs[i]) && std::isfinite(ys[i]); };
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (!finite(i)) continue;
    bool const next = i + 1 < xs.size() && finite(i + 1);
    bool const previous = i > 0 && finite(i - 1);
    if (next)
      stamp(xs[i], ys[i], xs[i + 1], ys[i + 1]);
    else if (!previous)
      stamp(xs[i], ys[i], xs[i], ys[i]);  // an isolated point: a dot
  }
  for (int y = cy0; y < cy1; ++y)
    for (int x = cx0; x < cx1; ++x) {
      float const a = coverage[static_cast<std::size_t>(y - cy0) * cw + (x - cx0)];
      if (a > 0) blend(x, y, colour, a);
    }
}

void Canvas::drawText(int x, int y, std::string const& text, Rgb colour, int scale) {
  scale = std::max(1, scale);
  for (char32_t code : codePoints(text)) {
    Glyph const& g = glyphFor(code);
    for (int row = 0; row < kGlyphHeight; ++row)
      for (int col = 0; col < 5; ++col)
        if (g.rows[row] & (0x10 >> col))
          fillRect({x + col * scale, y + row * scale, scale, scale}, colour);
    x += kGlyphAdvance * scale;
  }
}

std::vector<double> niceTicks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (lo > hi) std::swap(lo, hi);
  if (lo == hi) return {lo};
  target = std::max(2, target);
  double const rough = (hi - lo) / target;
  double const power = std::pow(10.0, std::floor(std::log10(rough)));
  double step = 10 * power;
  double bestMiss = 1e300;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    double const s = m * power;
    double const count = std::floor(hi / s + 1e-9) - std::ceil(lo / s - 1e-9) + 1;
    double const miss = std::abs(count - target);
    if (miss < bestMiss) {
      bestMiss = miss;
      step = s;
    }
  }
  std::vector<double> ticks;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k += 1) {
    double const t = k * step;
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    if (ticks.size() > 1000) break;
  }
  return ticks;
}

std::string tickLabel(double value, double step) {
  step = std::abs(step);
  if (!std::isfinite(value)) return "?";
  if (step > 0 && std::abs(value) < step * 1e-9) return "0";
  char text[48];
  int const stepPower = step > 0 ? static_cast<int>(std::floor(std::log10(step) + 1e-9)) : 0;
  if ((step > 0 && step < 1e-4) || std::abs(value) >= 1e7) {
    int const valuePower = static_cast<int>(std::floor(std::log10(std::abs(value))));
    int const digits = std::clamp(valuePower - stepPower, 0, 6);
    std::snprintf(text, sizeof text, "%.*e", digits, value);
    return text;
  }
  std::snprintf(text, sizeof text, "%.*f", std::max(0, -stepPower), value);
  return text;
}

std::pair<double, double> robustRange(std::vector<double> const& values) {
  std::vector<double> finite;
  finite.reserve(values.size());
  for (double v : values)
    if (std::isfinite(v)) finite.push_back(v);
  if (finite.empty()) return {0.0, 1.0};
  auto quantile = [&](double q) {
    auto const at =
        finite.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(finite.size() - 1));
    std::nth_element(finite.begin(), at, finite.end());
    return *at;
  };
  auto const [minIt, maxIt] = std::minmax_element(finite.begin(), finite.end());
  double const minimum = *minIt, maximum = *maxIt;
  double const low = quantile(0.005), high = quantile(0.995);
  double const spread = high - low;
  double lo = std::max(minimum, low - 0.5 * spread), hi = std::min(maximum, high + 0.5 * spread);
  double const pad = hi > lo ? 0.05 * (hi - lo) : (lo == 0 ? 1.0 : 0.05 * std::abs(lo));
  return {lo - pad, hi + pad};
}

void drawPanel(Canvas& canvas, PixelRect const& box, PlotPanel const& panel, int scale) {
  Rgb const ink{40, 40, 40}, gridLine{232, 232, 232}, frame{120, 120, 120};
  int const lineHeight = kGlyphHeight * scale;
  double xMin = panel.xMin, xMax = panel.xMax, yMin = panel.yMin, yMax = panel.yMax;
  auto widen = [](double& lo, double& hi) {
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
    if (lo == hi) {
      double const pad = lo == 0 ? 1.0 : std::abs(lo) * 0.05;
      lo -= pad;
      hi += pad;
    }
    if (lo > hi) std::swap(lo, hi);
  };
  widen(xMin, xMax);
  widen(yMin, yMax);

  // Plot area: title above; tick labels and the x label below; y tick labels on the left.
  int const top = box.y + lineHeight + 6;
  int const bottom = box.y + box.height - 2 * lineHeight - 10;
  int const yTarget = std::max(2, (bottom - top) / (3 * lineHeight));
  std::vector<double> const yTicks = niceTicks(yMin, yMax, yTarget);
  double const yStep = yTicks.size() > 1 ? yTicks[1] - yTicks[0] : std::abs(yMax - yMin);
  int labelWidth = 0;
  for (double t : yTicks) labelWidth = std::max(labelWidth, textWidth(tickLabel(t, yStep), scale));
  int const left = box.x + labelWidth + 8;
  int const right = box.x + box.width - 4 * kGlyphAdvance * scale / 2;
  if (right - left < 10 || bottom - top < 10) return;  // no room to draw anything useful
  PixelRect const area{left, top, right - left, bottom - top};
  auto px = [&](double x) { return left + (x - xMin) / (xMax - xMin) * area.width; };
  auto py = [&](double y) { return top + (yMax - y) / (yMax - yMin) * area.height; };

  canvas.drawText(left, box.y + 2, panel.title, ink, scale);
  for (PlotSpan const& s : panel.spans) {
    double const a = std::clamp(px(std::min(s.from, s.to)), double(left), double(right));
    double const b = std::clamp(px(std::max(s.from, s.to)), double(left), double(right));
    int const x0 = static_cast<int>(std::floor(a));
    canvas.fillRect({x0, top, std::max(1, static_cast<int>(std::ceil(b)) - x0), area.height},
                    s.colour);
  }

  // Light grid lines and tick marks with labels.
  int const xLabelWidth =
      textWidth(tickLabel(xMax, (xMax - xMin) / 5), scale) + 3 * kGlyphAdvance * scale;
  std::vector<double> const xTicks = niceTicks(xMin, xMax, std::max(2, area.width / xLabelWidth));
  double const xStep = xTicks.size() > 1 ? xTicks[1] - xTicks[0] : xMax - xMin;
  for (double t : xTicks) {
    int x = static_cast<int>(std::floor(px(t)));
    if (x < left || x > right) continue;
    x = std::min(x, right - 1);  // a tick at xMax sits on the frame
    canvas.fillRect({x, top, 1, area.height}, gridLine);
    canvas.fillRect({x, bottom, 1, 5}, frame);
    std::string const label = tickLabel(t, xStep);
    int const w = textWidth(label, scale);
    int const lx = std::clamp(x - w / 2, box.x, box.x + box.width - w);
    canvas.drawText(lx, bottom + 7, label, ink, scale);
  }
  for (double t : yTicks) {
    int y = static_cast<int>(std::floor(py(t)));
    if (y < top || y > bottom) continue;
    y = std::min(y, bottom - 1);
    canvas.fillRect({left, y, area.width, 1}, gridLine);
    canvas.fillRect({left - 5, y, 5, 1}, frame);
    std::string const label = tickLabel(t, yStep);
    canvas.drawText(left - 7 - textWidth(label, scale), y - 7 * scale / 2, label, ink, scale);
  }
  int const xLabelX = left + (area.width - textWidth(panel.xLabel, scale)) / 2;
  canvas.drawText(xLabelX, bottom + lineHeight + 10, panel.xLabel, ink, scale);

  for (PlotMarker const& m : panel.markers) {
    double const x = px(m.x);
    if (!std::isfinite(x)) continue;
    if (x < left || x > right) {  // off the plot: its label at that side, with an arrow
      if (m.label.empty()) continue;
      std::string const text = x < left ? "<" + m.label : m.label + ">";
      int const tx = x < left ? left + 4 : right - 4 - textWidth(text, scale);
      canvas.fillRect({tx - 2, top + 2, textWidth(text, scale) + 2, 7 * scale + 2},
                      Rgb{255, 255, 255});
      canvas.drawText(tx, top + 3, text, m.colour, scale);
      continue;
    }
    canvas.drawPolyline({x, x}, {double(top), double(bottom)}, m.colour, 1.5, area);
    if (!m.label.empty()) {
      int const w = textWidth(m.label, scale);
      int const tx = x + 4 + w <= right ? static_cast<int>(x) + 4 : static_cast<int>(x) - 4 - w;
      canvas.drawText(tx, top + 3, m.label, m.colour, scale);
    }
  }
  for (PlotSeries const& s : panel.series) {
    std::vector<double> xs(s.x.size()), ys(s.y.size());
    for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = px(s.x[i]);
    for (std::size_t i = 0; i < ys.size(); ++i) ys[i] = py(s.y[i]);
    canvas.drawPolyline(xs, ys, s.colour, s.width, area);
  }
  if (!panel.note.empty()) {
    int const w = textWidth(panel.note, scale);
    canvas.drawText(left + (area.width - w) / 2, top + (area.height - lineHeight) / 2, panel.note,
                    Rgb{170, 30, 30}, scale);
  }
  // The frame last, so that series end cleanly at it.
  canvas.fillRect({left, top, area.width, 1}, frame);
  canvas.fillRect({left, bottom - 1, area.width, 1}, frame);
  canvas.fillRect({left, top, 1, area.height}, frame);
  canvas.fillRect({right - 1, top, 1, area.height}, frame);
}

}  // namespace vocloud::preprocess
