// `tongan backup` and `tongan restore`: a copy of a live deployment taken while the server keeps
// serving, and the way back from such a copy into an empty database.
//
// A backup is always one self-contained SQLite file. From a SQLite deployment it is taken page by
// page with SQLite's online backup API, inside one read snapshot of the source (WAL mode: writers
// go on committing meanwhile and are not blocked); from a PostgreSQL deployment it is made by
// CopyDatabase, which reads one REPEATABLE READ snapshot and verifies counts and checksums. Either
// way the file is written under a temporary name, checked with `PRAGMA integrity_check`, and only
// then linked into place: a backup file that exists is complete.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/database_copy.h"

namespace tongan {

struct TableRows {
  std::string table;
  int64_t rows = 0;
};

struct BackupReport {
  bool online_sqlite = false;     // SQLite backup API (true) or CopyDatabase from PostgreSQL
  std::vector<TableRows> tables;  // rows per table in the backup file (schema_migrations excluded)
  std::vector<TableCopy> copied;  // from PostgreSQL: each table's counts and checksum verdict
  int64_t pages = 0;              // from SQLite: database pages copied
  int64_t bytes = 0;              // size of the backup file
};

// Backs up the deployment at `location` (SQLite path or PostgreSQL URI) into the new file
// `backup_file`. Throws std::runtime_error (message in Chinese) when refused (the file exists, the
// source is missing or not a tongan database) or when the copy fails its checks; nothing is left
// at `backup_file` then. `progress(done, total)` reports pages (SQLite) or tables (PostgreSQL).
BackupReport BackupDatabase(const std::string& location, const std::string& backup_file,
                            const std::function<void(int64_t done, int64_t total)>& progress = {});

// "ok", or what `PRAGMA integrity_check` found wrong, for the SQLite file at `path`.
std::string SqliteIntegrityCheck(const std::string& path);

// Rows per table of the SQLite file at `path`, in creation order, schema_migrations excluded.
std::vector<TableRows> SqliteTableRows(const std::string& path);

// Puts the backup `backup_file` into the empty database at `location` (SQLite path or PostgreSQL
// URI): the file must pass its integrity check, then CopyDatabase copies and verifies every table
// (refusing a target that has any data). The copy is committed only when report.verified.
CopyReport RestoreDatabase(const std::string& backup_file, const std::string& location,
                           const std::function<void(const TableCopy&)>& progress = {});

}  // namespace tongan
