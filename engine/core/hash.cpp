#include "core/hash.hpp"

#include "core/error.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <vector>

namespace vocloud::core {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
  bool finished = false;
};

Sha256::Sha256() : _impl(std::make_unique<Impl>()) {
  _impl->ctx = EVP_MD_CTX_new();
  if (_impl->ctx == nullptr || EVP_DigestInit_ex(_impl->ctx, EVP_sha256(), nullptr) != 1)
    throw Error("hash: cannot initialise SHA-256");
}

Sha256::~Sha256() {
  if (_impl && _impl->ctx) EVP_MD_CTX_free(_impl->ctx);
}

void Sha256::update(void const* data, std::size_t bytes) {
  if (_impl->finished) throw Error("hash: update after hexDigest");
  if (EVP_DigestUpdate(_impl->ctx, data, bytes) != 1) throw Error("hash: SHA-256 update failed");
}

std::string Sha256::hexDigest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(_impl->ctx, digest.data(), &length) != 1)
    throw Error("hash: SHA-256 final failed");
  _impl->finished = true;
  static char const kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

std::string sha256Hex(std::string_view text) {
  Sha256 hasher;
  hasher.update(text);
  return hasher.hexDigest();
}

std::string sha256File(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("hash: cannot open '" + path + "'");
  Sha256 hasher;
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hasher.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw Error("hash: read error in '" + path + "'");
  return hasher.hexDigest();
}

}  // namespace vocloud::core
