#pragma once
// Accounts of the service: a YAML users file (read with the config machinery, so mistakes
// come back as file:line:col) holding each user's name, role and PBKDF2-HMAC-SHA256
// password hash (OpenSSL). Nothing stores or logs a clear-text password.
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace vocloud::uws {

enum class Role { User, Privileged, Supervisor };

/// "user", "privileged", "supervisor".
std::string roleName(Role role);

struct User {
  std::string name;
  Role role = Role::User;
  std::string passwordHash;  ///< "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX"
  std::string email;         ///< where job notices go (NOTIFY=mail); empty: none
};

/// A new hash of `password` with a random salt (the users file's `password` value).
std::string hashPassword(std::string const& password, int iterations = 100000);
/// True when `password` matches `hash` (constant-time comparison). A malformed hash is false.
bool verifyPassword(std::string const& password, std::string const& hash);

class Users {
 public:
  /// Reads the users file. Throws vocloud::UsageError at file:line:col of a bad entry, a
  /// duplicate name or a hash that is not pbkdf2-sha256.
  explicit Users(std::string const& path);

  /// The user when `name` exists and `password` is right; nullopt otherwise. Successful
  /// checks are remembered (by a SHA-256 of name and password) so that HTTP Basic on every
  /// request does not rerun the KDF.
  std::optional<User> authenticate(std::string const& name, std::string const& password) const;
  /// The account called `name`, or nullopt (no password check: for mail and quotas).
  std::optional<User> find(std::string const& name) const;
  std::size_t size() const { return _users.size(); }

 private:
  std::map<std::string, User> _users;
  mutable std::mutex _mutex;
  mutable std::set<std::string> _verified;
};

}  // namespace vocloud::uws
