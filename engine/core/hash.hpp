#pragma once
// SHA-256 for fingerprints and file checksums (OpenSSL EVP).
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace vocloud::core {

/// Incremental SHA-256. Feed bytes with update(), read the hex digest with hexDigest().
class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(Sha256 const&) = delete;
  Sha256& operator=(Sha256 const&) = delete;

  void update(void const* data, std::size_t bytes);
  void update(std::string_view text) { update(text.data(), text.size()); }
  /// Finishes the hash; the object cannot be updated afterwards.
  std::string hexDigest();

private:
  struct Impl;
  std::unique_ptr<Impl> _impl;
};

/// Hex SHA-256 of a string.
std::string sha256Hex(std::string_view text);

/// Hex SHA-256 of a file's bytes. Throws vocloud::Error naming the path when unreadable.
std::string sha256File(std::string const& path);

}  // namespace vocloud::core
