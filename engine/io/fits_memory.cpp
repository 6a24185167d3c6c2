// FitsMemory: HDUs found by walking headers and their declared sizes, data bytes on
// demand, and image reads.
#include "io/fits_memory.hpp"

#include "io/fits_memory_convert.hpp"
#include "io/fits_read.hpp"

#include <algorithm>
#include <cstring>

namespace vocloud::io::detail {

namespace {

using Reason = ReadError::Reason;

std::size_t roundUpToBlock(std::uint64_t bytes) {
  return static_cast<std::size_t>((bytes + kFitsBlock - 1) / kFitsBlock * kFitsBlock);
}

// The element letter of an image's BITPIX.
char imageType(int bitpix) {
  switch (bitpix) {
    case 8:
      return 'B';
    case 16:
      return 'I';
    case 32:
      return 'J';
    case 64:
      return 'K';
    case -32:
      return 'E';
    case -64:
      return 'D';
    default:
      return 0;
  }
}

// a * b, false on overflow.
bool multiply(std::uint64_t& a, std::uint64_t b) {
  return !__builtin_mul_overflow(a, b, &a);
}

}  // namespace

long long FitsHdu::pixels() const {
  if (axes.empty()) return 0;
  long long n = 1;
  for (long long axis : axes) n *= axis;  // bounded: the walk checked the data size
  return n;
}

FitsMemory::FitsMemory(FileBytes bytes) : _bytes(std::move(bytes)) {}

FitsMemory::FitsMemory(std::string path, ByteBuffer bytes)
    : _bytes(std::move(path), std::move(bytes)) {}

bool FitsMemory::parseNext() const {
  if (_ended) return false;
  std::size_t const size = _bytes.size();
  int const number = static_cast<int>(_hdus.size()) + 1;
  std::size_t start = 0;
  if (!_hdus.empty()) {
    FitsHdu const& last = _hdus.back();
    requireData(last);  // an HDU after cut data: the file is truncated
    std::uint64_t const next = last.dataStart + roundUpToBlock(last.dataBytes);
    // The end, or bytes after the last HDU that are not one (ignored, as astropy does); a
    // cut XTENSION card is the start of a truncated HDU.
    std::size_t const present = next < size ? std::min<std::size_t>(8, size - next) : 0;
    if (present == 0 ||
        std::memcmp(_bytes.ensure(next, present) + next, "XTENSION", present) != 0) {
      _ended = true;
      return false;
    }
    start = static_cast<std::size_t>(next);
  }
  // Cards up to END, loading the header a block at a time (FileBytes reads ahead).
  char const* file = nullptr;
  std::size_t cards = 0, position = start;
  for (; position + kFitsCard <= size; position += kFitsCard, ++cards) {
    if (file == nullptr || (position - start) % kFitsBlock == 0)
      file = _bytes.ensure(position, kFitsBlock);
    if (std::memcmp(file + position, "END     ", 8) == 0) break;
  }
  if (position + kFitsCard > size)
    throw ReadError(Reason::Truncated, path(),
                    "the header of HDU " + std::to_string(number) +
                        " has no END card before the end of the file");

  FitsHdu hdu;
  hdu.number = number;
  hdu.headerStart = start;
  hdu.dataStart = start + roundUpToBlock((cards + 1) * kFitsCard);
  hdu.header = FitsHeader(file + start, static_cast<int>(cards));
  FitsHeader const& header = hdu.header;
  auto malformed = [&](std::string const& what) {
    return ReadError(Reason::Unreadable, path(), "HDU " + std::to_string(number) + " " + what);
  };
  if (number > 1) {
    std::string const xtension = header.string("XTENSION").value_or("");
    hdu.xtension = xtension;
    if (xtension == "IMAGE" || xtension == "IUEIMAGE")
      hdu.kind = HduKind::Image;
    else if (xtension == "BINTABLE" || xtension == "A3DTABLE")
      hdu.kind = HduKind::BinaryTable;
    else if (xtension == "TABLE")
      hdu.kind = HduKind::AsciiTable;
    else
      hdu.kind = HduKind::Other;
  }
  auto const bitpix = header.integer("BITPIX");
  if (!bitpix || imageType(static_cast<int>(*bitpix)) == 0)
    throw malformed(bitpix ? "has BITPIX " + std::to_string(*bitpix) : "has no BITPIX");
  hdu.bitpix = static_cast<int>(*bitpix);
  auto const naxis = header.integer("NAXIS");
  if (!naxis || *naxis < 0 || *naxis > 999) throw malformed("has no valid NAXIS");
  static constexpr char const* kAxisKeys[] = {"NAXIS1", "NAXIS2", "NAXIS3", "NAXIS4", "NAXIS5"};
  hdu.axes.reserve(static_cast<std::size_t>(*naxis));
  for (long long k = 1; k <= *naxis; ++k) {
    std::string const key = k <= 5 ? kAxisKeys[k - 1] : "NAXIS" + std::to_string(k);
    auto const length = header.integer(key);
    if (!length || *length < 0) throw malformed("has no valid " + key);
    hdu.axes.push_back(*length);
  }
  bool const groups = number == 1 && !hdu.axes.empty() && hdu.axes[0] == 0 &&
                      header.logical("GROUPS").value_or(false);
  if (number > 1 || groups) {
    hdu.pcount = header.integer("PCOUNT").value_or(0);
    hdu.gcount = header.integer("GCOUNT").value_or(1);
    if (hdu.pcount < 0 || hdu.gcount < 0) throw malformed("has a negative PCOUNT or GCOUNT");
  }
  // Nbits = |BITPIX| * GCOUNT * (PCOUNT + NAXIS1 * ... * NAXISn), random groups without
  // NAXIS1; no data when NAXIS = 0.
  std::uint64_t elements = 0;
  if (!hdu.axes.empty()) {
    elements = 1;
    for (std::size_t k = groups ? 1 : 0; k < hdu.axes.size(); ++k)
      if (!multiply(elements, static_cast<std::uint64_t>(hdu.axes[k])))
        throw malformed("declares an impossible data size");
  }
  std::uint64_t bytes = elements + static_cast<std::uint64_t>(hdu.pcount);
  if (bytes < elements || !multiply(bytes, static_cast<std::uint64_t>(hdu.gcount)) ||
      !multiply(bytes, static_cast<std::uint64_t>(std::abs(hdu.bitpix) / 8)) ||
      bytes > (1ull << 60))
    throw malformed("declares an impossible data size");
  hdu.dataBytes = bytes;
  _hdus.push_back(std::move(hdu));
  return true;
}

FitsHdu const* FitsMemory::find(int number) const {
  if (number < 1) return nullptr;
  while (static_cast<int>(_hdus.size()) < number)
    if (!parseNext()) return nullptr;
  return &_hdus[static_cast<std::size_t>(number - 1)];
}

FitsHdu const& FitsMemory::hdu(int number) const {
  FitsHdu const* found = find(number);
  if (found == nullptr)
    throw ReadError(Reason::UnknownLayout, path(), "the file has no HDU " + std::to_string(number));
  return *found;
}

int FitsMemory::hduCount() const {
  while (parseNext()) {
  }
  return static_cast<int>(_hdus.size());
}

void FitsMemory::requireData(FitsHdu const& hdu) const {
  std::size_t const size = _bytes.size();
  if (hdu.dataStart > size || hdu.dataBytes > size - hdu.dataStart) {
    long long const available =
        static_cast<long long>(size) - static_cast<long long>(hdu.dataStart);
    throw ReadError(Reason::Truncated, path(),
                    "HDU " + std::to_string(hdu.number) + " declares " +
                        std::to_string(hdu.dataBytes) + " bytes of data but the file holds " +
                        std::to_string(std::max(0LL, available)));
  }
  // Some writers leave the padding out of the last HDU; a file that ends part of the way
  // through it was cut.
  std::uint64_t const end = hdu.dataStart + hdu.dataBytes;
  if (size > end && size < hdu.dataStart + roundUpToBlock(hdu.dataBytes))
    throw ReadError(
        Reason::Truncated, path(),
        "the file ends inside the padding after the data of HDU " + std::to_string(hdu.number));
}

char const* FitsMemory::bytes(FitsHdu const& hdu, std::uint64_t offset,
                              std::uint64_t length) const {
  requireData(hdu);
  if (offset > hdu.dataBytes || length > hdu.dataBytes - offset)
    throw ReadError(Reason::Unreadable, path(),
                    "bytes " + std::to_string(offset) + " to " + std::to_string(offset + length) +
                        " are outside the " + std::to_string(hdu.dataBytes) +
                        " bytes of data of HDU " + std::to_string(hdu.number));
  return _bytes.ensure(hdu.dataStart + offset, length) + hdu.dataStart + offset;
}

namespace {

using namespace fitsconvert;

// Pixels [first, first + count) of an image HDU converted by the functor makeConvert gives
// for (scale, zero, blank): the checks every image read makes, then one conversion loop.
template <typename Out, typename MakeConvert>
std::vector<Out> readImage(FitsMemory const& file, FitsHdu const& hdu, long long first,
                           long long count, MakeConvert const& makeConvert) {
  if (hdu.kind != HduKind::Image)
    throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                    "HDU " + std::to_string(hdu.number) + " is not an image");
  long long const pixels = hdu.pixels();
  if (first < 0 || count < 0 || first > pixels || count > pixels - first)
    throw ReadError(ReadError::Reason::WrongSizes, file.path(),
                    "pixels " + std::to_string(first) + " to " + std::to_string(first + count) +
                        " are outside the " + std::to_string(pixels) + "-pixel image of HDU " +
                        std::to_string(hdu.number));
  std::size_t const size = static_cast<std::size_t>(std::abs(hdu.bitpix) / 8);
  char const* const data = file.bytes(hdu, static_cast<std::uint64_t>(first) * size,
                                      static_cast<std::uint64_t>(count) * size);
  std::vector<Out> out(static_cast<std::size_t>(count));
  FitsHeader const& header = hdu.header;
  double const scale = header.number("BSCALE").value_or(1.0);
  double const zero = header.number("BZERO").value_or(0.0);
  std::optional<long long> const blank =
      hdu.bitpix > 0 ? header.integer("BLANK") : std::optional<long long>();
  withRawType(imageType(hdu.bitpix), [&](auto raw) {
    using Raw = decltype(raw);
    makeConvert(scale, zero, blank, [&](auto const& convert) {
      convertRun<Raw>(data, size, out.size(), out.data(), convert);
    });
  });
  return out;
}

// Calls run(convert) with the cheapest conversion to float type Out that gives the value.
template <typename Out>
struct NumberConversion {
  template <typename Run>
  void operator()(double scale, double zero, std::optional<long long> blank, Run const& run) const {
    if (blank)
      run(ScaledBlank<Out>{*blank, scale, zero});
    else if (scale != 1.0 || zero != 0.0)
      run(Scaled<Out>{scale, zero});
    else
      run(Plain<Out>{});
  }
};

struct MaskConversion {
  template <typename Run>
  void operator()(double scale, double zero, std::optional<long long> blank, Run const& run) const {
    if (!blank && scale == 1.0 && zero == 0.0)
      run(MaskPlain{});
    else
      run(MaskOfNumber{scale, zero, blank.has_value(), blank.value_or(0)});
  }
};

}  // namespace

std::vector<double> readImageDoubles(FitsMemory const& file, FitsHdu const& hdu, long long first,
                                     long long count) {
  return readImage<double>(file, hdu, first, count, NumberConversion<double>{});
}

std::vector<float> readImageFloats(FitsMemory const& file, FitsHdu const& hdu, long long first,
                                   long long count) {
  return readImage<float>(file, hdu, first, count, NumberConversion<float>{});
}

std::vector<std::uint32_t> readImageMask(FitsMemory const& file, FitsHdu const& hdu,
                                         long long first, long long count) {
  return readImage<std::uint32_t>(file, hdu, first, count, MaskConversion{});
}

}  // namespace vocloud::io::detail
