#include "app/variant_commands.hpp"

#include "core/error.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/variants.hpp"

#include <cstdio>
#include <iostream>

namespace vocloud::app {

namespace {

std::string experimentRoot(CliArgs const& cli, comm::Comm const& comm) {
  std::vector<config::Override> overrides;
  for (auto const& text : cli.overrides) overrides.push_back(config::parseOverride(text));
  auto const config = pipeline::loadConfigCollective(cli.positional[0], overrides, comm);
  return pipeline::experimentDir(config);
}

// Runs `work` on rank 0; its vocloud::Error becomes every rank's runtime error.
void onRootReporting(comm::Comm const& comm, std::function<void()> const& work) {
  std::string failure;
  if (comm.isRoot()) {
    try {
      work();
    } catch (Error const& e) {
      failure = e.what();
    }
  }
  failure = comm.bcast(failure, 0);
  if (!failure.empty()) throw CollectiveError(failure);
}

std::string megabytes(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

}  // namespace

int runsCommand(CliArgs const& cli, comm::Comm const& comm) {
  std::string const root = experimentRoot(cli, comm);
  onRootReporting(comm, [&] {
    auto const variants = pipeline::listVariants(root, pipeline::stageCatalog());
    std::cout << (cli.json ? pipeline::runsJson(variants) : pipeline::runsText(variants));
  });
  return kExitOk;
}

int gcCommand(CliArgs const& cli, comm::Comm const& comm) {
  std::string const root = experimentRoot(cli, comm);
  onRootReporting(comm, [&] {
    auto const report = pipeline::collectGarbage(root, pipeline::stageCatalog());
    for (auto const& name : report.removed) std::cout << "gc: removed " << name << "\n";
    std::cout << "gc: removed " << report.removedCount << " variant(s)";
    if (report.interruptedCount)
      std::cout << " and " << report.interruptedCount << " interrupted computation(s)";
    std::cout << ", "
              << megabytes(report.removedBytes) << "; kept " << report.keptCount << " ("
              << megabytes(report.keptBytes) << ")";
    if (report.busyCount) std::cout << "; " << report.busyCount << " in use by a running job stay";
    std::cout << "\n";
  });
  return kExitOk;
}

}  // namespace vocloud::app
