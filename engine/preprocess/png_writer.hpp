#pragma once
// A minimal PNG encoder for 8-bit RGB images: signature, IHDR, IDAT (zlib), IEND, with a
// CRC-32 on every chunk. Each scanline gets the PNG filter (None, Sub, Up, Average, Paeth)
// with the smallest sum of absolute values, the heuristic the PNG specification suggests.
#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::preprocess {

/// An 8-bit RGB raster: `pixels` holds width * height * 3 bytes, row by row from the top,
/// each pixel R, G, B.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;
};

/// The bytes of a PNG file (colour type 2, bit depth 8, not interlaced) holding `image`.
/// Throws vocloud::Error ("png: ...") for an empty image, a pixel buffer of the wrong size,
/// or when zlib fails.
std::string encodePng(RgbImage const& image);

/// Writes encodePng(image) to `path` atomically (a temporary file, then rename).
/// Throws vocloud::Error naming the path when it cannot.
void writePng(RgbImage const& image, std::string const& path);

}  // namespace vocloud::preprocess
