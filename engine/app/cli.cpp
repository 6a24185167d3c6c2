#include "app/cli.hpp"

#include "config/suggest.hpp"
#include "core/error.hpp"
#include "pipeline/stage.hpp"

#include <algorithm>
#include <stdexcept>

namespace vocloud::app {

namespace {

bool isStageCommand(std::string const& name) {
  auto const stages = stageCommands();
  return std::find(stages.begin(), stages.end(), name) != stages.end();
}

std::vector<std::string> knownCommands() {
  std::vector<std::string> commands = {"run",  "config", "inspect", "preview",
                                       "runs", "gc",     "sweep"};
  for (auto const& s : stageCommands()) commands.push_back(s);
  return commands;
}

}  // namespace

std::vector<std::string> stageCommands() {
  std::vector<std::string> names;
  for (auto const& stage : pipeline::stageCatalog()) names.push_back(stage.name);
  return names;
}

CliArgs parseCli(std::vector<std::string> const& args) {
  CliArgs cli;
  std::size_t i = 0;
  auto const value = [&](std::string const& flag) -> std::string {
    if (i + 1 >= args.size()) throw UsageError(flag + " needs a value (see --help)");
    return args[++i];
  };
  for (; i < args.size(); ++i) {
    std::string const& a = args[i];
    if (a == "-h" || a == "--help") {
      cli.help = true;
    } else if (a == "--version") {
      cli.version = true;
    } else if (a == "--set") {
      cli.overrides.push_back(value(a));
    } else if (a.rfind("--set=", 0) == 0) {
      cli.overrides.push_back(a.substr(6));
    } else if (a == "--log-level") {
      cli.logLevel = value(a);
    } else if (a == "--log-all-ranks") {
      cli.logAllRanks = true;
    } else if (a == "--markdown") {
      cli.markdown = true;
    } else if (a == "--max-bytes") {
      cli.overrides.push_back("acquire.max_bytes=" + value(a));
    } else if (a == "--ids") {
      std::string const list = value(a);
      for (std::size_t start = 0; start <= list.size();) {
        std::size_t const comma = std::min(list.find(',', start), list.size());
        if (comma > start) cli.ids.push_back(list.substr(start, comma - start));
        start = comma + 1;
      }
    } else if (a == "--out") {
      cli.out = value(a);
    } else if (a == "--json") {
      cli.json = true;
    } else if (a == "--array-task") {
      std::string const text = value(a);
      std::size_t used = 0;
      int task = -1;
      try {
        task = std::stoi(text, &used);
      } catch (std::exception const&) {
      }
      if (used != text.size() || task < 0)
        throw UsageError("--array-task needs a task number (0, 1, ...), not '" + text + "'");
      cli.arrayTask = task;
    } else if (a == "--list") {
      cli.list = true;
    } else if (a == "--values") {
      cli.values = true;
    } else if (a == "--force") {
      // `vocloud run X --force STAGE`; for a stage command a bare --force means that stage.
      if (cli.command == "run")
        cli.force.insert(value(a));
      else if (isStageCommand(cli.command))
        cli.force.insert(cli.command);
      else
        throw UsageError("--force is only for 'run' and the stage commands");
    } else if (a == "--resume") {
      if (cli.command != "run" && !isStageCommand(cli.command))
        throw UsageError("--resume is only for 'run' and the stage commands");
      cli.resume = true;
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError("unknown option '" + a + "' (see vocloud " + cli.command + " --help)");
    } else if (cli.command.empty()) {
      cli.command = a;
    } else if (cli.command == "config" && cli.subcommand.empty()) {
      cli.subcommand = a;
    } else {
      cli.positional.push_back(a);
    }
  }
  if (cli.help || cli.version) return cli;
  if (cli.command.empty()) throw UsageError("no command given (see vocloud --help)");
  if (cli.command != "run" && cli.command != "config" && cli.command != "inspect" &&
      cli.command != "preview" && cli.command != "runs" && cli.command != "gc" &&
      cli.command != "sweep" && !isStageCommand(cli.command)) {
    std::string message = "unknown command '" + cli.command + "'";
    auto const guess = config::closestMatch(cli.command, knownCommands());
    if (!guess.empty()) message += " (did you mean '" + guess + "'?)";
    throw UsageError(message + " (see vocloud --help)");
  }
  if (cli.command == "config") {
    if (cli.subcommand != "check" && cli.subcommand != "explain")
      throw UsageError("vocloud config needs 'check EXP.yaml' or 'explain [SECTION]'");
    if (cli.subcommand == "check" && cli.positional.size() != 1)
      throw UsageError("vocloud config check needs exactly one experiment file");
    if (cli.subcommand == "explain" && cli.positional.size() > 1)
      throw UsageError("vocloud config explain takes at most one section");
  } else if (cli.command == "preview") {
    if (cli.positional.size() != 1) throw UsageError("vocloud preview needs one dataset.h5");
    if (cli.ids.empty()) throw UsageError("vocloud preview needs --ids ID,ID,...");
    if (cli.out.empty()) throw UsageError("vocloud preview needs --out FILE.png or FILE.html");
  } else if (cli.command == "inspect") {
    if (cli.positional.empty()) throw UsageError("vocloud inspect needs at least one file");
    if (cli.values && !cli.json) throw UsageError("--values needs --json");
  } else if (cli.positional.size() != 1) {
    throw UsageError("vocloud " + cli.command + " needs exactly one experiment file (EXP.yaml)");
  }
  if ((cli.arrayTask || cli.list) && cli.command != "sweep")
    throw UsageError("--array-task and --list are only for 'sweep'");
  if (cli.command == "run")
    for (auto const& f : cli.force)
      if (f != "all" && !isStageCommand(f)) throw UsageError("--force " + f + ": unknown stage");
  return cli;
}

std::string helpText(std::string const& command) {
  std::string const common =
      "Options of every command:\n"
      "  --set KEY.PATH=VALUE  override a config key (validated like the file; repeatable;\n"
      "                        a relative path is taken from the working directory)\n"
      "  --log-level LEVEL     debug, info, warn, error or quiet (overrides log.level)\n"
      "  --log-all-ranks       print messages from every MPI rank, not only rank 0\n"
      "  -h, --help            this help\n";
  if (command == "run")
    return "usage: vocloud run EXP.yaml [--force STAGE]... [--resume] [--set K=V]...\n\n"
           "Runs the stages listed in the experiment's `stages` key, in order. A stage whose\n"
           "fingerprint (its config section, its inputs, the engine version) matches its\n"
           "completed output on disk is reused; --force STAGE recomputes it (--force all: every\n"
           "stage). Outputs go to <output>/<experiment>/<stage>/. Before any work it checks\n"
           "what `config check` checks; relative paths in EXP.yaml are taken from its folder.\n\n" +
           common;
  if (command == "runs")
    return "usage: vocloud runs EXP.yaml [--json] [--set K=V]...\n\n"
           "Lists the kept variants of each stage (one per fingerprint, in\n"
           "<output>/<experiment>/.variants/<stage>/): when it ended, its disk use, its headline\n"
           "figures (quantisation and topographic error, CV accuracy and macro-F1) and the\n"
           "parameters (and upstream variants) in which the variants of the stage differ. The\n"
           "latest, which <experiment>/<stage> links to, is marked '*'.\n\n" +
           common;
  if (command == "sweep")
    return "usage: vocloud sweep EXP.yaml [--array-task N | --list] [--set K=V]...\n\n"
           "Runs every variant of the experiment's `sweep:` section (sweep.grid: every\n"
           "combination of the values of some keys; sweep.variants: lists of overrides), in\n"
           "sequence, as `run` would with those overrides. Stages whose fingerprint two\n"
           "variants share are computed once; every result is kept (see `vocloud runs`).\n"
           "--array-task N runs variant N only (0-based: a Slurm job array task, see\n"
           "slurm/sweep.sbatch); --list prints the variants and their numbers. Each variant\n"
           "leaves <output>/<experiment>/sweep/variant-N.json; summary.csv and summary.json\n"
           "there rank every finished variant by sweep.rank_by.\n\n" +
           common;
  if (command == "gc")
    return "usage: vocloud gc EXP.yaml [--set K=V]...\n\n"
           "Removes the kept variants that no kept result needs: it keeps the latest variant\n"
           "of each stage, the variants a sweep's records name, and every variant those were\n"
           "computed from; a variant a running job computes or reads stays. Prints what it\n"
           "removed and the disk use freed and kept.\n\n" +
           common;
  if (command == "config")
    return "usage: vocloud config check EXP.yaml [--set K=V]...\n"
           "       vocloud config explain [SECTION] [--markdown]\n\n"
           "check: validates the experiment as `run` does before any work (types, ranges, the\n"
           "rules across keys and the input files of every listed stage, upstream stages),\n"
           "every error with file:line:col, and prints the effective configuration with\n"
           "defaults filled in and relative paths resolved from the experiment's folder.\n"
           "explain: lists every key of SECTION (or all): type, default, allowed values, doc;\n"
           "--markdown prints docs/config.md.\n\n" +
           common;
  if (command == "preview")
    return "usage: vocloud preview dataset.h5 --ids ID,ID,... --out FILE.png|FILE.html\n\n"
           "Draws the chosen spectra after preprocessing beside their raw input: one row per\n"
           "spectrum, the raw file over its own range (the grid marked) and the preprocessed\n"
           "flux on the grid (interpolated pixels marked). PNG (drawn with Cairo), or, for\n"
           "FILE.html, the report's spectrum view of those spectra (every stage of their\n"
           "processing) with its data/, assets/ and licenses/ beside FILE.html.\n";
  if (command == "inspect")
    return "usage: vocloud inspect FILE... [--json [--values]]\n\n"
           "Reads each spectrum file (FITS of any supported survey layout, gzip or not, text)\n"
           "and prints its detected layout, metadata (id, object, class, ra, dec, z), wavelength\n"
           "frame, number of points and wavelength range. --json prints the same as JSON;\n"
           "--values adds the arrays (wave, flux, ivar, mask) so any reader can be compared.\n"
           "A file that cannot be read is listed with the reason; the exit code is then 1.\n";
  if (!command.empty()) {
    for (auto const& stage : pipeline::stageCatalog())
      if (stage.name == command)
        return "usage: vocloud " + command + " EXP.yaml [--force] [--resume] [--set K=V]...\n\n" +
               "Runs the '" + command + "' stage alone: " + stage.doc + ".\n" +
               "It is reused when its fingerprint matches what is on disk; --force recomputes.\n" +
               (stage.resumable
                    ? "An interrupted run continues where it stopped; --resume insists on that\n"
                      "(it fails when there is nothing of the same parameters to continue).\n\n"
                    : "\n") +
               common;
  }
  std::string text =
      "usage: vocloud COMMAND [ARGS] [OPTIONS]\n"
      "       mpirun -n N vocloud COMMAND ...\n\n"
      "vocloud runs machine learning over large sets of astronomical spectra as one MPI job\n"
      "configured by a YAML experiment.\n\n"
      "Commands:\n"
      "  run EXP.yaml            run the experiment's stages (reusing unchanged ones)\n"
      "  config check EXP.yaml   validate an experiment and print its effective config\n"
      "  config explain [SEC]    document every config key\n"
      "  inspect FILE...         detected layout, metadata and range of spectrum files\n"
      "  preview DATASET.h5      raw and preprocessed spectra side by side (--ids, --out)\n"
      "  runs EXP.yaml           list the kept variants of each stage (--json)\n"
      "  gc EXP.yaml             remove the variants no kept result needs\n"
      "  sweep EXP.yaml          run every variant of the experiment's sweep: section\n";
  for (auto const& stage : pipeline::stageCatalog())
    text += "  " + stage.name + " EXP.yaml" +
            std::string(stage.name.size() < 15 ? 15 - stage.name.size() : 1, ' ') + stage.doc +
            "\n";
  text +=
      "\nGlobal options: --version, --help. `vocloud COMMAND --help` for details.\n"
      "Exit codes: 0 ok, 1 runtime error, 2 bad command line or config, 70 internal error.\n\n" +
      common;
  return text;
}

}  // namespace vocloud::app
