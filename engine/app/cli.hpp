#pragma once
// Command-line parsing of `vocloud`: a pure function from argv to a plain struct.
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vocloud::app {

/// Exit codes of every vocloud command (docs/cli.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitRuntimeError = 1,  ///< a failure while working (bad file, I/O, ...): the job aborts
  kExitUsage = 2,         ///< bad command line or experiment config: nothing was run
  kExitInternal = 70,     ///< an unexpected internal error (a bug): please report it
};

struct CliArgs {
  std::string command;                  ///< "run", "synth", "config", ... ("" with --help)
  std::string subcommand;               ///< for "config": "check" or "explain"
  std::vector<std::string> positional;  ///< e.g. the experiment file
  std::vector<std::string> overrides;   ///< --set key=value, in order
  std::set<std::string> force;          ///< --force STAGE (run) or --force (stage commands)
  bool resume = false;                  ///< --resume: continue an interrupted stage
  std::optional<std::string> logLevel;  ///< --log-level
  bool logAllRanks = false;             ///< --log-all-ranks
  bool help = false;                    ///< -h / --help
  bool version = false;                 ///< --version
  bool markdown = false;                ///< config explain --markdown
  bool json = false;                    ///< inspect --json
  bool values = false;                  ///< inspect --values (with --json: the arrays too)
  std::vector<std::string> ids;         ///< preview --ids A,B,...
  std::string out;                      ///< preview --out FILE
  std::optional<int> arrayTask;         ///< sweep --array-task N: run only variant N
  bool list = false;                    ///< sweep --list: print the variants only
};

/// Parses argv (without the program name). Throws vocloud::UsageError with a message
/// naming the bad argument.
CliArgs parseCli(std::vector<std::string> const& args);

/// The stage commands (`vocloud STAGE EXP.yaml`) this build has.
std::vector<std::string> stageCommands();

/// Help text: general when `command` is empty, else for that command.
std::string helpText(std::string const& command);

}  // namespace vocloud::app
