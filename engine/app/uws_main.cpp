// vocloud-uws: argument parsing only; the service lives in engine/uws.
//   vocloud-uws --config uws.yaml [--set key=value]...   serve UWS 1.1 at /jobs
//   vocloud-uws hash-password                            a users-file hash of stdin's line
//   vocloud-uws explain [--markdown]                     every key of the service's YAML
//   vocloud-uws run-job JOBDIR -- ARGV...                (internal) lead one local job
#include "config/config.hpp"
#include "config/explain.hpp"
#include "core/error.hpp"
#include "core/version.hpp"
#include "uws/job_monitor.hpp"
#include "uws/service.hpp"
#include "uws/users.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace vocloud;

constexpr char const* kUsage =
    "usage: vocloud-uws --config UWS.yaml [--set KEY=VALUE]...\n"
    "       vocloud-uws hash-password     (reads a password line on stdin, prints its hash)\n"
    "       vocloud-uws explain [--markdown]   (every key of UWS.yaml)\n"
    "       vocloud-uws --help | --version\n"
    "Serves IVOA UWS 1.1 at /jobs; see docs/uws.md.\n";

struct Args {
  std::string configFile;
  std::vector<config::Override> overrides;
};

Args parseArgs(std::vector<std::string> const& args) {
  Args out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    bool const hasValue = i + 1 < args.size();
    if (args[i] == "--config" && hasValue)
      out.configFile = args[++i];
    else if (args[i] == "--set" && hasValue)
      out.overrides.push_back(config::parseOverride(args[++i]));
    else
      throw UsageError("vocloud-uws: unexpected argument '" + args[i] + "'\n" + kUsage);
  }
  if (out.configFile.empty())
    throw UsageError(std::string("vocloud-uws: --config is required\n") + kUsage);
  return out;
}

int hashPasswordCommand() {
  std::string password;
  if (!std::getline(std::cin, password) || password.empty())
    throw UsageError("vocloud-uws: hash-password: give the password as one line on stdin");
  std::cout << uws::hashPassword(password) << "\n";
  return 0;
}

int runJobCommand(std::vector<std::string> const& args) {
  if (args.size() < 4 || args[2] != "--")
    throw UsageError("vocloud-uws: run-job JOBDIR -- ARGV...");
  return uws::runJobMonitor(args[1], std::vector<std::string>(args.begin() + 3, args.end()));
}

// SIGINT / SIGTERM end serve(): they are blocked in every thread and taken by one.
int serveCommand(Args const& args, std::string const& self) {
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  uws::Service service(uws::loadServiceConfig(args.configFile, args.overrides), self);
  std::cout << "vocloud-uws: serving " << service.jobsUrl() << std::endl;
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&stopSignals, &signal);
    service.stop();
  });
  bool const ok = service.serve();
  pthread_kill(waiter.native_handle(), SIGTERM);  // wakes sigwait when serve ended itself
  waiter.join();
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> const args(argv + 1, argv + argc);
  signal(SIGPIPE, SIG_IGN);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
      std::cout << kUsage;
      return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
      std::cout << "vocloud-uws " << core::engineVersion() << "\n";
      return 0;
    }
    if (args[0] == "hash-password") return hashPasswordCommand();
    if (args[0] == "explain") {
      bool const markdown = args.size() > 1 && args[1] == "--markdown";
      if (!markdown) {
        std::cout << config::explainText(uws::serviceSchema());
        return 0;
      }
      // The key tables only: the preface of explainMarkdown speaks of experiments.
      std::string const text = config::explainMarkdown(uws::serviceSchema());
      auto const first = text.find("\n## ");
      std::cout << (first == std::string::npos ? text : text.substr(first + 1));
      return 0;
    }
    if (args[0] == "run-job") return runJobCommand(args);
    // The monitor and vocloud are found from the real executable, not from argv[0].
    return serveCommand(parseArgs(args), std::filesystem::read_symlink("/proc/self/exe").string());
  } catch (UsageError const& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (std::exception const& e) {
    std::cerr << "vocloud-uws: error: " << e.what() << "\n";
    return 1;
  }
}
