#pragma once
// A thin RAII layer over SQLite: one Database owns the connection, one Statement owns a
// prepared statement; every return code is checked and failures throw vocloud::Error
// ("uws: sqlite: ...") naming the database file.
#include <cstdint>
#include <optional>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace vocloud::uws {

class Statement;

class Database {
 public:
  /// Opens (creating) the database file, in WAL mode with a busy timeout.
  explicit Database(std::string path);
  ~Database();
  Database(Database const&) = delete;
  Database& operator=(Database const&) = delete;

  /// Runs SQL without results (several statements allowed).
  void exec(std::string const& sql);
  /// Prepares one statement.
  Statement prepare(std::string const& sql);
  std::string const& path() const { return _path; }

 private:
  friend class Statement;
  void check(int rc, char const* what) const;
  std::string _path;
  sqlite3* _db = nullptr;
};

class Statement {
 public:
  Statement(Database& db, std::string const& sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(Statement const&) = delete;
  Statement& operator=(Statement const&) = delete;
  Statement& operator=(Statement&&) = delete;

  /// Binds parameter `index` (1-based).
  Statement& bind(int index, std::string const& text);
  Statement& bind(int index, std::int64_t value);
  Statement& bindDouble(int index, double value);
  Statement& bindNull(int index);
  /// Steps once: true while a row is available.
  bool step();
  /// Steps to the end (for statements without results).
  void run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  bool isNull(int column) const;

 private:
  Database* _db;
  sqlite3_stmt* _stmt = nullptr;
};

}  // namespace vocloud::uws
