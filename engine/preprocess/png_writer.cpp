#include "preprocess/png_writer.hpp"

#include "core/error.hpp"
#include "core/files.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>

namespace vocloud::preprocess {

namespace {

constexpr std::array<std::uint8_t, 8> kSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
// IDAT chunks are cut at this size; readers concatenate them.
constexpr std::size_t kIdatChunk = 1 << 20;

void appendBigEndian(std::string& out, std::uint32_t value) {
  out.push_back(static_cast<char>(value >> 24));
  out.push_back(static_cast<char>(value >> 16));
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value));
}

// length, type, data, CRC-32 of type + data
void appendChunk(std::string& out, char const* type, std::uint8_t const* data, std::size_t size) {
  appendBigEndian(out, static_cast<std::uint32_t>(size));
  std::size_t const start = out.size();
  out.append(type, 4);
  out.append(reinterpret_cast<char const*>(data), size);
  uLong const crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<Bytef const*>(out.data() + start),
                          static_cast<uInt>(size + 4));
  appendBigEndian(out, static_cast<std::uint32_t>(crc));
}

// The Paeth predictor of the PNG specification (section 9.4).
int paeth(int a, int b, int c) {
  int const p = a + b - c;
  int const pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// Filters one scanline with filter `type`; `prev` is the previous (unfiltered) scanline or
// zeros for the first. Bytes of the pixel to the left are 3 bytes back (RGB, 8 bit).
void filterRow(int type, std::uint8_t const* row, std::uint8_t const* prev, std::size_t n,
               std::uint8_t* out) {
  for (std::size_t i = 0; i < n; ++i) {
    int const a = i >= 3 ? row[i - 3] : 0;
    int const b = prev[i];
    int const c = i >= 3 ? prev[i - 3] : 0;
    int predictor = 0;
    switch (type) {
      case 1:
        predictor = a;
        break;
      case 2:
        predictor = b;
        break;
      case 3:
        predictor = (a + b) / 2;
        break;
      case 4:
        predictor = paeth(a, b, c);
        break;
      default:
        break;
    }
    out[i] = static_cast<std::uint8_t>(row[i] - predictor);
  }
}

// Every scanline preceded by its filter byte, filters chosen by the minimum sum of
// absolute differences (bytes read as signed).
std::vector<std::uint8_t> filteredScanlines(RgbImage const& image) {
  std::size_t const stride = static_cast<std::size_t>(image.width) * 3;
  std::vector<std::uint8_t> out((stride + 1) * static_cast<std::size_t>(image.height));
  std::vector<std::uint8_t> const zeros(stride, 0);
  std::vector<std::uint8_t> candidate(stride);
  for (int y = 0; y < image.height; ++y) {
    std::uint8_t const* row = image.pixels.data() + stride * static_cast<std::size_t>(y);
    std::uint8_t const* prev = y > 0 ? row - stride : zeros.data();
    std::uint8_t* dest = out.data() + (stride + 1) * static_cast<std::size_t>(y);
    std::uint64_t bestCost = std::numeric_limits<std::uint64_t>::max();
    for (int type = 0; type <= 4; ++type) {
      filterRow(type, row, prev, stride, candidate.data());
      std::uint64_t cost = 0;
      for (std::uint8_t v : candidate)
        cost += static_cast<std::uint64_t>(std::abs(static_cast<std::int8_t>(v)));
      if (cost < bestCost) {
        bestCost = cost;
        dest[0] = static_cast<std::uint8_t>(type);
        std::copy(candidate.begin(), candidate.end(), dest + 1);
      }
    }
  }
  return out;
}

}  // namespace

std::string encodePng(RgbImage const& image) {
  if (image.width <= 0 || image.height <= 0)
    throw Error("png: cannot encode an empty image (" + std::to_string(image.width) + " x " +
                std::to_string(image.height) + ")");
  std::size_t const expected =
      static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3;
  if (image.pixels.size() != expected)
    throw Error("png: pixel buffer holds " + std::to_string(image.pixels.size()) + " bytes, a " +
                std::to_string(image.width) + " x " + std::to_string(image.height) +
                " RGB image needs " + std::to_string(expected));

  std::vector<std::uint8_t> const raw = filteredScanlines(image);
  uLongf packedSize = compressBound(static_cast<uLong>(raw.size()));
  std::vector<std::uint8_t> packed(packedSize);
  int const rc =
      compress2(packed.data(), &packedSize, raw.data(), static_cast<uLong>(raw.size()), 9);
  if (rc != Z_OK) throw Error("png: zlib compress2 failed with code " + std::to_string(rc));

  std::string out(kSignature.begin(), kSignature.end());
  std::uint8_t header[13] = {};
  auto put32 = [&](int at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) header[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  };
  put32(0, static_cast<std::uint32_t>(image.width));
  put32(4, static_cast<std::uint32_t>(image.height));
  header[8] = 8;   // bit depth
  header[9] = 2;   // colour type: RGB
  header[10] = 0;  // compression: deflate
  header[11] = 0;  // filter method 0 (adaptive, five filter types)
  header[12] = 0;  // no interlace
  appendChunk(out, "IHDR", header, sizeof header);
  for (std::size_t at = 0; at < packedSize; at += kIdatChunk)
    appendChunk(out, "IDAT", packed.data() + at,
                std::min<std::size_t>(kIdatChunk, packedSize - at));
  appendChunk(out, "IEND", nullptr, 0);
  return out;
}

void writePng(RgbImage const& image, std::string const& path) {
  core::writeFileAtomic(path, encodePng(image));
}

}  // namespace vocloud::preprocess
