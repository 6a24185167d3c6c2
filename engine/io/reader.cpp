// readSpectrum(): opens the file once, recognises FITS (plain or compressed), XML (VOTable)
// and text by its first bytes, detects the FITS layout from content (in memory, reading only
// what the layout needs: fits_memory.hpp), dispatches to the layout reader and checks what
// it read. Every failure leaves as a ReadError naming the path.
#include "io/reader.hpp"
#include "io/votable.hpp"

#include "io/fits_file.hpp"
#include "io/fits_memory.hpp"
#include "io/fits_read.hpp"
#include "io/layout_readers.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <new>
#include <string_view>

namespace vocloud::io {

namespace {

namespace fs = std::filesystem;
using Reason = ReadError::Reason;

constexpr std::size_t kHeadBytes = 2880;  // one FITS block: enough to tell what a file is

enum class Content { Fits, Gzip, OtherCompressed, Xml, Text, Binary };

Content classify(std::string_view head) {
  auto startsWith = [&](char const* magic, std::size_t n) {
    return head.size() >= n && std::memcmp(head.data(), magic, n) == 0;
  };
  if (startsWith("SIMPLE  =", 9)) return Content::Fits;
  if (startsWith("\x1f\x8b", 2)) return Content::Gzip;
  // unix compress (libarchive), pack and pkzip (CFITSIO, which fails on pkzip in 4.2)
  if (startsWith("\x1f\x9d", 2) || startsWith("\x1f\x1e", 2) || startsWith("PK\x03\x04", 4))
    return Content::OtherCompressed;
  std::size_t start = startsWith("\xef\xbb\xbf", 3) ? 3 : 0;
  while (start < head.size() && std::isspace(static_cast<unsigned char>(head[start]))) ++start;
  if (start < head.size() && head[start] == '<') return Content::Xml;
  std::size_t control = 0;
  for (unsigned char c : head) {
    if (c == 0) return Content::Binary;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++control;
  }
  return control * 100 > head.size() ? Content::Binary : Content::Text;
}

// A file's bytes, or its content when it is gzip-compressed, and what that content is.
struct Loaded {
  Content content;
  detail::FileBytes bytes;
};

// Opens `path` and inflates gzip content, whatever the file's name: a .fits.gz, a .vot.gz,
// a .csv.gz, or gzip under a plain name are judged by what they hold.
// Inflating stops at inflateLimit(options, ...): a gzip bomb is TooLarge, not out of memory.
Loaded load(std::string const& path, ReadOptions const& options) {
  detail::FileBytes bytes = detail::FileBytes::open(path);
  Content const content = classify(bytes.head(kHeadBytes));
  if (content != Content::Gzip) return {content, std::move(bytes)};
  std::string_view const packed = bytes.all();
  detail::GzipContent inflated = detail::inflateGzip(packed, inflateLimit(options, packed.size()));
  if (inflated.tooLarge)
    throw ReadError(Reason::TooLarge, path, detail::inflatedTooLarge(packed.size(), options));
  std::string_view const view = inflated.bytes.view();
  Content const inner = classify(view.substr(0, kHeadBytes));
  bool const known = inner == Content::Fits || inner == Content::Xml || inner == Content::Text;
  if (!inflated.problem.empty() && (known || view.size() < 9))
    throw ReadError(Reason::Unreadable, path, inflated.problem);
  // A cut FITS stream is judged by the FITS layer (a lost trailer is harmless); a cut text
  // or VOTable is not complete.
  if (!inflated.complete && (inner != Content::Fits || view.size() < 9))
    throw ReadError(
        Reason::Truncated, path,
        "the gzip stream ends early, after " + std::to_string(view.size()) + " bytes of content");
  if (!known)
    throw ReadError(Reason::NotFits, path,
                    "gzip-compressed, but the content is not FITS, a VOTable or text");
  return {inner, detail::FileBytes(path, std::move(inflated.bytes))};
}

// The FITS file `loaded` (plain, inflated or compressed otherwise) in memory.
detail::FitsMemory fitsInMemory(Loaded& loaded, ReadOptions const& options) {
  if (loaded.content == Content::OtherCompressed)
    return detail::FitsMemory::fromCompressed(loaded.bytes.path(), loaded.bytes.all(), options);
  return detail::FitsMemory(std::move(loaded.bytes));
}

void readFitsLayout(detail::FitsMemory const& file, detail::FitsLayout const& layout,
                    ReadOptions const& options, Spectrum& out) {
  using namespace detail;
  std::string const& name = layout.name;
  FitsHeader const& primary = file.hdu(1).header;
  if (name == kSdss)
    readSdss(file, layout.hdu, primary, out);
  else if (name == kLamostDr1 || name == kLamostDr2)
    readLamostImage(file, primary, out);
  else if (name == kLamostDr8)
    readLamostDr8(file, layout.hdu, primary, out);
  else if (name == kOndrejovRaw)
    readOndrejovRaw(file, primary, out);
  else if (name == kOndrejovSsap)
    readOndrejovSsap(file, layout.hdu, primary, out);
  else if (name == kImageLinear || name == kImageLogLinear)
    readFitsImage(file, layout.hdu, primary, out);
  else
    readFitsTable(file, layout.hdu, options, primary, out);
}

// What every layout must give: equal lengths, at least one point, some finite values.
void checkSpectrum(Spectrum const& s) {
  std::size_t const n = s.wave.size();
  if (n == 0 || s.flux.empty())
    throw ReadError(Reason::ZeroLength, s.path, "the " + s.layout + " spectrum has no points");
  if (s.flux.size() != n || (!s.ivar.empty() && s.ivar.size() != n) ||
      (!s.mask.empty() && s.mask.size() != n))
    throw ReadError(Reason::WrongSizes, s.path,
                    "wavelength " + std::to_string(n) + ", flux " + std::to_string(s.flux.size()) +
                        ", ivar " + std::to_string(s.ivar.size()) + ", mask " +
                        std::to_string(s.mask.size()) + " values");
  auto finite = [](auto x) { return std::isfinite(x); };
  if (std::none_of(s.flux.begin(), s.flux.end(), finite))
    throw ReadError(Reason::AllNonFinite, s.path, "every flux value is NaN or inf");
  if (std::none_of(s.wave.begin(), s.wave.end(), finite))
    throw ReadError(Reason::AllNonFinite, s.path, "every wavelength is NaN or inf");
}

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", x);
  return text;
}

// The wavelength axis every layout must give: two points or more, each finite and positive,
// strictly monotonic (descending axes are read as they are: resampling takes both ways).
void checkWavelengthAxis(Spectrum const& s) {
  std::vector<double> const& w = s.wave;
  if (w.size() < 2)
    throw ReadError(Reason::TooFewPoints, s.path,
                    "the " + s.layout + " spectrum has 1 point; a spectrum needs 2 or more");
  for (std::size_t i = 0; i < w.size(); ++i)
    if (!std::isfinite(w[i]) || w[i] <= 0)
      throw ReadError(Reason::BadWavelength, s.path,
                      "wavelength " + std::to_string(i + 1) + " of " + std::to_string(w.size()) +
                          " is " + number(w[i]) + " Å (must be finite and positive)");
  if (std::adjacent_find(w.begin(), w.end(), std::not_equal_to<>()) == w.end())
    throw ReadError(Reason::BadWavelength, s.path,
                    "every wavelength is " + number(w.front()) + " Å (a constant axis)");
  bool const ascending = w.front() < w.back();
  for (std::size_t i = 1; i < w.size(); ++i)
    if (ascending ? !(w[i] > w[i - 1]) : !(w[i] < w[i - 1]))
      throw ReadError(Reason::BadWavelength, s.path,
                      "the wavelengths are not strictly " +
                          std::string(ascending ? "increasing" : "decreasing") + ": point " +
                          std::to_string(i + 1) + " is " + number(w[i]) + " Å after " +
                          number(w[i - 1]) + " Å");
}

template <typename Body>
auto guarded(std::string const& path, Body body) {
  try {
    return body();
  } catch (ReadError const&) {
    throw;
  } catch (FitsError const& e) {
    throw ReadError(detail::reasonForStatus(e.status()), path, e.what());
  } catch (std::bad_alloc const&) {
    throw ReadError(Reason::Unreadable, path, "out of memory");
  } catch (std::exception const& e) {
    throw ReadError(Reason::Unreadable, path, e.what());
  }
}

}  // namespace

namespace detail {

std::string fileStem(std::string const& path) {
  std::string name = fs::path(path).filename().string();
  auto strip = [&](std::initializer_list<char const*> extensions) {
    for (char const* ext : extensions) {
      std::size_t const n = std::strlen(ext);
      if (name.size() > n && lowerCase(name.substr(name.size() - n)) == ext) {
        name.erase(name.size() - n);
        return;
      }
    }
  };
  strip({".gz", ".bz2", ".z"});
  strip({".fits", ".fit", ".fts", ".csv", ".txt", ".asc", ".dat"});
  return name;
}

}  // namespace detail

Spectrum readSpectrum(std::string const& path, ReadOptions const& options) {
  return guarded(path, [&] {
    Loaded loaded = load(path, options);
    Spectrum out;
    out.path = path;
    switch (loaded.content) {
      case Content::Fits:
      case Content::OtherCompressed: {
        detail::FitsMemory const file = fitsInMemory(loaded, options);
        auto const layout = detail::detectFitsLayout(file, options);
        out.layout = layout.name;
        readFitsLayout(file, layout, options, out);
        break;
      }
      case Content::Text: {
        out.layout = detail::kText;
        detail::readTextSpectrum(path, std::string(loaded.bytes.all()), options, out);
        break;
      }
      case Content::Xml: {
        if (!looksLikeVoTable(std::string(loaded.bytes.head(kHeadBytes))))
          throw ReadError(Reason::UnknownLayout, path, "an XML document that is not a VOTable");
        out = voTableSpectrum(path, std::string(loaded.bytes.all()), options);
        out.path = path;
        break;
      }
      case Content::Gzip:
      case Content::Binary:
        throw ReadError(Reason::NotFits, path, "no FITS SIMPLE card and not text");
    }
    if (out.meta.id.empty()) out.meta.id = detail::fileStem(path);
    checkSpectrum(out);
    checkWavelengthAxis(out);
    return out;
  });
}

std::string detectLayout(std::string const& path) {
  return guarded(path, [&]() -> std::string {
    Loaded loaded = load(path, ReadOptions{});
    switch (loaded.content) {
      case Content::Fits:
      case Content::OtherCompressed: {
        detail::FitsMemory const file = fitsInMemory(loaded, ReadOptions{});
        return detail::detectFitsLayout(file, ReadOptions{}).name;
      }
      case Content::Text:
        return detail::kText;
      case Content::Xml:
        if (looksLikeVoTable(std::string(loaded.bytes.head(kHeadBytes)))) return "votable";
        throw ReadError(Reason::UnknownLayout, path, "an XML document that is not a VOTable");
      case Content::Gzip:
      case Content::Binary:
        break;
    }
    throw ReadError(Reason::NotFits, path, "no FITS SIMPLE card and not text");
  });
}

}  // namespace vocloud::io
