#pragma once
// Human-readable and Markdown descriptions of the schema (`vocloud config explain`).
#include "config/schema.hpp"

#include <string>

namespace vocloud::config {

/// Plain-text list of every key under `section` ("" = all): path, type, default, range or
/// allowed values, doc. Throws vocloud::UsageError for an unknown section.
std::string explainText(Schema const& schema, std::string const& section = "");

/// The whole schema as Markdown (the content of docs/config.md).
std::string explainMarkdown(Schema const& schema);

}  // namespace vocloud::config
