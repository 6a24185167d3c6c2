// readSpectrum(): checks the file, recognises FITS (plain or compressed), XML and text by
// their first bytes, detects the FITS layout from content, dispatches to the layout
// reader and checks what it read. Every failure leaves as a ReadError naming the path.
#include "io/reader.hpp"
#include "io/votable.hpp"

#include "io/fits_read.hpp"
#include "io/layout_readers.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>

namespace vocloud::io {

namespace {

namespace fs = std::filesystem;
using Reason = ReadError::Reason;

constexpr std::size_t kHeadBytes = 2880;  // one FITS block: enough to tell what a file is

enum class Content { Fits, Gzip, OtherCompressed, Xml, Text, Binary };

// An open file descriptor, closed on scope exit.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : _fd(fd) {}
  FileDescriptor(FileDescriptor const&) = delete;
  FileDescriptor& operator=(FileDescriptor const&) = delete;
  ~FileDescriptor() {
    if (_fd >= 0) ::close(_fd);
  }
  int get() const { return _fd; }

 private:
  int _fd;
};

// The first bytes of a regular, non-empty file; throws NotFound, Unreadable, ZeroLength.
// O_NONBLOCK: opening a FIFO by mistake must not wait for a writer.
std::string readHead(std::string const& path) {
  FileDescriptor const fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) {
    int const error = errno;
    if (error == ENOENT || error == ENOTDIR)
      throw ReadError(Reason::NotFound, path, "no such file");
    throw ReadError(Reason::Unreadable, path, std::strerror(error));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0)
    throw ReadError(Reason::Unreadable, path, std::strerror(errno));
  if (S_ISDIR(info.st_mode)) throw ReadError(Reason::Unreadable, path, "is a directory");
  if (!S_ISREG(info.st_mode)) throw ReadError(Reason::Unreadable, path, "not a regular file");
  if (info.st_size == 0) throw ReadError(Reason::ZeroLength, path, "the file is empty (0 bytes)");
  std::string head(std::min<std::size_t>(kHeadBytes, static_cast<std::size_t>(info.st_size)), '\0');
  std::size_t got = 0;
  while (got < head.size()) {
    ssize_t const n = ::read(fd.get(), head.data() + got, head.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ReadError(Reason::Unreadable, path, std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  head.resize(got);
  if (head.empty()) throw ReadError(Reason::ZeroLength, path, "the file is empty (0 bytes)");
  return head;
}

Content classify(std::string const& head) {
  auto startsWith = [&](char const* magic, std::size_t n) {
    return head.size() >= n && std::memcmp(head.data(), magic, n) == 0;
  };
  if (startsWith("SIMPLE  =", 9)) return Content::Fits;
  if (startsWith("\x1f\x8b", 2)) return Content::Gzip;
  // unix compress, pack, pkzip: CFITSIO uncompresses these too
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

// The first bytes of a gzip stream's content ("" when it cannot be inflated).
std::string gunzipHead(std::string const& path) {
  struct GzClose {
    void operator()(gzFile_s* file) const { gzclose(file); }
  };
  std::unique_ptr<gzFile_s, GzClose> file(gzopen(path.c_str(), "rb"));
  if (!file) return {};
  char buffer[80] = {};
  int const n = gzread(file.get(), buffer, sizeof buffer);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

FitsFile openFits(std::string const& path, Content content) {
  try {
    return FitsFile::open(path);
  } catch (FitsError const& e) {
    if (content == Content::Gzip && gunzipHead(path).rfind("SIMPLE  =", 0) != 0)
      throw ReadError(Reason::NotFits, path, "gzip-compressed, but the content is not FITS");
    throw ReadError(detail::reasonForStatus(e.status()), path, e.what());
  }
}

void readFitsLayout(FitsFile const& file, detail::FitsLayout const& layout,
                    ReadOptions const& options, Spectrum& out) {
  using namespace detail;
  std::string const& name = layout.name;
  Header const& primary = layout.primary;
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
    readFitsImage(file, layout.hdu, name == kImageLogLinear, primary, out);
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
    fits_clear_errmsg();  // CFITSIO keeps a global message stack; start clean
    std::string const head = readHead(path);
    Content const content = classify(head);
    Spectrum out;
    out.path = path;
    switch (content) {
      case Content::Fits:
      case Content::Gzip:
      case Content::OtherCompressed: {
        FitsFile file = openFits(path, content);
        auto const layout = detail::detectFitsLayout(file, options);
        out.layout = layout.name;
        readFitsLayout(file, layout, options, out);
        break;
      }
      case Content::Text: {
        std::ifstream in(path, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in && !in.eof()) throw ReadError(Reason::Unreadable, path, std::strerror(errno));
        out.layout = detail::kText;
        detail::readTextSpectrum(path, text, options, out);
        break;
      }
      case Content::Xml: {
        if (!looksLikeVoTable(head))
          throw ReadError(Reason::UnknownLayout, path, "an XML document that is not a VOTable");
        std::string const keep = out.path;
        out = readVoTableSpectrum(path, options);
        out.path = keep;
        break;
      }
      case Content::Binary:
        throw ReadError(Reason::NotFits, path, "no FITS SIMPLE card and not text");
    }
    if (out.meta.id.empty()) out.meta.id = detail::fileStem(path);
    checkSpectrum(out);
    return out;
  });
}

std::string detectLayout(std::string const& path) {
  return guarded(path, [&]() -> std::string {
    fits_clear_errmsg();
    std::string const head = readHead(path);
    Content const content = classify(head);
    switch (content) {
      case Content::Fits:
      case Content::Gzip:
      case Content::OtherCompressed: {
        FitsFile file = openFits(path, content);
        return detail::detectFitsLayout(file, ReadOptions{}).name;
      }
      case Content::Text:
        return detail::kText;
      case Content::Xml:
        if (looksLikeVoTable(head)) return "votable";
        throw ReadError(Reason::UnknownLayout, path, "an XML document that is not a VOTable");
      case Content::Binary:
        break;
    }
    throw ReadError(Reason::NotFits, path, "no FITS SIMPLE card and not text");
  });
}

}  // namespace vocloud::io
