// sql::Connection over the SQLite C API.
#include <sqlite3.h>

#include <string>
#include <unordered_map>

#include "store/sql_db.h"

namespace tongan::sql {
namespace {

Error::Kind KindOf(int rc) {
  return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY
             ? Error::Kind::kUniqueViolation
             : Error::Kind::kOther;
}

[[noreturn]] void Throw(sqlite3* db, int rc, std::string_view context) {
  throw Error(KindOf(rc), std::string(context) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

class SqliteCursor final : public Cursor {
 public:
  explicit SqliteCursor(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~SqliteCursor() override { sqlite3_finalize(stmt_); }

  void BindInt(int index, int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
  void BindReal(int index, double value) override { sqlite3_bind_double(stmt_, index, value); }
  void BindText(int index, std::string_view value) override {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int index) override { sqlite3_bind_null(stmt_, index); }

  bool Step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Throw(sqlite3_db_handle(stmt_), rc, "step");
  }

  int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double Real(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string Text(int column) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return text ? std::string(text, sqlite3_column_bytes(stmt_, column)) : std::string();
  }
  bool IsNull(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

  void Reset() noexcept override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, bool read_only) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw Error(Error::Kind::kOther, "open " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 10000);
    sqlite3_extended_result_codes(db_, 1);
    // 16 KiB pages for a new file (an existing one keeps its size): a child's row is about 1.3 KiB,
    // so 4 KiB pages held two rows and left a third empty, and a province's load wrote twice the bytes.
    Exec("PRAGMA page_size=16384");
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=FULL");
    Exec("PRAGMA foreign_keys=ON");
    // 64 MiB of page cache rather than the default 2 MiB: a county's indexes stay in memory, and a
    // bulk load into a province-sized file is not bound by re-reading index pages.
    Exec("PRAGMA cache_size=-" + std::to_string(kSqliteCacheKib));
    if (read_only) Exec("PRAGMA query_only=ON");
  }
  ~SqliteConnection() override {
    cache_.clear();  // statements are finalized before the database closes
    sqlite3_close(db_);
  }

  Backend backend() const override { return Backend::kSqlite; }

  Statement Prepare(const std::string& sql) override {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* stmt = nullptr;
      const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) Throw(db_, rc, "prepare");
      it = cache_.emplace(sql, std::make_unique<SqliteCursor>(stmt)).first;
    }
    return Statement(it->second.get());
  }

  void Exec(const std::string& sql) override {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string text = message ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      throw Error(KindOf(rc), "exec: " + text);
    }
  }

  int64_t LastInsertId() override { return sqlite3_last_insert_rowid(db_); }
  int64_t Changes() override { return sqlite3_changes(db_); }
  void Begin() override { Exec("BEGIN IMMEDIATE"); }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<SqliteCursor>> cache_;
};

}  // namespace

std::unique_ptr<Connection> OpenSqlite(const std::string& path, bool read_only) {
  return std::make_unique<SqliteConnection>(path, read_only);
}

}  // namespace tongan::sql
