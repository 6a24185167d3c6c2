#include "app/variant_commands.hpp"

#include "core/error.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/preflight.hpp"
#include "pipeline/stage_dirs.hpp"
#include "pipeline/sweep.hpp"
#include "pipeline/variants.hpp"

#include "core/files.hpp"

#include <cstdio>
#include <iostream>
#include <set>

namespace vocloud::app {

namespace {

std::vector<config::Override> overridesOf(CliArgs const& cli) {
  std::vector<config::Override> overrides;
  for (auto const& text : cli.overrides) overrides.push_back(config::parseOverride(text));
  return overrides;
}

std::string experimentRoot(CliArgs const& cli, comm::Comm const& comm) {
  auto const config = pipeline::loadConfigCollective(cli.positional[0], overridesOf(cli), comm);
  return pipeline::experimentDir(config);
}

// Every variant's configuration, validated (and checked as `run` checks it) before any
// work. A variant may not move the experiment's outputs. Collective over comm.
std::vector<config::Config> variantConfigs(CliArgs const& cli, config::Config const& base,
                                           std::vector<pipeline::SweepVariant> const& variants,
                                           std::vector<std::size_t> const& indices,
                                           comm::Comm const& comm) {
  std::vector<config::Config> configs;
  auto const catalog = pipeline::stageCatalog();
  for (std::size_t i : indices) {
    auto overrides = overridesOf(cli);
    for (auto const& o : variants[i].overrides) {
      if (o.path == "experiment" || o.path == "output" || o.path.rfind("sweep", 0) == 0)
        throw UsageError("sweep: variant " + std::to_string(i) + " (" + variants[i].label +
                         ") sets '" + o.path + "': a sweep's variants share one experiment");
      overrides.push_back(o);
    }
    configs.push_back(pipeline::loadConfigCollective(cli.positional[0], overrides, comm));
    pipeline::preflightCollective(catalog, configs.back(), base.getList("stages"), comm);
  }
  return configs;
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
    // What a sweep's summary names stays too: its variants are results being compared.
    std::set<std::string> sweepKeeps;
    for (auto const& record : pipeline::readSweepRecords(root + "/sweep"))
      for (auto const& o : record.outcomes)
        sweepKeeps.insert(o.name + "/" + pipeline::variantName(o.fingerprint));
    auto const report = pipeline::collectGarbage(root, pipeline::stageCatalog(), sweepKeeps);
    for (auto const& name : report.removed) std::cout << "gc: removed " << name << "\n";
    std::cout << "gc: removed " << report.removedCount << " variant(s)";
    if (report.interruptedCount)
      std::cout << " and " << report.interruptedCount << " interrupted computation(s)";
    std::cout << ", " << megabytes(report.removedBytes) << "; kept " << report.keptCount << " ("
              << megabytes(report.keptBytes) << ")";
    if (report.busyCount) std::cout << "; " << report.busyCount << " in use by a running job stay";
    std::cout << "\n";
  });
  return kExitOk;
}

int sweepCommand(CliArgs const& cli, comm::Comm const& comm, std::string const& commandLine,
                 std::function<core::LogOptions(config::Config const&)> const& logOptionsOf) {
  auto const base = pipeline::loadConfigCollective(cli.positional[0], overridesOf(cli), comm);
  auto const variants = pipeline::sweepVariants(base);
  if (cli.list) {
    if (comm.isRoot())
      for (std::size_t i = 0; i < variants.size(); ++i)
        std::cout << i << "\t" << variants[i].label << "\n";
    return kExitOk;
  }
  std::vector<std::size_t> indices;
  if (cli.arrayTask) {
    if (static_cast<std::size_t>(*cli.arrayTask) >= variants.size())
      throw UsageError("sweep: --array-task " + std::to_string(*cli.arrayTask) +
                       ": the sweep has " + std::to_string(variants.size()) +
                       " variants (tasks 0-" + std::to_string(variants.size() - 1) + ")");
    indices.push_back(static_cast<std::size_t>(*cli.arrayTask));
  } else {
    for (std::size_t i = 0; i < variants.size(); ++i) indices.push_back(i);
  }
  auto const configs = variantConfigs(cli, base, variants, indices, comm);
  core::Log const log(comm.rank(), comm.size(), logOptionsOf(base));
  std::string const dir = pipeline::sweepDir(base);
  auto const catalog = pipeline::stageCatalog();
  for (std::size_t n = 0; n < indices.size(); ++n) {
    std::size_t const i = indices[n];
    log.info("sweep: variant " + std::to_string(i) + " of " + std::to_string(variants.size()) +
             ": " + variants[i].label);
    pipeline::RunOptions options;
    options.stages = configs[n].getList("stages");
    options.commandLine = commandLine;
    pipeline::SweepRecord record;
    record.index = static_cast<int>(i);
    record.label = variants[i].label;
    record.outcomes = pipeline::runStages(catalog, configs[n], options, comm, log);
    comm::onRoot(comm, "sweep: cannot write into '" + dir + "'",
                 [&] { pipeline::writeSweepRecord(dir, record); });
  }
  std::string const rankBy = base.getString("sweep.rank_by");
  comm::onRoot(comm, "sweep: cannot write the summary into '" + dir + "'", [&] {
    pipeline::writeSweepSummary(dir, rankBy);
    std::cout << "vocloud: sweep of '" << base.getString("experiment") << "': " << indices.size()
              << " of " << variants.size() << " variant(s) run; summary of "
              << "every finished one, best first, in " << dir << "/summary.csv:\n"
              << core::readFile(dir + "/summary.csv");
  });
  return kExitOk;
}

}  // namespace vocloud::app
