#include "uws/sqlite_db.hpp"

#include "core/error.hpp"

#include <sqlite3.h>

#include <utility>

namespace vocloud::uws {

Database::Database(std::string path) : _path(std::move(path)) {
  int const rc =
      sqlite3_open_v2(_path.c_str(), &_db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string const message = _db ? sqlite3_errmsg(_db) : sqlite3_errstr(rc);
    sqlite3_close(_db);
    throw Error("uws: sqlite: cannot open " + _path + ": " + message);
  }
  check(sqlite3_busy_timeout(_db, 5000), "busy_timeout");
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
}

Database::~Database() {
  sqlite3_close(_db);
}

void Database::check(int rc, char const* what) const {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
    throw Error("uws: sqlite: " + _path + ": " + what + ": " + sqlite3_errmsg(_db));
}

void Database::exec(std::string const& sql) {
  char* message = nullptr;
  int const rc = sqlite3_exec(_db, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string const text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw Error("uws: sqlite: " + _path + ": " + text);
  }
}

Statement Database::prepare(std::string const& sql) {
  return Statement(*this, sql);
}

Statement::Statement(Database& db, std::string const& sql) : _db(&db) {
  _db->check(sqlite3_prepare_v2(db._db, sql.c_str(), -1, &_stmt, nullptr), "prepare");
}

Statement::~Statement() {
  sqlite3_finalize(_stmt);
}

Statement::Statement(Statement&& other) noexcept
    : _db(other._db), _stmt(std::exchange(other._stmt, nullptr)) {}

Statement& Statement::bind(int index, std::string const& text) {
  _db->check(
      sqlite3_bind_text(_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT),
      "bind");
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  _db->check(sqlite3_bind_int64(_stmt, index, value), "bind");
  return *this;
}

Statement& Statement::bindDouble(int index, double value) {
  _db->check(sqlite3_bind_double(_stmt, index, value), "bind");
  return *this;
}

Statement& Statement::bindNull(int index) {
  _db->check(sqlite3_bind_null(_stmt, index), "bind");
  return *this;
}

bool Statement::step() {
  int const rc = sqlite3_step(_stmt);
  _db->check(rc, "step");
  return rc == SQLITE_ROW;
}

void Statement::run() {
  while (step()) {
  }
}

std::string Statement::text(int column) const {
  auto const* p = sqlite3_column_text(_stmt, column);
  return p ? std::string(reinterpret_cast<char const*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(_stmt, column)))
           : std::string();
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(_stmt, column);
}

double Statement::real(int column) const {
  return sqlite3_column_double(_stmt, column);
}

bool Statement::isNull(int column) const {
  return sqlite3_column_type(_stmt, column) == SQLITE_NULL;
}

}  // namespace vocloud::uws
