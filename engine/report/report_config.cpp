#include "report/report_config.hpp"

namespace vocloud::report {

ReportConfig reportConfigFrom(config::Config const& config) {
  auto count = [&](char const* key) {
    return static_cast<std::uint64_t>(config.getInt(std::string("report.") + key));
  };
  ReportConfig out;
  out.outliers = count("outliers");
  out.membersPerNode = count("members_per_node");
  out.membersPerCell = count("members_per_cell");
  out.perShard = count("per_shard");
  out.maxRejected = count("max_rejected");
  return out;
}

}  // namespace vocloud::report
