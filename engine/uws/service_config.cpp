#include "uws/service_config.hpp"

#include "core/error.hpp"
#include "uws/slurm_batch.hpp"

#include <filesystem>
#include <limits>

namespace vocloud::uws {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

config::KeySpec key(std::string path, config::Type type, std::string def, std::string doc,
                    double min = -kInf, double max = kInf) {
  config::KeySpec k;
  k.path = std::move(path);
  k.type = type;
  k.defaultYaml = std::move(def);
  k.min = min;
  k.max = max;
  k.doc = std::move(doc);
  return k;
}

config::KeySpec pathKey(std::string path, std::string def, std::string doc) {
  auto k = key(std::move(path), config::Type::String, std::move(def), std::move(doc));
  k.isPath = true;
  return k;
}

void addServer(config::Schema& s) {
  using config::Type;
  s.section("server", "Where the HTTP(S) server listens.");
  s.key(key("server.host", Type::String, "127.0.0.1", "Address to listen on"));
  s.key(key("server.port", Type::Int, "8080", "TCP port; 0 picks a free one (printed)", 0, 65535));
  s.key(pathKey("server.tls_cert", "\"\"", "PEM certificate: serve HTTPS (empty: plain HTTP)"));
  s.key(pathKey("server.tls_key", "\"\"", "PEM private key of tls_cert"));
  s.key(key("server.allow_plain_remote", Type::Bool, "false",
            "Allow plain HTTP on an address other than 127.0.0.1 / localhost"));
  s.key(key("server.max_request_bytes", Type::Int, "1048576",
            "Largest request body accepted (bytes); larger ones get 413", 1024, 1e9));
  s.key(
      key("server.wait_cap", Type::Int, "60", "Longest a WAIT request blocks (seconds)", 0, 3600));
  s.key(key("server.threads", Type::Int, "256",
            "Worker threads; WAIT requests may hold all but an eighth of them (at least 4), so "
            "other requests are always served",
            8, 10000));
  s.key(key("server.public_url", Type::String, "\"\"",
            "Base URL written into job documents (empty: scheme://host:port)"));
}

void addStoreAndUsers(config::Schema& s) {
  using config::Type;
  s.section("store", "Where jobs are kept.");
  s.key(pathKey("store.dir", "uws-data", "Folder of jobs.sqlite and jobs/<id>/"));
  s.section("users", "Accounts.");
  s.key(pathKey("users.file", "", "Users file: name, role and PBKDF2 password hash (required)"));
}

void addLauncher(config::Schema& s) {
  using config::Type;
  s.section("launcher", "How jobs run.");
  auto kind = key("launcher.kind", Type::Enum, "local",
                  "Launcher: local (mpirun here) or slurm (sbatch; see the slurm section)");
  kind.allowed = {"local", "slurm"};
  s.key(kind);
  s.key(key("launcher.mpirun", Type::String, "mpirun", "mpirun executable (looked up in PATH)"));
  s.key(key("launcher.mpirun_args", Type::StringList, "[]",
            "Extra mpirun arguments, e.g. [--oversubscribe]"));
  s.key(pathKey("launcher.vocloud", "\"\"",
                "vocloud executable (empty: the one beside vocloud-uws)"));
  s.key(key("launcher.ranks", Type::Int, "1", "MPI ranks of each job (mpirun -n)", 1, 4096));
  s.key(key("launcher.max_running", Type::Int, "2",
            "Jobs executing at once; the others wait in QUEUED", 1, 10000));
  s.key(key("launcher.kill_grace", Type::Float, "5",
            "Seconds between SIGTERM and SIGKILL when a job is aborted", 0, 600));
  s.key(key("launcher.poll_interval", Type::Float, "0.2", "Seconds between looks at running jobs",
            0.01, 60));
}

void addSlurm(config::Schema& s) {
  using config::Type;
  s.section("slurm", "The Slurm launcher (launcher.kind: slurm): each job's batch script.");
  s.key(pathKey("slurm.template", "\"\"",
                "Batch script template with @NAME@ placeholders (required with kind slurm; "
                "slurm/uws-job.sbatch.in)"));
  s.key(key("slurm.partition", Type::String, "\"\"", "Partition (empty: the default one)"));
  s.key(key("slurm.account", Type::String, "\"\"", "Account (empty: the user's default)"));
  s.key(key("slurm.time", Type::String, "01:00:00",
            "Time limit of each job (Slurm's formats: MM, HH:MM:SS, D-HH:MM, ...)"));
  s.key(key("slurm.nodes", Type::Int, "1", "Nodes of each job", 1, 100000));
  s.key(key("slurm.tasks", Type::Int, "1", "MPI ranks (srun tasks) of each job", 1, 1000000));
  s.key(key("slurm.mpi", Type::String, "pmix",
            "srun's --mpi plugin (the script falls back to pmi2 when srun lacks it)"));
  s.key(key("slurm.command_timeout", Type::Float, "30",
            "Longest a Slurm command (sbatch, scontrol, ...) may take (seconds)", 1, 600));
}

void addJobs(config::Schema& s) {
  using config::Type;
  s.section("jobs", "Defaults and limits of jobs.");
  s.key(key("jobs.execution_duration", Type::Int, "3600",
            "Default executionduration (seconds; 0 = unlimited)", 0, 1e9));
  s.key(key("jobs.max_execution_duration", Type::Int, "86400",
            "Largest executionduration a client may set (seconds)", 1, 1e9));
  s.key(key("jobs.destruction_days", Type::Float, "7",
            "Default time from creation to destruction (days)", 0.0001, 36500));
  s.key(key("jobs.max_running_per_user", Type::Int, "0",
            "Jobs of one user executing at once; the others wait in QUEUED (0: no own limit)", 0,
            10000));
  s.key(key("jobs.data_roots", Type::StringList, "[]",
            "Folders an experiment may read besides its job's folder (relative: from this "
            "file's folder)"));
  s.key(key("jobs.reaper_interval", Type::Float, "60",
            "Seconds between looks for jobs past their destruction time", 0.1, 86400));
  s.key(key("jobs.max_disk_per_user", Type::Float, "0",
            "MiB one user's job folders may hold; over it new jobs are refused (0: no limit)", 0,
            1e12));
  s.key(pathKey("jobs.shared_base", "\"\"",
                "Shared base-of-knowledge folder: privileged users' jobs may write their output "
                "there, every job may read it (empty: none)"));
}

void addMail(config::Schema& s) {
  using config::Type;
  s.section("mail", "Mail to a job's owner when it ends (job parameter NOTIFY=mail).");
  s.key(key("mail.smtp_url", Type::String, "\"\"",
            "SMTP server, smtp://host:port or smtps://host:port (empty: no mail)"));
  s.key(key("mail.from", Type::String, "vocloud-uws@localhost", "Sender address"));
  s.key(key("mail.user", Type::String, "\"\"", "SMTP login (empty: none)"));
  s.key(key("mail.password", Type::String, "\"\"", "SMTP password of mail.user"));
  s.key(key("mail.timeout", Type::Float, "20", "Longest one mail may take (seconds)", 1, 600));
}

bool isLoopback(std::string const& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

// The Slurm values go into a batch script: each is checked here, once, so that a bad one is
// refused at its key rather than when a job starts.
void checkSlurm(config::Config const& c, SlurmOptions const& o) {
  if (o.templatePath.empty())
    throw UsageError("uws: " + c.where("launcher.kind") +
                     ": launcher.kind: slurm needs slurm.template (slurm/uws-job.sbatch.in)");
  if (!std::filesystem::is_regular_file(o.templatePath))
    throw UsageError("uws: " + c.where("slurm.template") + ": slurm.template: no file " +
                     o.templatePath);
  for (auto const& [name, problem] :
       {std::pair{"slurm.partition", slurmNameProblem(o.partition)},
        std::pair{"slurm.account", slurmNameProblem(o.account)},
        std::pair{"slurm.time", slurmTimeProblem(o.time)},
        std::pair{"slurm.mpi", o.mpi.empty() ? std::string("empty") : slurmNameProblem(o.mpi)}})
    if (!problem.empty()) throw UsageError("uws: " + c.where(name) + ": " + name + ": " + problem);
}

void checkRules(config::Config const& c, ServiceConfig const& out) {
  if (out.server.tlsCert.empty() != out.server.tlsKey.empty())
    throw UsageError("uws: " + c.where("server.tls_cert") +
                     ": server.tls_cert and server.tls_key must be given together");
  if (out.server.tlsCert.empty() && !isLoopback(out.server.host) && !out.server.allowPlainRemote)
    throw UsageError("uws: " + c.where("server.host") + ": server.host: plain HTTP on '" +
                     out.server.host +
                     "' would send passwords in clear: give server.tls_cert/tls_key or set "
                     "server.allow_plain_remote: true");
  if (out.launcher.kind == "slurm") checkSlurm(c, out.launcher.slurm);
}

}  // namespace

config::Schema serviceSchema() {
  config::Schema s;
  s.section("", "The vocloud-uws job service.");
  addServer(s);
  addStoreAndUsers(s);
  addLauncher(s);
  addSlurm(s);
  addJobs(s);
  addMail(s);
  return s;
}

ServiceConfig serviceConfigFrom(config::Config const& c) {
  ServiceConfig out;
  out.source = c.source();
  out.server.host = c.getString("server.host");
  out.server.port = static_cast<int>(c.getInt("server.port"));
  out.server.tlsCert = c.getString("server.tls_cert");
  out.server.tlsKey = c.getString("server.tls_key");
  out.server.allowPlainRemote = c.getBool("server.allow_plain_remote");
  out.server.maxRequestBytes = c.getInt("server.max_request_bytes");
  out.server.waitCapSeconds = static_cast<int>(c.getInt("server.wait_cap"));
  out.server.publicUrl = c.getString("server.public_url");
  out.server.threads = static_cast<int>(c.getInt("server.threads"));
  out.storeDir = c.getString("store.dir");
  out.usersFile = c.getString("users.file");
  out.launcher.kind = c.getString("launcher.kind");
  out.launcher.mpirun = c.getString("launcher.mpirun");
  out.launcher.mpirunArgs = c.getList("launcher.mpirun_args");
  out.launcher.vocloud = c.getString("launcher.vocloud");
  out.launcher.ranks = static_cast<int>(c.getInt("launcher.ranks"));
  out.launcher.maxRunning = static_cast<int>(c.getInt("launcher.max_running"));
  out.launcher.killGraceSeconds = c.getDouble("launcher.kill_grace");
  out.launcher.pollSeconds = c.getDouble("launcher.poll_interval");
  auto& slurm = out.launcher.slurm;
  slurm.templatePath = c.getString("slurm.template");
  slurm.partition = c.getString("slurm.partition");
  slurm.account = c.getString("slurm.account");
  slurm.time = c.getString("slurm.time");
  slurm.nodes = static_cast<int>(c.getInt("slurm.nodes"));
  slurm.tasks = static_cast<int>(c.getInt("slurm.tasks"));
  slurm.mpi = c.getString("slurm.mpi");
  slurm.commandSeconds = c.getDouble("slurm.command_timeout");
  out.jobs.defaultExecutionDuration = c.getInt("jobs.execution_duration");
  out.jobs.maxExecutionDuration = c.getInt("jobs.max_execution_duration");
  out.jobs.defaultDestructionDays = c.getDouble("jobs.destruction_days");
  out.jobs.reaperSeconds = c.getDouble("jobs.reaper_interval");
  out.jobs.maxRunningPerUser = static_cast<int>(c.getInt("jobs.max_running_per_user"));
  out.jobs.maxDiskPerUserBytes = c.getDouble("jobs.max_disk_per_user") * 1024.0 * 1024.0;
  if (!c.getString("jobs.shared_base").empty())
    out.jobs.sharedBase =
        std::filesystem::absolute(c.getString("jobs.shared_base")).lexically_normal().string();
  out.mail.smtpUrl = c.getString("mail.smtp_url");
  out.mail.from = c.getString("mail.from");
  out.mail.user = c.getString("mail.user");
  out.mail.password = c.getString("mail.password");
  out.mail.timeoutSeconds = c.getDouble("mail.timeout");
  auto const base = std::filesystem::absolute(c.source()).parent_path();
  for (auto const& root : c.getList("jobs.data_roots")) {
    std::filesystem::path p(root);
    out.jobs.dataRoots.push_back((p.is_absolute() ? p : base / p).lexically_normal().string());
  }
  checkRules(c, out);
  return out;
}

ServiceConfig loadServiceConfig(std::string const& path,
                                std::vector<config::Override> const& overrides) {
  return serviceConfigFrom(config::loadConfigFile(path, overrides, serviceSchema()));
}

}  // namespace vocloud::uws
