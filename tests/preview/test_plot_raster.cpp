// The line rasteriser against hand-computed pixels: coverage = clamp(width/2 + 0.5 - d, 0, 1)
// where d is the distance from the pixel centre (i + 0.5, j + 0.5) to the segment, blended
// as round(old (1 - a) + colour a); glyphs of the built-in font; ticks and ranges.
#include "core/error.hpp"
#include "preprocess/plot_raster.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <vector>

namespace pre = vocloud::preprocess;

namespace {

constexpr pre::Rgb kWhite{255, 255, 255}, kBlack{0, 0, 0};

int countNot(pre::Canvas const& canvas, pre::Rgb background) {
  int n = 0;
  for (int y = 0; y < canvas.height(); ++y)
    for (int x = 0; x < canvas.width(); ++x) n += canvas.pixel(x, y) != background;
  return n;
}

int grey(pre::Canvas const& canvas, int x, int y) {
  return canvas.pixel(x, y).r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plot_raster)

BOOST_AUTO_TEST_CASE(a_horizontal_line_through_pixel_centres_fills_one_row) {
  pre::Canvas canvas(40, 30, kWhite);
  canvas.drawLine(5.5, 10.5, 30.5, 10.5, kBlack, 1.0);
  for (int x = 5; x <= 30; ++x) {
    BOOST_TEST_INFO("x " << x);
    BOOST_TEST(grey(canvas, x, 10) == 0);
    BOOST_TEST(grey(canvas, x, 9) == 255);
    BOOST_TEST(grey(canvas, x, 11) == 255);
  }
  // The round ends reach d = 1 at the next pixel centres: coverage 0.
  BOOST_TEST(grey(canvas, 4, 10) == 255);
  BOOST_TEST(grey(canvas, 31, 10) == 255);
  BOOST_TEST(countNot(canvas, kWhite) == 26);
}

BOOST_AUTO_TEST_CASE(a_two_pixel_line_on_a_pixel_boundary_fills_two_rows) {
  pre::Canvas canvas(30, 20, kWhite);
  canvas.drawLine(5.0, 10.0, 15.0, 10.0, kBlack, 2.0);
  for (int x = 5; x < 15; ++x) {
    BOOST_TEST_INFO("x " << x);
    BOOST_TEST(grey(canvas, x, 9) == 0);  // d = 0.5: coverage 1.5 - 0.5 = 1
    BOOST_TEST(grey(canvas, x, 10) == 0);
    BOOST_TEST(grey(canvas, x, 8) == 255);  // d = 1.5: coverage 0
    BOOST_TEST(grey(canvas, x, 11) == 255);
  }
  // Beside the left end: d = sqrt(0.5^2 + 0.5^2), coverage 1.5 - 0.7071 = 0.7929.
  BOOST_TEST(grey(canvas, 4, 9) == std::lround(255 * (1 - (1.5 - std::sqrt(0.5)))));
}

BOOST_AUTO_TEST_CASE(a_diagonal_line_is_anti_aliased_by_distance) {
  pre::Canvas canvas(20, 20, kWhite);
  canvas.drawLine(0.5, 0.5, 10.5, 10.5, kBlack, 1.0);
  for (int i = 0; i <= 10; ++i) BOOST_TEST(grey(canvas, i, i) == 0);
  // Pixel (4, 3): centre (4.5, 3.5), d = 1/sqrt(2) from y = x, coverage 1 - 0.70711 = 0.29289,
  // grey = round(255 * 0.70711) = 180.
  BOOST_TEST(grey(canvas, 4, 3) == 180);
  BOOST_TEST(grey(canvas, 3, 4) == 180);
  BOOST_TEST(grey(canvas, 5, 3) == 255);  // d = sqrt(2): nothing
  BOOST_TEST(grey(canvas, 12, 12) == 255);
}

BOOST_AUTO_TEST_CASE(polyline_joints_take_the_larger_coverage_once) {
  pre::Canvas canvas(30, 30, kWhite);
  canvas.drawPolyline({5.5, 15.5, 15.5}, {20.5, 20.5, 28.5}, kBlack, 2.0, {0, 0, 30, 30});
  BOOST_TEST(grey(canvas, 15, 20) == 0);
  // Pixel (16, 21): d = 1 from the vertical segment (coverage 0.5), sqrt(2) from the
  // horizontal one (coverage 0.0858). Blended once with 0.5: round(127.5) = 128; blending
  // both would give 117.
  BOOST_TEST(grey(canvas, 16, 21) == 128);
}

BOOST_AUTO_TEST_CASE(non_finite_points_break_the_line_and_clip_limits_it) {
  double const nan = std::numeric_limits<double>::quiet_NaN();
  pre::Canvas canvas(40, 12, kWhite);
  canvas.drawPolyline({5.5, 10.5, nan, 20.5, 25.5}, {5.5, 5.5, 5.5, 5.5, 5.5}, kBlack, 1.0,
                      {0, 0, 40, 12});
  for (int x = 5; x <= 10; ++x) BOOST_TEST(grey(canvas, x, 5) == 0);
  for (int x = 11; x <= 19; ++x) BOOST_TEST(grey(canvas, x, 5) == 255);
  for (int x = 20; x <= 25; ++x) BOOST_TEST(grey(canvas, x, 5) == 0);

  pre::Canvas clipped(40, 12, kWhite);
  clipped.drawPolyline({0.5, 39.5}, {5.5, 5.5}, kBlack, 1.0, {10, 0, 10, 12});
  BOOST_TEST(countNot(clipped, kWhite) == 10);
  BOOST_TEST(grey(clipped, 10, 5) == 0);
  BOOST_TEST(grey(clipped, 19, 5) == 0);
  BOOST_TEST(grey(clipped, 9, 5) == 255);
  BOOST_TEST(grey(clipped, 20, 5) == 255);
}

BOOST_AUTO_TEST_CASE(blend_and_fill) {
  pre::Canvas canvas(4, 4, kWhite);
  canvas.blend(1, 1, kBlack, 0.25);
  BOOST_TEST(grey(canvas, 1, 1) == 191);  // round(255 * 0.75)
  canvas.blend(9, 9, kBlack, 1.0);        // outside: ignored
  canvas.fillRect({2, 2, 10, 10}, pre::Rgb{10, 20, 30});
  BOOST_TEST((canvas.pixel(3, 3) == pre::Rgb{10, 20, 30}));
  BOOST_TEST(countNot(canvas, kWhite) == 5);
  BOOST_CHECK_THROW(canvas.pixel(4, 0), vocloud::Error);
  BOOST_CHECK_THROW(pre::Canvas(0, 5, kWhite), vocloud::Error);
}

BOOST_AUTO_TEST_CASE(glyphs_of_the_built_in_font) {
  pre::Canvas canvas(40, 30, kWhite);
  // '-' is the fourth row of five pixels: at scale 2 a 10 x 2 bar 6 pixels below the top.
  canvas.drawText(2, 2, "-", kBlack, 2);
  BOOST_TEST(countNot(canvas, kWhite) == 20);
  for (int x = 2; x < 12; ++x) {
    BOOST_TEST(grey(canvas, x, 8) == 0);
    BOOST_TEST(grey(canvas, x, 9) == 0);
  }
  // '1': rows 00100 01100 00100 00100 00100 00100 01110 = 10 pixels at scale 1.
  pre::Canvas one(10, 12, kWhite);
  one.drawText(1, 1, "1", kBlack, 1);
  BOOST_TEST(countNot(one, kWhite) == 10);
  BOOST_TEST(grey(one, 3, 1) == 0);
  BOOST_TEST(grey(one, 2, 2) == 0);
  BOOST_TEST(grey(one, 1, 7) == 255);
  BOOST_TEST(grey(one, 2, 7) == 0);
  BOOST_TEST(pre::textWidth("abc", 2) == 36);
  BOOST_TEST(pre::textWidth("\u00C5", 1) == 6);  // one glyph for two UTF-8 bytes
  // Every character the previews write has a glyph (none falls back to '?').
  std::string const used =
      "0123456789.-+ ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_:/()[]=%,";
  pre::Canvas all(pre::textWidth(used, 1), pre::kGlyphHeight, kWhite),
      unknown(6, pre::kGlyphHeight, kWhite);
  unknown.drawText(0, 0, "?", kBlack, 1);
  for (std::size_t i = 0; i < used.size(); ++i) {
    pre::Canvas glyph(6, pre::kGlyphHeight, kWhite);
    glyph.drawText(0, 0, used.substr(i, 1), kBlack, 1);
    if (used[i] == ' ') continue;
    BOOST_TEST_INFO("character '" << used[i] << "'");
    BOOST_TEST(countNot(glyph, kWhite) > 0);
    bool same = true;
    for (int y = 0; y < pre::kGlyphHeight; ++y)
      for (int x = 0; x < 6; ++x) same = same && glyph.pixel(x, y) == unknown.pixel(x, y);
    BOOST_TEST(!same);
  }
}

BOOST_AUTO_TEST_CASE(nice_ticks_and_labels) {
  std::vector<double> const expected = {6300, 6400, 6500, 6600, 6700};
  BOOST_TEST(pre::niceTicks(6300, 6700, 5) == expected, boost::test_tools::per_element());
  std::vector<double> const unity = pre::niceTicks(0.9, 1.1, 5);
  BOOST_REQUIRE(unity.size() == 5u);
  BOOST_TEST(unity.front() == 0.9, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(unity[2] == 1.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(pre::niceTicks(-0.3, 0.3, 4).size() >= 3u);
  BOOST_TEST(pre::niceTicks(2, 2, 5).size() == 1u);
  BOOST_TEST(pre::niceTicks(0, std::numeric_limits<double>::infinity(), 5).empty());
  BOOST_TEST(pre::tickLabel(6300, 100) == "6300");
  BOOST_TEST(pre::tickLabel(0.5, 0.1) == "0.5");
  BOOST_TEST(pre::tickLabel(-1.5, 0.5) == "-1.5");
  BOOST_TEST(pre::tickLabel(1.05, 0.05) == "1.05");
  BOOST_TEST(pre::tickLabel(1e-12, 0.5) == "0");
  BOOST_TEST(pre::tickLabel(1.2e-17, 2e-18) == "1.2e-17");
  BOOST_TEST(pre::tickLabel(3e7, 1e7) == "3e+07");
}

BOOST_AUTO_TEST_CASE(robust_range_ignores_a_lone_spike) {
  std::vector<double> ramp;
  for (int i = 0; i <= 100; ++i) ramp.push_back(i);
  auto const [lo, hi] = pre::robustRange(ramp);  // min/max, 5% padding
  BOOST_TEST(lo == -5.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(hi == 105.0, boost::test_tools::tolerance(1e-12));
  ramp.back() = 1e6;  // 0..99 and a spike: 99.5th percentile is 99, limit 99 + 49.5
  ramp.push_back(std::numeric_limits<double>::quiet_NaN());
  auto const [lo2, hi2] = pre::robustRange(ramp);
  BOOST_TEST(lo2 == -7.425, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(hi2 == 155.925, boost::test_tools::tolerance(1e-9));
  auto const [lo3, hi3] = pre::robustRange({std::numeric_limits<double>::quiet_NaN()});
  BOOST_TEST(lo3 == 0.0);
  BOOST_TEST(hi3 == 1.0);
}

BOOST_AUTO_TEST_CASE(a_panel_stays_inside_its_box) {
  pre::Canvas canvas(400, 260, kWhite);
  pre::PlotPanel panel;
  panel.title = "test";
  panel.xLabel = "wavelength (\u00C5)";
  panel.xMin = 6300;
  panel.xMax = 6700;
  panel.yMin = 0;
  panel.yMax = 2;
  panel.spans.push_back({6400, 6450, pre::Rgb{250, 200, 200}});
  panel.markers.push_back({6500, pre::Rgb{0, 150, 0}, "edge"});
  // A line far outside the y range on the right: clipped at the plot area.
  panel.series.push_back({{6300, 6500, 6700}, {1, 1, 50}, pre::Rgb{0, 0, 255}, 1.5});
  pre::PixelRect const box{40, 30, 320, 200};
  pre::drawPanel(canvas, box, panel, 2);
  int inside = 0, outside = 0, blue = 0;
  for (int y = 0; y < canvas.height(); ++y)
    for (int x = 0; x < canvas.width(); ++x) {
      pre::Rgb const p = canvas.pixel(x, y);
      bool const in = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
      (in ? inside : outside) += p != kWhite;
      blue += p.b > 200 && p.r < 100;
    }
  BOOST_TEST(outside == 0);
  BOOST_TEST(inside > 500);
  BOOST_TEST(blue > 100);
  // A marker beyond the x range: only its label, inside the plot area at the right side.
  pre::Canvas beyond(400, 260, kWhite);
  pre::PlotPanel far;
  far.xMin = 0;
  far.xMax = 10;
  far.markers.push_back({25, pre::Rgb{0, 150, 0}, "far"});
  pre::drawPanel(beyond, box, far, 2);
  int green = 0, greenLeft = 0;
  for (int y = 0; y < beyond.height(); ++y)
    for (int x = 0; x < beyond.width(); ++x)
      if (beyond.pixel(x, y) == pre::Rgb{0, 150, 0})
        ++green, greenLeft += x < box.x + box.width / 2;
  BOOST_TEST(green > 50);
  BOOST_TEST(greenLeft == 0);
  // Degenerate ranges do not throw.
  pre::PlotPanel flat;
  flat.xMin = flat.xMax = 5;
  flat.yMin = flat.yMax = 0;
  flat.series.push_back({{5, 5}, {0, 0}, kBlack, 1.0});
  BOOST_CHECK_NO_THROW(pre::drawPanel(canvas, box, flat, 1));
}

BOOST_AUTO_TEST_SUITE_END()
