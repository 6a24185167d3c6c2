#pragma once
// The configuration of `vocloud-uws`: its own schema, read by the same machinery as an
// experiment (file:line:col errors, --set overrides, relative paths from the file's folder).
#include "config/config.hpp"
#include "uws/mail.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::uws {

/// The schema of the service's YAML (server, store, users, launcher, jobs sections).
config::Schema serviceSchema();

/// Where and how the HTTP(S) server listens.
struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                ///< 0: any free port (the chosen one is printed)
  std::string tlsCert;            ///< PEM certificate; empty: plain HTTP
  std::string tlsKey;             ///< PEM private key of tlsCert
  bool allowPlainRemote = false;  ///< plain HTTP on a host other than 127.0.0.1/localhost
  std::int64_t maxRequestBytes = 1 << 20;
  int waitCapSeconds = 60;  ///< longest WAIT a request may block
  int threads = 256;        ///< worker threads (each blocked WAIT holds one)
  std::string publicUrl;    ///< base URL written into documents; empty: derived
};

/// How the Slurm launcher writes and submits each job's batch script (launcher.kind: slurm).
struct SlurmOptions {
  std::string templatePath;       ///< the batch script template (slurm/uws-job.sbatch.in)
  std::string partition;          ///< empty: the cluster's default partition
  std::string account;            ///< empty: the user's default account
  std::string time = "01:00:00";  ///< the job's time limit, in Slurm's formats
  int nodes = 1;
  int tasks = 1;               ///< MPI ranks (srun tasks)
  std::string mpi = "pmix";    ///< srun's --mpi plugin (the template falls back when absent)
  double commandSeconds = 30;  ///< longest a Slurm command may take
};

/// How the launcher starts `vocloud run`.
struct LauncherOptions {
  std::string kind = "local";
  std::string mpirun = "mpirun";
  std::vector<std::string> mpirunArgs;
  std::string vocloud;  ///< the vocloud executable; empty: the one beside vocloud-uws
  int ranks = 1;
  int maxRunning = 2;           ///< jobs executing at once; the rest wait in QUEUED
  double killGraceSeconds = 5;  ///< SIGTERM, then SIGKILL after this long
  double pollSeconds = 0.2;     ///< how often running jobs are looked at
  SlurmOptions slurm;
};

/// Defaults and limits of jobs.
struct JobOptions {
  std::int64_t defaultExecutionDuration = 3600;  ///< seconds; 0 = unlimited
  std::int64_t maxExecutionDuration = 86400;     ///< seconds; a request above is capped
  double defaultDestructionDays = 7;
  int maxRunningPerUser = 0;  ///< a user's jobs executing at once; 0: only launcher's limit
  double reaperSeconds = 60;  ///< how often destruction times are checked
  /// Absolute folders (shared bases of knowledge) an experiment's path keys may name besides
  /// the job's own folder.
  std::vector<std::string> dataRoots;
  double maxDiskPerUserBytes = 0;  ///< a user's job folders together; 0: no limit
  /// The shared base of knowledge (absolute): privileged users' jobs may write their output
  /// below it, every job may read it. Empty: none.
  std::string sharedBase;
};

/// Everything `vocloud-uws` needs, validated once.
struct ServiceConfig {
  std::string source;  ///< the YAML file
  ServerOptions server;
  std::string storeDir;   ///< holds jobs.sqlite and jobs/<id>/
  std::string usersFile;  ///< accounts with password hashes (users.md format)
  LauncherOptions launcher;
  JobOptions jobs;
  MailOptions mail;
};

/// Reads and validates the service YAML with `overrides` (--set), resolving relative paths
/// from the file's folder. Throws vocloud::UsageError with file:line:col of every problem,
/// or naming the key of a rule across keys (TLS key without certificate, plain HTTP on a
/// public address).
ServiceConfig loadServiceConfig(std::string const& path,
                                std::vector<config::Override> const& overrides = {});

/// Builds the struct from an already validated config (tests use loadConfigText).
ServiceConfig serviceConfigFrom(config::Config const& config);

}  // namespace vocloud::uws
