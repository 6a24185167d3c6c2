#pragma once
// A small line-plot rasteriser: an RGB canvas with anti-aliased polylines (coverage from the
// distance of each pixel centre to the segment), filled rectangles, text in a built-in 5x7
// bitmap font (digits, letters, common punctuation, Å), and plot panels with a frame,
// "nice" ticks with numeric labels, shaded x ranges, vertical markers and clipped series.
// Pixel (i, j) covers [i, i+1) x [j, j+1); its centre is (i + 0.5, j + 0.5); y grows down.
#include "preprocess/png_writer.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vocloud::preprocess {

/// An 8-bit colour.
struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  bool operator==(Rgb const& o) const { return r == o.r && g == o.g && b == o.b; }
  bool operator!=(Rgb const& o) const { return !(*this == o); }
};

/// A rectangle of whole pixels: columns [x, x + width), rows [y, y + height).
struct PixelRect {
  int x = 0, y = 0, width = 0, height = 0;
};

/// Width in pixels of the glyph cell (5 columns of ink + 1 of spacing) at scale 1.
inline constexpr int kGlyphAdvance = 6;
/// Height in pixels of a line of text at scale 1 (7 rows above the baseline, 2 below).
inline constexpr int kGlyphHeight = 9;

/// Width in pixels of `text` (UTF-8) drawn at integer `scale` >= 1.
int textWidth(std::string const& text, int scale);

/// An RGB drawing surface.
class Canvas {
 public:
  /// A `width` x `height` canvas filled with `background`. Throws vocloud::Error
  /// ("plot: ...") when a side is not positive or the image would exceed 2^28 pixels.
  Canvas(int width, int height, Rgb background);

  int width() const { return _image.width; }
  int height() const { return _image.height; }
  /// The pixels drawn so far.
  RgbImage const& image() const { return _image; }
  /// The colour of pixel (x, y); throws vocloud::Error outside the canvas.
  Rgb pixel(int x, int y) const;

  /// Mixes `colour` into pixel (x, y) with opacity `alpha` in [0, 1]:
  /// new = round(old (1 - alpha) + colour alpha) per channel. Outside the canvas: nothing.
  void blend(int x, int y, Rgb colour, double alpha);
  /// Paints the pixels of `rect` (clipped to the canvas) with `colour`.
  void fillRect(PixelRect const& rect, Rgb colour);
  /// Draws the segment (x0, y0)-(x1, y1) (pixel coordinates, fractional) `width` pixels
  /// wide with round ends: a pixel whose centre is at distance d from the segment gets
  /// opacity clamp(width / 2 + 0.5 - d, 0, 1). Clipped to the canvas.
  void drawLine(double x0, double y0, double x1, double y1, Rgb colour, double width);
  /// Draws the polyline through (xs[i], ys[i]) like drawLine, but each pixel is blended once
  /// with the largest coverage of any segment (joints do not darken), only inside `clip`.
  /// A non-finite coordinate breaks the line. xs and ys must have one length.
  void drawPolyline(std::vector<double> const& xs, std::vector<double> const& ys, Rgb colour,
                    double width, PixelRect const& clip);
  /// Draws `text` (UTF-8; characters the font lacks show as '?') with its top-left corner at
  /// (x, y), each font pixel a `scale` x `scale` block.
  void drawText(int x, int y, std::string const& text, Rgb colour, int scale = 1);

 private:
  RgbImage _image;
};

/// Tick positions for the range [lo, hi]: multiples of a step of 1, 2 or 5 times a power of
/// ten chosen so that about `target` (>= 2) ticks fall inside the range. Empty when the
/// range is not finite; a single tick at lo when lo == hi.
std::vector<double> niceTicks(double lo, double hi, int target);

/// The label of a tick at `value` on an axis whose ticks are `step` apart: fixed notation
/// with just enough decimals for the step ("6300", "0.25", "-1.5"), or "1.5e-17" style
/// when the values are very large or very small. "0" for values within step * 1e-9 of 0.
std::string tickLabel(double value, double step);

/// A y range for plotting `values` that ignores rare spikes: the finite minimum and
/// maximum, but no further than half the 0.5-99.5 percentile spread beyond those
/// percentiles; then 5% padding on both sides. {0, 1} when no value is finite.
std::pair<double, double> robustRange(std::vector<double> const& values);

/// A line of a panel, in data coordinates.
struct PlotSeries {
  std::vector<double> x, y;
  Rgb colour;
  double width = 1.5;  ///< pixels
};

/// An x range painted behind the series (e.g. masked pixels), in data coordinates.
struct PlotSpan {
  double from = 0, to = 0;
  Rgb colour;
};

/// A vertical line across the plot area at data x, with an optional label at its top. A
/// marker beyond the x range shows only its label, inside the plot at that side, with an
/// arrow ("<label" on the left, "label>" on the right).
struct PlotMarker {
  double x = 0;
  Rgb colour;
  std::string label;
};

/// One plot: data ranges, what to draw, the title above the plot area and the x-axis label
/// below it. `note` (when not empty) is written in the middle of the plot area, e.g. to
/// say why there is no data.
struct PlotPanel {
  std::string title, xLabel, note;
  double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
  std::vector<PlotSpan> spans;
  std::vector<PlotMarker> markers;
  std::vector<PlotSeries> series;
};

/// Draws `panel` inside `box`: title at the top, the plot area framed, ticks with labels
/// on both axes (text at `scale`), spans, markers and series clipped to the plot area.
/// Degenerate ranges (min == max) are widened so that something is always drawn.
void drawPanel(Canvas& canvas, PixelRect const& box, PlotPanel const& panel, int scale = 2);

}  // namespace vocloud::preprocess
