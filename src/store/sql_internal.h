// Shared by the SQL store's parts (registry, department data, care …): the reader pool and helpers.
#pragma once

#include <condition_variable>
#include <functional>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/child_json.h"
#include "store/care_store.h"
#include "store/department_store.h"
#include "store/round_store.h"
#include "store/service_store.h"
#include "store/field_cipher.h"
#include "store/stats_store.h"
#include "store/sql_db.h"

namespace tongan::sql {

inline std::string NowUtcIso() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The first code past every code that starts with `prefix`: region subtrees become index ranges.
// U+10FFFF, the last code point, is valid UTF-8 (PostgreSQL checks) and sorts after any other.
inline std::string PrefixUpperBound(const std::string& prefix) { return prefix + "\xf4\x8f\xbf\xbf"; }

class ReaderPool {
 public:
  ReaderPool(const std::function<std::unique_ptr<Connection>()>& open, int size) {
    for (int i = 0; i < size; ++i) idle_.push_back(open());
  }
  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {}
    ~Lease() { pool_.Return(std::move(c_)); }
    Connection& operator*() { return *c_; }
    Connection* operator->() { return c_.get(); }

   private:
    ReaderPool& pool_;
    std::unique_ptr<Connection> c_;
  };
  Lease Acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty(); });
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(c));
  }

 private:
  void Return(std::unique_ptr<Connection> c) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(c));
    }
    available_.notify_one();
  }
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
};


// The few expressions the backends spell differently. Each takes its parameters as `?` in order.
struct Dialect {
  Backend backend;
  bool postgres() const { return backend == Backend::kPostgres; }
  // The text of member `?` of the JSON object in `column`, '' when it has none.
  std::string JsonMember(const std::string& column) const {
    return postgres() ? "coalesce(CAST(" + column + " AS jsonb) ->> CAST(? AS TEXT), '')"
                      : "coalesce(json_extract(" + column + ", '$.' || ?), '')";
  }
  // The strings of the JSON array `?`, as a subquery for IN.
  std::string JsonArrayParameter() const {
    return postgres() ? "(SELECT value FROM jsonb_array_elements_text(CAST(? AS jsonb)) AS value)"
                      : "(SELECT value FROM json_each(?))";
  }
  // True when the JSON array in `column` holds the string `?`.
  std::string JsonArrayHas(const std::string& column) const {
    return postgres() ? "EXISTS (SELECT 1 FROM jsonb_array_elements_text(CAST(" + column +
                            " AS jsonb)) AS e(value) WHERE e.value = ?)"
                      : "EXISTS (SELECT 1 FROM json_each(" + column + ") WHERE json_each.value = ?)";
  }
  // On PostgreSQL, " AND province_code = 'NN'" when `root` lies in one province: the distribution
  // key of a partitioned deployment (Citus), so the query goes to that province's shard only.
  // Inlined (two checked digits) so binding positions stay. SQLite, one file, has no use for it.
  std::string ProvinceFilter(const std::string& root, const std::string& table_prefix = "") const {
    if (!postgres() || root.size() < 2 || root[0] < '0' || root[0] > '9' || root[1] < '0' || root[1] > '9')
      return "";
    return " AND " + table_prefix + "province_code = '" + root.substr(0, 2) + "'";
  }
  // True when `column` contains the text `?` (exact, case-sensitive).
  std::string Contains(const std::string& column) const {
    return (postgres() ? "strpos(" : "instr(") + column + ", ?) > 0";
  }
};

// What the parts of one store share: one writer (writes serialise on it) and the readers.
struct Handles {
  Handles(std::function<std::unique_ptr<Connection>(bool read_only)> open, FieldCipher cipher)
      : open(std::move(open)), writer_connection(this->open(false)), writer(*writer_connection),
        backend(writer.backend()), cipher(std::move(cipher)) {}
  std::function<std::unique_ptr<Connection>(bool read_only)> open;
  std::mutex write_mutex;
  std::unique_ptr<Connection> writer_connection;
  Connection& writer;
  Backend backend;
  Dialect dialect{backend};
  FieldCipher cipher;  // seals what identifies a child or reaches the family
  std::unique_ptr<ReaderPool> readers;  // opened after migrations
};

// How many rows meet `condition` (PostgreSQL cannot sum a boolean).
inline std::string CountWhere(const std::string& condition) {
  return "sum(CASE WHEN " + condition + " THEN 1 ELSE 0 END)";
}

inline constexpr const char* kChildColumns =
    "id, doc, version, created_at, updated_at";

// The sealed columns, named as their ciphertext is bound (field_cipher.h).
inline constexpr const char* kSealedChildDoc = "children.doc";
inline constexpr const char* kSealedChildIdNumber = "children.id_number";
inline constexpr const char* kSealedHistoryValue = "child_history.value";
inline constexpr const char* kSealedTotpSecret = "users.totp_secret";
inline constexpr const char* kSealedRecordIdNumber = "source_records.id_number";
inline constexpr const char* kSealedRecordRaw = "source_records.raw";
inline constexpr const char* kSealedRecordFields = "source_records.fields";
inline constexpr const char* kSealedRecordProblems = "source_records.problems";  // quote cells
inline constexpr const char* kIdNumberIndex = "id_number";
inline constexpr const char* kIdSuffixIndex = "id_suffix";

inline Child ChildFromRow(const Statement& row, const FieldCipher& cipher) {
  Child child;
  InputError ignored;
  ChildFromJson(nlohmann::json::parse(cipher.Open(row.Text(1), kSealedChildDoc)), &child, &ignored);
  child.id = row.Int(0);
  child.version = row.Int(2);
  child.created_at = row.Text(3);
  child.updated_at = row.Text(4);
  return child;
}

// A department row's mapped fields (a JSON object) with the members that identify or reach a
// person (…id_number, …phone, …address) sealed; other members stay queryable (RowsWithField).
std::string SealRecordFields(const std::string& fields_json, const FieldCipher& cipher);
std::string OpenRecordFields(const std::string& stored_json, const FieldCipher& cipher);

// Checks the store's key against the database (none where data are sealed, or another key: a
// std::runtime_error in Chinese) and seals a plaintext database the first time it is given one.
void ApplyDataKey(Handles& handles);
// In a store without a key, inside a write transaction: throws (in Chinese) when another process
// has sealed the database since this one opened it, so no plain value lands beside sealed ones.
// Free with a key.
void RefuseIfSealedSinceOpen(Handles& handles);
// The check value of the key the database's data are sealed under, if they are.
std::optional<std::string> StoredKeyCheck(Connection& db);

// The department-data part of the store, on the same connections.
std::unique_ptr<DepartmentStore> MakeDepartmentStore(Handles& handles);
// The care-work part of the store, on the same connections.
std::unique_ptr<CareStore> MakeCareStore(Handles& handles);
// The services part of the store, on the same connections.
std::unique_ptr<ServiceStore> MakeServiceStore(Handles& handles);
// The monitoring-rounds part of the store, on the same connections.
std::unique_ptr<RoundStore> MakeRoundStore(Handles& handles);
// The statistics part of the store, on the same connections.
std::unique_ptr<StatsStore> MakeStatsStore(Handles& handles);

}  // namespace tongan::sql
