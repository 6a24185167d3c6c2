#pragma once
// Big-endian element conversion shared by image and table reads of the in-memory FITS path:
// loads with a byte swap, and per-element conversions (plain, TSCAL/TZERO or BSCALE/BZERO,
// BLANK, mask values) applied in loops the compiler can vectorise when the elements are
// contiguous. Internal to fits_memory*.cpp.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace vocloud::io::detail::fitsconvert {

/// A FITS logical (L) byte: 'T', 'F', or 0 for undefined.
struct LogicalByte {
  unsigned char c;
};

/// The element at `p` (big-endian, unaligned) as a native value.
template <typename Raw>
inline Raw loadBig(char const* p) {
  if constexpr (std::is_same_v<Raw, LogicalByte>) {
    return LogicalByte{static_cast<unsigned char>(*p)};
  } else if constexpr (sizeof(Raw) == 1) {
    Raw value;
    std::memcpy(&value, p, 1);
    return value;
  } else {
    using Bits = std::conditional_t<sizeof(Raw) == 2, std::uint16_t,
                                    std::conditional_t<sizeof(Raw) == 4, std::uint32_t,
                                                       std::uint64_t>>;
    Bits bits;
    std::memcpy(&bits, p, sizeof bits);
    if constexpr (sizeof(Raw) == 2)
      bits = __builtin_bswap16(bits);
    else if constexpr (sizeof(Raw) == 4)
      bits = __builtin_bswap32(bits);
    else
      bits = __builtin_bswap64(bits);
    Raw value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
}

/// The number an element stands for (a logical is 1 for 'T', else 0).
template <typename Raw>
inline auto numberOf(Raw raw) {
  if constexpr (std::is_same_v<Raw, LogicalByte>)
    return static_cast<int>(raw.c == 'T');
  else
    return raw;
}

/// Mask value of a number: NaN, negative and too large values are bad (0xFFFFFFFF), others
/// round to nearest. The same rule as maskFromNumber in fits_read.hpp.
inline std::uint32_t maskOfNumber(double value) {
  if (!(value >= 0 && value < 4294967295.0)) return 0xFFFFFFFFu;
  return static_cast<std::uint32_t>(value + 0.5);
}

/// Elements as stored, converted to Out.
template <typename Out>
struct Plain {
  template <typename Raw>
  Out operator()(Raw raw) const {
    return static_cast<Out>(numberOf(raw));
  }
};

/// raw * scale + zero, computed in double (as CFITSIO and astropy do), converted to Out.
template <typename Out>
struct Scaled {
  double scale, zero;
  template <typename Raw>
  Out operator()(Raw raw) const {
    return static_cast<Out>(static_cast<double>(numberOf(raw)) * scale + zero);
  }
};

/// Scaled, with integer pixels equal to BLANK undefined (NaN).
template <typename Out>
struct ScaledBlank {
  long long blank;
  double scale, zero;
  template <typename Raw>
  Out operator()(Raw raw) const {
    if constexpr (std::is_integral_v<Raw>)
      if (static_cast<long long>(raw) == blank) return std::numeric_limits<Out>::quiet_NaN();
    return static_cast<Out>(static_cast<double>(numberOf(raw)) * scale + zero);
  }
};

/// Mask value of the scaled number (maskOfNumber); integer pixels equal to BLANK are bad.
struct MaskOfNumber {
  double scale, zero;
  bool hasBlank;
  long long blank;
  template <typename Raw>
  std::uint32_t operator()(Raw raw) const {
    if constexpr (std::is_integral_v<Raw>)
      if (hasBlank && static_cast<long long>(raw) == blank) return 0xFFFFFFFFu;
    return maskOfNumber(static_cast<double>(numberOf(raw)) * scale + zero);
  }
};

/// Low 32 bits of an integer plus an integral zero (TZERO), with wrap-around: unsigned
/// conventions (TZERO = 2^15, 2^31, 2^63) keep their bit patterns.
struct MaskBits {
  std::uint64_t zero;
  template <typename Raw>
  std::uint32_t operator()(Raw raw) const {
    auto const value = static_cast<std::int64_t>(numberOf(raw));
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(value) + zero);
  }
};

/// Low 32 bits of an integer column whose TSCAL/TZERO give fractions: rounded first.
struct MaskRounded {
  double scale, zero;
  template <typename Raw>
  std::uint32_t operator()(Raw raw) const {
    double const value = static_cast<double>(numberOf(raw)) * scale + zero;
    if (!(std::abs(value) < 9.2e18)) return 0xFFFFFFFFu;
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(std::llround(value)));
  }
};

/// Converts `n` elements of type Raw starting at `src`, `stride` bytes apart, into `out`.
/// The contiguous case gets its own loop with a constant stride, which the compiler
/// vectorises (byte swap and conversion).
template <typename Raw, typename Out, typename Convert>
inline void convertRun(char const* __restrict src, std::size_t stride, std::size_t n,
                       Out* __restrict out, Convert const& convert) {
  if (stride == sizeof(Raw)) {
    for (std::size_t i = 0; i < n; ++i) out[i] = convert(loadBig<Raw>(src + i * sizeof(Raw)));
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = convert(loadBig<Raw>(src + i * stride));
  }
}

/// Calls body(Raw{}) with the native type of a FITS element type: B I J K E D L (ASCII and
/// image types map onto these); returns false for any other letter.
template <typename Body>
inline bool withRawType(char type, Body&& body) {
  switch (type) {
    case 'B':
      body(std::uint8_t{});
      return true;
    case 'I':
      body(std::int16_t{});
      return true;
    case 'J':
      body(std::int32_t{});
      return true;
    case 'K':
      body(std::int64_t{});
      return true;
    case 'E':
      body(float{});
      return true;
    case 'D':
      body(double{});
      return true;
    case 'L':
      body(LogicalByte{});
      return true;
    default:
      return false;
  }
}

/// Bytes per element of a FITS element type (X: see the column width; 0 when unknown).
inline std::size_t elementBytes(char type) {
  switch (type) {
    case 'L':
    case 'B':
    case 'A':
      return 1;
    case 'I':
      return 2;
    case 'J':
    case 'E':
      return 4;
    case 'K':
    case 'D':
    case 'C':
      return 8;
    case 'M':
      return 16;
    default:
      return 0;
  }
}

}  // namespace vocloud::io::detail::fitsconvert
