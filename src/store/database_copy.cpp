// Whole-database copy between the two backends, with a count and a checksum per table.
//
// Values travel as text (read with Statement::Text, bound as text: PostgreSQL parses it into the
// column's type, SQLite's STRICT tables coerce it by affinity), except floating-point columns,
// which travel as doubles (Real / BindReal) so no digits are lost to a text rendering. There are no
// binary columns (BLOB / BYTEA) in the schema; a column of a type not handled here stops the copy
// before anything is written.
//
// The checksum of a table is the sum (mod 2^256) of a BLAKE2b-256 hash of each row's values, so it
// does not depend on the order rows come back in (text collations differ between the backends).
// Text and integer values are hashed as text (both backends render integers the same way); doubles
// are hashed by their bits, which is exact because they are copied as doubles.
#include "store/database_copy.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>

#include "store/sql_db.h"
#include "store/store.h"

namespace tongan {
namespace {

using sql::Backend;
using sql::Connection;

constexpr const char* kMigrationsTable = "schema_migrations";
// Parameters per INSERT statement: below SQLite's 32766 and PostgreSQL's 65535.
constexpr size_t kParametersPerInsert = 16000;
constexpr size_t kMaxRowsPerInsert = 500;

enum class Kind { kText, kReal };

struct Column {
  std::string name;
  Kind kind = Kind::kText;
};

struct Value {
  bool null = true;
  std::string text;
  double real = 0;
};

std::string Quote(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::unique_ptr<Connection> Connect(const std::string& location, bool read_only) {
  return sql::IsPostgresUri(location) ? sql::OpenPostgres(location, read_only)
                                      : sql::OpenSqlite(location, read_only);
}

bool IsPostgres(const Connection& db) { return db.backend() == Backend::kPostgres; }

std::vector<std::string> Strings(Connection& db, const std::string& query,
                                 const std::optional<std::string>& parameter = std::nullopt) {
  auto s = db.Prepare(query);
  if (parameter) s.Bind(1, std::string_view(*parameter));
  std::vector<std::string> out;
  while (s.Step()) out.push_back(s.Text(0));
  return out;
}

int64_t Count(Connection& db, const std::string& table) {
  auto s = db.Prepare("SELECT count(*) FROM " + Quote(table));
  s.Step();
  return s.Int(0);
}

// The one-row table recognising the data key (store/sql_data_key.cpp).
constexpr const char* kDataKeyTable = "data_encryption";

// Every table but schema_migrations, in creation order.
std::vector<std::string> Tables(Connection& db) {
  std::vector<std::string> tables =
      IsPostgres(db)
          ? Strings(db,
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.oid")
          : Strings(db,
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                    "ORDER BY rowid");
  std::erase(tables, std::string(kMigrationsTable));
  return tables;
}

// The tables `table` has foreign keys to.
std::vector<std::string> ReferencedTables(Connection& db, const std::string& table) {
  return IsPostgres(db)
             ? Strings(db,
                       "SELECT DISTINCT r.relname FROM pg_constraint k "
                       "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE k.contype = 'f' AND n.nspname = current_schema() AND c.relname = ?",
                       table)
             : Strings(db, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", table);
}

// Creation order, moved only where a table would come before one it references.
std::vector<std::string> CopyOrder(Connection& db, const std::vector<std::string>& tables) {
  std::vector<std::pair<std::string, std::set<std::string>>> pending;
  for (const std::string& t : tables) {
    auto refs = ReferencedTables(db, t);
    std::set<std::string> deps(refs.begin(), refs.end());
    deps.erase(t);  // a self-reference (monitoring_rounds) is met by copying in key order
    pending.emplace_back(t, std::move(deps));
  }
  std::vector<std::string> order;
  std::set<std::string> placed;
  while (!pending.empty()) {
    auto ready = std::find_if(pending.begin(), pending.end(), [&](const auto& p) {
      return std::all_of(p.second.begin(), p.second.end(),
                         [&](const std::string& d) { return placed.count(d) > 0; });
    });
    if (ready == pending.end())
      throw std::runtime_error("源库的外键关系有环（表 " + pending.front().first + "），无法确定复制顺序");
    placed.insert(ready->first);
    order.push_back(ready->first);
    pending.erase(ready);
  }
  return order;
}

// Name and declared type of each column, in table order.
std::vector<std::pair<std::string, std::string>> DeclaredColumns(Connection& db, const std::string& table) {
  auto s = db.Prepare(IsPostgres(db)
                          ? "SELECT column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"
                          : "SELECT name, type FROM pragma_table_info(?) ORDER BY cid");
  s.Bind(1, std::string_view(table));
  std::vector<std::pair<std::string, std::string>> out;
  while (s.Step()) out.emplace_back(s.Text(0), s.Text(1));
  return out;
}

std::vector<std::string> PrimaryKey(Connection& db, const std::string& table) {
  return IsPostgres(db)
             ? Strings(db,
                       "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
                       "WHERE i.indisprimary AND n.nspname = current_schema() AND c.relname = ? "
                       "ORDER BY array_position(i.indkey::int2[], a.attnum)",
                       table)
             : Strings(db, "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", table);
}

// How a column's values travel; throws for a type that would not survive the text round trip.
Kind KindOf(const std::string& table, const std::string& column, std::string type) {
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::toupper(c); });
  if (type == "REAL" || type == "DOUBLE PRECISION" || type == "DOUBLE" || type == "FLOAT")
    return Kind::kReal;
  static const std::set<std::string> kText = {"", "TEXT", "INTEGER", "INT", "BIGINT", "SMALLINT",
                                              "CHARACTER VARYING", "VARCHAR", "NUMERIC"};
  if (kText.count(type)) return Kind::kText;
  throw std::runtime_error("表 " + table + " 的列 " + column + " 类型为 " + type +
                           "（如二进制、JSONB、布尔），db copy 不能保证原样复制，已停止");
}

// The source's columns, checked against the target's.
std::vector<Column> CopyColumns(Connection& source, Connection& target, const std::string& table) {
  const auto target_declared = DeclaredColumns(target, table);
  std::vector<Column> columns;
  for (const auto& [name, type] : DeclaredColumns(source, table)) {
    const Kind kind = KindOf(table, name, type);
    auto on_target = std::find_if(target_declared.begin(), target_declared.end(),
                                  [&name = name](const auto& c) { return c.first == name; });
    if (on_target == target_declared.end())
      throw std::runtime_error("目标库的表 " + table + " 没有列 " + name + "，两边结构不一致");
    if (KindOf(table, name, on_target->second) != kind)
      throw std::runtime_error("表 " + table + " 的列 " + name + " 在两边类型不同（" + type + " / " +
                               on_target->second + "）");
    columns.push_back({name, kind});
  }
  if (columns.empty()) throw std::runtime_error("读不到源库表 " + table + " 的列");
  return columns;
}

std::string ColumnList(const std::vector<Column>& columns) {
  std::string out;
  for (const Column& c : columns) out += (out.empty() ? "" : ", ") + Quote(c.name);
  return out;
}

void ReadRow(const sql::Statement& s, const std::vector<Column>& columns, std::vector<Value>& row) {
  row.resize(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    Value& v = row[i];
    const int column = static_cast<int>(i);
    v.null = s.IsNull(column);
    v.text.clear();
    v.real = 0;
    if (v.null) continue;
    if (columns[i].kind == Kind::kReal) {
      v.real = s.Real(column);
    } else {
      v.text = s.Text(column);
    }
  }
}

// Sum mod 2^256 of the rows' hashes: equal for equal multisets of rows, whatever their order.
class RowSetDigest {
 public:
  void Add(const std::vector<Column>& columns, const std::vector<Value>& row) {
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, 32);
    for (size_t i = 0; i < row.size(); ++i) {
      const Value& v = row[i];
      unsigned char tag = v.null ? 0 : columns[i].kind == Kind::kReal ? 2 : 1;
      crypto_generichash_update(&state, &tag, 1);
      if (v.null) continue;
      unsigned char bytes[8];
      if (columns[i].kind == Kind::kReal) {
        const double real = v.real == 0 ? 0.0 : v.real;  // -0.0 and 0.0 alike (SQLite may store 0)
        uint64_t bits;
        std::memcpy(&bits, &real, 8);
        Put(bits, bytes);
        crypto_generichash_update(&state, bytes, 8);
      } else {
        Put(v.text.size(), bytes);
        crypto_generichash_update(&state, bytes, 8);
        crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(v.text.data()),
                                  v.text.size());
      }
    }
    unsigned char hash[32];
    crypto_generichash_final(&state, hash, sizeof hash);
    unsigned __int128 carry = 0;
    for (size_t limb = 0; limb < 4; ++limb) {
      uint64_t part = 0;
      for (int b = 7; b >= 0; --b) part = part << 8 | hash[limb * 8 + b];
      const unsigned __int128 total = static_cast<unsigned __int128>(sum_[limb]) + part + carry;
      sum_[limb] = static_cast<uint64_t>(total);
      carry = total >> 64;
    }
    ++rows_;
  }
  int64_t rows() const { return rows_; }
  bool operator==(const RowSetDigest& other) const { return sum_ == other.sum_ && rows_ == other.rows_; }

 private:
  static void Put(uint64_t value, unsigned char* out) {
    for (int b = 0; b < 8; ++b) out[b] = static_cast<unsigned char>(value >> (8 * b));
  }
  std::array<uint64_t, 4> sum_{};
  int64_t rows_ = 0;
};

// Multi-row INSERTs of up to `rows_per_insert` rows.
class Inserter {
 public:
  Inserter(Connection& db, const std::string& table, const std::vector<Column>& columns)
      : db_(db), table_(table), columns_(columns),
        rows_per_insert_(std::clamp<size_t>(kParametersPerInsert / columns.size(), 1, kMaxRowsPerInsert)) {}

  void Add(const std::vector<Value>& row) {
    batch_.push_back(row);
    if (batch_.size() == rows_per_insert_) Flush();
  }

  void Flush() {
    if (batch_.empty()) return;
    const size_t n = columns_.size();
    std::string& text = batch_.size() == rows_per_insert_ ? full_sql_ : partial_sql_;
    if (text.empty() || batch_.size() != rows_per_insert_) text = Sql(batch_.size());
    auto s = db_.Prepare(text);
    for (size_t r = 0; r < batch_.size(); ++r) {
      for (size_t c = 0; c < n; ++c) {
        const Value& v = batch_[r][c];
        const int index = static_cast<int>(r * n + c + 1);
        if (v.null) {
          s.BindNull(index);
        } else if (columns_[c].kind == Kind::kReal) {
          s.BindReal(index, v.real);
        } else {
          s.Bind(index, std::string_view(v.text));
        }
      }
    }
    s.Run();
    if (db_.Changes() != static_cast<int64_t>(batch_.size()))
      throw std::runtime_error("向目标库表 " + table_ + " 写入 " + std::to_string(batch_.size()) +
                               " 行，实际写入 " + std::to_string(db_.Changes()) + " 行");
    batch_.clear();
  }

 private:
  std::string Sql(size_t rows) const {
    std::string one = "(";
    for (size_t c = 0; c < columns_.size(); ++c) one += c ? ", ?" : "?";
    one += ")";
    std::string sql = "INSERT INTO " + Quote(table_) + " (" + ColumnList(columns_) + ") VALUES ";
    for (size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + one;
    return sql;
  }

  Connection& db_;
  const std::string& table_;
  const std::vector<Column>& columns_;
  const size_t rows_per_insert_;
  std::vector<std::vector<Value>> batch_;
  std::string full_sql_, partial_sql_;
};

// Moves every identity (or serial) sequence past the largest id copied.
void ResetSequences(Connection& db) {
  std::vector<std::pair<std::string, std::string>> columns;
  {
    auto s = db.Prepare(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')");
    while (s.Step()) columns.emplace_back(s.Text(0), s.Text(1));
  }
  for (const auto& [table, column] : columns) {
    const std::string id = Quote(column);
    db.Exec("SELECT setval(pg_get_serial_sequence(" + Literal(Quote(table)) + ", " + Literal(column) +
            "), coalesce(max(" + id + "), 1), max(" + id + ") IS NOT NULL) FROM " + Quote(table));
  }
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "（无）" : out;
}

}  // namespace

CopyReport CopyDatabase(const std::string& from, const std::string& to,
                        const std::function<void(const TableCopy&)>& progress) {
  if (from == to) throw std::runtime_error("源库与目标库是同一个：" + from);
  if (!sql::IsPostgresUri(from) && !std::filesystem::exists(from))
    throw std::runtime_error("源数据库文件不存在：" + from);

  // Both at this program's schema version (the target's tables are created here).
  OpenStore(from);
  OpenStore(to);

  auto source = Connect(from, /*read_only=*/true);
  auto target = Connect(to, /*read_only=*/false);

  // One snapshot of the source for the counts, the rows and the checksums.
  source->Exec(IsPostgres(*source) ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
  struct EndRead {
    Connection& db;
    ~EndRead() {
      try {
        db.Exec("ROLLBACK");
      } catch (...) {
      }
    }
  } end_read{*source};

  const std::string versions_query = std::string("SELECT version FROM ") + kMigrationsTable + " ORDER BY version";
  const auto source_versions = Strings(*source, versions_query);
  const auto target_versions = Strings(*target, versions_query);
  if (source_versions != target_versions)
    throw std::runtime_error("源库与目标库的数据库结构版本不同（源：" + Join(source_versions) +
                             "；目标：" + Join(target_versions) +
                             "）。请用同一版本的 tongan 先分别执行 migrate");

  sql::Transaction tx(*target);
  if (!IsPostgres(*target)) target->Exec("PRAGMA defer_foreign_keys = ON");

  // Sealed values travel as they are, so both sides must know the same data key (or neither).
  const auto key_check_query = std::string("SELECT key_check FROM ") + kDataKeyTable;
  const auto source_key = Strings(*source, key_check_query);
  const auto target_key = Strings(*target, key_check_query);
  if (!source_key.empty() && !target_key.empty() && source_key != target_key)
    throw std::runtime_error("源库与目标库的数据密钥不同：复制后将无法解密。请用源库的数据密钥打开目标库");
  if (source_key.empty() && !target_key.empty())
    throw std::runtime_error("源库未加密而目标库已设数据密钥：请先用该密钥打开源库（会加密源库），再复制");

  // Never merge into live data (the target's key check, equal to the source's, is not data).
  const auto target_tables = Tables(*target);
  for (const std::string& table : target_tables) {
    if (table == kDataKeyTable) continue;
    auto s = target->Prepare("SELECT 1 FROM " + Quote(table) + " LIMIT 1");
    if (s.Step())
      throw std::runtime_error("目标库不是空库：表 " + table +
                               " 已有数据。db copy 只复制到空库，不会与已有数据合并");
  }

  CopyReport report;
  bool all_equal = true;
  for (const std::string& table : CopyOrder(*source, Tables(*source))) {
    if (std::find(target_tables.begin(), target_tables.end(), table) == target_tables.end())
      throw std::runtime_error("目标库没有表 " + table + "，两边结构不一致");
    if (table == kDataKeyTable && !target_key.empty()) {
      // Already there, and equal to the source's (checked above): counted as copied.
      const TableCopy same{table, Count(*source, table), Count(*target, table), true};
      report.tables.push_back(same);
      if (progress) progress(same);
      continue;
    }
    const std::vector<Column> columns = CopyColumns(*source, *target, table);
    const std::string list = ColumnList(columns);

    TableCopy copy;
    copy.table = table;
    copy.source_rows = Count(*source, table);

    // Source rows in key order (a row that references its own table comes after its referent),
    // streamed: only one INSERT's worth of rows is held at a time.
    RowSetDigest source_digest;
    {
      std::string order;
      for (const std::string& k : PrimaryKey(*source, table)) order += (order.empty() ? "" : ", ") + Quote(k);
      if (order.empty() && !IsPostgres(*source)) order = "rowid";
      auto read = source->Prepare("SELECT " + list + " FROM " + Quote(table) +
                                  (order.empty() ? "" : " ORDER BY " + order));
      Inserter insert(*target, table, columns);
      std::vector<Value> row;
      while (read.Step()) {
        ReadRow(read, columns, row);
        source_digest.Add(columns, row);
        insert.Add(row);
      }
      insert.Flush();
    }

    // Read back what the target now holds.
    copy.target_rows = Count(*target, table);
    RowSetDigest target_digest;
    {
      auto read = target->Prepare("SELECT " + list + " FROM " + Quote(table));
      std::vector<Value> row;
      while (read.Step()) {
        ReadRow(read, columns, row);
        target_digest.Add(columns, row);
      }
    }
    copy.checksum_equal = source_digest == target_digest && source_digest.rows() == copy.source_rows;
    all_equal = all_equal && copy.checksum_equal && copy.source_rows == copy.target_rows;
    report.tables.push_back(copy);
    if (progress) progress(copy);
  }

  if (IsPostgres(*target)) ResetSequences(*target);
  if (all_equal) {
    tx.Commit();
    report.verified = true;
  }
  return report;
}

}  // namespace tongan
