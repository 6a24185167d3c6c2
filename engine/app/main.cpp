// vocloud: argument parsing and dispatch only; the work lives in the engine libraries.
#include "app/cli.hpp"
#include "app/guard.hpp"
#include "app/variant_commands.hpp"
#include "comm/comm.hpp"
#include "config/explain.hpp"
#include "core/log.hpp"
#include "core/reason_tally.hpp"
#include "core/version.hpp"
#include "io/inspect.hpp"
#include "io/reader.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/preflight.hpp"
#include "pipeline/report_input.hpp"
#include "report/preview.hpp"

#include <Kokkos_Core.hpp>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

using namespace vocloud;

core::LogOptions logOptions(app::CliArgs const& cli, config::Config const& config) {
  core::LogOptions options;
  options.level = core::parseLogLevel(cli.logLevel.value_or(config.getString("log.level")));
  options.allRanks = cli.logAllRanks || config.getBool("log.all_ranks");
  options.progressInterval = config.getDouble("log.progress_interval");
  return options;
}

std::vector<config::Override> overridesOf(app::CliArgs const& cli) {
  std::vector<config::Override> overrides;
  for (auto const& text : cli.overrides) overrides.push_back(config::parseOverride(text));
  return overrides;
}

int configCommand(app::CliArgs const& cli, comm::Comm const& comm) {
  if (cli.subcommand == "explain") {
    auto const schema = config::experimentSchema();
    std::string const text =
        cli.markdown ? config::explainMarkdown(schema)
                     : config::explainText(schema, cli.positional.empty() ? "" : cli.positional[0]);
    if (comm.isRoot()) std::cout << text;
    return app::kExitOk;
  }
  auto const config = pipeline::loadConfigCollective(cli.positional[0], overridesOf(cli), comm);
  // Every rule a stage would check later, for the stages the experiment lists; the number
  // of ranks is not known here.
  pipeline::preflight(pipeline::stageCatalog(), config, config.getList("stages"), 0);
  if (comm.isRoot())
    std::cout << "# " << cli.positional[0] << ": valid\n# effective configuration:\n"
              << config.effectiveYaml();
  return app::kExitOk;
}

// Reads the files on rank 0 only: a quick look, not a parallel job.
int inspectCommand(app::CliArgs const& cli, comm::Comm const& comm) {
  int failed = 0;
  if (comm.isRoot()) {
    std::cout << (cli.json ? io::inspectJson(cli.positional, cli.values)
                           : io::inspectText(cli.positional));
    for (auto const& path : cli.positional) {
      try {
        io::readSpectrum(path);
      } catch (Error const&) {
        failed = 1;
      }
    }
  }
  comm.bcast(&failed, 1, 0);
  return failed ? app::kExitRuntimeError : app::kExitOk;
}

bool endsWithPng(std::string const& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".png";
}

// Draws on rank 0 only.
int previewCommand(app::CliArgs const& cli, comm::Comm const& comm) {
  std::string failure;
  if (comm.isRoot()) {
    try {
      // The recipe is needed for the HTML view only; writePreview reports a missing file.
      bool restFrame = false;
      report::SpectralRecipe recipe;
      if (std::filesystem::is_regular_file(cli.positional[0]) && !endsWithPng(cli.out))
        recipe = pipeline::datasetRecipe(cli.positional[0], restFrame);
      bool const complete =
          report::writePreview(cli.positional[0], cli.ids, cli.out, recipe, report::findBundle());
      std::cout << "vocloud: preview of " << core::countOf(cli.ids.size(), "spectrum", "spectra")
                << " in " << cli.out << "\n";
      if (!complete)
        std::cerr << "vocloud: warning: the front end (share/vocloud/report-ui) is not built: "
                     "wrote the spectrum view's data files only, in the folder of "
                  << cli.out << "\n";
    } catch (Error const& e) {
      failure = e.what();
    }
  }
  failure = comm.bcast(failure, 0);
  if (!failure.empty()) throw UsageError(failure);
  return app::kExitOk;
}

// `commandLine`: the program and its arguments, joined by spaces, for stage.json.
int runCommand(app::CliArgs const& cli, comm::Comm const& comm, int& argc, char** argv,
               std::string const& commandLine) {
  // Kokkos starts only for the commands that compute (not for --help, config, inspect,
  // preview), so its messages never mix into their output.
  Kokkos::ScopeGuard const kokkos(argc, argv);
  auto const config = pipeline::loadConfigCollective(cli.positional[0], overridesOf(cli), comm);
  core::Log const log(comm.rank(), comm.size(), logOptions(cli, config));
  log.info(std::string("vocloud ") + core::engineVersion() + " on " + std::to_string(comm.size()) +
           " rank(s), experiment '" + config.getString("experiment") + "'");
  pipeline::RunOptions options;
  options.stages =
      cli.command == "run" ? config.getList("stages") : std::vector<std::string>{cli.command};
  options.force = cli.force;
  options.resume = cli.resume;
  options.commandLine = commandLine;
  auto const catalog = pipeline::stageCatalog();
  pipeline::preflightCollective(catalog, config, options.stages, comm);
  auto const outcomes = pipeline::runStages(catalog, config, options, comm, log);
  if (comm.isRoot()) {
    std::cout << "vocloud: experiment '" << config.getString("experiment") << "' done\n";
    for (auto const& o : outcomes) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%8.2f s", o.seconds);
      std::cout << "  " << o.name << "  " << (o.reused ? "reused  " : "computed") << "  "
                << (o.reused ? std::string("       -  ") : seconds) << "  " << o.summary << "\n";
    }
    std::cout << "  outputs: " << pipeline::experimentDir(config) << "/\n";
  }
  return app::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  comm::Environment mpi(argc, argv);
  int status = 0;
  {
    status = app::runGuarded([&] {
      std::vector<std::string> args(argv + 1, argv + argc);
      app::CliArgs const cli = app::parseCli(args);
      comm::Comm const comm = comm::Comm::world();
      if (cli.version) {
        if (comm.isRoot()) std::cout << "vocloud " << core::engineVersion() << "\n";
        return int(app::kExitOk);
      }
      if (cli.help) {
        if (comm.isRoot()) std::cout << app::helpText(cli.command);
        return int(app::kExitOk);
      }
      if (cli.command == "config") return configCommand(cli, comm);
      if (cli.command == "inspect") return inspectCommand(cli, comm);
      if (cli.command == "preview") return previewCommand(cli, comm);
      if (cli.command == "runs") return app::runsCommand(cli, comm);
      if (cli.command == "gc") return app::gcCommand(cli, comm);
      if (cli.command == "sweep") {
        Kokkos::ScopeGuard const kokkos(argc, argv);
        std::string commandLine = argv[0];
        for (auto const& arg : args) commandLine += " " + arg;
        return app::sweepCommand(cli, comm, commandLine, [&](config::Config const& config) {
          return logOptions(cli, config);
        });
      }
      std::string commandLine = argv[0];
      for (auto const& arg : args) commandLine += " " + arg;
      return runCommand(cli, comm, argc, argv, commandLine);
    });
  }
  return status;
}
