// SQLite implementation of RoundStore, on the registry store's writer and readers.
#include <mutex>

#include "store/round_store.h"
#include "store/sql_internal.h"

namespace tongan::sql {
namespace {

constexpr const char* kRoundColumns =
    "r.id, r.county_code, r.title, r.status, r.opened_on, r.due_on, r.opened_by_name, r.closed_at, "
    "r.closed_on, r.closed_by_name, r.previous_round_id, r.child_watermark, r.summary";

MonitoringRound RoundFromRow(const Statement& s) {
  MonitoringRound r;
  r.id = s.Int(0);
  r.county_code = s.Text(1);
  r.title = s.Text(2);
  r.status = s.Text(3);
  r.opened_on = s.Text(4);
  r.due_on = s.Text(5);
  r.opened_by_name = s.Text(6);
  r.closed_at = s.Text(7);
  r.closed_on = s.Text(8);
  r.closed_by_name = s.Text(9);
  r.previous_round_id = s.OptionalInt(10);
  r.child_watermark = s.Int(11);
  r.summary = s.Text(12);
  return r;
}

// A round is visible from a scope that contains its county, or that lies inside its county.
// Parameters: range start, range end, the scope's county ('' above county level: matches none).
constexpr const char* kVisible = "((r.county_code >= ? AND r.county_code < ?) OR r.county_code = ?)";

std::string CountyOfScope(const RegionScope& scope) {
  return scope.root_code.size() >= 6 ? scope.root_code.substr(0, 6) : "";
}

// Round columns, then the count of confirmations in scope (4 parameters: round visibility 1–3
// come after the 2 of the confirmation range).
std::string RoundQuery(const std::string& where_tail) {
  return std::string("SELECT ") + kRoundColumns +
         ", (SELECT count(*) FROM round_confirmations c WHERE c.round_id = r.id AND c.village_code >= ? AND "
         "c.village_code < ?) FROM monitoring_rounds r WHERE " + kVisible + where_tail;
}

void BindRoundQuery(Statement& s, const RegionScope& scope) {
  s.Bind(1, scope.root_code)
      .Bind(2, PrefixUpperBound(scope.root_code))
      .Bind(3, scope.root_code)
      .Bind(4, PrefixUpperBound(scope.root_code))
      .Bind(5, CountyOfScope(scope));
}

SnapshotRow SnapshotFromColumns(const Statement& s, int first) {
  SnapshotRow row;
  row.child_id = s.Int(first);
  row.region_code = s.Text(first + 1);
  row.birth_date = s.Text(first + 2);
  row.classes = static_cast<uint32_t>(s.Int(first + 3));
  row.changes = static_cast<uint32_t>(s.Int(first + 4));
  return row;
}

class SqlRoundStore final : public RoundStore {
 public:
  explicit SqlRoundStore(Handles& h) : h_(h) {}

  bool OpenRound(MonitoringRound& round) override {
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    auto open = h_.writer.Prepare("SELECT 1 FROM monitoring_rounds WHERE county_code = ? AND status = 'open'");
    open.Bind(1, round.county_code);
    if (open.Step()) return false;
    auto previous = h_.writer.Prepare(
        "SELECT max(id) FROM monitoring_rounds WHERE county_code = ? AND status = 'closed'");
    previous.Bind(1, round.county_code);
    previous.Step();
    round.previous_round_id = previous.OptionalInt(0);
    round.status = "open";
    round.closed_at = round.closed_on = round.closed_by_name = "";
    round.child_watermark = 0;
    round.summary = "{}";
    h_.writer
        .Prepare("INSERT INTO monitoring_rounds (county_code, title, status, opened_on, due_on, opened_by_name, "
                 "closed_at, closed_on, closed_by_name, previous_round_id, child_watermark, summary) "
                 "VALUES (?, ?, 'open', ?, ?, ?, '', '', '', ?, 0, '{}')")
        .Bind(1, round.county_code)
        .Bind(2, round.title)
        .Bind(3, round.opened_on)
        .Bind(4, round.due_on)
        .Bind(5, round.opened_by_name)
        .BindOptionalInt(6, round.previous_round_id)
        .Run();
    round.id = h_.writer.LastInsertId();
    tx.Commit();
    return true;
  }

  std::vector<MonitoringRound> ListRounds(const RegionScope& scope) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(RoundQuery(" ORDER BY r.id DESC"));
    BindRoundQuery(s, scope);
    std::vector<MonitoringRound> out;
    while (s.Step()) {
      out.push_back(RoundFromRow(s));
      out.back().confirmed = s.Int(13);
    }
    return out;
  }

  std::optional<MonitoringRound> GetRound(const RegionScope& scope, int64_t id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(RoundQuery(" AND r.id = ?"));
    BindRoundQuery(s, scope);
    s.Bind(6, id);
    if (!s.Step()) return std::nullopt;
    MonitoringRound r = RoundFromRow(s);
    r.confirmed = s.Int(13);
    return r;
  }

  std::optional<std::string> LastOpenedOn(const std::string& county_code) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare("SELECT max(opened_on) FROM monitoring_rounds WHERE county_code = ?");
    s.Bind(1, county_code);
    if (!s.Step() || s.IsNull(0)) return std::nullopt;
    return s.Text(0);
  }

  std::vector<RoundConfirmation> Confirmations(const RegionScope& scope, int64_t round_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT round_id, village_code, confirmed_at, confirmed_by_name, children, note FROM round_confirmations "
        "WHERE round_id = ? AND village_code >= ? AND village_code < ? ORDER BY village_code");
    s.Bind(1, round_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    std::vector<RoundConfirmation> out;
    while (s.Step()) out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Text(5)});
    return out;
  }

  ConfirmResult Confirm(RoundConfirmation& c) override {
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    auto round = h_.writer.Prepare("SELECT status FROM monitoring_rounds WHERE id = ?");
    round.Bind(1, c.round_id);
    if (!round.Step()) return ConfirmResult::kNoRound;
    if (round.Text(0) != "open") return ConfirmResult::kRoundClosed;
    auto done = h_.writer.Prepare("SELECT 1 FROM round_confirmations WHERE round_id = ? AND village_code = ?");
    done.Bind(1, c.round_id).Bind(2, c.village_code);
    if (done.Step()) return ConfirmResult::kAlreadyConfirmed;
    auto count = h_.writer.Prepare("SELECT count(*) FROM children WHERE region_code = ?");
    count.Bind(1, c.village_code);
    count.Step();
    c.children = count.Int(0);
    c.confirmed_at = NowUtcIso();
    h_.writer
        .Prepare("INSERT INTO round_confirmations (round_id, village_code, confirmed_at, confirmed_by_name, "
                 "children, note) VALUES (?, ?, ?, ?, ?, ?)")
        .Bind(1, c.round_id)
        .Bind(2, c.village_code)
        .Bind(3, c.confirmed_at)
        .Bind(4, c.confirmed_by_name)
        .Bind(5, c.children)
        .Bind(6, c.note)
        .Run();
    tx.Commit();
    return ConfirmResult::kConfirmed;
  }

  std::vector<std::pair<std::string, int64_t>> ChildrenPerVillage(const RegionScope& scope) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT region_code, count(*) FROM children WHERE region_code >= ? AND region_code < ?" +
        h_.dialect.ProvinceFilter(scope.root_code) + " GROUP BY region_code ORDER BY region_code");
    s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code));
    std::vector<std::pair<std::string, int64_t>> out;
    while (s.Step()) out.emplace_back(s.Text(0), s.Int(1));
    return out;
  }

  int64_t MaxChildId() override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare("SELECT coalesce(max(id), 0) FROM children");
    s.Step();
    return s.Int(0);
  }

  std::vector<SnapshotRow> Snapshot(int64_t round_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT child_id, region_code, birth_date, classes, changes FROM round_snapshots WHERE round_id = ? "
        "ORDER BY child_id");
    s.Bind(1, round_id);
    std::vector<SnapshotRow> out;
    while (s.Step()) out.push_back(SnapshotFromColumns(s, 0));
    return out;
  }

  bool CloseRound(MonitoringRound& round, const std::vector<SnapshotRow>& rows) override {
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    round.closed_at = NowUtcIso();
    h_.writer
        .Prepare("UPDATE monitoring_rounds SET status = 'closed', closed_at = ?, closed_on = ?, closed_by_name = ?, "
                 "child_watermark = ?, summary = ? WHERE id = ? AND status = 'open'")
        .Bind(1, round.closed_at)
        .Bind(2, round.closed_on)
        .Bind(3, round.closed_by_name)
        .Bind(4, round.child_watermark)
        .Bind(5, round.summary)
        .Bind(6, round.id)
        .Run();
    if (h_.writer.Changes() == 0) return false;
    for (const SnapshotRow& row : rows)
      h_.writer
          .Prepare("INSERT INTO round_snapshots (round_id, child_id, region_code, birth_date, classes, changes) "
                   "VALUES (?, ?, ?, ?, ?, ?)")
          .Bind(1, round.id)
          .Bind(2, row.child_id)
          .Bind(3, row.region_code)
          .Bind(4, row.birth_date)
          .Bind(5, int64_t{row.classes})
          .Bind(6, int64_t{row.changes})
          .Run();
    tx.Commit();
    return true;
  }

  std::vector<RoundChangeRow> Changes(const RegionScope& scope, const MonitoringRound& round, RoundChange kind,
                                      int64_t offset, int64_t limit, int64_t* total) override {
    const int64_t previous = round.previous_round_id.value_or(-1);
    auto reader = h_.readers->Acquire();
    std::vector<RoundChangeRow> out;
    if (kind == RoundChange::kMovedAway) {
      // In the previous snapshot and not in this one; placed by the previous village.
      const std::string where =
          " FROM round_snapshots p WHERE p.round_id = ? AND p.region_code >= ? AND p.region_code < ? AND NOT "
          "EXISTS (SELECT 1 FROM round_snapshots s WHERE s.round_id = ? AND s.child_id = p.child_id)";
      const auto bind = [&](Statement& s) {
        s.Bind(1, previous).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code)).Bind(4, round.id);
      };
      auto count = reader->Prepare("SELECT count(*)" + where);
      bind(count);
      count.Step();
      *total = count.Int(0);
      auto s = reader->Prepare(
          "SELECT p.child_id, p.region_code, p.birth_date, p.classes, p.changes, "
          "(SELECT name FROM children WHERE id = p.child_id), "
          "(SELECT region_code FROM children WHERE id = p.child_id)" +
          where + " ORDER BY p.region_code, p.child_id LIMIT ? OFFSET ?");
      bind(s);
      s.Bind(5, limit).Bind(6, offset);
      while (s.Step()) {
        RoundChangeRow r;
        r.row = SnapshotFromColumns(s, 0);
        r.name = s.Text(5);
        r.current_region_code = s.Text(6);
        r.previous = r.row;
        out.push_back(std::move(r));
      }
      return out;
    }
    auto count = reader->Prepare(
        "SELECT count(*) FROM round_snapshots s WHERE s.round_id = ? AND s.region_code >= ? AND s.region_code < ? "
        "AND (s.changes & ?) != 0");
    count.Bind(1, round.id)
        .Bind(2, scope.root_code)
        .Bind(3, PrefixUpperBound(scope.root_code))
        .Bind(4, int64_t{static_cast<uint32_t>(kind)});
    count.Step();
    *total = count.Int(0);
    auto s = reader->Prepare(
        "SELECT s.child_id, s.region_code, s.birth_date, s.classes, s.changes, c.name, c.region_code, "
        "p.child_id, p.region_code, p.birth_date, p.classes, p.changes FROM round_snapshots s "
        "LEFT JOIN round_snapshots p ON p.round_id = ? AND p.child_id = s.child_id "
        "LEFT JOIN children c ON c.id = s.child_id "
        "WHERE s.round_id = ? AND s.region_code >= ? AND s.region_code < ? AND (s.changes & ?) != 0 "
        "ORDER BY s.region_code, s.child_id LIMIT ? OFFSET ?");
    s.Bind(1, previous)
        .Bind(2, round.id)
        .Bind(3, scope.root_code)
        .Bind(4, PrefixUpperBound(scope.root_code))
        .Bind(5, int64_t{static_cast<uint32_t>(kind)})
        .Bind(6, limit)
        .Bind(7, offset);
    while (s.Step()) {
      RoundChangeRow r;
      r.row = SnapshotFromColumns(s, 0);
      r.name = s.Text(5);
      r.current_region_code = s.Text(6);
      if (!s.IsNull(7)) r.previous = SnapshotFromColumns(s, 7);
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  Handles& h_;
};

}  // namespace

std::unique_ptr<RoundStore> MakeRoundStore(Handles& handles) {
  return std::make_unique<SqlRoundStore>(handles);
}

}  // namespace tongan::sql
