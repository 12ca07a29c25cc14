// The persistence interface. Callers (app layer, CLI) see only this; SQLite implements it now and
// PostgreSQL can implement it later without touching them. Every child query takes a RegionScope:
// there is no way to read a child without naming the subtree it must lie in.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/child.h"
#include "core/classification.h"
#include "core/role.h"
#include "store/field_cipher.h"

namespace tongan {

// The subtree a caller may see, by region code prefix. Built only by ScopeOf() in app/scope.h.
struct RegionScope {
  std::string root_code;  // "" would mean everything; never produced for a user
};

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kChildDirector;
  std::string region_code;
  std::string password_hash;  // Argon2id string from libsodium
  bool disabled = false;
  std::string department;     // a department liaison's department (教育, 卫健 …), else ""
  int64_t failed_logins = 0;  // consecutive failed logins
  int64_t locked_until = 0;   // unix seconds; logins are refused before it
  bool must_change_password = false;  // created or reset by an administrator
  std::string totp_secret;    // base32 TOTP secret; pending until totp_enabled
  bool totp_enabled = false;
  int64_t totp_last_step = 0; // the last time step that logged in, so a code works once
  bool demo_account = false;  // made by `tongan demo` with the published password
};

struct SessionRecord {
  int64_t user_id = 0;
  int64_t expires_at = 0;  // unix seconds: the idle deadline
  int64_t created_at = 0;  // unix seconds: the session ends a fixed time after it
};

// Who makes a change, for history and audit.
struct Actor {
  int64_t user_id = 0;
  std::string username;
};

struct ChildQuery {
  std::string region_code;     // subtree filter; empty = the whole scope
  std::string name;            // prefix of the name
  std::string id_number;       // whole number, or its last 4+ characters
  std::optional<ChildClass> child_class;
  std::optional<std::pair<Date, Date>> birth_range;  // inclusive [from, to]
  ClassCutoffs cutoffs{};      // for class filters (today's thresholds)
  int64_t offset = 0;
  int64_t limit = 20;
};

struct ChildPage {
  std::vector<Child> items;
  int64_t total = 0;
};

// Counts for one sub-region, for dashboards.
struct RegionCount {
  std::string code;
  int64_t total = 0;
  int64_t male = 0;
  int64_t female = 0;
  std::vector<int64_t> by_class;      // in AllChildClasses() order
  std::vector<int64_t> by_age_group;  // in AgeGroups() order
};

struct FieldChange {
  std::string field;  // dotted path, e.g. "guardian.phone"
  std::string old_value;
  std::string new_value;
};

struct HistoryEntry {
  int64_t id = 0;
  std::string at;
  std::string username;
  std::string field;
  std::string old_value;
  std::string new_value;
};

struct AuditEvent {
  std::string at;  // set by the store when empty
  int64_t user_id = 0;
  std::string username;
  std::string action;  // "login", "child.read", "child.search", "child.create", "child.update" …
  std::string target;  // e.g. "child:42"
  std::string detail;
  std::string result;  // "ok", "denied", "not_found", "invalid"
  std::string remote;
  int64_t id = 0;      // set when read back
  std::string hash;    // the row's link in the hash chain, when read back
};

// Filters of the audit administrator's search; empty fields do not filter.
struct AuditQuery {
  std::string username;
  std::string action;      // exact, or a prefix ending in '.' ("child.")
  std::string target;
  std::string result;
  std::string from, to;    // "YYYY-MM-DD" in China (UTC+8), inclusive; validated by the caller
  int64_t before_id = 0;   // for the next page: rows older than this id
  int64_t limit = 50;
};

// What `tongan audit verify` finds walking the chain in id order.
struct AuditChainCheck {
  int64_t rows = 0;            // rows in the chain
  int64_t legacy_rows = 0;     // rows written before the chain existed (no hash)
  int64_t broken_at = 0;       // id of the first row whose hash does not follow; 0 = intact
  std::string problem;         // why, in Chinese
  std::string head_hash;       // the last row's hash: record it elsewhere to detect truncation
  int64_t head_id = 0;
};

// Thrown by stores for expected conflicts; anything else is a bug or an I/O failure.
class StoreConflict : public std::runtime_error {
 public:
  enum class Kind { kDuplicateIdNumber, kVersionMismatch, kDuplicateUsername };
  StoreConflict(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class CareStore;
class DepartmentStore;
class ServiceStore;
class RoundStore;
class StatsStore;

class Store {
 public:
  virtual ~Store() = default;

  // Imports and links of department data (store/department_store.h).
  virtual DepartmentStore& departments() = 0;
  // Care work: ledger, visits, cases, referrals (store/care_store.h).
  virtual CareStore& care() = 0;
  // Services: entitlements, deliveries, providers, activities, pairings (store/service_store.h).
  virtual ServiceStore& services() = 0;
  // Monitoring rounds: confirmations and snapshots (store/round_store.h).
  virtual RoundStore& rounds() = 0;
  // Statistics: per-child figures and region totals (store/stats_store.h).
  virtual StatsStore& stats() = 0;

  // Applies pending migrations; throws when a recorded migration's checksum has changed.
  virtual void Migrate() = 0;
  // True when identifying fields are sealed at rest (the store was given a data key).
  virtual bool encrypted() const = 0;

  // Users and sessions.
  virtual std::optional<User> FindUserByName(const std::string& username) = 0;
  virtual std::optional<User> FindUserById(int64_t id) = 0;
  virtual int64_t CreateUser(const User& user) = 0;  // throws StoreConflict on a taken name
  // Users whose region lies in the scope, by region then name.
  virtual std::vector<User> ListUsers(const RegionScope& scope) = 0;
  // Returns false when no such user is in scope. Disabling also ends the user's sessions.
  virtual bool SetUserDisabled(const RegionScope& scope, int64_t user_id, bool disabled) = 0;
  virtual void CreateSession(const std::string& token_hash, const SessionRecord& session) = 0;
  // The session and its user in one read (this runs on every request).
  virtual std::optional<std::pair<SessionRecord, User>> FindSession(const std::string& token_hash) = 0;
  virtual void TouchSession(const std::string& token_hash, int64_t expires_at) = 0;
  virtual void DeleteSession(const std::string& token_hash) = 0;
  // Counts a failed login; at `max_failures` consecutive failures the account is locked until
  // `lock_until`. Returns the consecutive failures so far.
  virtual int64_t RecordLoginFailure(int64_t user_id, int64_t max_failures, int64_t lock_until) = 0;
  // Clears the failures; a positive `totp_step` is remembered as used.
  virtual void RecordLoginSuccess(int64_t user_id, int64_t totp_step) = 0;
  // Clears a lock and the failures; false when no such user is in scope.
  virtual bool UnlockUser(const RegionScope& scope, int64_t user_id) = 0;
  // Sets a new password hash and ends the user's sessions except `keep_session` (a token hash).
  virtual void SetPassword(int64_t user_id, const std::string& password_hash, bool must_change,
                           const std::string& keep_session) = 0;
  // Sets the TOTP secret (empty: none) and whether it is required; false when not in scope.
  virtual bool SetTotp(const RegionScope& scope, int64_t user_id, const std::string& secret,
                       bool enabled) = 0;

  // Villages (12-digit codes) added by the deployment; the rest of the tree is shipped data.
  // In one transaction: a province brings tens of thousands.
  virtual void UpsertVillages(const std::vector<std::pair<std::string, std::string>>& code_and_name) = 0;
  void UpsertVillage(const std::string& code, const std::string& name) { UpsertVillages({{code, name}}); }
  virtual std::vector<std::pair<std::string, std::string>> Villages() = 0;

  // Children. `class_basis` is ClassBasisOf(child) computed by the caller.
  virtual std::optional<Child> GetChild(const RegionScope& scope, int64_t id) = 0;
  virtual ChildPage SearchChildren(const RegionScope& scope, const ChildQuery& query) = 0;
  // Inserts and sets child.id, version, created_at, updated_at. Throws StoreConflict on a
  // duplicate ID number (anywhere, not only in scope).
  virtual void InsertChild(Child& child, uint32_t class_basis, const Actor& actor) = 0;
  // Loads many children in one transaction (demo, import, bench); no history rows.
  virtual void InsertChildrenBulk(std::vector<Child>& children,
                                  const std::vector<uint32_t>& class_basis, const Actor& actor) = 0;
  // The first load of a registry, a batch at a time: `next` fills both vectors (`class_basis`
  // parallel to `children`) and returns false after the last batch or when none is left. One transaction: on a duplicate ID number
  // (StoreConflict) or any error nothing is stored. Into an empty registry the children's indexes
  // are built once after the rows, several times faster at a province's millions than keeping them
  // up row by row. Readers see the registry as it was until the load commits (on PostgreSQL,
  // reads of the children's table wait for it). `next` runs on another thread, one
  // call at a time, and must not call the store. Returns the number of children stored.
  using ChildBatchSource = std::function<bool(std::vector<Child>& children, std::vector<uint32_t>& class_basis)>;
  virtual int64_t LoadChildren(const ChildBatchSource& next, const Actor& actor) = 0;
  // Replaces the record if it is in scope and still at `expected_version`; writes one history row
  // per changed field, computed from the stored record inside the same transaction. Returns
  // nullopt when the child is not in scope; throws StoreConflict on a version mismatch.
  virtual std::optional<std::vector<FieldChange>> UpdateChild(const RegionScope& scope,
                                                              Child& child,
                                                              int64_t expected_version,
                                                              uint32_t class_basis,
                                                              const Actor& actor) = 0;
  // Moves a child to `moved.region_code` (another county) for an accepted transfer, in one
  // transaction: the record (with history), its care records' regions, and the transfer's state.
  // False when the transfer is no longer pending.
  virtual bool AcceptTransfer(int64_t transfer_id, Child& moved, uint32_t class_basis,
                              const Actor& actor, const std::string& by_name) = 0;
  virtual std::vector<HistoryEntry> ChildHistory(const RegionScope& scope, int64_t id) = 0;
  virtual int64_t CountChildren() = 0;
  // Children whose derived status changes with the date alone on `today`: a birthday at an age
  // line (3, 6, 7, 12, 15, 16, 18), six months of residence reached, a visit, case or referral due
  // yesterday, a file turning stale (last update stale_after_days + 1 days ago), a delivery of an
  // item valid for one of `valid_days` expiring.
  virtual std::vector<int64_t> ChildrenChangingOn(Date today, int stale_after_days,
                                                  const std::vector<int>& valid_days) = 0;
  // Visits every child in scope (linkage reads a county's registry this way).
  virtual void ScanChildren(const RegionScope& scope,
                            const std::function<void(const Child&)>& visit) = 0;
  // Counts of the children under `root` (inside `scope`), grouped by the first
  // `sub_code_length` digits of their region code (the sub-regions one level down).
  virtual std::vector<RegionCount> CountBySubRegion(const RegionScope& scope,
                                                    const std::string& root, int sub_code_length,
                                                    Date today) = 0;
  // Children registered per month ("YYYY-MM", count), oldest first.
  virtual std::vector<std::pair<std::string, int64_t>> RegistrationsByMonth(
      const RegionScope& scope, const std::string& root) = 0;

  // Audit log, append-only; each row is chained to the one before by its hash, in one order
  // across processes.
  virtual void AppendAudit(const std::vector<AuditEvent>& events) = 0;
  virtual std::vector<AuditEvent> RecentAudit(int64_t limit, const std::string& target) = 0;
  // Newest first.
  // Rows by users within `scope`, and rows of no known user (attempts on unknown names).
  virtual std::vector<AuditEvent> SearchAudit(const RegionScope& scope, const AuditQuery& query) = 0;
  virtual AuditChainCheck VerifyAuditChain() = 0;
};

// Opens and migrates the store at `location`: a PostgreSQL URI ("postgresql://…"), or the path of
// an embedded SQLite file (created if missing).
// The data key comes from ResolveDataKey (store/field_cipher.h); the second form names it.
std::unique_ptr<Store> OpenStore(const std::string& location);
std::unique_ptr<Store> OpenStore(const std::string& location, const std::optional<DataKey>& key);
// True when the database at `location` exists and its data were sealed under some key.
bool DatabaseIsSealed(const std::string& location);

}  // namespace tongan
