#pragma once
// The UWS 1.1 XML documents (namespace http://www.ivoa.net/xml/UWS/v1.0, version="1.1"),
// built with libxml2's tree API so every user value is escaped by the library.
#include "uws/job.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::uws {

/// One result reference: `id` names it, `href` is its absolute URL.
struct ResultRef {
  std::string id;
  std::string href;
  std::int64_t size = -1;  ///< bytes; -1: unknown
  std::string mimeType;
};

/// A job parameter (the experiment YAML is the one parameter "experiment").
struct Parameter {
  std::string id;
  std::string value;
};

/// Everything a <uws:job> document shows.
struct JobView {
  Job job;
  std::vector<Parameter> parameters;
  std::vector<ResultRef> results;
};

/// `<uws:jobs>` with one jobref per job; `baseUrl` is the URL of /jobs.
std::string jobListXml(std::vector<Job> const& jobs, std::string const& baseUrl);
/// `<uws:job>` with parameters, results and errorSummary (when the job failed).
std::string jobXml(JobView const& view);
/// `<uws:parameters>` alone.
std::string parametersXml(std::vector<Parameter> const& parameters);
/// `<uws:results>` alone.
std::string resultsXml(std::vector<ResultRef> const& results);

}  // namespace vocloud::uws
