// The PNG encoder, checked by an independent decoder (png_check.py: Python's zlib and
// struct): chunk CRCs, IHDR, inflated IDAT, all five scanline filters undone, pixels equal.
#include "core/error.hpp"
#include "preprocess/png_writer.hpp"
#include "preview_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>

namespace pre = vocloud::preprocess;
using namespace preview_test;

namespace {

// Smooth gradients, a hard-edged block, stripes and pseudo-random noise, so that the
// encoder's choice of filter varies between rows.
pre::RgbImage testImage(int width, int height) {
  pre::RgbImage image;
  image.width = width;
  image.height = height;
  image.pixels.resize(static_cast<std::size_t>(width) * height * 3);
  std::uint32_t state = 12345;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      std::uint8_t* p = image.pixels.data() + (static_cast<std::size_t>(y) * width + x) * 3;
      if (y < height / 4) {  // horizontal gradient
        p[0] = static_cast<std::uint8_t>(x * 255 / std::max(1, width - 1));
        p[1] = static_cast<std::uint8_t>(y * 3);
        p[2] = 128;
      } else if (y < height / 2) {  // vertical gradient with a block
        bool const block = x > width / 3 && x < 2 * width / 3;
        p[0] = block ? 250 : static_cast<std::uint8_t>(y * 2);
        p[1] = block ? 10 : static_cast<std::uint8_t>(255 - y);
        p[2] = static_cast<std::uint8_t>((x + y) & 0xFF);
      } else if (y < 3 * height / 4) {  // stripes
        std::uint8_t const v = (x / 3 + y / 2) % 2 ? 255 : 0;
        p[0] = p[1] = p[2] = v;
      } else {  // noise
        for (int k = 0; k < 3; ++k) {
          state = state * 1664525u + 1013904223u;
          p[k] = static_cast<std::uint8_t>(state >> 24);
        }
      }
    }
  return image;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(png_writer)

BOOST_AUTO_TEST_CASE(python_decodes_the_pixels_that_were_encoded) {
  Scratch scratch("png");
  for (auto const& [width, height] :
       {std::pair{1, 1}, std::pair{3, 2}, std::pair{97, 64}, std::pair{640, 480}}) {
    pre::RgbImage const image = testImage(width, height);
    std::string const name = std::to_string(width) + "x" + std::to_string(height);
    pre::writePng(image, (scratch.path / (name + ".png")).string());
    writeBytes(
        scratch.path / (name + ".rgb"),
        std::string(reinterpret_cast<char const*>(image.pixels.data()), image.pixels.size()));
    BOOST_TEST_INFO("image " << name);
    BOOST_TEST(check("decode " + quote((scratch.path / (name + ".png")).string()) + " " +
                     quote((scratch.path / (name + ".rgb")).string())) == 0);
  }
}

BOOST_AUTO_TEST_CASE(starts_with_the_signature_and_a_13_byte_ihdr) {
  std::string const png = pre::encodePng(testImage(5, 4));
  std::string const expected("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x05\0\0\0\x04\x08\x02\0\0\0",
                             8 + 8 + 13);
  BOOST_TEST(png.substr(0, expected.size()) == expected);
  // IEND: zero length, type, and its fixed CRC AE 42 60 82.
  BOOST_TEST(png.substr(png.size() - 12) == std::string("\0\0\0\0IEND\xae\x42\x60\x82", 12));
}

BOOST_AUTO_TEST_CASE(rejects_empty_images_and_wrong_buffers) {
  pre::RgbImage empty;
  BOOST_CHECK_THROW(pre::encodePng(empty), vocloud::Error);
  pre::RgbImage wrong = testImage(4, 4);
  wrong.pixels.pop_back();
  try {
    pre::encodePng(wrong);
    BOOST_FAIL("a short pixel buffer was encoded");
  } catch (vocloud::Error const& e) {
    BOOST_TEST(std::string(e.what()).find("png: pixel buffer holds 47 bytes") == 0);
  }
}

BOOST_AUTO_TEST_SUITE_END()
