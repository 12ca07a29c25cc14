// Store over SQL, on SQLite or PostgreSQL: one writer connection (writes serialise on it, as SQLite
// does anyway) and a pool of reader connections, which run beside the writer (WAL / MVCC).
#include <sodium.h>

#include <algorithm>
#include <future>
#include <iterator>
#include <set>
#include <stdexcept>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/child_json.h"
#include "store/migrations.h"
#include "store/sql_db.h"
#include "store/audit_chain.h"
#include "store/sha256.h"
#include "store/prefetch.h"
#include "store/sql_internal.h"
#include "store/store.h"

namespace tongan {
// The users columns UserFromRow reads, in its order (FindSession prefixes them with "u.").
#define kUserColumns                                                                             \
  "id, username, display_name, role, region_code, password_hash, disabled, department, "        \
  "failed_logins, locked_until, must_change_password, totp_secret, totp_enabled, totp_last_step, " \
  "demo_account"

namespace {

using sql::Connection;
using sql::Statement;
using sql::Transaction;
using sql::ChildFromRow;
using sql::kChildColumns;
using sql::NowUtcIso;
using sql::PrefixUpperBound;
using sql::ReaderPool;

std::optional<std::string> NullIfEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// The columns a child row's INSERT and UPDATE share, in the order BindChildColumns binds them.
#define kChildWriteColumns                                                                    \
  "province_code, region_code, id_number, name, sex, birth_date, residence_since, "           \
  "hukou_region_code, class_basis, doc, id_number_index, id_suffix_index"
constexpr int kChildWriteColumnCount = 12;

// A child's kChildWriteColumns values, ID number and document sealed: made apart from binding so
// that a bulk load can make the next batch's rows on another core while this one is written.
struct ChildRowValues {
  ChildRowValues(const Child& child, uint32_t class_basis, const FieldCipher& cipher)
      : province_code(ProvinceOf(child)),
        sealed_id_number(NullIfEmpty(cipher.Seal(child.id_number, sql::kSealedChildIdNumber))),
        birth_date(FormatIsoDate(child.birth_date)),
        class_basis(class_basis),
        sealed_doc(cipher.Seal(ChildToJson(child).dump(), sql::kSealedChildDoc)) {
    if (child.residence_since) residence_since = FormatIsoDate(*child.residence_since);
    if (!child.id_number.empty()) {
      const size_t n = child.id_number.size();
      id_number_index = cipher.BlindIndex(child.id_number, sql::kIdNumberIndex);
      id_suffix_index = cipher.BlindIndex(n >= 4 ? child.id_number.substr(n - 4) : child.id_number, sql::kIdSuffixIndex);
    }
  }
  // Binds parameters at+0 … at+11 in kChildWriteColumns order.
  Statement& Bind(Statement& s, const Child& child, int at = 1) const {
    return s.Bind(at, province_code)
        .Bind(at + 1, child.region_code)
        .BindOptional(at + 2, sealed_id_number)
        .Bind(at + 3, child.name)
        .Bind(at + 4, SexCode(child.sex))
        .Bind(at + 5, birth_date)
        .BindOptional(at + 6, residence_since)
        .Bind(at + 7, child.hukou_region_code)
        .Bind(at + 8, int64_t{class_basis})
        .Bind(at + 9, sealed_doc)
        .BindOptional(at + 10, id_number_index)
        .BindOptional(at + 11, id_suffix_index);
  }
  // The same values as text, for Connection::CopyRows, with room for the bookkeeping columns.
  // Moves the sealed values out (a braced list would copy them).
  sql::Connection::TextRow Texts(const Child& child) && {
    sql::Connection::TextRow row;
    row.reserve(kChildWriteColumnCount + 5);
    row.emplace_back(std::move(province_code));
    row.emplace_back(child.region_code);
    row.emplace_back(std::move(sealed_id_number));
    row.emplace_back(child.name);
    row.emplace_back(std::string(SexCode(child.sex)));
    row.emplace_back(std::move(birth_date));
    row.emplace_back(std::move(residence_since));
    row.emplace_back(child.hukou_region_code);
    row.emplace_back(std::to_string(class_basis));
    row.emplace_back(std::move(sealed_doc));
    row.emplace_back(std::move(id_number_index));
    row.emplace_back(std::move(id_suffix_index));
    return row;
  }
  std::string province_code;
  std::optional<std::string> sealed_id_number;
  std::string birth_date;
  std::optional<std::string> residence_since;
  uint32_t class_basis;
  std::string sealed_doc;
  std::optional<std::string> id_number_index, id_suffix_index;
};

// kChildWriteColumns and the bookkeeping columns, in ChildRowValues::Texts order and then version,
// created_at, updated_at, created_by, updated_by.
const std::vector<std::string>& ChildCopyColumns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> names;
    const std::string list = kChildWriteColumns ", version, created_at, updated_at, created_by, updated_by";
    for (size_t from = 0; from < list.size();) {
      const size_t comma = std::min(list.find(", ", from), list.size());
      names.push_back(list.substr(from, comma - from));
      from = comma + 2;
    }
    return names;
  }();
  return columns;
}

Statement& BindChildColumns(Statement& s, const Child& child, uint32_t class_basis,
                            const FieldCipher& cipher, int at = 1) {
  return ChildRowValues(child, class_basis, cipher).Bind(s, child, at);
}

bool IsUniqueViolation(const sql::Error& e) { return e.IsUniqueViolation(); }

// Runs `write`; a child row's one unique key is its ID number, so a unique violation is a duplicate.
template <typename Write>
void RefusingDuplicateIdNumber(Write&& write) {
  try {
    write();
  } catch (const sql::Error& e) {
    if (IsUniqueViolation(e)) throw StoreConflict(StoreConflict::Kind::kDuplicateIdNumber, "duplicate id number");
    throw;
  }
}

// SQL for "this row is of class c today", from the core's predicate. Dates are bound parameters
// appended to `args`, so the statement text (and its cached prepared form) does not change daily.
std::string ClassCondition(const ClassPredicate& p, const ClassCutoffs& cutoffs,
                           std::vector<std::string>* args) {
  std::string sql = "(class_basis & " + std::to_string(p.basis_bits) + ") = " + std::to_string(p.basis_bits);
  if (p.under16) {
    sql += " AND birth_date > ?";
    args->push_back(FormatIsoDate(cutoffs.born_after_for_under16));
  }
  if (p.under18) {
    sql += " AND birth_date > ?";
    args->push_back(FormatIsoDate(cutoffs.born_after_for_under18));
  }
  if (p.resident_6_months) {
    sql += " AND residence_since IS NOT NULL AND residence_since <= ?";
    args->push_back(FormatIsoDate(cutoffs.resident_since_on_or_before));
  }
  return "(" + sql + ")";
}

class SqlStore final : public Store {
 public:
  SqlStore(std::function<std::unique_ptr<Connection>(bool read_only)> open, FieldCipher cipher)
      : handles_(std::make_unique<sql::Handles>(std::move(open), std::move(cipher))),
        cipher_(handles_->cipher),
        write_mutex_(handles_->write_mutex),
        writer_(handles_->writer),
        readers_(handles_->readers),
        departments_(sql::MakeDepartmentStore(*handles_)),
        care_(sql::MakeCareStore(*handles_)),
        services_(sql::MakeServiceStore(*handles_)),
        rounds_(sql::MakeRoundStore(*handles_)),
        stats_(sql::MakeStatsStore(*handles_)) {}

  DepartmentStore& departments() override { return *departments_; }
  CareStore& care() override { return *care_; }
  ServiceStore& services() override { return *services_; }
  RoundStore& rounds() override { return *rounds_; }
  StatsStore& stats() override { return *stats_; }

  std::vector<int64_t> ChildrenChangingOn(Date today, int stale_after_days,
                                          const std::vector<int>& valid_days) override {
    const auto days_ago = [&](int n) { return FormatIsoDate(Date{std::chrono::sys_days{today} - std::chrono::days{n}}); };
    std::set<int64_t> ids;
    auto reader = readers_->Acquire();
    const auto collect = [&](const std::string& sql, const std::string& value) {
      auto s = reader->Prepare(sql);
      s.Bind(1, value);
      while (s.Step()) ids.insert(s.Int(0));
    };
    for (int years : {3, 6, 7, 12, 15, 16, 18})
      collect("SELECT id FROM children WHERE birth_date = ?", FormatIsoDate(AddYears(today, -years)));
    collect("SELECT id FROM children WHERE residence_since = ?",
            FormatIsoDate(CutoffsFor(today).resident_since_on_or_before));
    const std::string yesterday = days_ago(1);
    collect("SELECT child_id FROM care_status WHERE visit_due = ?", yesterday);
    collect("SELECT child_id FROM care_status WHERE last_update = ?", days_ago(stale_after_days + 1));
    collect("SELECT child_id FROM cases WHERE deadline = ? AND stage != 'closed'", yesterday);
    collect("SELECT child_id FROM referrals WHERE due_date = ? AND status IN ('sent', 'accepted')", yesterday);
    for (int days : valid_days)
      if (days > 0)
        collect("SELECT child_id FROM service_deliveries WHERE delivered_on = ? AND voided_at = ''", days_ago(days + 1));
    return {ids.begin(), ids.end()};
  }

  void ScanChildren(const RegionScope& scope,
                    const std::function<void(const Child&)>& visit) override {
    auto reader = readers_->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kChildColumns +
                             " FROM children WHERE region_code >= ? AND region_code < ?" +
                             handles_->dialect.ProvinceFilter(scope.root_code));
    s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code));
    while (s.Step()) visit(ChildFromRow(s, cipher_));
  }

  void Migrate() override {
    std::lock_guard lock(write_mutex_);
    const bool postgres = handles_->backend == sql::Backend::kPostgres;
    writer_.Exec(std::string("CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, "
                             "checksum TEXT NOT NULL, applied_at TEXT NOT NULL)") +
                 (postgres ? "" : " STRICT"));
    for (const Migration& m : postgres ? postgres_migrations() : sqlite_migrations()) {
      const std::string checksum = MigrationChecksum(m.sql);
      auto existing = writer_.Prepare("SELECT checksum FROM schema_migrations WHERE version = ?");
      existing.Bind(1, m.name);
      if (existing.Step()) {
        if (existing.Text(0) != checksum)
          throw std::runtime_error("migration " + m.name +
                                   " was changed after it was applied (checksum mismatch)");
        continue;
      }
      Transaction tx(writer_);
      // Two servers starting on one new PostgreSQL database must not both apply a migration.
      if (postgres) writer_.Exec("LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
      writer_.Exec(m.sql);
      writer_.Prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)")
          .Bind(1, m.name)
          .Bind(2, checksum)
          .Bind(3, NowUtcIso())
          .Run();
      tx.Commit();
    }
    sql::ApplyDataKey(*handles_);
    readers_ = std::make_unique<ReaderPool>([this] { return handles_->open(true); }, 8);
  }

  bool encrypted() const override { return cipher_.enabled(); }

  std::optional<User> FindUserByName(const std::string& username) override {
    return FindUser("username = ?", [&](Statement& s) { s.Bind(1, username); });
  }

  std::optional<User> FindUserById(int64_t id) override {
    return FindUser("id = ?", [&](Statement& s) { s.Bind(1, id); });
  }

  int64_t CreateUser(const User& user) override {
    std::lock_guard lock(write_mutex_);
    try {
      writer_
          .Prepare("INSERT INTO users (username, display_name, role, region_code, password_hash, "
                   "disabled, created_at, department, must_change_password, demo_account, "
                   "password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .Bind(1, user.username)
          .Bind(2, user.display_name)
          .Bind(3, RoleCode(user.role))
          .Bind(4, user.region_code)
          .Bind(5, user.password_hash)
          .Bind(6, int64_t{user.disabled})
          .Bind(7, NowUtcIso())
          .Bind(8, user.department)
          .Bind(9, int64_t{user.must_change_password})
          .Bind(10, int64_t{user.demo_account})
          .Bind(11, NowUtcIso())
          .Run();
    } catch (const sql::Error& e) {
      if (IsUniqueViolation(e))
        throw StoreConflict(StoreConflict::Kind::kDuplicateUsername, "username taken");
      throw;
    }
    return writer_.LastInsertId();
  }

  std::vector<User> ListUsers(const RegionScope& scope) override {
    auto reader = readers_->Acquire();
    auto s = reader->Prepare(
        "SELECT " kUserColumns " "
        "FROM users "
        "WHERE region_code >= ? AND region_code < ? ORDER BY region_code, username");
    s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code));
    std::vector<User> out;
    while (s.Step()) out.push_back(UserFromRow(s));
    return out;
  }

  bool SetUserDisabled(const RegionScope& scope, int64_t user_id, bool disabled) override {
    std::lock_guard lock(write_mutex_);
    Transaction tx(writer_);
    writer_.Prepare("UPDATE users SET disabled = ? WHERE id = ? AND region_code >= ? AND region_code < ?")
        .Bind(1, int64_t{disabled})
        .Bind(2, user_id)
        .Bind(3, scope.root_code)
        .Bind(4, PrefixUpperBound(scope.root_code))
        .Run();
    if (writer_.Changes() == 0) return false;
    if (disabled) writer_.Prepare("DELETE FROM sessions WHERE user_id = ?").Bind(1, user_id).Run();
    tx.Commit();
    return true;
  }

  void CreateSession(const std::string& token_hash, const SessionRecord& session) override {
    std::lock_guard lock(write_mutex_);
    writer_.Prepare("DELETE FROM sessions WHERE expires_at < ?").Bind(1, int64_t(std::time(nullptr))).Run();
    writer_.Prepare("INSERT INTO sessions (token_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)")
        .Bind(1, token_hash)
        .Bind(2, session.user_id)
        .Bind(3, session.expires_at)
        .Bind(4, session.created_at)
        .Run();
  }

  std::optional<std::pair<SessionRecord, User>> FindSession(const std::string& token_hash) override {
    auto reader = readers_->Acquire();
    auto s = reader->Prepare(
        "SELECT u.id, u.username, u.display_name, u.role, u.region_code, u.password_hash, "
        "u.disabled, u.department, u.failed_logins, u.locked_until, u.must_change_password, "
        "u.totp_secret, u.totp_enabled, u.totp_last_step, u.demo_account, s.expires_at, "
        "s.created_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?");
    s.Bind(1, token_hash);
    if (!s.Step()) return std::nullopt;
    User user = UserFromRow(s);
    return std::pair{SessionRecord{user.id, s.Int(15), s.Int(16)}, std::move(user)};
  }

  void TouchSession(const std::string& token_hash, int64_t expires_at) override {
    std::lock_guard lock(write_mutex_);
    writer_.Prepare("UPDATE sessions SET expires_at = ? WHERE token_hash = ?")
        .Bind(1, expires_at)
        .Bind(2, token_hash)
        .Run();
  }

  void DeleteSession(const std::string& token_hash) override {
    std::lock_guard lock(write_mutex_);
    writer_.Prepare("DELETE FROM sessions WHERE token_hash = ?").Bind(1, token_hash).Run();
  }

  int64_t RecordLoginFailure(int64_t user_id, int64_t max_failures, int64_t lock_until) override {
    std::lock_guard lock(write_mutex_);
    Transaction tx(writer_);
    writer_.Prepare("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?").Bind(1, user_id).Run();
    int64_t failures = 0;
    {
      auto s = writer_.Prepare("SELECT failed_logins FROM users WHERE id = ?");
      s.Bind(1, user_id);
      if (s.Step()) failures = s.Int(0);
    }
    if (failures >= max_failures) {
      // The lock starts a new count: the next failure after it ends counts from one.
      writer_.Prepare("UPDATE users SET locked_until = ?, failed_logins = 0 WHERE id = ?")
          .Bind(1, lock_until)
          .Bind(2, user_id)
          .Run();
      writer_.Prepare("DELETE FROM sessions WHERE user_id = ?").Bind(1, user_id).Run();
    }
    tx.Commit();
    return failures;
  }

  void RecordLoginSuccess(int64_t user_id, int64_t totp_step) override {
    std::lock_guard lock(write_mutex_);
    writer_
        .Prepare("UPDATE users SET failed_logins = 0, totp_last_step = "
                 "CASE WHEN ? > 0 THEN ? ELSE totp_last_step END WHERE id = ?")
        .Bind(1, totp_step)
        .Bind(2, totp_step)
        .Bind(3, user_id)
        .Run();
  }

  bool UnlockUser(const RegionScope& scope, int64_t user_id) override {
    std::lock_guard lock(write_mutex_);
    writer_
        .Prepare("UPDATE users SET locked_until = 0, failed_logins = 0 "
                 "WHERE id = ? AND region_code >= ? AND region_code < ?")
        .Bind(1, user_id)
        .Bind(2, scope.root_code)
        .Bind(3, PrefixUpperBound(scope.root_code))
        .Run();
    return writer_.Changes() > 0;
  }

  void SetPassword(int64_t user_id, const std::string& password_hash, bool must_change,
                   const std::string& keep_session) override {
    std::lock_guard lock(write_mutex_);
    Transaction tx(writer_);
    writer_
        .Prepare("UPDATE users SET password_hash = ?, must_change_password = ?, "
                 "password_changed_at = ?, failed_logins = 0, locked_until = 0 WHERE id = ?")
        .Bind(1, password_hash)
        .Bind(2, int64_t{must_change})
        .Bind(3, NowUtcIso())
        .Bind(4, user_id)
        .Run();
    writer_.Prepare("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?")
        .Bind(1, user_id)
        .Bind(2, keep_session)
        .Run();
    tx.Commit();
  }

  bool SetTotp(const RegionScope& scope, int64_t user_id, const std::string& secret,
               bool enabled) override {
    std::lock_guard lock(write_mutex_);
    Transaction tx(writer_);
    sql::RefuseIfSealedSinceOpen(*handles_);
    writer_
        .Prepare("UPDATE users SET totp_secret = ?, totp_enabled = ?, totp_last_step = 0 "
                 "WHERE id = ? AND region_code >= ? AND region_code < ?")
        .Bind(1, cipher_.Seal(secret, sql::kSealedTotpSecret))
        .Bind(2, int64_t{enabled})
        .Bind(3, user_id)
        .Bind(4, scope.root_code)
        .Bind(5, PrefixUpperBound(scope.root_code))
        .Run();
    const bool changed = writer_.Changes() > 0;
    tx.Commit();
    return changed;
  }

  void UpsertVillages(const std::vector<std::pair<std::string, std::string>>& code_and_name) override {
    std::lock_guard lock(write_mutex_);
    Transaction tx(writer_);
    for (const auto& [code, name] : code_and_name)
      writer_.Prepare("INSERT INTO villages (code, name) VALUES (?, ?) ON CONFLICT(code) DO UPDATE SET name = excluded.name")
          .Bind(1, code)
          .Bind(2, name)
          .Run();
    tx.Commit();
  }

  std::vector<std::pair<std::string, std::string>> Villages() override {
    auto reader = readers_->Acquire();
    auto s = reader->Prepare("SELECT code, name FROM villages ORDER BY code");
    std::vector<std::pair<std::string, std::string>> out;
    while (s.Step()) out.emplace_back(s.Text(0), s.Text(1));
    return out;
  }

  std::optional<Child> GetChild(const RegionScope& scope, int64_t id) override {
    auto reader = readers_->Acquire();
    return GetChildOn(*reader, scope, id);
  }

  ChildPage SearchChildren(const RegionScope& scope, const ChildQuery& query) override {
    // The region range is the narrower of scope and filter; a filter outside the scope finds nothing.
    std::string root = scope.root_code;
    if (!query.region_code.empty() && query.region_code.rfind(root, 0) == 0) root = query.region_code;
    if (!query.region_code.empty() && query.region_code.rfind(root, 0) != 0) return {};
    std::string where = "region_code >= ? AND region_code < ?" + handles_->dialect.ProvinceFilter(root);
    std::vector<std::string> args = {root, PrefixUpperBound(root)};
    const auto add_text = [&](std::string v) { args.push_back(std::move(v)); };

    if (!query.name.empty()) {
      if (root.size() >= 6) {
        where += " AND substr(region_code, 1, 6) = ?";
        add_text(root.substr(0, 6));
      }
      where += " AND name >= ? AND name < ?";
      add_text(query.name);
      add_text(PrefixUpperBound(query.name));
    }
    if (!query.id_number.empty()) {
      if (query.id_number.size() < 4) return {};  // the service asks for 4 or more
      if (query.id_number.size() >= 15) {
        where += " AND id_number_index = ?";
        add_text(cipher_.BlindIndex(query.id_number, sql::kIdNumberIndex));
      } else {
        // The last four characters find the candidates by their blind index; a longer tail is
        // checked on the opened numbers, and the matches go into the query as ids.
        const std::string last4 = query.id_number.substr(query.id_number.size() - 4);
        where += " AND id_suffix_index = ?";
        add_text(cipher_.BlindIndex(last4, sql::kIdSuffixIndex));
        if (query.id_number.size() > 4) {
          // One JSON parameter, so the statement text (and its cached prepared form) stays fixed.
          nlohmann::json ids = nlohmann::json::array();
          auto reader = readers_->Acquire();
          auto candidates = reader->Prepare(
              "SELECT id, id_number FROM children WHERE id_suffix_index = ? AND region_code >= ? "
              "AND region_code < ?" + handles_->dialect.ProvinceFilter(root));
          candidates.Bind(1, cipher_.BlindIndex(last4, sql::kIdSuffixIndex)).Bind(2, root).Bind(3, PrefixUpperBound(root));
          while (candidates.Step())
            if (cipher_.Open(candidates.Text(1), sql::kSealedChildIdNumber).ends_with(query.id_number))
              ids.push_back(std::to_string(candidates.Int(0)));
          where += " AND CAST(id AS TEXT) IN " + handles_->dialect.JsonArrayParameter();
          add_text(ids.dump());
        }
      }
    }
    if (query.child_class)
      where += " AND " + ClassCondition(PredicateFor(*query.child_class), query.cutoffs, &args);
    if (query.birth_range) {
      where += " AND birth_date >= ? AND birth_date <= ?";
      add_text(FormatIsoDate(query.birth_range->first));
      add_text(FormatIsoDate(query.birth_range->second));
    }
    const auto bind_all = [&](Statement& s) {
      for (size_t i = 0; i < args.size(); ++i) s.Bind(static_cast<int>(i + 1), args[i]);
    };

    auto reader = readers_->Acquire();
    ChildPage page;
    {
      auto count = reader->Prepare("SELECT count(*) FROM children WHERE " + where);
      bind_all(count);
      count.Step();
      page.total = count.Int(0);
    }
    // Ids first, from the covering index; then only the page's rows from the table.
    auto rows = reader->Prepare(std::string("SELECT ") + kChildColumns +
                                " FROM children WHERE id IN (SELECT id FROM children WHERE " + where +
                                " ORDER BY region_code DESC, id DESC LIMIT ? OFFSET ?)"
                                " ORDER BY region_code DESC, id DESC");
    bind_all(rows);
    rows.Bind(static_cast<int>(args.size() + 1), query.limit);
    rows.Bind(static_cast<int>(args.size() + 2), query.offset);
    while (rows.Step()) page.items.push_back(ChildFromRow(rows, cipher_));
    return page;
  }

  void InsertChild(Child& child, uint32_t class_basis, const Actor& actor) override {
    std::lock_guard lock(write_mutex_);
    Transaction tx(writer_);
    sql::RefuseIfSealedSinceOpen(*handles_);
    InsertChildRow(child, class_basis, actor);
    AppendHistory(child, actor, {{"*", "", "登记"}});
    tx.Commit();
  }

  void InsertChildrenBulk(std::vector<Child>& children, const std::vector<uint32_t>& class_basis,
                          const Actor& actor) override {
    std::lock_guard lock(write_mutex_);
    Transaction tx(writer_);
    sql::RefuseIfSealedSinceOpen(*handles_);
    if (handles_->backend == sql::Backend::kPostgres) {
      InsertChildRowsBatched(children, class_basis, actor);
    } else {
      for (size_t i = 0; i < children.size(); ++i) InsertChildRow(children[i], class_basis[i], actor);
    }
    tx.Commit();
    RefreshChildStatistics();
  }

  int64_t LoadChildren(const ChildBatchSource& next, const Actor& actor) override {
    std::lock_guard lock(write_mutex_);
    Transaction tx(writer_);
    sql::RefuseIfSealedSinceOpen(*handles_);
    const bool empty = !writer_.Prepare("SELECT 1 FROM children LIMIT 1").Step();
    const std::vector<std::string> deferred_indexes = empty ? DropChildIndexes() : std::vector<std::string>{};
    // Three stages share the cores: `next` makes batches ahead on its own thread, two threads seal
    // and serialise the next batch, and this one writes the current batch (COPY on PostgreSQL,
    // ids from the identity column; a prepared insert per row on SQLite).
    struct Source {
      std::vector<Child> children;
      std::vector<uint32_t> class_basis;
    };
    using Rows = std::vector<Connection::TextRow>;
    const std::string now = NowUtcIso();
    const std::string by = std::to_string(actor.user_id);
    // Rows [from, to) of `source`; serialising and sealing cost more than writing, so two threads share it.
    const auto encode = [&](const Source& source, size_t from, size_t to) {
      Rows rows;
      rows.reserve(to - from);
      for (size_t i = from; i < to; ++i) {
        const Child& child = source.children[i];
        Connection::TextRow& row = rows.emplace_back(ChildRowValues(child, source.class_basis[i], cipher_).Texts(child));
        for (const std::string& value : {std::string("1"), child.created_at.empty() ? now : child.created_at, now, by, by})
          row.emplace_back(value);
      }
      return rows;
    };
    Prefetch<Source> sources(
        [&, ended = false]() mutable -> std::optional<Source> {
          Source source;
          if (ended) return std::nullopt;
          // A source may hand over its last children with `false`: they are loaded, then it ends.
          ended = !next(source.children, source.class_basis);
          if (ended && source.children.empty()) return std::nullopt;
          if (source.class_basis.size() != source.children.size())
            throw std::invalid_argument("class_basis must parallel children");
          return source;
        },
        2);
    const auto make_rows = [&]() -> std::optional<Rows> {
      std::optional<Source> source = sources.Pop();
      if (!source) return std::nullopt;
      const size_t n = source->children.size();
      auto second_half = std::async(std::launch::async, encode, std::cref(*source), n / 2, n);
      Rows rows = encode(*source, 0, n / 2);
      Rows rest = second_half.get();
      std::move(rest.begin(), rest.end(), std::back_inserter(rows));
      return rows;
    };
    int64_t loaded = 0;
    auto pending = std::async(std::launch::async, make_rows);
    while (std::optional<Rows> rows = pending.get()) {
      pending = std::async(std::launch::async, make_rows);
      RefusingDuplicateIdNumber([&] { writer_.CopyRows("children", ChildCopyColumns(), *rows); });
      loaded += static_cast<int64_t>(rows->size());
    }
    BuildIndexes(deferred_indexes);
    tx.Commit();
    RefreshChildStatistics();
    return loaded;
  }

  std::optional<std::vector<FieldChange>> UpdateChild(const RegionScope& scope, Child& child,
                                                      int64_t expected_version,
                                                      uint32_t class_basis,
                                                      const Actor& actor) override {
    std::lock_guard lock(write_mutex_);
    Transaction tx(writer_);
    sql::RefuseIfSealedSinceOpen(*handles_);
    const std::optional<Child> stored = GetChildOn(writer_, scope, child.id);
    if (!stored) return std::nullopt;
    if (stored->version != expected_version)
      throw StoreConflict(StoreConflict::Kind::kVersionMismatch, "version mismatch");
    const std::vector<FieldChange> changes = ChangesBetween(*stored, child);
    if (changes.empty()) {
      child = *stored;
      return changes;
    }
    const std::string now = NowUtcIso();
    UpdateChildRow(child, class_basis, actor, now);
    AppendHistory(child, actor, changes);
    tx.Commit();
    child.version = stored->version + 1;
    child.created_at = stored->created_at;
    child.updated_at = now;
    return changes;
  }

  bool AcceptTransfer(int64_t transfer_id, Child& moved, uint32_t class_basis, const Actor& actor,
                      const std::string& by_name) override {
    std::lock_guard lock(write_mutex_);
    Transaction tx(writer_);
    sql::RefuseIfSealedSinceOpen(*handles_);
    auto pending = writer_.Prepare("SELECT child_id FROM transfers WHERE id = ? AND status = 'pending'");
    pending.Bind(1, transfer_id);
    if (!pending.Step() || pending.Int(0) != moved.id) return false;
    const std::optional<Child> stored = GetChildOn(writer_, RegionScope{""}, moved.id);
    if (!stored) return false;
    const std::string now = NowUtcIso();
    UpdateChildRow(moved, class_basis, actor, now);
    AppendHistory(moved, actor, ChangesBetween(*stored, moved));
    // The file moves with the child: the new county sees its visits, cases and referrals.
    for (const char* table : {"visits", "cases", "referrals", "care_status", "service_deliveries",
                              "child_entitlements", "child_needs"}) {
      writer_.Prepare(std::string("UPDATE ") + table + " SET region_code = ?, province_code = ? WHERE " +
                      "child_id = ?")
          .Bind(1, moved.region_code)
          .Bind(2, ProvinceOf(moved))
          .Bind(3, moved.id)
          .Run();
    }
    // Pairings and activities belong to the old county's volunteers and venues: they end here.
    writer_.Prepare("UPDATE pairings SET ended_on = ?, end_reason = '儿童迁出' WHERE child_id = ? AND ended_on = ''")
        .Bind(1, now.substr(0, 10))
        .Bind(2, moved.id)
        .Run();
    writer_.Prepare("UPDATE activity_participants SET withdrawn_at = ? WHERE child_id = ? AND withdrawn_at = ''")
        .Bind(1, now)
        .Bind(2, moved.id)
        .Run();
    writer_
        .Prepare("UPDATE transfers SET status = 'accepted', to_region = ?, decided_at = ?, "
                 "decided_by_name = ? WHERE id = ?")
        .Bind(1, moved.region_code)
        .Bind(2, now)
        .Bind(3, by_name)
        .Bind(4, transfer_id)
        .Run();
    tx.Commit();
    moved.version = stored->version + 1;
    moved.updated_at = now;
    return true;
  }

  std::vector<HistoryEntry> ChildHistory(const RegionScope& scope, int64_t id) override {
    auto reader = readers_->Acquire();
    if (!GetChildOn(*reader, scope, id)) return {};
    auto s = reader->Prepare(
        "SELECT id, at, username, field, old_value, new_value FROM child_history "
        "WHERE child_id = ? ORDER BY id DESC");
    s.Bind(1, id);
    std::vector<HistoryEntry> out;
    while (s.Step())
      out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3),
                     cipher_.Open(s.Text(4), sql::kSealedHistoryValue),
                     cipher_.Open(s.Text(5), sql::kSealedHistoryValue)});
    return out;
  }

  int64_t CountChildren() override {
    auto reader = readers_->Acquire();
    auto s = reader->Prepare("SELECT count(*) FROM children");
    s.Step();
    return s.Int(0);
  }

  std::vector<RegionCount> CountBySubRegion(const RegionScope& scope, const std::string& root,
                                            int sub_code_length, Date today) override {
    if (root.rfind(scope.root_code, 0) != 0) return {};
    const ClassCutoffs cutoffs = CutoffsFor(today);
    std::string sql = "SELECT substr(region_code, 1, " + std::to_string(sub_code_length) +
                      ") AS sub, count(*), " + sql::CountWhere("sex = 'M'") + ", " + sql::CountWhere("sex = 'F'");
    std::vector<std::string> args;
    for (ChildClass c : AllChildClasses()) sql += ", " + sql::CountWhere(ClassCondition(PredicateFor(c), cutoffs, &args));
    for (const AgeGroup& g : AgeGroups()) {
      // age in [from, to)  <=>  birth in (LatestBirthForAge(to), LatestBirthForAge(from)]
      sql += ", " + sql::CountWhere("birth_date > ? AND birth_date <= ?");
      args.push_back(FormatIsoDate(LatestBirthForAge(g.to_years, today)));
      args.push_back(FormatIsoDate(LatestBirthForAge(g.from_years, today)));
    }
    args.push_back(root);
    args.push_back(PrefixUpperBound(root));
    sql += " FROM children WHERE region_code >= ? AND region_code < ?" + handles_->dialect.ProvinceFilter(root) +
           " GROUP BY sub ORDER BY sub";
    auto reader = readers_->Acquire();
    auto s = reader->Prepare(sql);
    for (size_t i = 0; i < args.size(); ++i) s.Bind(static_cast<int>(i + 1), args[i]);
    std::vector<RegionCount> out;
    const int classes = static_cast<int>(AllChildClasses().size());
    while (s.Step()) {
      RegionCount row;
      row.code = s.Text(0);
      row.total = s.Int(1);
      row.male = s.Int(2);
      row.female = s.Int(3);
      for (int i = 0; i < classes; ++i) row.by_class.push_back(s.Int(4 + i));
      for (size_t i = 0; i < AgeGroups().size(); ++i) row.by_age_group.push_back(s.Int(4 + classes + static_cast<int>(i)));
      out.push_back(std::move(row));
    }
    return out;
  }

  std::vector<std::pair<std::string, int64_t>> RegistrationsByMonth(
      const RegionScope& scope, const std::string& root) override {
    if (root.rfind(scope.root_code, 0) != 0) return {};
    auto reader = readers_->Acquire();
    auto s = reader->Prepare(
        "SELECT substr(created_at, 1, 7) AS month, count(*) FROM children "
        "WHERE region_code >= ? AND region_code < ?" + handles_->dialect.ProvinceFilter(root) +
        " GROUP BY month ORDER BY month");
    s.Bind(1, root).Bind(2, PrefixUpperBound(root));
    std::vector<std::pair<std::string, int64_t>> out;
    while (s.Step()) out.emplace_back(s.Text(0), s.Int(1));
    return out;
  }

  void AppendAudit(const std::vector<AuditEvent>& events) override {
    if (events.empty()) return;
    std::lock_guard lock(write_mutex_);
    Transaction tx(writer_);
    // Another process (a CLI import beside the server) may append too: the chain's head is read
    // inside the write transaction, which SQLite's BEGIN IMMEDIATE and this lock serialise.
    if (writer_.backend() == sql::Backend::kPostgres)
      writer_.Exec("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE");
    int64_t last_id = 0;
    std::string last_hash;
    {
      auto head = writer_.Prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
      if (head.Step()) last_id = head.Int(0), last_hash = head.Text(1);
    }
    const std::string now = NowUtcIso();
    for (AuditEvent e : events) {
      if (e.at.empty()) e.at = now;
      const int64_t id = ++last_id;
      last_hash = AuditChainHash(last_hash, id, e);
      writer_
          .Prepare("INSERT INTO audit_log (id, at, user_id, username, action, target, detail, "
                   "result, remote, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .Bind(1, id)
          .Bind(2, e.at)
          .Bind(3, e.user_id)
          .Bind(4, e.username)
          .Bind(5, e.action)
          .Bind(6, e.target)
          .Bind(7, e.detail)
          .Bind(8, e.result)
          .Bind(9, e.remote)
          .Bind(10, last_hash)
          .Run();
    }
    tx.Commit();
  }

  std::vector<AuditEvent> SearchAudit(const RegionScope& scope, const AuditQuery& q) override {
    auto reader = readers_->Acquire();
    const bool action_prefix = !q.action.empty() && q.action.back() == '.';
    auto s = reader->Prepare(
        std::string("SELECT ") + kAuditColumns +
        " FROM audit_log WHERE (? = 0 OR id < ?) AND (? = '' OR username = ?) "
        "AND (? = '' OR target = ?) AND (? = '' OR result = ?) AND (? = '' OR at >= ?) "
        "AND (? = '' OR at < ?) AND " +
        (action_prefix ? "action >= ? AND action < ?" : "(? = '' OR action = ?)") +
        " AND (? = '' OR coalesce(user_id, 0) = 0 OR user_id IN "
        "(SELECT id FROM users WHERE region_code >= ? AND region_code < ?))"
        " ORDER BY id DESC LIMIT ?");
    // The dates are China's (UTC+8) and the stored times UTC: China's day D runs from
    // (D-1)T16:00:00Z to DT16:00:00Z.
    const auto china_day_start = [](const std::string& day) {
      return FormatIsoDate(Date(std::chrono::sys_days(*ParseIsoDate(day)) - std::chrono::days(1))) +
             "T16:00:00Z";
    };
    const std::string from = q.from.empty() ? "" : china_day_start(q.from);
    const std::string to_exclusive = q.to.empty() ? "" : q.to + "T16:00:00Z";
    s.Bind(1, q.before_id).Bind(2, q.before_id);
    s.Bind(3, q.username).Bind(4, q.username);
    s.Bind(5, q.target).Bind(6, q.target);
    s.Bind(7, q.result).Bind(8, q.result);
    s.Bind(9, from).Bind(10, from);
    s.Bind(11, q.to).Bind(12, to_exclusive);
    if (action_prefix) s.Bind(13, q.action).Bind(14, PrefixUpperBound(q.action));
    else s.Bind(13, q.action).Bind(14, q.action);
    s.Bind(15, scope.root_code).Bind(16, scope.root_code).Bind(17, PrefixUpperBound(scope.root_code));
    s.Bind(18, q.limit);
    std::vector<AuditEvent> out;
    while (s.Step()) out.push_back(AuditFromRow(s));
    return out;
  }

  AuditChainCheck VerifyAuditChain() override {
    auto reader = readers_->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kAuditColumns + " FROM audit_log ORDER BY id");
    AuditChainCheck check;
    std::string previous;
    while (s.Step()) {
      const AuditEvent e = AuditFromRow(s);
      if (e.hash.empty() && check.rows == 0) {  // written before the chain existed
        ++check.legacy_rows;
        continue;
      }
      ++check.rows;
      if (e.hash != AuditChainHash(previous, e.id, e)) {
        check.broken_at = e.id;
        check.problem = e.hash.empty() ? "该行缺少哈希（链中的行被替换或插入）"
                                       : "该行内容或其前一行与哈希不符（记录被修改、删除或插入）";
        break;
      }
      previous = e.hash;
      check.head_id = e.id;
      check.head_hash = e.hash;
    }
    return check;
  }

  std::vector<AuditEvent> RecentAudit(int64_t limit, const std::string& target) override {
    auto reader = readers_->Acquire();
    auto s = reader->Prepare(
        std::string("SELECT ") + kAuditColumns +
        " FROM audit_log WHERE (? = '' OR target = ?) ORDER BY id DESC LIMIT ?");
    s.Bind(1, target).Bind(2, target).Bind(3, limit);
    std::vector<AuditEvent> out;
    while (s.Step()) out.push_back(AuditFromRow(s));
    return out;
  }

 private:
  template <typename BindFn>
  std::optional<User> FindUser(const std::string& condition, BindFn bind) {
    auto reader = readers_->Acquire();
    auto s = reader->Prepare(
        "SELECT " kUserColumns " "
        "FROM users "
        "WHERE " + condition);
    bind(s);
    if (!s.Step()) return std::nullopt;
    return UserFromRow(s);
  }

  static constexpr const char* kAuditColumns =
      "id, at, user_id, username, action, target, detail, result, remote, hash";

  static AuditEvent AuditFromRow(const Statement& s) {
    AuditEvent e{s.Text(1), s.IsNull(2) ? 0 : s.Int(2), s.Text(3), s.Text(4), s.Text(5),
                 s.Text(6), s.Text(7), s.Text(8)};
    e.id = s.Int(0);
    e.hash = s.Text(9);
    return e;
  }

  User UserFromRow(const Statement& s) {
    User u;
    u.id = s.Int(0);
    u.username = s.Text(1);
    u.display_name = s.Text(2);
    // An unknown role code (from a newer version) gets the role with the least access.
    u.role = ParseRole(s.Text(3)).value_or(Role::kSocialWorker);
    u.region_code = s.Text(4);
    u.password_hash = s.Text(5);
    u.disabled = s.Int(6) != 0;
    u.department = s.Text(7);
    u.failed_logins = s.Int(8);
    u.locked_until = s.Int(9);
    u.must_change_password = s.Int(10) != 0;
    u.totp_secret = cipher_.Open(s.Text(11), sql::kSealedTotpSecret);
    u.totp_enabled = s.Int(12) != 0;
    u.totp_last_step = s.Int(13);
    u.demo_account = s.Int(14) != 0;
    return u;
  }

  // The one place a child row is fetched: always within the scope's code range.
  std::optional<Child> GetChildOn(Connection& db, const RegionScope& scope, int64_t id) {
    auto s = db.Prepare(std::string("SELECT ") + kChildColumns +
                        " FROM children WHERE id = ? AND region_code >= ? AND region_code < ?" +
                        handles_->dialect.ProvinceFilter(scope.root_code));
    s.Bind(1, id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    if (!s.Step()) return std::nullopt;
    return ChildFromRow(s, cipher_);
  }

  // A preset created_at is kept (records loaded from older registers keep their date).
  void InsertChildRow(Child& child, uint32_t class_basis, const Actor& actor) {
    const std::string now = NowUtcIso();
    const std::string created = child.created_at.empty() ? now : child.created_at;
    RefusingDuplicateIdNumber([&] {
      auto insert = writer_
          .Prepare("INSERT INTO children (" kChildWriteColumns ", version, "
                   "created_at, updated_at, created_by, updated_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)");
      BindChildColumns(insert, child, class_basis, cipher_)
          .Bind(kChildWriteColumnCount + 1, created)
          .Bind(kChildWriteColumnCount + 2, now)
          .Bind(kChildWriteColumnCount + 3, actor.user_id)
          .Bind(kChildWriteColumnCount + 4, actor.user_id)
          .Run();
    });
    child.id = writer_.LastInsertId();
    child.version = 1;
    child.created_at = created;
    child.updated_at = now;
  }

  // Drops the children's secondary indexes inside the caller's transaction and returns the
  // statements that build them again (those backing a constraint stay).
  std::vector<std::string> DropChildIndexes() {
    std::vector<std::pair<std::string, std::string>> indexes;  // quoted name, definition
    {
      auto list = writer_.Prepare(
          handles_->backend == sql::Backend::kPostgres
              ? "SELECT CAST(CAST(i.indexrelid AS regclass) AS TEXT), pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = CAST('children' AS regclass) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1"
              : "SELECT '\"' || replace(name, '\"', '\"\"') || '\"', sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = 'children' AND sql IS NOT NULL ORDER BY name");
      while (list.Step()) indexes.emplace_back(list.Text(0), list.Text(1));
    }
    std::vector<std::string> creates;
    for (const auto& [name, definition] : indexes) {
      writer_.Exec("DROP INDEX " + name);
      creates.push_back(definition);
    }
    return creates;
  }
  // Runs `creates` (from DropChildIndexes); a unique index that meets a duplicate ID number fails.
  void BuildIndexes(const std::vector<std::string>& creates) {
    if (creates.empty()) return;
    // Index builds sort every row: give the sort the second core. SQLite sorts in runs the size of
    // its page cache; with the usual 64 MiB, two threads sort 10 million keys in about 13 s where
    // a 2 GiB cache took 31 s (one run, sorted by one thread, far out of the CPU's caches).
    struct SqliteSortSettings {
      explicit SqliteSortSettings(Connection& db) : db(db) { db.Exec("PRAGMA threads = 2"); }
      ~SqliteSortSettings() {
        try {
          db.Exec("PRAGMA threads = 0");
        } catch (...) {
          // A setting of this connection only; a failure here must not hide the build's outcome.
        }
      }
      Connection& db;
    };
    std::optional<SqliteSortSettings> sqlite_sort;
    if (handles_->backend == sql::Backend::kPostgres) {
      // Measured on 10 million rows: 128 MB sorts faster than both 16 MB and 512 MB (a larger
      // sort area leaves the CPU's caches), and one parallel worker uses the second core.
      writer_.Exec("SET LOCAL maintenance_work_mem = '128MB'; SET LOCAL max_parallel_maintenance_workers = 1");
    } else {
      sqlite_sort.emplace(writer_);
    }
    RefusingDuplicateIdNumber([&] {
      for (const std::string& create : creates) writer_.Exec(create);
    });
  }
  // Refreshes the planner's statistics after a large load (bounded work per index on SQLite).
  // PostgreSQL: VACUUM also marks the new pages all-visible, which index-only scans need.
  void RefreshChildStatistics() {
    writer_.Exec(handles_->backend == sql::Backend::kPostgres ? "VACUUM (ANALYZE) children"
                                                              : "PRAGMA analysis_limit=1000; ANALYZE;");
  }
  // Many rows per INSERT: over a network connection a round trip per row would dominate a load.
  // Ids are drawn from the sequence first, so each child learns its id whatever order rows land in.
  void InsertChildRowsBatched(std::vector<Child>& children, const std::vector<uint32_t>& class_basis,
                              const Actor& actor) {
    constexpr size_t kRowsPerStatement = 1000;  // 17 parameters a row, under libpq's 65,535
    const std::string now = NowUtcIso();
    for (size_t from = 0; from < children.size(); from += kRowsPerStatement) {
      const size_t n = std::min(kRowsPerStatement, children.size() - from);
      std::vector<int64_t> ids;
      {
        auto next = writer_.Prepare(
            "SELECT nextval(pg_get_serial_sequence('children', 'id')) FROM generate_series(1, CAST(? AS BIGINT))");
        next.Bind(1, static_cast<int64_t>(n));
        while (next.Step()) ids.push_back(next.Int(0));
      }
      std::string sql =
          "INSERT INTO children (id, " kChildWriteColumns ", version, created_at, updated_at, "
          "created_by, updated_by) VALUES ";
      for (size_t i = 0; i < n; ++i)
        sql += (i ? ", " : "") + std::string("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)");
      auto insert = writer_.Prepare(sql);
      for (size_t i = 0; i < n; ++i) {
        Child& child = children[from + i];
        const int at = static_cast<int>(i * (kChildWriteColumnCount + 5)) + 1;
        if (child.created_at.empty()) child.created_at = now;
        insert.Bind(at, ids[i]);
        BindChildColumns(insert, child, class_basis[from + i], cipher_, at + 1)
            .Bind(at + kChildWriteColumnCount + 1, child.created_at)
            .Bind(at + kChildWriteColumnCount + 2, now)
            .Bind(at + kChildWriteColumnCount + 3, actor.user_id)
            .Bind(at + kChildWriteColumnCount + 4, actor.user_id);
        child.id = ids[i];
        child.version = 1;
        child.updated_at = now;
      }
      RefusingDuplicateIdNumber([&] { insert.Run(); });
    }
  }

  static std::vector<FieldChange> ChangesBetween(const Child& before, const Child& after) {
    std::vector<FieldChange> changes;
    for (auto& d : DiffChildren(before, after))
      changes.push_back({std::move(d.field), std::move(d.old_value), std::move(d.new_value)});
    return changes;
  }

  // Writes the record over its row (one version up); a duplicate ID number is a StoreConflict.
  void UpdateChildRow(const Child& child, uint32_t class_basis, const Actor& actor, const std::string& now) {
    RefusingDuplicateIdNumber([&] {
      auto update = writer_
          .Prepare("UPDATE children SET province_code = ?, region_code = ?, id_number = ?, "
                   "name = ?, sex = ?, birth_date = ?, residence_since = ?, "
                   "hukou_region_code = ?, class_basis = ?, doc = ?, id_number_index = ?, "
                   "id_suffix_index = ?, version = version + 1, "
                   "updated_at = ?, updated_by = ? WHERE id = ?");
      BindChildColumns(update, child, class_basis, cipher_)
          .Bind(kChildWriteColumnCount + 1, now)
          .Bind(kChildWriteColumnCount + 2, actor.user_id)
          .Bind(kChildWriteColumnCount + 3, child.id)
          .Run();
    });
  }

  void AppendHistory(const Child& child, const Actor& actor, const std::vector<FieldChange>& changes) {
    const std::string now = NowUtcIso();
    for (const FieldChange& c : changes) {
      writer_
          .Prepare("INSERT INTO child_history (child_id, province_code, at, user_id, username, "
                   "field, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
          .Bind(1, child.id)
          .Bind(2, ProvinceOf(child))
          .Bind(3, now)
          .Bind(4, actor.user_id)
          .Bind(5, actor.username)
          .Bind(6, c.field)
          .Bind(7, cipher_.Seal(c.old_value, sql::kSealedHistoryValue))
          .Bind(8, cipher_.Seal(c.new_value, sql::kSealedHistoryValue))
          .Run();
    }
  }

  std::unique_ptr<sql::Handles> handles_;
  const FieldCipher& cipher_;
  std::mutex& write_mutex_;
  Connection& writer_;
  std::unique_ptr<ReaderPool>& readers_;
  std::unique_ptr<DepartmentStore> departments_;
  std::unique_ptr<CareStore> care_;
  std::unique_ptr<ServiceStore> services_;
  std::unique_ptr<RoundStore> rounds_;
  std::unique_ptr<StatsStore> stats_;
};

}  // namespace

std::string MigrationChecksum(const std::string& sql) { return Sha256Hex(sql); }

std::unique_ptr<Store> OpenStore(const std::string& location) {
  return OpenStore(location, ResolveDataKey(location));
}

std::unique_ptr<Store> OpenStore(const std::string& location, const std::optional<DataKey>& key) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  auto open = [location](bool read_only) {
    return sql::IsPostgresUri(location) ? sql::OpenPostgres(location, read_only)
                                        : sql::OpenSqlite(location, read_only);
  };
  auto store = std::make_unique<SqlStore>(open, key ? FieldCipher(*key) : FieldCipher());
  store->Migrate();
  return store;
}

}  // namespace tongan
