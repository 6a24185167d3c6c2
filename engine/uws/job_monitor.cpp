#include "uws/job_monitor.hpp"

#include "core/files.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace vocloud::uws {

namespace {

// Forks and runs argv (PATH lookup), the child's signals reset to their defaults.
pid_t spawn(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t const pid = fork();
  if (pid == 0) {
    for (int s : {SIGTERM, SIGINT, SIGHUP}) signal(s, SIG_DFL);
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "vocloud-uws: cannot run %s\n", argv[0]);
    _exit(127);
  }
  return pid;
}

int waitFor(pid_t pid) {
  if (pid < 0) return 127;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 127;
}

void writeArchive(std::string const& jobDir) {
  namespace fs = std::filesystem;
  // Each stage's folder is a link to the variant this job computed (kept under .variants/):
  // the archive holds the files under the stage's name (-h), not the variants or locks.
  // Links lead only inside the job's folder or the configured data roots (checked when the
  // job was accepted).
  std::vector<std::string> args = {
      "tar", "-czhf", "results.tar.gz.part", "--exclude=.variants", "--exclude=*.lock",
      "-C",  jobDir};
  for (char const* item : {"output", "stdout.log", "stderr.log", "experiment.yaml"})
    if (fs::exists(fs::path(jobDir) / item)) args.push_back(item);
  std::fflush(stdout);
  if (waitFor(spawn(args)) == 0)
    fs::rename(fs::path(jobDir) / "results.tar.gz.part", fs::path(jobDir) / "results.tar.gz");
}

}  // namespace

int runJobMonitor(std::string const& jobDir, std::vector<std::string> argv) {
  // The run gets the signals; the monitor stays to record how it ended.
  for (int s : {SIGTERM, SIGINT, SIGHUP}) signal(s, SIG_IGN);
  int const code = waitFor(spawn(argv));
  std::fprintf(stderr, "vocloud-uws: run ended with exit status %d\n", code);
  std::fflush(stderr);
  try {
    writeArchive(jobDir);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "vocloud-uws: results archive: %s\n", e.what());
  }
  core::writeFileAtomic(jobDir + "/exit_code", std::to_string(code) + "\n");
  return code;
}

}  // namespace vocloud::uws
