// `tongan db copy`: moves a whole deployment from one database to another (typically a SQLite file
// to PostgreSQL), table by table, and proves the copy: per table the row counts and a checksum of
// every row's values must agree on both sides.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tongan {

struct TableCopy {
  std::string table;
  int64_t source_rows = 0;  // count(*) in the source
  int64_t target_rows = 0;  // count(*) in the target after the copy
  bool checksum_equal = false;  // every row's values hash the same on both sides
};

struct CopyReport {
  std::vector<TableCopy> tables;  // in copy order (referenced tables first)
  bool verified = false;          // all counts and checksums equal; the copy was committed
};

// Opens (and migrates) both stores, refuses unless both are at the same schema version and every
// table of the target is empty, then copies every table except schema_migrations in one target
// transaction, reading the source in one consistent snapshot. On a PostgreSQL target the identity
// sequences are moved past the copied ids. The copy is committed only when verified; otherwise it
// is rolled back and the target stays empty (report.verified is false). `progress` is called once
// per table, after it was copied and checked. Throws std::runtime_error (message in Chinese) when
// the copy is refused, and sql::Error on a database error (the target is then rolled back too).
// The source should not be written to meanwhile: rows written after the snapshot are not copied.
CopyReport CopyDatabase(const std::string& from, const std::string& to,
                        const std::function<void(const TableCopy&)>& progress = {});

}  // namespace tongan
