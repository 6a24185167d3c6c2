// The HTML form of a preview: one self-contained page, an inline SVG per spectrum.
#include "core/reason_tally.hpp"
#include "preprocess/plot_raster.hpp"
#include "preprocess/preview.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>

namespace vocloud::preprocess {

namespace {

// SVG user units: the drawing is 1000 wide and scales with the page.
constexpr double kSvgWidth = 1000, kSvgHeight = 250, kPanelWidth = 490, kPanelGap = 20;
constexpr double kPlotLeft = 64, kPlotRight = 24, kPlotTop = 30, kPlotBottom = 196;

std::string escape(std::string const& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string num(double v, char const* format = "%.1f") {
  char text[48];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

// One panel of a spectrum's SVG: the data, where to put it, what to call it.
struct SvgPanel {
  std::string cssClass;  ///< class of the polylines: "raw" or "pre"
  std::string title, xLabel, note, clipId;
  double offsetX = 0;
  double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
  std::vector<double> x, y;
  std::vector<std::pair<double, double>> shaded;        ///< masked (pre) or outside the grid (raw)
  std::string shadeClass;                               ///< "masked" or "cut"
  std::vector<std::pair<double, std::string>> markers;  ///< grid edges on the raw panel, named
  std::vector<bool> flagged;                            ///< pixels drawn red (bad or masked)
};

void writePanel(std::ostringstream& out, SvgPanel p) {
  if (!(p.xMax > p.xMin)) p.xMax = p.xMin + 1;
  if (!(p.yMax > p.yMin)) p.yMax = p.yMin + 1;
  double const left = p.offsetX + kPlotLeft, right = p.offsetX + kPanelWidth - kPlotRight;
  double const width = right - left, height = kPlotBottom - kPlotTop;
  auto px = [&](double x) { return left + (x - p.xMin) / (p.xMax - p.xMin) * width; };
  auto py = [&](double y) { return kPlotTop + (p.yMax - y) / (p.yMax - p.yMin) * height; };
  out << "<g class=\"panel\" data-x0=\"" << num(p.xMin, "%.10g") << "\" data-x1=\""
      << num(p.xMax, "%.10g") << "\" data-y0=\"" << num(p.yMin, "%.10g") << "\" data-y1=\""
      << num(p.yMax, "%.10g") << "\" data-left=\"" << num(left) << "\" data-top=\"" << num(kPlotTop)
      << "\" data-width=\"" << num(width) << "\" data-height=\"" << num(height) << "\">\n";
  out << "<clipPath id=\"" << p.clipId << "\"><rect x=\"" << num(left) << "\" y=\"" << num(kPlotTop)
      << "\" width=\"" << num(width) << "\" height=\"" << num(height) << "\"/></clipPath>\n";
  out << "<text class=\"title\" x=\"" << num(left) << "\" y=\"18\">" << escape(p.title)
      << "</text>\n";
  out << "<text class=\"readout\" x=\"" << num(right)
      << "\" y=\"18\" text-anchor=\"end\"></text>\n";
  for (auto const& [a, b] : p.shaded) {
    double const x0 = std::clamp(px(a), left, right), x1 = std::clamp(px(b), left, right);
    out << "<rect class=\"" << p.shadeClass << "\" x=\"" << num(x0) << "\" y=\"" << num(kPlotTop)
        << "\" width=\"" << num(std::max(0.5, x1 - x0)) << "\" height=\"" << num(height)
        << "\"/>\n";
  }
  std::vector<double> const xTicks = niceTicks(p.xMin, p.xMax, 6),
                            yTicks = niceTicks(p.yMin, p.yMax, 5);
  double const xStep = xTicks.size() > 1 ? xTicks[1] - xTicks[0] : p.xMax - p.xMin;
  double const yStep = yTicks.size() > 1 ? yTicks[1] - yTicks[0] : p.yMax - p.yMin;
  for (double t : xTicks) {
    double const x = px(t);
    out << "<line class=\"grid\" x1=\"" << num(x) << "\" y1=\"" << num(kPlotTop) << "\" x2=\""
        << num(x) << "\" y2=\"" << num(kPlotBottom + 5) << "\"/><text class=\"tick\" x=\"" << num(x)
        << "\" y=\"" << num(kPlotBottom + 18) << "\" text-anchor=\"middle\">" << tickLabel(t, xStep)
        << "</text>\n";
  }
  for (double t : yTicks) {
    double const y = py(t);
    out << "<line class=\"grid\" x1=\"" << num(left - 5) << "\" y1=\"" << num(y) << "\" x2=\""
        << num(right) << "\" y2=\"" << num(y) << "\"/><text class=\"tick\" x=\"" << num(left - 8)
        << "\" y=\"" << num(y + 4) << "\" text-anchor=\"end\">" << tickLabel(t, yStep)
        << "</text>\n";
  }
  for (auto const& [m, name] : p.markers) {
    double const x = px(m);
    if (!std::isfinite(x)) continue;
    if (x < left || x > right) {  // beyond the file's range: named at that side
      bool const before = x < left;
      out << "<text class=\"edge-note\" x=\"" << num(before ? left + 4 : right - 4) << "\" y=\""
          << num(kPlotTop + 14) << "\" text-anchor=\"" << (before ? "start" : "end") << "\">"
          << (before ? "\u2190 " : "") << escape(name) << " " << num(m, "%.1f") << "\u00A0\u00C5"
          << (before ? "" : " \u2192") << "</text>\n";
      continue;
    }
    out << "<line class=\"edge\" x1=\"" << num(x) << "\" y1=\"" << num(kPlotTop) << "\" x2=\""
        << num(x) << "\" y2=\"" << num(kPlotBottom) << "\"/>\n";
  }
  // One polyline per run of finite points (SVG has no gaps inside a polyline).
  std::string points;
  std::size_t count = 0;
  auto flush = [&]() {
    if (count > 0)
      out << "<polyline class=\"" << p.cssClass << "\" clip-path=\"url(#" << p.clipId
          << ")\" points=\"" << points << "\"/>\n";
    points.clear();
    count = 0;
  };
  for (std::size_t i = 0; i < p.x.size() && i < p.y.size(); ++i) {
    if (!std::isfinite(p.x[i]) || !std::isfinite(p.y[i])) {
      flush();
      continue;
    }
    points += (count++ ? " " : "") + num(px(p.x[i])) + "," + num(py(p.y[i]));
  }
  flush();
  // Segments that touch a flagged pixel, in red over the line.
  std::string bad;
  auto usable = [&](std::size_t i) { return std::isfinite(p.x[i]) && std::isfinite(p.y[i]); };
  for (std::size_t i = 0; i + 1 < p.x.size() && i + 1 < p.y.size(); ++i) {
    bool const touches =
        (i < p.flagged.size() && p.flagged[i]) || (i + 1 < p.flagged.size() && p.flagged[i + 1]);
    if (touches && usable(i) && usable(i + 1))
      bad += "M" + num(px(p.x[i])) + "," + num(py(p.y[i])) + "L" + num(px(p.x[i + 1])) + "," +
             num(py(p.y[i + 1]));
  }
  if (!bad.empty())
    out << "<path class=\"bad\" clip-path=\"url(#" << p.clipId << ")\" d=\"" << bad << "\"/>\n";
  out << "<rect class=\"frame\" x=\"" << num(left) << "\" y=\"" << num(kPlotTop) << "\" width=\""
      << num(width) << "\" height=\"" << num(height) << "\"/>\n";
  if (!p.note.empty())
    out << "<text class=\"note\" x=\"" << num(left + width / 2) << "\" y=\""
        << num(kPlotTop + height / 2) << "\" text-anchor=\"middle\">" << escape(p.note)
        << "</text>\n";
  out << "<text class=\"axis\" x=\"" << num(left + width / 2) << "\" y=\"" << num(kPlotBottom + 40)
      << "\" text-anchor=\"middle\">" << escape(p.xLabel) << "</text>\n</g>\n";
}

SvgPanel rawSvgPanel(PreviewSpectrum const& s, PreviewData const& data, std::size_t index) {
  SvgPanel p;
  p.cssClass = "raw";
  p.clipId = "clip-raw-" + std::to_string(index);
  p.shadeClass = "cut";
  p.title = "raw: " + std::filesystem::path(s.path).filename().string();
  std::string const frame = s.raw.frame == io::WavelengthFrame::Air      ? ", air"
                            : s.raw.frame == io::WavelengthFrame::Vacuum ? ", vacuum"
                                                                         : "";
  p.xLabel = "wavelength as stored" + frame + " (\u00C5)";
  p.xMin = data.wave.front();
  p.xMax = data.wave.back();
  if (!s.rawRead) {
    p.note = "cannot read the raw file";
    return p;
  }
  p.x = s.raw.wave;
  p.y.assign(s.raw.flux.begin(), s.raw.flux.end());
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double w : p.x)
    if (std::isfinite(w)) lo = std::min(lo, w), hi = std::max(hi, w);
  if (lo < hi) p.xMin = lo, p.xMax = hi;
  std::tie(p.yMin, p.yMax) = robustRange(p.y);
  double const from = std::min(s.gridFrom, s.gridTo), to = std::max(s.gridFrom, s.gridTo);
  if (from > p.xMin) p.shaded.emplace_back(p.xMin, std::min(from, p.xMax));
  if (to < p.xMax) p.shaded.emplace_back(std::max(to, p.xMin), p.xMax);
  p.markers = {{from, "grid from"}, {to, "grid to"}};
  p.flagged = detail::rawFlags(s);
  return p;
}

SvgPanel preprocessedSvgPanel(PreviewSpectrum const& s, PreviewData const& data,
                              std::size_t index) {
  SvgPanel p;
  p.cssClass = "pre";
  p.clipId = "clip-pre-" + std::to_string(index);
  p.shadeClass = "masked";
  p.offsetX = kPanelWidth + kPanelGap;
  std::vector<bool> const masked = detail::gridFlags(s);
  p.title = "preprocessed: " + std::to_string(data.wave.size()) + " points, " +
            std::to_string(std::count(masked.begin(), masked.end(), true)) + " masked";
  std::string frame = data.frame == "vacuum" || data.frame == "air" ? ", " + data.frame : "";
  if (data.restFrame) frame += ", rest frame";
  p.xLabel = "grid wavelength" + frame + " (\u00C5)";
  p.xMin = data.wave.front();
  p.xMax = data.wave.back();
  p.x = data.wave;
  p.y.assign(s.flux.begin(), s.flux.end());
  std::tie(p.yMin, p.yMax) = robustRange(p.y);
  p.shaded = detail::flaggedSpans(data.wave, masked);
  p.flagged = masked;
  return p;
}

constexpr char kStyle[] = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.4em; margin: 0 0 .2em; } h2 { font-size: 1.1em; margin: 0; font-family: monospace; }
code { font-size: .95em; word-break: break-all; }
section { border-top: 1px solid #ccc; padding: .8em 0; }
.meta, .path { margin: .15em 0; } .error { color: #a22; margin: .15em 0; }
svg { width: 100%; height: auto; display: block; }
svg text { font: 12px sans-serif; fill: #333; } svg text.title { font-weight: bold; }
svg text.note { fill: #a22; font-size: 14px; } svg text.edge-note { fill: #1e8c3c; stroke: #fff; stroke-width: 3px; paint-order: stroke; } svg text.readout { fill: #555; }
rect.frame { fill: none; stroke: #888; } line.grid { stroke: #e6e6e6; }
rect.masked { fill: #fcdada; } rect.cut { fill: #ececec; } line.edge { stroke: #1e8c3c; stroke-width: 1.5; }
polyline { fill: none; stroke-width: 1.2; stroke-linejoin: round; }
polyline.raw { stroke: #1f5ab4; } polyline.pre { stroke: #141414; }
path.bad { fill: none; stroke: #d22828; stroke-width: 1.6; }
.legend span { display: inline-block; margin-right: 1.2em; }
.legend i { display: inline-block; width: 22px; height: 10px; margin-right: .4em; vertical-align: middle; }
)";

constexpr char kScript[] = R"(
document.querySelectorAll('g.panel').forEach(function (g) {
  var svg = g.ownerSVGElement, out = g.querySelector('text.readout'), d = g.dataset;
  svg.addEventListener('mousemove', function (ev) {
    var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    var l = +d.left, t = +d.top, w = +d.width, h = +d.height;
    if (p.x < l || p.x > l + w || p.y < t || p.y > t + h) { out.textContent = ''; return; }
    var x = +d.x0 + (p.x - l) / w * (d.x1 - d.x0), y = +d.y1 - (p.y - t) / h * (d.y1 - d.y0);
    out.textContent = '\u03bb ' + x.toFixed(2) + ' \u00c5, flux ' + y.toPrecision(4);
  });
  svg.addEventListener('mouseleave', function () { out.textContent = ''; });
});
)";

}  // namespace

std::string renderPreviewHtml(PreviewData const& data) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>vocloud "
         "preview: "
      << escape(std::filesystem::path(data.datasetPath).filename().string()) << "</title>\n<style>"
      << kStyle << "</style>\n</head>\n<body>\n<header>\n<h1>vocloud preview</h1>\n";
  out << "<p>Data set <code>" << escape(data.datasetPath) << "</code>: grid of " << data.wave.size()
      << " points from " << num(data.wave.front(), "%.6g") << " to "
      << num(data.wave.back(), "%.6g") << " \u00C5"
      << (data.frame.empty()
              ? ""
              : " (" + escape(data.frame) + (data.restFrame ? ", rest frame" : "") + ")")
      << "; " << core::countOf(data.spectra.size(), "spectrum", "spectra")
      << ". Left: the raw file as stored; right: the preprocessed row.</p>\n";
  out << "<p class=\"legend\"><span><i style=\"background:#1f5ab4;height:3px\"></i>raw flux</span>"
         "<span><i style=\"background:#141414;height:3px\"></i>preprocessed flux</span>"
         "<span><i style=\"background:#d22828;height:3px\"></i>bad or masked pixels</span>"
         "<span><i style=\"background:#fcdada\"></i>masked (interpolated, no data)</span>"
         "<span><i style=\"background:#1e8c3c;height:3px\"></i>grid range in the file's "
         "frame</span>"
         "<span><i style=\"background:#ececec\"></i>cut (outside the grid)</span></p>\n</header>\n";
  for (std::size_t k = 0; k < data.spectra.size(); ++k) {
    PreviewSpectrum const& s = data.spectra[k];
    out << "<section class=\"spectrum\" id=\"spectrum-" << k << "\" data-id=\"" << escape(s.id)
        << "\">\n<h2>" << escape(s.id) << "</h2>\n<p class=\"meta\">"
        << escape(detail::describeSpectrum(s, " \u00B7 ")) << " \u00B7 row " << s.row
        << "</p>\n<p class=\"path\">raw file <code>" << escape(s.path) << "</code></p>\n";
    if (!s.rawRead) out << "<p class=\"error\">" << escape(s.rawError) << "</p>\n";
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << num(kSvgWidth, "%.0f")
        << " " << num(kSvgHeight, "%.0f") << "\" role=\"img\" aria-label=\"spectrum "
        << escape(s.id) << ": raw and preprocessed flux\">\n";
    writePanel(out, rawSvgPanel(s, data, k));
    writePanel(out, preprocessedSvgPanel(s, data, k));
    out << "</svg>\n</section>\n";
  }
  out << "<script>" << kScript << "</script>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace vocloud::preprocess
