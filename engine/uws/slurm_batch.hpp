#pragma once
// The pure pieces of the Slurm launcher, testable without Slurm: the batch script rendered
// from its template, the checks of every value that goes into it, and what Slurm's answers
// (sbatch --parsable, scontrol -o show job, sacct -c) mean for a UWS job.
#include "uws/launcher.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace vocloud::uws {

/// "" when `value` is a valid Slurm partition, account or plugin name (letters, digits and
/// `_ . , -` only; empty allowed), else why not.
std::string slurmNameProblem(std::string const& value);

/// "" when `value` is a Slurm time limit (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS),
/// else why not.
std::string slurmTimeProblem(std::string const& value);

/// Fills the template `text` (read from `name`, for messages): each `@NAME@` becomes
/// values[NAME]. A `#SBATCH` line whose placeholder is empty is left out (an optional
/// option: partition, account). Every value must consist of letters, digits and
/// `_ . / + , : = @ % -` (so no value can end a quote or start a command in the script).
/// Throws vocloud::Error ("uws: slurm: NAME:LINE: ...") for an unknown placeholder or a
/// value with another character.
std::string renderBatchScript(std::string const& text,
                              std::map<std::string, std::string> const& values,
                              std::string const& name);

/// The Slurm job id printed by `sbatch --parsable` ("123" or "123;cluster"), or nullopt.
std::optional<std::int64_t> parseSbatchId(std::string const& out);

/// The `Key=Value` fields of one `scontrol -o show job` line.
std::map<std::string, std::string> parseSlurmFields(std::string const& line);

/// What Slurm's job state (JobState, possibly followed by " by UID" as sacct writes
/// CANCELLED), its pending reason and its ExitCode ("code:signal") mean for the job:
/// PENDING -> BatchQueued (BatchHeld when the reason is JobHeldUser/JobHeldAdmin), RUNNING
/// -> BatchRunning, SUSPENDED -> BatchSuspended, COMPLETED/FAILED -> Exited with the exit
/// code, CANCELLED/TIMEOUT -> Stopped (ABORTED). An unknown state is Running (no change).
RunStatus slurmRunStatus(std::int64_t id, std::string const& state, std::string const& reason,
                         std::string const& exitCode);

/// The status in `sacct -c -n -P -o jobid,state,exitcode` output for job `id`, or nullopt
/// when it has no line for it.
std::optional<RunStatus> sacctStatus(std::int64_t id, std::string const& out);

}  // namespace vocloud::uws
