#include "uws/slurm_batch.hpp"

#include "core/error.hpp"

#include <regex>
#include <set>
#include <sstream>

namespace vocloud::uws {

namespace {

bool allIn(std::string const& value, char const* extra) {
  for (char c : value) {
    bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string(extra).find(c) != std::string::npos;
    if (!ok) return false;
  }
  return true;
}

// Slurm's exit code "code:signal" as one status: 128+signal when killed by one.
int exitStatusOf(std::string const& exitCode) {
  int code = 0, signal = 0;
  char colon = 0;
  std::istringstream in(exitCode);
  if (!(in >> code)) return -1;
  if (in >> colon >> signal && signal > 0) return 128 + signal;
  return code;
}

std::string firstWord(std::string const& text) {
  return text.substr(0, text.find(' '));
}

RunStatus status(RunState state, int exitCode = -1, std::string note = "") {
  RunStatus s;
  s.state = state;
  s.exitCode = exitCode;
  s.note = std::move(note);
  return s;
}

}  // namespace

std::string slurmNameProblem(std::string const& value) {
  if (allIn(value, "_.,-")) return "";
  return "'" + value + "' is not a Slurm name (letters, digits and _ . , - only)";
}

std::string slurmTimeProblem(std::string const& value) {
  static std::regex const time(R"(([0-9]+-[0-9]+(:[0-9]+){0,2})|([0-9]+(:[0-9]+){0,2}))");
  if (std::regex_match(value, time)) return "";
  return "'" + value + "' is not a Slurm time limit (MM, HH:MM:SS, D-HH:MM, ...)";
}

std::string renderBatchScript(std::string const& text,
                              std::map<std::string, std::string> const& values,
                              std::string const& name) {
  static std::regex const placeholder("@([A-Z][A-Z0-9_]*)@");
  std::istringstream in(text);
  std::string out;
  int lineNo = 0;
  for (std::string line; std::getline(in, line);) {
    ++lineNo;
    std::string filled;
    bool emptyOption = false;
    auto last = line.cbegin();
    for (std::sregex_iterator it(line.begin(), line.end(), placeholder), end; it != end; ++it) {
      std::string const key = (*it)[1].str();
      auto const value = values.find(key);
      std::string const where = "uws: slurm: " + name + ":" + std::to_string(lineNo) + ": ";
      if (value == values.end()) throw Error(where + "unknown placeholder @" + key + "@");
      if (!allIn(value->second, "_./+,:=@%-"))
        throw Error(where + "the value of @" + key + "@ ('" + value->second +
                    "') has a character not allowed in a batch script (letters, digits and "
                    "_ . / + , : = @ % - only)");
      emptyOption = emptyOption || (value->second.empty() && line.rfind("#SBATCH", 0) == 0);
      filled.append(last, (*it)[0].first);
      filled += value->second;
      last = (*it)[0].second;
    }
    filled.append(last, line.cend());
    if (!emptyOption) out += filled + "\n";
  }
  return out;
}

std::optional<std::int64_t> parseSbatchId(std::string const& out) {
  static std::regex const id(R"(\s*([0-9]+)(;[^\s]*)?\s*)");
  std::smatch m;
  if (!std::regex_match(out, m, id)) return std::nullopt;
  try {
    return std::stoll(m[1].str());
  } catch (std::exception const&) {
    return std::nullopt;
  }
}

std::map<std::string, std::string> parseSlurmFields(std::string const& line) {
  std::map<std::string, std::string> fields;
  std::istringstream in(line);
  for (std::string word; in >> word;) {
    auto const eq = word.find('=');
    if (eq != std::string::npos && eq > 0) fields[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return fields;
}

RunStatus slurmRunStatus(std::int64_t id, std::string const& stateText, std::string const& reason,
                         std::string const& exitCode) {
  std::string const state = firstWord(stateText);
  std::string const job = "Slurm job " + std::to_string(id);
  if (state == "PENDING" || state == "REQUEUED" || state == "REQUEUE_FED" || state == "CONFIGURING")
    return status(reason.rfind("JobHeld", 0) == 0 ? RunState::BatchHeld : RunState::BatchQueued);
  if (state == "REQUEUE_HOLD" || state == "RESV_DEL_HOLD") return status(RunState::BatchHeld);
  if (state == "RUNNING" || state == "COMPLETING" || state == "SIGNALING" || state == "RESIZING" ||
      state == "STAGE_OUT")
    return status(RunState::BatchRunning);
  if (state == "SUSPENDED" || state == "STOPPED") return status(RunState::BatchSuspended);
  int const code = exitStatusOf(exitCode);
  if (state == "COMPLETED") return status(RunState::Exited, code);
  static std::set<std::string> const failed = {"FAILED", "NODE_FAIL", "BOOT_FAIL", "OUT_OF_MEMORY",
                                               "SPECIAL_EXIT"};
  if (failed.count(state))
    return status(RunState::Exited, code == 0 ? -1 : code,
                  job + " ended " + state + " (exit code " + exitCode + ")");
  if (state == "CANCELLED") return status(RunState::Stopped, code, job + " was cancelled");
  if (state == "TIMEOUT" || state == "DEADLINE")
    return status(RunState::Stopped, code, job + " ran past its Slurm time limit (" + state + ")");
  if (state == "PREEMPTED") return status(RunState::Stopped, code, job + " was preempted");
  return status(RunState::Running);
}

std::optional<RunStatus> sacctStatus(std::int64_t id, std::string const& out) {
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string jobId, state, exitCode;
    std::getline(fields, jobId, '|');
    std::getline(fields, state, '|');
    std::getline(fields, exitCode, '|');
    if (jobId == std::to_string(id)) return slurmRunStatus(id, state, "", exitCode);
  }
  return std::nullopt;
}

}  // namespace vocloud::uws
