// The data key against the database: recognised by its check value, and the one-time sealing of
// a database that held plain values before it was given a key.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/sql_internal.h"
#include "store/store.h"

namespace tongan::sql {

namespace {

// Certificate numbers (残疾人证号 …) embed the holder's ID number.
bool IsSensitiveFieldName(const std::string& name) {
  return name.ends_with("id_number") || name.ends_with("phone") || name.ends_with("address") ||
         name.ends_with("cert_no");
}

template <typename Transform>
std::string TransformSensitiveMembers(const std::string& fields_json, Transform transform) {
  nlohmann::json fields = nlohmann::json::parse(fields_json, nullptr, false);
  if (!fields.is_object()) return fields_json;  // the importer only writes objects
  for (auto it = fields.begin(); it != fields.end(); ++it)
    if (it->is_string() && IsSensitiveFieldName(it.key()))
      *it = transform(it->template get<std::string>());
  return fields.dump();
}

// The append-only triggers stand aside for the one sealing pass, inside its transaction.
struct AppendOnlyTrigger {
  const char* table;
  const char* name;
};
constexpr AppendOnlyTrigger kUpdateTriggers[] = {{"child_history", "child_history_no_update"},
                                                 {"source_records", "source_records_no_update"}};

// SQLite has no DISABLE TRIGGER: the triggers are dropped and put back from their own text.
std::vector<std::string> LiftAppendOnlyTriggers(Connection& db) {
  std::vector<std::string> restore;
  for (const auto& t : kUpdateTriggers) {
    const std::string table = t.table, name = t.name;
    if (db.backend() == Backend::kPostgres) {
      db.Exec("ALTER TABLE " + table + " DISABLE TRIGGER " + name);
      restore.push_back("ALTER TABLE " + table + " ENABLE TRIGGER " + name);
      continue;
    }
    auto s = db.Prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?");
    s.Bind(1, name);
    if (!s.Step()) throw std::runtime_error("append-only trigger " + name + " is missing");
    restore.push_back(s.Text(0));
    db.Exec("DROP TRIGGER " + name);
  }
  return restore;
}

// Rows of `select_sql` (which must take the last id seen as its one parameter, order by id and
// limit itself) in chunks, so that no cursor is open while the rows are rewritten.
template <typename Visit>
void ForEachChunk(Connection& db, const std::string& select_sql, int columns, Visit visit) {
  int64_t after = 0;
  while (true) {
    std::vector<std::vector<std::string>> rows;
    auto s = db.Prepare(select_sql);
    s.Bind(1, after);
    while (s.Step()) {
      std::vector<std::string> row{std::to_string(s.Int(0))};
      for (int i = 1; i < columns; ++i) row.push_back(s.IsNull(i) ? std::string() : s.Text(i));
      rows.push_back(std::move(row));
    }
    if (rows.empty()) return;
    for (const auto& row : rows) visit(std::stoll(row[0]), row);
    after = std::stoll(rows.back()[0]);
  }
}

void SealExisting(Handles& h) {
  Connection& db = h.writer;
  const FieldCipher& cipher = h.cipher;
  ForEachChunk(db, "SELECT id, id_number, doc FROM children WHERE id > ? ORDER BY id LIMIT 1000", 3,
               [&](int64_t id, const std::vector<std::string>& row) {
                 const std::string& id_number = row[1];
                 const std::string suffix = id_number.size() >= 4 ? id_number.substr(id_number.size() - 4) : id_number;
                 auto update = db.Prepare(
                     "UPDATE children SET id_number = ?, doc = ?, id_number_index = ?, "
                     "id_suffix_index = ? WHERE id = ?");
                 update.BindOptional(1, id_number.empty() ? std::nullopt
                                                          : std::optional(cipher.Seal(id_number, kSealedChildIdNumber)))
                     .Bind(2, cipher.Seal(row[2], kSealedChildDoc))
                     .BindOptional(3, id_number.empty() ? std::nullopt
                                                        : std::optional(cipher.BlindIndex(id_number, kIdNumberIndex)))
                     .BindOptional(4, id_number.empty() ? std::nullopt
                                                        : std::optional(cipher.BlindIndex(suffix, kIdSuffixIndex)))
                     .Bind(5, id)
                     .Run();
               });
  const std::vector<std::string> restore_triggers = LiftAppendOnlyTriggers(db);
  ForEachChunk(db, "SELECT id, old_value, new_value FROM child_history WHERE id > ? ORDER BY id LIMIT 1000", 3,
               [&](int64_t id, const std::vector<std::string>& row) {
                 db.Prepare("UPDATE child_history SET old_value = ?, new_value = ? WHERE id = ?")
                     .Bind(1, cipher.Seal(row[1], kSealedHistoryValue))
                     .Bind(2, cipher.Seal(row[2], kSealedHistoryValue))
                     .Bind(3, id)
                     .Run();
               });
  ForEachChunk(db, "SELECT id, id_number, raw, fields, problems FROM source_records WHERE id > ? ORDER BY id LIMIT 1000", 5,
               [&](int64_t id, const std::vector<std::string>& row) {
                 db.Prepare("UPDATE source_records SET id_number = ?, raw = ?, fields = ?, problems = ? WHERE id = ?")
                     .Bind(1, cipher.Seal(row[1], kSealedRecordIdNumber))
                     .Bind(2, cipher.Seal(row[2], kSealedRecordRaw))
                     .Bind(3, SealRecordFields(row[3], cipher))
                     .Bind(4, cipher.Seal(row[4], kSealedRecordProblems))
                     .Bind(5, id)
                     .Run();
               });
  for (const std::string& statement : restore_triggers) db.Exec(statement);
  ForEachChunk(db, "SELECT id, totp_secret FROM users WHERE id > ? ORDER BY id LIMIT 1000", 2,
               [&](int64_t id, const std::vector<std::string>& row) {
                 if (row[1].empty()) return;
                 db.Prepare("UPDATE users SET totp_secret = ? WHERE id = ?")
                     .Bind(1, cipher.Seal(row[1], kSealedTotpSecret))
                     .Bind(2, id)
                     .Run();
               });
}

}  // namespace

std::optional<std::string> StoredKeyCheck(Connection& db) {
  auto s = db.Prepare("SELECT key_check FROM data_encryption WHERE id = 1");
  if (!s.Step()) return std::nullopt;
  return s.Text(0);
}

std::string SealRecordFields(const std::string& fields_json, const FieldCipher& cipher) {
  if (!cipher.enabled()) return fields_json;
  return TransformSensitiveMembers(fields_json, [&](const std::string& value) {
    return cipher.Seal(value, kSealedRecordFields);
  });
}

std::string OpenRecordFields(const std::string& stored_json, const FieldCipher& cipher) {
  if (!cipher.enabled()) return stored_json;
  return TransformSensitiveMembers(stored_json, [&](const std::string& value) {
    return cipher.Open(value, kSealedRecordFields);
  });
}

void RefuseIfSealedSinceOpen(Handles& h) {
  if (h.cipher.enabled()) return;
  // Waits for a sealing pass in progress (it holds the table EXCLUSIVE), then sees its row.
  if (h.backend == Backend::kPostgres) h.writer.Exec("LOCK TABLE data_encryption IN SHARE MODE");
  if (StoredKeyCheck(h.writer))
    throw std::runtime_error("该数据库已由其他进程加密，本进程没有数据密钥，不能写入：请设置数据密钥后重启");
}

void ApplyDataKey(Handles& h) {
  const std::optional<std::string> check = StoredKeyCheck(h.writer);
  if (check && !h.cipher.enabled())
    throw std::runtime_error(
        "该数据库中的身份证号、电话和住址已加密，需要数据密钥：请设置 TONGAN_DATA_KEY_FILE（密钥文件路径）"
        "或 TONGAN_DATA_KEY");
  if (check && *check != h.cipher.KeyCheck())
    throw std::runtime_error("数据密钥与该数据库不符：不是加密这些数据时所用的密钥");
  if (check || !h.cipher.enabled()) return;

  Transaction tx(h.writer);
  // Two processes given a key at once: the second finds the first one's check and stops.
  if (h.backend == Backend::kPostgres) h.writer.Exec("LOCK TABLE data_encryption IN EXCLUSIVE MODE");
  if (const auto now_check = StoredKeyCheck(h.writer)) {
    if (*now_check != h.cipher.KeyCheck())
      throw std::runtime_error("数据密钥与该数据库不符：不是加密这些数据时所用的密钥");
    return;
  }
  SealExisting(h);
  h.writer.Prepare("INSERT INTO data_encryption (id, key_check, sealed_at) VALUES (1, ?, ?)")
      .Bind(1, h.cipher.KeyCheck())
      .Bind(2, NowUtcIso())
      .Run();
  tx.Commit();
}

}  // namespace tongan::sql

namespace tongan {

bool DatabaseIsSealed(const std::string& location) {
  if (!sql::IsPostgresUri(location) && !std::filesystem::exists(location)) return false;
  auto db = sql::IsPostgresUri(location) ? sql::OpenPostgres(location, true) : sql::OpenSqlite(location, true);
  try {
    return sql::StoredKeyCheck(*db).has_value();
  } catch (const sql::Error&) {
    return false;  // before migration 0008: no data_encryption table, nothing sealed
  }
}

}  // namespace tongan
