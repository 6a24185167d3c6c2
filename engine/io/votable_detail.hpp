#pragma once
// Internals shared by the VOTable parser, the BINARY/BINARY2 decoder and the writer:
// datatypes, arraysize, base64. Internal to engine/io.
#include "io/votable.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vocloud::io::detail {

/// The primitive datatypes of VOTable (sec. 2.1).
enum class VoType {
  Boolean,
  Bit,
  UnsignedByte,
  Short,
  Int,
  Long,
  Char,
  UnicodeChar,
  Float,
  Double,
  FloatComplex,
  DoubleComplex
};

/// The type of a datatype= attribute, or nothing for an unknown one.
std::optional<VoType> voType(std::string const& datatype);

/// Bytes of one element in BINARY (a bit counts 0: bits are packed per array).
std::size_t elementBytes(VoType type);

/// Whether the type is an integer type (unsignedByte, short, int, long).
bool isIntegerType(VoType type);
/// Whether the type is float, double or one of the complex types.
bool isFloatType(VoType type);

/// A parsed arraysize: "" (scalar), "N", "N*", "*", "NxM", "NxM*", "Nx*".
struct ArraySize {
  bool array = false;     ///< any arraysize given
  bool variable = false;  ///< the last dimension ends with '*'
  /// Elements of one item: the product of the fixed dimensions (all of them when not
  /// variable; all but the last when variable). 1 for a scalar.
  std::size_t fixedCount = 1;
  /// The bound of "N*" (at most N elements); 0 when unbounded or not variable.
  std::size_t maxItems = 0;
};

/// Parses an arraysize attribute; throws vocloud::Error("bad arraysize '...'") for garbage.
ArraySize parseArraySize(std::string const& text);

/// Parses a VOTable integer: decimal, or hexadecimal "0x..." (taken as the stored bit
/// pattern), with an optional sign and surrounding blanks. False when it is not one.
bool parseVoInteger(std::string_view text, std::int64_t& value);

/// Bytes of base64 `text` (whitespace ignored, '=' padding optional). Throws vocloud::Error
/// naming the offending character.
std::vector<unsigned char> decodeBase64(std::string_view text);

/// Decodes a BINARY (or, with `binary2`, BINARY2) stream of rows of `fields` and appends
/// them to `rows` as text cells (see VoTable::rows). Throws vocloud::Error with the row and
/// column when the stream ends inside a row or a field cannot be decoded.
void decodeBinaryStream(std::vector<unsigned char> const& bytes, std::vector<VoField> const& fields,
                        bool binary2, std::vector<std::vector<std::string>>& rows);

/// Appends the UTF-8 encoding of code point `cp` to `out`.
void appendUtf8(std::string& out, char32_t cp);

/// ASCII lower-case copy.
std::string asciiLower(std::string_view text);

/// `text` without leading and trailing XML whitespace.
std::string_view trimXmlSpace(std::string_view text);

}  // namespace vocloud::io::detail
