#pragma once
// Big-endian element conversion shared by image and table reads of the in-memory FITS path:
// loads with a byte swap, and per-element conversions (plain, TSCAL/TZERO or BSCALE/BZERO,
// BLANK, mask values) applied in loops the compiler can vectorise when the elements are
// contiguous. Internal to fits_memory*.cpp.
#include "io/fits_read.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
    using Bits =
        std::conditional_t<sizeof(Raw) == 2, std::uint16_t,
                           std::conditional_t<sizeof(Raw) == 4, std::uint32_t, std::uint64_t>>;
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

/// Byte-swaps `n` contiguous big-endian elements at `src` into native values at `dst`.
/// Compilers do not vectorise a byte swap without SSSE3 (not in the x86-64 baseline), so
/// the x86-64 path swaps 16 bytes at a time with SSE2 shifts and shuffles.
template <typename Raw>
inline void swapToNative(char const* __restrict src, Raw* __restrict dst, std::size_t n) {
  std::size_t i = 0;
#if defined(__SSE2__)
  if constexpr (sizeof(Raw) >= 2 && sizeof(Raw) <= 8) {
    constexpr std::size_t kLanes = 16 / sizeof(Raw);
    for (; i + kLanes <= n; i += kLanes) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<__m128i const*>(src + i * sizeof(Raw)));
      x = _mm_or_si128(_mm_slli_epi16(x, 8), _mm_srli_epi16(x, 8));  // bytes of each 16-bit word
      if constexpr (sizeof(Raw) == 4) {  // then the words of each 32-bit lane
        x = _mm_shufflelo_epi16(x, _MM_SHUFFLE(2, 3, 0, 1));
        x = _mm_shufflehi_epi16(x, _MM_SHUFFLE(2, 3, 0, 1));
      } else if constexpr (sizeof(Raw) == 8) {  // or of each 64-bit lane
        x = _mm_shufflelo_epi16(x, _MM_SHUFFLE(0, 1, 2, 3));
        x = _mm_shufflehi_epi16(x, _MM_SHUFFLE(0, 1, 2, 3));
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), x);
    }
  }
#endif
  for (; i < n; ++i) dst[i] = loadBig<Raw>(src + i * sizeof(Raw));
}

/// The number an element stands for (a logical is 1 for 'T', else 0).
template <typename Raw>
inline auto numberOf(Raw raw) {
  if constexpr (std::is_same_v<Raw, LogicalByte>)
    return static_cast<int>(raw.c == 'T');
  else
    return raw;
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

/// Mask value of the number as stored (maskFromNumber), no scaling and no BLANK: a
/// branch-free loop body that vectorises. A float (LAMOST mask rows) is rounded in 4-lane
/// float arithmetic, exactly as maskFromNumber rounds it in double: the truncation plus one
/// when the (exact) remainder is at least 0.5; floats >= 2^31 are integers.
struct MaskPlain {
  template <typename Raw>
  std::uint32_t operator()(Raw raw) const {
    if constexpr (std::is_same_v<Raw, float>) {
      bool const good = (raw >= 0.0f) & (raw < 4294967296.0f);  // as double < 4294967295.0
      bool const high = raw >= 2147483648.0f;
      float const low = good ? raw - (high ? 2147483648.0f : 0.0f) : 0.0f;
      auto const whole = static_cast<std::int32_t>(low);
      std::uint32_t const up = (low - static_cast<float>(whole)) >= 0.5f ? 1u : 0u;
      std::uint32_t const bits =
          (static_cast<std::uint32_t>(whole) + up) | (high ? 0x80000000u : 0u);
      return good ? bits : 0xFFFFFFFFu;
    } else {
      return maskFromNumber(static_cast<double>(numberOf(raw)));
    }
  }
};

/// Mask value of the scaled number (maskFromNumber); integer pixels equal to BLANK are bad.
struct MaskOfNumber {
  double scale, zero;
  bool hasBlank;
  long long blank;
  template <typename Raw>
  std::uint32_t operator()(Raw raw) const {
    if constexpr (std::is_integral_v<Raw>)
      if (hasBlank && static_cast<long long>(raw) == blank) return 0xFFFFFFFFu;
    return maskFromNumber(static_cast<double>(numberOf(raw)) * scale + zero);
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

// Define VOCLOUD_FITS_NO_AVX2 to build (and test) the SSE2 path alone.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(VOCLOUD_FITS_NO_AVX2)
#define VOCLOUD_FITS_AVX2 1
/// True when the CPU has AVX2 (checked once).
inline bool cpuHasAvx2() {
  static bool const yes = __builtin_cpu_supports("avx2");
  return yes;
}

/// The plain contiguous loop compiled for AVX2, chosen at run time: with a byte shuffle
/// (vpshufb) and 4-lane double conversions the compiler vectorises swap and conversion in
/// one pass, 2-4 times faster than the SSE2 baseline.
template <typename Raw, typename Out, typename Convert>
__attribute__((target("avx2"))) void convertContiguousAvx2(char const* __restrict src,
                                                           std::size_t n, Out* __restrict out,
                                                           Convert const& convert) {
  for (std::size_t i = 0; i < n; ++i) out[i] = convert(loadBig<Raw>(src + i * sizeof(Raw)));
}
#endif

/// Converts `n` elements of type Raw starting at `src`, `stride` bytes apart, into `out`.
/// Contiguous elements go through the AVX2 loop where the CPU has it, else in two
/// vectorised passes over chunks that stay in L1: byte swap into a native buffer (or
/// straight into `out` when nothing else is to do), then convert.
template <typename Raw, typename Out, typename Convert>
inline void convertRun(char const* __restrict src, std::size_t stride, std::size_t n,
                       Out* __restrict out, Convert const& convert) {
  constexpr bool kSwapped = sizeof(Raw) > 1 && !std::is_same_v<Raw, LogicalByte>;
  constexpr bool kMask = std::is_same_v<Convert, MaskPlain>;
#if defined(VOCLOUD_FITS_AVX2)
  if (!kMask && stride == sizeof(Raw) && kSwapped && cpuHasAvx2()) {
    convertContiguousAvx2<Raw>(src, n, out, convert);
    return;
  }
#endif
  if constexpr (kMask && kSwapped) {
    // Masks are mostly 0 (all bits 0 in any byte order): a predictable branch skips the
    // conversion, twice as fast as the vectorised double-precision rounding.
    using Bits =
        std::conditional_t<sizeof(Raw) == 2, std::uint16_t,
                           std::conditional_t<sizeof(Raw) == 4, std::uint32_t, std::uint64_t>>;
    for (std::size_t i = 0; i < n; ++i) {
      Bits bits;
      std::memcpy(&bits, src + i * stride, sizeof bits);
      out[i] = bits == 0 ? Out{0} : convert(loadBig<Raw>(src + i * stride));
    }
  } else if (stride != sizeof(Raw) || !kSwapped) {
    for (std::size_t i = 0; i < n; ++i) out[i] = convert(loadBig<Raw>(src + i * stride));
  } else if constexpr (std::is_same_v<Raw, Out> && std::is_same_v<Convert, Plain<Out>>) {
    swapToNative(src, out, n);
  } else {
    constexpr std::size_t kChunk = 512;
    alignas(16) Raw native[kChunk];
    for (std::size_t done = 0; done < n; done += kChunk) {
      std::size_t const m = std::min(kChunk, n - done);
      swapToNative(src + done * sizeof(Raw), native, m);
      Out* const to = out + done;
      for (std::size_t i = 0; i < m; ++i) to[i] = convert(native[i]);
    }
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
