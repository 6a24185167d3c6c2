#pragma once
// A UWS job as the service keeps it: its phase (UWS 1.1 ExecutionPhase), times, limits and
// the process that runs it.
#include <cstdint>
#include <optional>
#include <string>

namespace vocloud::uws {

enum class Phase {
  Pending,
  Queued,
  Executing,
  Completed,
  Error,
  Aborted,
  Unknown,
  Held,
  Suspended,
  Archived
};

/// "PENDING", "QUEUED", ... as UWS 1.1 spells them.
std::string phaseName(Phase phase);
/// The phase named `text` (exact UWS spelling), or nullopt.
std::optional<Phase> parsePhase(std::string const& text);
/// COMPLETED, ERROR, ABORTED and ARCHIVED: nothing will change the phase again.
bool isFinal(Phase phase);

/// Seconds since the epoch as xs:dateTime in UTC with milliseconds ("2026-12-07T12:00:00.000Z").
std::string isoTime(double epochSeconds);
/// Parses an ISO 8601 date-time (with or without fraction, 'Z' or no zone = UTC, or a
/// +hh:mm offset); nullopt when it is not one.
std::optional<double> parseIsoTime(std::string const& text);
/// The current time, seconds since the epoch.
double nowSeconds();

struct Job {
  std::string id;     ///< 16 hex digits
  std::string owner;  ///< user name
  std::string runId;  ///< client-supplied label
  Phase phase = Phase::Pending;
  double creationTime = 0;
  double startTime = 0;                ///< 0: not started
  double endTime = 0;                  ///< 0: not ended
  std::int64_t executionDuration = 0;  ///< seconds; 0 = unlimited
  double destruction = 0;              ///< epoch seconds
  std::string error;                   ///< error summary (phase ERROR, or why ABORTED)
  std::int64_t pid = 0;                ///< process group leader of a local job; 0: none
  std::uint64_t pidStart = 0;          ///< its start time (clock ticks since boot)
  std::int64_t slurmId = 0;            ///< Slurm job id of a job the Slurm launcher ran; 0: none
  int exitCode = -1;
  std::int64_t seq = 0;  ///< order of creation
};

/// True when a run was started for the job (a local process or a Slurm job).
bool hasRun(Job const& job);

}  // namespace vocloud::uws
