#pragma once
// A job's results: every file its stages wrote under output/, the logs and the archive of
// all of them, each as a UWS result reference; and the safe lookup of one result by id.
#include "uws/job_xml.hpp"

#include <optional>
#include <string>
#include <vector>

namespace vocloud::uws {

/// The results of the job in `jobDir`, whose URL is `jobUrl`: "stdout.log" and "stderr.log"
/// (whenever they exist, in every phase), "results.tar.gz" (once written), and each file
/// under output/ by its relative path ("output/demo/som/som.h5").
std::vector<ResultRef> listResults(std::string const& jobDir, std::string const& jobUrl);

/// The file of result `id` in `jobDir`, or nullopt when `id` is not one of listResults'
/// ids (so "../x", absolute paths and links leading out of the folder are never served).
std::optional<std::string> resultFile(std::string const& jobDir, std::string const& id);

}  // namespace vocloud::uws
