// Online backup (SQLite backup API, or CopyDatabase from PostgreSQL) and restore.
#include "store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <utility>

#include "store/sql_db.h"

namespace tongan {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMigrationsTable = "schema_migrations";
// Pages copied per sqlite3_backup_step: 16 MiB at our 16 KiB pages, so progress is reported
// often and each step's I/O burst stays short.
constexpr int kPagesPerStep = 1024;

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

[[noreturn]] void Fail(sqlite3* db, const std::string& what) {
  throw std::runtime_error(what + "：" + (db ? sqlite3_errmsg(db) : "SQLite 错误"));
}

SqliteHandle Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteHandle db(raw);
  if (rc != SQLITE_OK) Fail(raw, "无法打开 " + path);
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

// An existing file, opened without creating it. Read-write because a reader of a WAL database
// needs its -shm file; query_only keeps this connection from writing.
SqliteHandle OpenExistingForReading(const std::string& path) {
  if (!fs::exists(path)) throw std::runtime_error("数据库文件不存在：" + path);
  SqliteHandle db = Open(path, SQLITE_OPEN_READWRITE);
  if (sqlite3_exec(db.get(), "PRAGMA query_only = ON", nullptr, nullptr, nullptr) != SQLITE_OK)
    Fail(db.get(), "无法打开 " + path);
  return db;
}

// The first column of every row, as text.
std::vector<std::string> Column(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) Fail(db, "SQLite 查询失败（" + sql + "）");
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw, sqlite3_finalize);
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    out.emplace_back(text ? text : "");
  }
  if (rc != SQLITE_DONE) Fail(db, "SQLite 查询失败（" + sql + "）");
  return out;
}

void Exec(sqlite3* db, const std::string& sql) { Column(db, sql); }

std::string Quote(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

bool IsTonganDatabase(sqlite3* db) {
  return Column(db, std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '") +
                        kMigrationsTable + "'").at(0) == "1";
}

std::vector<TableRows> TableRowsOf(sqlite3* db) {
  std::vector<TableRows> out;
  for (const std::string& table :
       Column(db, std::string("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                              "AND name <> '") + kMigrationsTable + "' ORDER BY rowid"))
    out.push_back({table, std::stoll(Column(db, "SELECT count(*) FROM " + Quote(table)).at(0))});
  return out;
}

std::string IntegrityCheckOf(sqlite3* db) {
  std::string out;
  for (const std::string& line : Column(db, "PRAGMA integrity_check")) out += (out.empty() ? "" : "；") + line;
  return out;
}

void SyncPath(const std::string& path, int flags) {
  const int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("无法打开 " + path + "：" + std::strerror(errno));
  const int rc = fsync(fd);
  close(fd);
  if (rc != 0) throw std::runtime_error("无法写入磁盘 " + path + "：" + std::strerror(errno));
}

std::string Describe(const std::vector<TableRows>& a, const std::vector<TableRows>& b) {
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (i >= a.size() || i >= b.size()) return "表的数量不同";
    if (a[i].table != b[i].table || a[i].rows != b[i].rows)
      return "表 " + a[i].table + "：" + std::to_string(a[i].rows) + " 行，备份中 " + b[i].table + "：" +
             std::to_string(b[i].rows) + " 行";
  }
  return "";
}

// The backup while it is written: under a temporary name next to its final one, removed unless
// Publish() linked it into place, so a failed or killed backup never leaves a file that looks done.
class PendingFile {
 public:
  explicit PendingFile(std::string final_path)
      : final_(std::move(final_path)), temp_(final_ + ".partial-" + std::to_string(getpid())) {
    if (fs::exists(final_)) throw std::runtime_error("备份文件已存在：" + final_ + "。备份不会覆盖已有文件，请换一个文件名");
    const fs::path parent = fs::absolute(final_).parent_path();
    if (!fs::is_directory(parent)) throw std::runtime_error("备份目录不存在：" + parent.string());
    RemoveTemp();  // left by a killed run of the same process id
  }
  ~PendingFile() { RemoveTemp(); }
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;

  const std::string& path() const { return temp_; }

  // On disk first, then under the final name. link() fails on an existing name where rename()
  // would silently replace it.
  void Publish() {
    SyncPath(temp_, O_RDONLY);
    if (link(temp_.c_str(), final_.c_str()) != 0) {
      if (errno == EEXIST) throw std::runtime_error("备份文件已存在：" + final_ + "。备份不会覆盖已有文件");
      if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOTSUP)
        throw std::runtime_error("无法写入备份文件 " + final_ + "：" + std::strerror(errno));
      // A file system without hard links.
      if (fs::exists(final_)) throw std::runtime_error("备份文件已存在：" + final_ + "。备份不会覆盖已有文件");
      fs::rename(temp_, final_);
    }
    SyncPath(fs::absolute(final_).parent_path().string(), O_RDONLY | O_DIRECTORY);
  }

 private:
  void RemoveTemp() noexcept {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(temp_ + suffix, ignored);
  }

  std::string final_, temp_;
};

// The copy as a single file (no WAL beside it), checked; returns its rows per table.
std::vector<TableRows> FinishAndCheck(const std::string& path) {
  SqliteHandle db = Open(path, SQLITE_OPEN_READWRITE);
  Exec(db.get(), "PRAGMA journal_mode = DELETE");
  const std::string integrity = IntegrityCheckOf(db.get());
  if (integrity != "ok") throw std::runtime_error("备份未通过完整性检查：" + integrity);
  return TableRowsOf(db.get());
}

BackupReport BackupSqlite(const std::string& location, PendingFile& out,
                          const std::function<void(int64_t, int64_t)>& progress) {
  BackupReport report;
  report.online_sqlite = true;
  SqliteHandle source = OpenExistingForReading(location);
  // In WAL mode (every file tongan opens) one read transaction pins a snapshot for all the steps
  // and the counts, while writers keep committing to the WAL. Without WAL a held read lock would
  // block writers, so such a file is copied in one step instead.
  const bool wal = Column(source.get(), "PRAGMA journal_mode").at(0) == "wal";
  if (wal) Exec(source.get(), "BEGIN");
  struct EndRead {
    sqlite3* db;
    bool active;
    ~EndRead() {
      if (active) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  } end_read{source.get(), wal};
  if (!IsTonganDatabase(source.get()))  // also the first read: the snapshot starts here
    throw std::runtime_error("不是童安数据库（没有 schema_migrations 表）：" + location);

  SqliteHandle target = Open(out.path(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", source.get(), "main");
  if (!backup) Fail(target.get(), "无法开始备份");
  int rc;
  do {
    rc = sqlite3_backup_step(backup, wal ? kPagesPerStep : -1);
    const int64_t total = sqlite3_backup_pagecount(backup);
    if (progress) progress(total - sqlite3_backup_remaining(backup), total);
  } while (rc == SQLITE_OK);
  report.pages = sqlite3_backup_pagecount(backup);
  const int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE || finished != SQLITE_OK)
    throw std::runtime_error(std::string("备份失败：") + sqlite3_errstr(rc != SQLITE_DONE ? rc : finished));
  // The snapshot's own counts, to compare with what the copy holds.
  const std::vector<TableRows> source_rows = wal ? TableRowsOf(source.get()) : std::vector<TableRows>{};
  if (std::exchange(end_read.active, false)) Exec(source.get(), "ROLLBACK");  // the WAL may checkpoint again
  target.reset();

  report.tables = FinishAndCheck(out.path());
  if (wal) {
    const std::string difference = Describe(source_rows, report.tables);
    if (!difference.empty()) throw std::runtime_error("备份的行数与源库快照不一致：" + difference);
  }
  return report;
}

BackupReport BackupPostgres(const std::string& location, PendingFile& out,
                            const std::function<void(int64_t, int64_t)>& progress) {
  BackupReport report;
  int64_t done = 0;
  const CopyReport copy = CopyDatabase(location, out.path(), [&](const TableCopy&) {
    if (progress) progress(++done, 0);
  });
  report.copied = copy.tables;
  if (!copy.verified) throw std::runtime_error("备份校验未通过：有表的行数或校验和与源库不一致，未生成备份文件");
  report.tables = FinishAndCheck(out.path());
  std::vector<TableRows> copied;
  for (const TableCopy& t : copy.tables) copied.push_back({t.table, t.target_rows});
  // CopyDatabase reports in reference order, the file lists tables in creation order.
  for (const TableRows& t : report.tables) {
    const auto it = std::find_if(copied.begin(), copied.end(), [&](const TableRows& c) { return c.table == t.table; });
    if (it == copied.end() || it->rows != t.rows)
      throw std::runtime_error("备份文件中表 " + t.table + " 的行数与复制时不一致");
  }
  return report;
}

}  // namespace

BackupReport BackupDatabase(const std::string& location, const std::string& backup_file,
                            const std::function<void(int64_t, int64_t)>& progress) {
  if (sql::IsPostgresUri(backup_file)) throw std::runtime_error("备份只写入 SQLite 文件，--to 应为文件路径");
  if (!sql::IsPostgresUri(location) && fs::exists(backup_file) && fs::exists(location) &&
      fs::equivalent(location, backup_file))
    throw std::runtime_error("备份文件与数据库是同一个文件：" + backup_file);
  PendingFile out(backup_file);
  BackupReport report = sql::IsPostgresUri(location) ? BackupPostgres(location, out, progress)
                                                      : BackupSqlite(location, out, progress);
  out.Publish();
  report.bytes = static_cast<int64_t>(fs::file_size(backup_file));
  return report;
}

std::string SqliteIntegrityCheck(const std::string& path) {
  SqliteHandle db = OpenExistingForReading(path);
  return IntegrityCheckOf(db.get());
}

std::vector<TableRows> SqliteTableRows(const std::string& path) {
  SqliteHandle db = OpenExistingForReading(path);
  return TableRowsOf(db.get());
}

CopyReport RestoreDatabase(const std::string& backup_file, const std::string& location,
                           const std::function<void(const TableCopy&)>& progress) {
  if (sql::IsPostgresUri(backup_file)) throw std::runtime_error("--from 应为备份文件（SQLite）路径");
  {
    SqliteHandle db = OpenExistingForReading(backup_file);
    // CopyDatabase would create the schema in any SQLite file and "restore" nothing.
    if (!IsTonganDatabase(db.get())) throw std::runtime_error("不是童安备份文件（没有 schema_migrations 表）：" + backup_file);
    const std::string integrity = IntegrityCheckOf(db.get());
    if (integrity != "ok") throw std::runtime_error("备份文件未通过完整性检查，未恢复：" + integrity);
  }
  return CopyDatabase(backup_file, location, progress);
}

}  // namespace tongan
