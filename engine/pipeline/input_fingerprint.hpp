#pragma once
// Fingerprints of what a stage reads from disk, so that reuse notices changed inputs:
// the files an acquire source lists, and a base of knowledge's catalog and the files it
// names. Each returns a SHA-256 (hex) and is run by one process (rank 0 in the pipeline).
#include "acquire/acquire_config.hpp"

#include <string>

namespace vocloud::pipeline {

/// How the files a catalog names count: by stat (size and modification time, in ns) or by
/// a SHA-256 of their whole content.
enum class InputCheck { Stat, Content };

/// "stat" or "content" -> InputCheck; throws vocloud::UsageError naming `key` otherwise.
InputCheck inputCheckFrom(std::string const& text, std::string const& key);

/// Hash of the listing of a local source as acquire plans it (a directory walked
/// recursively or not and filtered by `pattern`, one file, or a glob): each file's name
/// relative to the source, size and modification time, in name order. A source that
/// matches nothing hashes as empty (acquire then reports it).
std::string localSourceFingerprint(acquire::Source const& source);

/// Hash of everything on disk that acquire's sources read: each local source's listing,
/// each http `url_file`'s content, each votable `path`'s content and each `labels_file`'s
/// content. Remote listings (index pages, VOTable lists and SSAP responses behind URLs)
/// count by their configuration only.
std::string acquireInputsFingerprint(acquire::AcquireConfig const& config);

/// Hash of a base of knowledge: the bytes of `bokDir`/catalog.csv and, for every row in
/// order, its path and either its stat (size, mtime) or its content hash. A file the
/// catalog names but that is missing counts as missing (preprocess reports such rows).
/// Throws vocloud::Error naming the catalog when it cannot be read.
std::string bokFingerprint(std::string const& bokDir, InputCheck check);

}  // namespace vocloud::pipeline
