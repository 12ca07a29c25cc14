// SQLite implementation of CareStore, on the registry store's writer and readers.
#include <mutex>

#include "core/region.h"
#include "store/care_store.h"
#include "store/sql_internal.h"

namespace tongan::sql {
namespace {

constexpr const char* kStatusColumns =
    "s.child_id, s.region_code, s.in_ledger, s.ledger_source, s.ledger_since, s.ledger_reason, "
    "s.ledger_override, s.colour, s.warnings, s.last_visit, s.visit_due, s.last_update";

CareStatus StatusFromRow(const Statement& s) {
  CareStatus c;
  c.child_id = s.Int(0);
  c.region_code = s.Text(1);
  c.in_ledger = s.Int(2) != 0;
  c.ledger_source = s.Text(3);
  c.ledger_since = s.Text(4);
  c.ledger_reason = s.Text(5);
  c.ledger_override = s.Text(6);
  c.colour = s.Text(7);
  c.warnings = s.Text(8);
  c.last_visit = s.Text(9);
  c.visit_due = s.Text(10);
  c.last_update = s.Text(11);
  return c;
}

constexpr const char* kCaseColumns =
    "id, child_id, region_code, source, stage, stage_entered, deadline, assignee_id, assignee_name, "
    "title, reporter, created_at, created_by, closed_at, version";

CaseRecord CaseFromRow(const Statement& s) {
  CaseRecord c;
  c.id = s.Int(0);
  c.child_id = s.Int(1);
  c.region_code = s.Text(2);
  c.source = s.Text(3);
  c.stage = s.Text(4);
  c.stage_entered = s.Text(5);
  c.deadline = s.Text(6);
  c.assignee_id = s.OptionalInt(7);
  c.assignee_name = s.Text(8);
  c.title = s.Text(9);
  c.reporter = s.Text(10);
  c.created_at = s.Text(11);
  c.created_by = s.Int(12);
  c.closed_at = s.Text(13);
  c.version = s.Int(14);
  return c;
}

constexpr const char* kReferralColumns =
    "id, child_id, case_id, region_code, to_department, request, shared_fields, due_date, status, "
    "reply, created_at, created_by, created_by_name, updated_at";

Referral ReferralFromRow(const Statement& s) {
  Referral r;
  r.id = s.Int(0);
  r.child_id = s.Int(1);
  r.case_id = s.OptionalInt(2);
  r.region_code = s.Text(3);
  r.to_department = s.Text(4);
  r.request = s.Text(5);
  r.shared_fields = s.Text(6);
  r.due_date = s.Text(7);
  r.status = s.Text(8);
  r.reply = s.Text(9);
  r.created_at = s.Text(10);
  r.created_by = s.Int(11);
  r.created_by_name = s.Text(12);
  r.updated_at = s.Text(13);
  return r;
}

class SqlCareStore final : public CareStore {
 public:
  explicit SqlCareStore(Handles& h) : h_(h) {}

  std::optional<CareStatus> GetStatus(const RegionScope& scope, int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kStatusColumns +
                             " FROM care_status s WHERE s.child_id = ? AND s.region_code >= ? AND "
                             "s.region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code, "s."));
    s.Bind(1, child_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    if (!s.Step()) return std::nullopt;
    return StatusFromRow(s);
  }

  void PutStatus(const CareStatus& c) override {
    std::lock_guard lock(h_.write_mutex);
    h_.writer
        .Prepare("INSERT INTO care_status (child_id, province_code, region_code, "
                 "in_ledger, ledger_source, ledger_since, ledger_reason, ledger_override, colour, "
                 "warnings, last_visit, visit_due, last_update, computed_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (child_id) DO UPDATE SET "
                 "province_code = excluded.province_code, region_code = excluded.region_code, "
                 "in_ledger = excluded.in_ledger, ledger_source = excluded.ledger_source, "
                 "ledger_since = excluded.ledger_since, ledger_reason = excluded.ledger_reason, "
                 "ledger_override = excluded.ledger_override, colour = excluded.colour, "
                 "warnings = excluded.warnings, last_visit = excluded.last_visit, "
                 "visit_due = excluded.visit_due, last_update = excluded.last_update, "
                 "computed_at = excluded.computed_at")
        .Bind(1, c.child_id)
        .Bind(2, ProvinceCodeOf(c.region_code))
        .Bind(3, c.region_code)
        .Bind(4, int64_t{c.in_ledger ? 1 : 0})
        .Bind(5, c.ledger_source)
        .Bind(6, c.ledger_since)
        .Bind(7, c.ledger_reason)
        .Bind(8, c.ledger_override)
        .Bind(9, c.colour)
        .Bind(10, c.warnings)
        .Bind(11, c.last_visit)
        .Bind(12, c.visit_due)
        .Bind(13, c.last_update)
        .Bind(14, NowUtcIso())
        .Run();
  }

  std::vector<CareListItem> ListStatus(const RegionScope& scope, const CareListQuery& q,
                                       int64_t* total) override {
    std::string root = scope.root_code;
    if (!q.region_code.empty()) {
      if (q.region_code.rfind(root, 0) != 0) {
        *total = 0;
        return {};
      }
      root = q.region_code;
    }
    const std::string where =
        " FROM care_status s JOIN children c ON c.id = s.child_id WHERE s.region_code >= ? AND "
        "s.region_code < ?" + h_.dialect.ProvinceFilter(root, "s.") +
        " AND (? = 0 OR s.in_ledger = 1) AND (? = '' OR s.colour = ?) AND "
        "(? = 0 OR (s.visit_due != '' AND s.visit_due <= ?))";
    const auto bind = [&](Statement& s) {
      s.Bind(1, root).Bind(2, PrefixUpperBound(root)).Bind(3, int64_t{q.ledger_only ? 1 : 0})
          .Bind(4, q.colour).Bind(5, q.colour).Bind(6, int64_t{q.due_only ? 1 : 0}).Bind(7, q.due_by);
    };
    auto reader = h_.readers->Acquire();
    auto count = reader->Prepare("SELECT count(*)" + where);
    bind(count);
    count.Step();
    *total = count.Int(0);
    auto rows = reader->Prepare(std::string("SELECT ") + kStatusColumns + ", c.name, c.birth_date" +
                                where + " ORDER BY CASE WHEN s.visit_due = '' THEN 1 ELSE 0 END, "
                                "s.visit_due, s.child_id LIMIT ? OFFSET ?");
    bind(rows);
    rows.Bind(8, q.limit).Bind(9, q.offset);
    std::vector<CareListItem> out;
    while (rows.Step()) out.push_back({StatusFromRow(rows), rows.Text(12), rows.Text(13)});
    return out;
  }

  std::vector<std::pair<std::string, int64_t>> CountByColour(const RegionScope& scope) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT colour, count(*) FROM care_status WHERE region_code >= ? AND region_code < ?" +
        h_.dialect.ProvinceFilter(scope.root_code) + " GROUP BY colour ORDER BY colour");
    s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code));
    std::vector<std::pair<std::string, int64_t>> out;
    while (s.Step()) out.emplace_back(s.Text(0), s.Int(1));
    return out;
  }

  void AppendLedgerEvent(int64_t child_id, const LedgerEvent& e, const Actor& actor) override {
    std::lock_guard lock(h_.write_mutex);
    h_.writer
        .Prepare("INSERT INTO ledger_events (child_id, province_code, at, user_id, username, event, "
                 "reason) SELECT id, province_code, ?, ?, ?, ?, ? FROM children WHERE id = ?")
        .Bind(1, NowUtcIso())
        .Bind(2, actor.user_id)
        .Bind(3, actor.username)
        .Bind(4, e.event)
        .Bind(5, e.reason)
        .Bind(6, child_id)
        .Run();
  }

  std::vector<LedgerEvent> LedgerEvents(const RegionScope& scope, int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT e.at, e.username, e.event, e.reason FROM ledger_events e JOIN children c ON "
        "c.id = e.child_id WHERE e.child_id = ? AND c.region_code >= ? AND c.region_code < ?" +
        h_.dialect.ProvinceFilter(scope.root_code, "c.") + " ORDER BY e.id DESC");
    s.Bind(1, child_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    std::vector<LedgerEvent> out;
    while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3)});
    return out;
  }

  int64_t AddVisit(Visit& v) override {
    std::lock_guard lock(h_.write_mutex);
    v.created_at = NowUtcIso();
    h_.writer
        .Prepare("INSERT INTO visits (child_id, province_code, region_code, visit_date, visitor_id, "
                 "visitor_name, doc, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .Bind(1, v.child_id)
        .Bind(2, ProvinceCodeOf(v.region_code))
        .Bind(3, v.region_code)
        .Bind(4, v.visit_date)
        .Bind(5, v.visitor_id)
        .Bind(6, v.visitor_name)
        .Bind(7, v.doc)
        .Bind(8, v.created_at)
        .Run();
    v.id = h_.writer.LastInsertId();
    return v.id;
  }

  std::vector<Visit> ChildVisits(const RegionScope& scope, int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT v.id, v.child_id, v.region_code, v.visit_date, v.visitor_id, v.visitor_name, v.doc, "
        "v.created_at FROM visits v JOIN children c ON c.id = v.child_id WHERE v.child_id = ? AND "
        "c.region_code >= ? AND c.region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code, "c.") +
        " ORDER BY v.visit_date DESC, v.id DESC");
    s.Bind(1, child_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    std::vector<Visit> out;
    while (s.Step())
      out.push_back({s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Int(4), s.Text(5), s.Text(6), s.Text(7)});
    return out;
  }

  int64_t CreateCase(CaseRecord& c, const CaseEvent& first, const Actor& actor) override {
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    c.created_at = NowUtcIso();
    c.version = 1;
    h_.writer
        .Prepare("INSERT INTO cases (child_id, province_code, region_code, source, stage, "
                 "stage_entered, deadline, assignee_id, assignee_name, title, reporter, created_at, "
                 "created_by, closed_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 1)")
        .Bind(1, c.child_id)
        .Bind(2, ProvinceCodeOf(c.region_code))
        .Bind(3, c.region_code)
        .Bind(4, c.source)
        .Bind(5, c.stage)
        .Bind(6, c.stage_entered)
        .Bind(7, c.deadline)
        .BindOptionalInt(8, c.assignee_id)
        .Bind(9, c.assignee_name)
        .Bind(10, c.title)
        .Bind(11, c.reporter.empty() ? std::string("{}") : c.reporter)
        .Bind(12, c.created_at)
        .Bind(13, c.created_by)
        .Run();
    c.id = h_.writer.LastInsertId();
    WriteCaseEvent(c, first, actor);
    tx.Commit();
    return c.id;
  }

  std::optional<CaseRecord> GetCase(const RegionScope& scope, int64_t id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kCaseColumns +
                             " FROM cases WHERE id = ? AND region_code >= ? AND region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code));
    s.Bind(1, id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    if (!s.Step()) return std::nullopt;
    return CaseFromRow(s);
  }

  bool UpdateCase(const CaseRecord& c, int64_t expected_version, const CaseEvent& event,
                  const Actor& actor) override {
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    h_.writer
        .Prepare("UPDATE cases SET stage = ?, stage_entered = ?, deadline = ?, assignee_id = ?, "
                 "assignee_name = ?, title = ?, closed_at = ?, version = version + 1 "
                 "WHERE id = ? AND version = ?")
        .Bind(1, c.stage)
        .Bind(2, c.stage_entered)
        .Bind(3, c.deadline)
        .BindOptionalInt(4, c.assignee_id)
        .Bind(5, c.assignee_name)
        .Bind(6, c.title)
        .Bind(7, c.closed_at)
        .Bind(8, c.id)
        .Bind(9, expected_version)
        .Run();
    if (h_.writer.Changes() != 1) return false;
    WriteCaseEvent(c, event, actor);
    tx.Commit();
    return true;
  }

  std::vector<CaseEvent> CaseEvents(int64_t case_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT id, at, username, kind, from_stage, to_stage, detail FROM case_events "
        "WHERE case_id = ? ORDER BY id");
    s.Bind(1, case_id);
    std::vector<CaseEvent> out;
    while (s.Step()) out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6)});
    return out;
  }

  std::vector<CaseRecord> ListCases(const RegionScope& scope, const CaseQuery& q,
                                    int64_t* total) override {
    const std::string where =
        " FROM cases WHERE region_code >= ? AND region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code) +
        " AND (CASE WHEN ? = '' THEN stage != 'closed' ELSE stage = ? END) AND "
        "(? = 0 OR (deadline != '' AND deadline < ?)) AND (? = 0 OR assignee_id = ?)";
    const auto bind = [&](Statement& s) {
      s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code)).Bind(3, q.stage)
          .Bind(4, q.stage).Bind(5, int64_t{q.overdue_only ? 1 : 0}).Bind(6, q.today)
          .Bind(7, int64_t{q.assignee_id ? 1 : 0}).Bind(8, q.assignee_id.value_or(0));
    };
    auto reader = h_.readers->Acquire();
    auto count = reader->Prepare("SELECT count(*)" + where);
    bind(count);
    count.Step();
    *total = count.Int(0);
    auto rows = reader->Prepare(std::string("SELECT ") + kCaseColumns + where +
                                " ORDER BY CASE WHEN deadline = '' THEN 1 ELSE 0 END, deadline, id "
                                "LIMIT ? OFFSET ?");
    bind(rows);
    rows.Bind(9, q.limit).Bind(10, q.offset);
    std::vector<CaseRecord> out;
    while (rows.Step()) out.push_back(CaseFromRow(rows));
    return out;
  }

  std::vector<CaseRecord> ChildCases(const RegionScope& scope, int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kCaseColumns +
                             " FROM cases WHERE child_id = ? AND region_code >= ? AND region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code) + " ORDER BY id DESC");
    s.Bind(1, child_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    std::vector<CaseRecord> out;
    while (s.Step()) out.push_back(CaseFromRow(s));
    return out;
  }

  int64_t CreateReferral(Referral& r, const Actor& actor) override {
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    r.created_at = r.updated_at = NowUtcIso();
    r.status = "sent";
    h_.writer
        .Prepare("INSERT INTO referrals (child_id, case_id, province_code, region_code, "
                 "to_department, request, shared_fields, due_date, status, reply, created_at, "
                 "created_by, created_by_name, updated_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sent', '', ?, ?, ?, ?)")
        .Bind(1, r.child_id)
        .BindOptionalInt(2, r.case_id)
        .Bind(3, ProvinceCodeOf(r.region_code))
        .Bind(4, r.region_code)
        .Bind(5, r.to_department)
        .Bind(6, r.request)
        .Bind(7, r.shared_fields)
        .Bind(8, r.due_date)
        .Bind(9, r.created_at)
        .Bind(10, r.created_by)
        .Bind(11, r.created_by_name)
        .Bind(12, r.updated_at)
        .Run();
    r.id = h_.writer.LastInsertId();
    WriteReferralEvent(r, r.request, actor);
    tx.Commit();
    return r.id;
  }

  std::optional<Referral> GetReferral(const RegionScope& scope, const std::string& department,
                                      int64_t id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kReferralColumns +
                             " FROM referrals WHERE id = ? AND region_code >= ? AND region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code) + " AND (? = '' OR to_department = ?)");
    s.Bind(1, id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code))
        .Bind(4, department).Bind(5, department);
    if (!s.Step()) return std::nullopt;
    return ReferralFromRow(s);
  }

  bool UpdateReferral(const Referral& r, const std::string& expected_status, const std::string& note,
                      const Actor& actor) override {
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    h_.writer
        .Prepare("UPDATE referrals SET status = ?, reply = ?, updated_at = ? WHERE id = ? AND status = ?")
        .Bind(1, r.status)
        .Bind(2, r.reply)
        .Bind(3, NowUtcIso())
        .Bind(4, r.id)
        .Bind(5, expected_status)
        .Run();
    if (h_.writer.Changes() != 1) return false;
    WriteReferralEvent(r, note, actor);
    tx.Commit();
    return true;
  }

  std::vector<Referral> ListReferrals(const RegionScope& scope, const std::string& department,
                                      const std::string& status) override {
    auto reader = h_.readers->Acquire();
    // A receiver (department set) sees only what is addressed to its department in its region.
    auto s = reader->Prepare(std::string("SELECT ") + kReferralColumns +
                             " FROM referrals WHERE region_code >= ? AND region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code) +
                             " AND (? = '' OR to_department = ?) AND (? = '' OR status = ?) "
                             "ORDER BY due_date, id");
    s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code)).Bind(3, department)
        .Bind(4, department).Bind(5, status).Bind(6, status);
    std::vector<Referral> out;
    while (s.Step()) out.push_back(ReferralFromRow(s));
    return out;
  }

  std::vector<Referral> ChildReferrals(const RegionScope& scope, int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kReferralColumns +
                             " FROM referrals WHERE child_id = ? AND region_code >= ? AND region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code) + " ORDER BY id DESC");
    s.Bind(1, child_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    std::vector<Referral> out;
    while (s.Step()) out.push_back(ReferralFromRow(s));
    return out;
  }

  int64_t CreateTransfer(Transfer& t) override {
    std::lock_guard lock(h_.write_mutex);
    t.created_at = NowUtcIso();
    t.status = "pending";
    h_.writer
        .Prepare("INSERT INTO transfers (child_id, province_code, from_region, to_county, reason, status, "
                 "reply, to_region, created_at, created_by_name, decided_at, decided_by_name) "
                 "VALUES (?, ?, ?, ?, ?, 'pending', '', '', ?, ?, '', '')")
        .Bind(1, t.child_id).Bind(2, ProvinceCodeOf(t.from_region)).Bind(3, t.from_region).Bind(4, t.to_county)
        .Bind(5, t.reason).Bind(6, t.created_at).Bind(7, t.created_by_name)
        .Run();
    t.id = h_.writer.LastInsertId();
    return t.id;
  }

  std::optional<Transfer> GetTransfer(int64_t id) override {
    auto rows = Transfers("id = ?", [&](Statement& s) { s.Bind(1, id); });
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  std::vector<Transfer> ListTransfers(const RegionScope& scope, bool incoming) override {
    const std::string column = incoming ? "to_county" : "from_region";
    // province_code is the sender's: it narrows only the outgoing list (incoming ones may come
    // from another province).
    const std::string province = incoming ? "" : h_.dialect.ProvinceFilter(scope.root_code);
    return Transfers(column + " >= ? AND " + column + " < ?" + province + " ORDER BY id DESC", [&](Statement& s) {
      s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code));
    });
  }

  std::vector<Transfer> ChildTransfers(int64_t child_id) override {
    return Transfers("child_id = ? ORDER BY id DESC", [&](Statement& s) { s.Bind(1, child_id); });
  }

  bool RejectTransfer(int64_t id, const std::string& reply, const std::string& by_name) override {
    std::lock_guard lock(h_.write_mutex);
    h_.writer
        .Prepare("UPDATE transfers SET status = 'rejected', reply = ?, decided_at = ?, decided_by_name = ? "
                 "WHERE id = ? AND status = 'pending'")
        .Bind(1, reply).Bind(2, NowUtcIso()).Bind(3, by_name).Bind(4, id)
        .Run();
    return h_.writer.Changes() == 1;
  }

  int64_t CreatePush(Push& p) override {
    std::lock_guard lock(h_.write_mutex);
    p.created_at = NowUtcIso();
    p.status = "sent";
    h_.writer
        .Prepare("INSERT INTO pushes (child_id, province_code, from_region, to_county, kind, note, status, "
                 "reply, created_at, created_by_name, replied_at, replied_by_name) "
                 "VALUES (?, ?, ?, ?, ?, ?, 'sent', '', ?, ?, '', '')")
        .Bind(1, p.child_id).Bind(2, ProvinceCodeOf(p.from_region)).Bind(3, p.from_region).Bind(4, p.to_county)
        .Bind(5, p.kind).Bind(6, p.note).Bind(7, p.created_at).Bind(8, p.created_by_name)
        .Run();
    p.id = h_.writer.LastInsertId();
    return p.id;
  }

  std::optional<Push> GetPush(int64_t id) override {
    auto rows = Pushes("id = ?", [&](Statement& s) { s.Bind(1, id); });
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  std::vector<Push> ListPushes(const RegionScope& scope, bool incoming) override {
    const std::string column = incoming ? "to_county" : "from_region";
    // As for transfers: province_code is the sender's.
    const std::string province = incoming ? "" : h_.dialect.ProvinceFilter(scope.root_code);
    return Pushes(column + " >= ? AND " + column + " < ?" + province + " ORDER BY id DESC", [&](Statement& s) {
      s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code));
    });
  }

  std::vector<Push> ChildPushes(int64_t child_id) override {
    return Pushes("child_id = ? ORDER BY id DESC", [&](Statement& s) { s.Bind(1, child_id); });
  }

  bool ReplyPush(int64_t id, const std::string& expected_status, const std::string& status,
                 const std::string& reply, const std::string& by_name) override {
    std::lock_guard lock(h_.write_mutex);
    h_.writer
        .Prepare("UPDATE pushes SET status = ?, reply = ?, replied_at = ?, replied_by_name = ? "
                 "WHERE id = ? AND status = ?")
        .Bind(1, status).Bind(2, reply).Bind(3, NowUtcIso()).Bind(4, by_name).Bind(5, id).Bind(6, expected_status)
        .Run();
    return h_.writer.Changes() == 1;
  }

  std::optional<std::string> GetSetting(const std::string& key) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare("SELECT value FROM settings WHERE key = ?");
    s.Bind(1, key);
    if (!s.Step()) return std::nullopt;
    return s.Text(0);
  }

  void PutSetting(const std::string& key, const std::string& value, const Actor& actor) override {
    std::lock_guard lock(h_.write_mutex);
    h_.writer.Prepare("INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                      "updated_at = excluded.updated_at, updated_by = excluded.updated_by")
        .Bind(1, key).Bind(2, value).Bind(3, NowUtcIso()).Bind(4, actor.username).Run();
  }

 private:
  template <typename BindFn>
  std::vector<Transfer> Transfers(const std::string& where, BindFn bind) {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT id, child_id, from_region, to_county, reason, status, reply, to_region, created_at, "
        "created_by_name, decided_at, decided_by_name FROM transfers WHERE " + where);
    bind(s);
    std::vector<Transfer> out;
    while (s.Step())
      out.push_back({s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7),
                     s.Text(8), s.Text(9), s.Text(10), s.Text(11)});
    return out;
  }

  template <typename BindFn>
  std::vector<Push> Pushes(const std::string& where, BindFn bind) {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT id, child_id, from_region, to_county, kind, note, status, reply, created_at, "
        "created_by_name, replied_at, replied_by_name FROM pushes WHERE " + where);
    bind(s);
    std::vector<Push> out;
    while (s.Step())
      out.push_back({s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7),
                     s.Text(8), s.Text(9), s.Text(10), s.Text(11)});
    return out;
  }

  void WriteCaseEvent(const CaseRecord& c, const CaseEvent& e, const Actor& actor) {
    h_.writer
        .Prepare("INSERT INTO case_events (case_id, province_code, at, user_id, username, kind, "
                 "from_stage, to_stage, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .Bind(1, c.id)
        .Bind(2, ProvinceCodeOf(c.region_code))
        .Bind(3, NowUtcIso())
        .Bind(4, actor.user_id)
        .Bind(5, actor.username)
        .Bind(6, e.kind)
        .Bind(7, e.from_stage)
        .Bind(8, e.to_stage)
        .Bind(9, e.detail.empty() ? std::string("{}") : e.detail)
        .Run();
  }

  void WriteReferralEvent(const Referral& r, const std::string& note, const Actor& actor) {
    h_.writer
        .Prepare("INSERT INTO referral_events (referral_id, province_code, at, user_id, username, "
                 "status, note) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .Bind(1, r.id)
        .Bind(2, ProvinceCodeOf(r.region_code))
        .Bind(3, NowUtcIso())
        .Bind(4, actor.user_id)
        .Bind(5, actor.username)
        .Bind(6, r.status)
        .Bind(7, note)
        .Run();
  }

  Handles& h_;
};

}  // namespace

std::unique_ptr<CareStore> MakeCareStore(Handles& handles) {
  return std::make_unique<SqlCareStore>(handles);
}

}  // namespace tongan::sql
