#pragma once

namespace vocloud::core {

/// The engine version: the project version plus `git describe` at build time,
/// e.g. "0.1.0+3f2a9c1". It is part of every stage fingerprint.
char const* engineVersion();

}  // namespace vocloud::core
