#pragma once
// The one exception type of vocloud. Messages start with the concern that raised them
// ("config: ...", "fits: ...") and name the file, key or row that caused the problem.
#include <stdexcept>
#include <string>

namespace vocloud {

/// Failure that ends the current command. `main` prints it and ends the whole MPI job.
class Error : public std::runtime_error {
public:
  explicit Error(std::string const& message) : std::runtime_error(message) {}
};

/// A failure that every rank detects identically (a bad config, bad command line).
/// The job ends cleanly with exit code 2 instead of an MPI_Abort.
class UsageError : public Error {
public:
  explicit UsageError(std::string const& message) : Error(message) {}
};

/// A failure that every rank throws together, at the same point (e.g. after a collective
/// that shared one rank's failure, or a stage that kept nothing). Rank 0 prints it once and
/// the job ends with exit code 1 and no MPI_Abort.
class CollectiveError : public Error {
public:
  explicit CollectiveError(std::string const& message) : Error(message) {}
};

}  // namespace vocloud
