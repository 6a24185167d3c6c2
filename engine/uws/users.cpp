#include "uws/users.hpp"

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>
#include <sstream>
#include <vector>

namespace vocloud::uws {

namespace {

constexpr std::size_t kSaltBytes = 16, kHashBytes = 32;

std::string toHex(unsigned char const* data, std::size_t size) {
  std::string out;
  char buffer[3];
  for (std::size_t i = 0; i < size; ++i) {
    std::snprintf(buffer, sizeof buffer, "%02x", data[i]);
    out += buffer;
  }
  return out;
}

std::optional<std::vector<unsigned char>> fromHex(std::string const& text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<unsigned char> out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    unsigned value = 0;
    if (std::sscanf(text.substr(i, 2).c_str(), "%2x", &value) != 1) return std::nullopt;
    out.push_back(static_cast<unsigned char>(value));
  }
  return out;
}

std::vector<unsigned char> pbkdf2(std::string const& password,
                                  std::vector<unsigned char> const& salt, int iterations) {
  std::vector<unsigned char> out(kHashBytes);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(out.size()), out.data()) != 1)
    throw Error("uws: users: PBKDF2 failed");
  return out;
}

struct ParsedHash {
  int iterations = 0;
  std::vector<unsigned char> salt, hash;
};

std::optional<ParsedHash> parseHash(std::string const& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, '$');) parts.push_back(part);
  if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") return std::nullopt;
  ParsedHash out;
  try {
    out.iterations = std::stoi(parts[1]);
  } catch (std::exception const&) {
    return std::nullopt;
  }
  auto salt = fromHex(parts[2]), hash = fromHex(parts[3]);
  if (out.iterations < 1000 || !salt || !hash || salt->empty() || hash->size() != kHashBytes)
    return std::nullopt;
  out.salt = std::move(*salt);
  out.hash = std::move(*hash);
  return out;
}

config::Schema usersSchema() {
  config::Schema s;
  s.section("", "Accounts of vocloud-uws.");
  config::KeySpec list;
  list.path = "users";
  list.type = config::Type::ObjectList;
  list.defaultYaml = "[]";
  list.doc = "Accounts";
  s.key(list);
  s.section("users[]", "One account.");
  config::KeySpec name;
  name.path = "users[].name";
  name.doc = "Login name";
  s.key(name);
  config::KeySpec role;
  role.path = "users[].role";
  role.type = config::Type::Enum;
  role.defaultYaml = "user";
  role.allowed = {"user", "privileged", "supervisor"};
  role.doc = "user, privileged or supervisor";
  s.key(role);
  config::KeySpec password;
  password.path = "users[].password";
  password.doc = "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX (vocloud-uws hash-password)";
  s.key(password);
  config::KeySpec email;
  email.path = "users[].email";
  email.defaultYaml = "\"\"";
  email.doc = "Mail address for job notices (NOTIFY=mail); empty: none";
  s.key(email);
  return s;
}

Role parseRole(std::string const& text) {
  return text == "supervisor"   ? Role::Supervisor
         : text == "privileged" ? Role::Privileged
                                : Role::User;
}

}  // namespace

std::string roleName(Role role) {
  switch (role) {
    case Role::Privileged:
      return "privileged";
    case Role::Supervisor:
      return "supervisor";
    case Role::User:
      break;
  }
  return "user";
}

std::string hashPassword(std::string const& password, int iterations) {
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
    throw Error("uws: users: no random bytes for a salt");
  auto const hash = pbkdf2(password, salt, iterations);
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + toHex(salt.data(), salt.size()) +
         "$" + toHex(hash.data(), hash.size());
}

bool verifyPassword(std::string const& password, std::string const& hash) {
  auto const parsed = parseHash(hash);
  if (!parsed) return false;
  auto const computed = pbkdf2(password, parsed->salt, parsed->iterations);
  return CRYPTO_memcmp(computed.data(), parsed->hash.data(), kHashBytes) == 0;
}

Users::Users(std::string const& path) {
  auto const c = config::loadConfigFile(path, {}, usersSchema());
  for (std::size_t i = 0; i < c.count("users"); ++i) {
    std::string const item = "users[" + std::to_string(i) + "]";
    User user;
    user.name = c.getString(item + ".name");
    user.role = parseRole(c.getString(item + ".role"));
    user.passwordHash = c.getString(item + ".password");
    user.email = c.getString(item + ".email");
    if (!user.email.empty() && (user.email.find('@') == std::string::npos ||
                                user.email.find_first_of("<>\r\n \t,") != std::string::npos))
      throw UsageError("uws: " + c.where(item + ".email") + ": '" + user.email +
                       "' is not a mail address (name@host)");
    if (user.name.empty() || user.name.find(':') != std::string::npos)
      throw UsageError("uws: " + c.where(item + ".name") +
                       ": a user name is not empty and has no ':'");
    if (!parseHash(user.passwordHash))
      throw UsageError("uws: " + c.where(item + ".password") +
                       ": not a pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX hash (make one with "
                       "`vocloud-uws hash-password`)");
    if (!_users.emplace(user.name, user).second)
      throw UsageError("uws: " + c.where(item + ".name") + ": user '" + user.name +
                       "' is listed twice");
  }
}

std::optional<User> Users::find(std::string const& name) const {
  auto const it = _users.find(name);
  if (it == _users.end()) return std::nullopt;
  return it->second;
}

std::optional<User> Users::authenticate(std::string const& name,
                                        std::string const& password) const {
  auto const it = _users.find(name);
  if (it == _users.end()) return std::nullopt;
  std::string const key = core::sha256Hex(name + '\0' + password + '\0' + it->second.passwordHash);
  {
    std::lock_guard lock(_mutex);
    if (_verified.count(key) > 0) return it->second;
  }
  if (!verifyPassword(password, it->second.passwordHash)) return std::nullopt;
  std::lock_guard lock(_mutex);
  _verified.insert(key);
  return it->second;
}

}  // namespace vocloud::uws
