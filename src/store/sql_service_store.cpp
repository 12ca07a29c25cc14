// SQLite implementation of ServiceStore, on the registry store's writer and readers.
#include <algorithm>
#include <map>
#include <mutex>

#include "core/region.h"
#include "store/service_store.h"
#include "store/sql_internal.h"

namespace tongan::sql {
namespace {

std::string ServicesJson(const std::vector<std::string>& services) { return nlohmann::json(services).dump(); }

std::vector<std::string> ServicesFromJson(const std::string& text) {
  return nlohmann::json::parse(text).get<std::vector<std::string>>();
}

// The subtree a child-row query reads: the scope, narrowed to region_code when that lies inside
// it; nullopt when region_code is outside the scope (nothing to read).
std::optional<std::string> ChildRoot(const RegionScope& scope, const std::string& region_code) {
  if (region_code.empty() || scope.root_code.starts_with(region_code)) return scope.root_code;
  if (region_code.starts_with(scope.root_code)) return region_code;
  return std::nullopt;
}

// ServesScope in SQL on `column`: inside the subtree, or one of the root's ancestors (region
// codes have 2, 4, 6, 9 or 12 digits). Bound by BindServes; both ranges stay index lookups.
// All of it lies in the root's province, so callers may add the province filter.
std::string ServesSql(const std::string& column) {
  return "((" + column + " >= ? AND " + column + " < ?) OR " + column + " IN (?, ?, ?, ?))";
}

// Binds ServesSql at `index`; returns the next parameter index.
int BindServes(Statement& s, int index, const RegionScope& scope) {
  const std::string& root = scope.root_code;
  s.Bind(index, root).Bind(index + 1, PrefixUpperBound(root));
  int i = index + 2;
  for (size_t length : {2, 4, 6, 9}) s.Bind(i++, root.substr(0, std::min(length, root.size())));
  return i;
}

// Supply visible to the scope and, when region_code is set, inside that subtree. The range is
// added only when set: an always-true range would keep SQLite from using the index for the OR.
std::string SupplySql(const std::string& column, const std::string& region_code) {
  std::string sql = ServesSql(column);
  if (!region_code.empty()) sql += " AND " + column + " >= ? AND " + column + " < ?";
  return sql;
}

// Binds SupplySql at `index`; returns the next parameter index.
int BindSupply(Statement& s, int index, const RegionScope& scope, const std::string& region_code) {
  int i = BindServes(s, index, scope);
  if (!region_code.empty()) {
    s.Bind(i, region_code).Bind(i + 1, PrefixUpperBound(region_code));
    i += 2;
  }
  return i;
}

constexpr const char* kEntitlementColumns =
    "e.child_id, e.item_id, e.region_code, e.department, e.received, e.received_via, e.last_delivered";

EntitlementRow EntitlementFromRow(const Statement& s) {
  EntitlementRow e;
  e.child_id = s.Int(0);
  e.item_id = s.Text(1);
  e.region_code = s.Text(2);
  e.department = s.Text(3);
  e.received = s.Int(4) != 0;
  e.received_via = s.Text(5);
  e.last_delivered = s.Text(6);
  return e;
}

constexpr const char* kNeedColumns = "n.child_id, n.need_code, n.region_code, n.source, n.met_by";

NeedRow NeedFromRow(const Statement& s) {
  return {s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)};
}

constexpr const char* kDeliveryColumns =
    "id, child_id, region_code, item_id, department, delivered_on, provider_id, provider_name, content, "
    "source, source_record_id, recorded_by, recorded_by_name, created_at, voided_at, void_reason";

Delivery DeliveryFromRow(const Statement& s) {
  Delivery d;
  d.id = s.Int(0);
  d.child_id = s.Int(1);
  d.region_code = s.Text(2);
  d.item_id = s.Text(3);
  d.department = s.Text(4);
  d.delivered_on = s.Text(5);
  d.provider_id = s.OptionalInt(6);
  d.provider_name = s.Text(7);
  d.content = s.Text(8);
  d.source = s.Text(9);
  d.source_record_id = s.OptionalInt(10);
  d.recorded_by = s.Int(11);
  d.recorded_by_name = s.Text(12);
  d.created_at = s.Text(13);
  d.voided_at = s.Text(14);
  d.void_reason = s.Text(15);
  return d;
}

// Active pairings count the provider's whole load (capacity is provider-wide), not the viewer's part.
constexpr const char* kProviderColumns =
    "p.id, p.region_code, p.kind, p.name, p.volunteer_type, p.address, p.contact_name, p.contact_phone, "
    "p.services, p.capacity, p.project, p.active, p.created_at, p.updated_at, p.version, "
    "(SELECT count(*) FROM pairings r WHERE r.provider_id = p.id AND r.ended_on = '')";

Provider ProviderFromRow(const Statement& s) {
  Provider p;
  p.id = s.Int(0);
  p.region_code = s.Text(1);
  p.kind = s.Text(2);
  p.name = s.Text(3);
  p.volunteer_type = s.Text(4);
  p.address = s.Text(5);
  p.contact_name = s.Text(6);
  p.contact_phone = s.Text(7);
  p.services = ServicesFromJson(s.Text(8));
  p.capacity = s.Int(9);
  p.project = s.Text(10);
  p.active = s.Int(11) != 0;
  p.created_at = s.Text(12);
  p.updated_at = s.Text(13);
  p.version = s.Int(14);
  p.active_pairings = s.Int(15);
  return p;
}

// Needs `a` (service_activities) joined to `p` (its provider).
constexpr const char* kActivityColumns =
    "a.id, a.provider_id, p.name, a.region_code, a.title, a.services, a.starts_on, a.ends_on, a.capacity, "
    "a.description, a.status, a.created_at, a.created_by_name, "
    "(SELECT count(*) FROM activity_participants ap2 WHERE ap2.activity_id = a.id AND ap2.withdrawn_at = ''), "
    "(SELECT count(*) FROM activity_attendance t WHERE t.activity_id = a.id)";
constexpr int kActivityColumnCount = 15;

Activity ActivityFromRow(const Statement& s) {
  Activity a;
  a.id = s.Int(0);
  a.provider_id = s.Int(1);
  a.provider_name = s.Text(2);
  a.region_code = s.Text(3);
  a.title = s.Text(4);
  a.services = ServicesFromJson(s.Text(5));
  a.starts_on = s.Text(6);
  a.ends_on = s.Text(7);
  a.capacity = s.Int(8);
  a.description = s.Text(9);
  a.status = s.Text(10);
  a.created_at = s.Text(11);
  a.created_by_name = s.Text(12);
  a.participants = s.Int(13);
  a.attendances = s.Int(14);
  return a;
}

// Needs `ap` (activity_participants) joined to `c` (children).
constexpr const char* kParticipantColumns =
    "ap.activity_id, ap.child_id, c.name, ap.region_code, ap.signed_up_at, ap.signed_up_by_name, ap.withdrawn_at";

Participant ParticipantFromRow(const Statement& s, int at = 0) {
  Participant p;
  p.activity_id = s.Int(at + 0);
  p.child_id = s.Int(at + 1);
  p.child_name = s.Text(at + 2);
  p.region_code = s.Text(at + 3);
  p.signed_up_at = s.Text(at + 4);
  p.signed_up_by_name = s.Text(at + 5);
  p.withdrawn_at = s.Text(at + 6);
  return p;
}

constexpr const char* kPairingSelect =
    "SELECT r.id, r.provider_id, p.name, p.kind, r.child_id, c.name, r.region_code, r.need_code, "
    "r.started_on, r.ended_on, r.end_reason, r.notes, r.created_at, r.created_by_name FROM pairings r "
    "JOIN service_providers p ON p.id = r.provider_id JOIN children c ON c.id = r.child_id ";

Pairing PairingFromRow(const Statement& s) {
  Pairing r;
  r.id = s.Int(0);
  r.provider_id = s.Int(1);
  r.provider_name = s.Text(2);
  r.provider_kind = s.Text(3);
  r.child_id = s.Int(4);
  r.child_name = s.Text(5);
  r.region_code = s.Text(6);
  r.need_code = s.Text(7);
  r.started_on = s.Text(8);
  r.ended_on = s.Text(9);
  r.end_reason = s.Text(10);
  r.notes = s.Text(11);
  r.created_at = s.Text(12);
  r.created_by_name = s.Text(13);
  return r;
}

class SqlServiceStore final : public ServiceStore {
 public:
  explicit SqlServiceStore(Handles& h) : h_(h) {}

  void PutChildServices(int64_t child_id, const std::vector<EntitlementRow>& entitlements,
                        const std::vector<NeedRow>& needs) override {
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    h_.writer.Prepare("DELETE FROM child_entitlements WHERE child_id = ?").Bind(1, child_id).Run();
    h_.writer.Prepare("DELETE FROM child_needs WHERE child_id = ?").Bind(1, child_id).Run();
    for (const EntitlementRow& e : entitlements) {
      h_.writer
          .Prepare("INSERT INTO child_entitlements (child_id, item_id, province_code, region_code, department, "
                   "received, received_via, last_delivered) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
          .Bind(1, child_id)
          .Bind(2, e.item_id)
          .Bind(3, ProvinceCodeOf(e.region_code))
          .Bind(4, e.region_code)
          .Bind(5, e.department)
          .Bind(6, int64_t{e.received ? 1 : 0})
          .Bind(7, e.received_via)
          .Bind(8, e.last_delivered)
          .Run();
    }
    for (const NeedRow& n : needs) {
      h_.writer
          .Prepare("INSERT INTO child_needs (child_id, need_code, province_code, region_code, source, met_by) "
                   "VALUES (?, ?, ?, ?, ?, ?)")
          .Bind(1, child_id)
          .Bind(2, n.need_code)
          .Bind(3, ProvinceCodeOf(n.region_code))
          .Bind(4, n.region_code)
          .Bind(5, n.source)
          .Bind(6, n.met_by)
          .Run();
    }
    tx.Commit();
  }

  std::vector<EntitlementRow> ChildEntitlements(const RegionScope& scope, int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kEntitlementColumns +
                             " FROM child_entitlements e WHERE e.child_id = ? AND e.region_code >= ? AND "
                             "e.region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code, "e.") +
                             " ORDER BY e.item_id");
    s.Bind(1, child_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    std::vector<EntitlementRow> out;
    while (s.Step()) out.push_back(EntitlementFromRow(s));
    return out;
  }

  std::vector<NeedRow> ChildNeeds(const RegionScope& scope, int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kNeedColumns +
                             " FROM child_needs n WHERE n.child_id = ? AND n.region_code >= ? AND "
                             "n.region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code, "n.") +
                             " ORDER BY n.need_code");
    s.Bind(1, child_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    std::vector<NeedRow> out;
    while (s.Step()) out.push_back(NeedFromRow(s));
    return out;
  }

  std::vector<CountCell> EntitlementCoverage(const RegionScope& scope, const std::string& region_code,
                                             size_t code_length) override {
    // Rows are per (child, item), so count(*) per item counts children.
    return Counts(scope, region_code, code_length,
                  "SELECT substr(region_code, 1, ?) AS r, item_id, count(*), sum(received) FROM child_entitlements",
                  "GROUP BY r, item_id ORDER BY r, item_id");
  }

  std::vector<CountCell> DepartmentCoverage(const RegionScope& scope, const std::string& region_code) override {
    const auto root = ChildRoot(scope, region_code);
    if (!root) return {};
    // Per department: children entitled to any of its items, and those with every one of them
    // received, so that total - done is the number of children OpenItems lists for it.
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT department, count(*), sum(all_received) FROM (SELECT department, child_id, "
        "min(received) AS all_received FROM child_entitlements WHERE region_code >= ? AND region_code < ?" +
        h_.dialect.ProvinceFilter(*root) +
        " GROUP BY department, child_id) AS per_child GROUP BY department ORDER BY department");
    s.Bind(1, *root).Bind(2, PrefixUpperBound(*root));
    std::vector<CountCell> out;
    while (s.Step()) out.push_back({*root, s.Text(0), s.Int(1), s.Int(2)});
    return out;
  }

  std::vector<CountCell> NeedCounts(const RegionScope& scope, const std::string& region_code,
                                    size_t code_length) override {
    return Counts(scope, region_code, code_length,
                  "SELECT substr(region_code, 1, ?) AS r, need_code, count(*), " + CountWhere("met_by != ''") +
                      " FROM child_needs",
                  "GROUP BY r, need_code ORDER BY r, need_code");
  }

  std::vector<OpenItem> OpenItems(const RegionScope& scope, const std::string& region_code,
                                  const std::string& department, const std::string& item_id, int64_t offset,
                                  int64_t limit, int64_t* total) override {
    const auto root = ChildRoot(scope, region_code);
    if (!root) {
      *total = 0;
      return {};
    }
    const std::string where =
        " FROM child_entitlements e JOIN children c ON c.id = e.child_id WHERE e.region_code >= ? AND "
        "e.region_code < ?" + h_.dialect.ProvinceFilter(*root, "e.") + " AND e.received = 0 AND (? = '' OR e.department = ?) AND (? = '' OR e.item_id = ?)";
    const auto bind = [&](Statement& s) {
      s.Bind(1, *root).Bind(2, PrefixUpperBound(*root)).Bind(3, department).Bind(4, department)
          .Bind(5, item_id).Bind(6, item_id);
    };
    auto reader = h_.readers->Acquire();
    auto count = reader->Prepare("SELECT count(*)" + where);
    bind(count);
    count.Step();
    *total = count.Int(0);
    auto rows = reader->Prepare(std::string("SELECT ") + kEntitlementColumns + ", c.name, c.birth_date" + where +
                                " ORDER BY e.region_code, e.child_id, e.item_id LIMIT ? OFFSET ?");
    bind(rows);
    rows.Bind(7, limit).Bind(8, offset);
    std::vector<OpenItem> out;
    while (rows.Step()) out.push_back({EntitlementFromRow(rows), rows.Text(7), rows.Text(8)});
    return out;
  }

  std::vector<OpenNeed> UnmetNeeds(const RegionScope& scope, const std::string& region_code,
                                   const std::string& need_code, int64_t offset, int64_t limit,
                                   int64_t* total) override {
    const auto root = ChildRoot(scope, region_code);
    if (!root) {
      *total = 0;
      return {};
    }
    const std::string where =
        " FROM child_needs n JOIN children c ON c.id = n.child_id WHERE n.region_code >= ? AND "
        "n.region_code < ?" + h_.dialect.ProvinceFilter(*root, "n.") + " AND n.met_by = '' AND (? = '' OR n.need_code = ?)";
    const auto bind = [&](Statement& s) {
      s.Bind(1, *root).Bind(2, PrefixUpperBound(*root)).Bind(3, need_code).Bind(4, need_code);
    };
    auto reader = h_.readers->Acquire();
    auto count = reader->Prepare("SELECT count(*)" + where);
    bind(count);
    count.Step();
    *total = count.Int(0);
    auto rows = reader->Prepare(std::string("SELECT ") + kNeedColumns + ", c.name, c.birth_date" + where +
                                " ORDER BY n.region_code, n.child_id, n.need_code LIMIT ? OFFSET ?");
    bind(rows);
    rows.Bind(5, limit).Bind(6, offset);
    std::vector<OpenNeed> out;
    while (rows.Step()) out.push_back({NeedFromRow(rows), rows.Text(5), rows.Text(6)});
    return out;
  }

  int64_t AddDelivery(Delivery& d) override {
    std::lock_guard lock(h_.write_mutex);
    d.created_at = NowUtcIso();
    d.voided_at.clear();
    d.void_reason.clear();
    h_.writer
        .Prepare("INSERT INTO service_deliveries (child_id, province_code, region_code, item_id, department, "
                 "delivered_on, provider_id, provider_name, content, source, source_record_id, recorded_by, "
                 "recorded_by_name, created_at, voided_at, void_reason) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '')")
        .Bind(1, d.child_id)
        .Bind(2, ProvinceCodeOf(d.region_code))
        .Bind(3, d.region_code)
        .Bind(4, d.item_id)
        .Bind(5, d.department)
        .Bind(6, d.delivered_on)
        .BindOptionalInt(7, d.provider_id)
        .Bind(8, d.provider_name)
        .Bind(9, d.content)
        .Bind(10, d.source)
        .BindOptionalInt(11, d.source_record_id)
        .Bind(12, d.recorded_by)
        .Bind(13, d.recorded_by_name)
        .Bind(14, d.created_at)
        .Run();
    d.id = h_.writer.LastInsertId();
    return d.id;
  }

  std::optional<Delivery> GetDelivery(const RegionScope& scope, int64_t id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kDeliveryColumns +
                             " FROM service_deliveries WHERE id = ? AND region_code >= ? AND region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code));
    s.Bind(1, id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    if (!s.Step()) return std::nullopt;
    return DeliveryFromRow(s);
  }

  bool VoidDelivery(const RegionScope& scope, int64_t id, const std::string& reason) override {
    std::lock_guard lock(h_.write_mutex);
    h_.writer
        .Prepare("UPDATE service_deliveries SET voided_at = ?, void_reason = ? WHERE id = ? AND voided_at = '' "
                 "AND region_code >= ? AND region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code))
        .Bind(1, NowUtcIso())
        .Bind(2, reason)
        .Bind(3, id)
        .Bind(4, scope.root_code)
        .Bind(5, PrefixUpperBound(scope.root_code))
        .Run();
    return h_.writer.Changes() == 1;
  }

  std::vector<Delivery> ChildDeliveries(const RegionScope& scope, int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kDeliveryColumns +
                             " FROM service_deliveries WHERE child_id = ? AND region_code >= ? AND region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code) + " ORDER BY delivered_on DESC, id DESC");
    s.Bind(1, child_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    std::vector<Delivery> out;
    while (s.Step()) out.push_back(DeliveryFromRow(s));
    return out;
  }

  std::vector<Delivery> ListDeliveries(const RegionScope& scope, const std::string& region_code,
                                       const std::string& department, int64_t offset, int64_t limit,
                                       int64_t* total) override {
    const auto root = ChildRoot(scope, region_code);
    if (!root) {
      *total = 0;
      return {};
    }
    const std::string where =
        " FROM service_deliveries WHERE region_code >= ? AND region_code < ?" + h_.dialect.ProvinceFilter(*root) +
        " AND (? = '' OR department = ?)";
    const auto bind = [&](Statement& s) {
      s.Bind(1, *root).Bind(2, PrefixUpperBound(*root)).Bind(3, department).Bind(4, department);
    };
    auto reader = h_.readers->Acquire();
    auto count = reader->Prepare("SELECT count(*)" + where);
    bind(count);
    count.Step();
    *total = count.Int(0);
    auto rows = reader->Prepare(std::string("SELECT ") + kDeliveryColumns + where +
                                " ORDER BY delivered_on DESC, id DESC LIMIT ? OFFSET ?");
    bind(rows);
    rows.Bind(5, limit).Bind(6, offset);
    std::vector<Delivery> out;
    while (rows.Step()) out.push_back(DeliveryFromRow(rows));
    return out;
  }

  int64_t CreateProvider(Provider& p) override {
    std::lock_guard lock(h_.write_mutex);
    p.created_at = p.updated_at = NowUtcIso();
    p.version = 1;
    p.active_pairings = 0;
    if (p.project.empty()) p.project = "{}";
    h_.writer
        .Prepare("INSERT INTO service_providers (province_code, region_code, kind, name, volunteer_type, address, "
                 "contact_name, contact_phone, services, capacity, project, active, created_at, updated_at, "
                 "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")
        .Bind(1, ProvinceCodeOf(p.region_code))
        .Bind(2, p.region_code)
        .Bind(3, p.kind)
        .Bind(4, p.name)
        .Bind(5, p.volunteer_type)
        .Bind(6, p.address)
        .Bind(7, p.contact_name)
        .Bind(8, p.contact_phone)
        .Bind(9, ServicesJson(p.services))
        .Bind(10, p.capacity)
        .Bind(11, p.project)
        .Bind(12, int64_t{p.active ? 1 : 0})
        .Bind(13, p.created_at)
        .Bind(14, p.updated_at)
        .Run();
    p.id = h_.writer.LastInsertId();
    return p.id;
  }

  std::optional<Provider> GetProvider(const RegionScope& scope, int64_t id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kProviderColumns +
                             " FROM service_providers p WHERE p.id = ? AND " + ServesSql("p.region_code") +
                             h_.dialect.ProvinceFilter(scope.root_code, "p."));
    s.Bind(1, id);
    BindServes(s, 2, scope);
    if (!s.Step()) return std::nullopt;
    return ProviderFromRow(s);
  }

  bool UpdateProvider(const RegionScope& scope, const Provider& p, int64_t expected_version) override {
    std::lock_guard lock(h_.write_mutex);
    // The scope test reads the stored region, before the update.
    auto s = h_.writer.Prepare(
        "UPDATE service_providers SET province_code = ?, region_code = ?, kind = ?, name = ?, volunteer_type = ?, "
        "address = ?, contact_name = ?, contact_phone = ?, services = ?, capacity = ?, project = ?, active = ?, "
        "updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND " +
        ServesSql("region_code") + h_.dialect.ProvinceFilter(scope.root_code));
    s.Bind(1, ProvinceCodeOf(p.region_code))
        .Bind(2, p.region_code)
        .Bind(3, p.kind)
        .Bind(4, p.name)
        .Bind(5, p.volunteer_type)
        .Bind(6, p.address)
        .Bind(7, p.contact_name)
        .Bind(8, p.contact_phone)
        .Bind(9, ServicesJson(p.services))
        .Bind(10, p.capacity)
        .Bind(11, p.project.empty() ? std::string("{}") : p.project)
        .Bind(12, int64_t{p.active ? 1 : 0})
        .Bind(13, NowUtcIso())
        .Bind(14, p.id)
        .Bind(15, expected_version);
    BindServes(s, 16, scope);
    s.Run();
    return h_.writer.Changes() == 1;
  }

  std::vector<Provider> ListProviders(const RegionScope& scope, const ProviderQuery& q) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        std::string("SELECT ") + kProviderColumns + " FROM service_providers p WHERE " +
        SupplySql("p.region_code", q.region_code) + h_.dialect.ProvinceFilter(scope.root_code, "p.") +
        " AND (? = '' OR p.kind = ?) AND "
        "(? = '' OR " + h_.dialect.JsonArrayHas("p.services") + ") AND "
        "(? = 0 OR p.active = 1) ORDER BY p.region_code, p.kind, p.name, p.id");
    const int i = BindSupply(s, 1, scope, q.region_code);
    s.Bind(i, q.kind).Bind(i + 1, q.kind).Bind(i + 2, q.service).Bind(i + 3, q.service)
        .Bind(i + 4, int64_t{q.active_only ? 1 : 0});
    std::vector<Provider> out;
    while (s.Step()) out.push_back(ProviderFromRow(s));
    return out;
  }

  int64_t CreateActivity(Activity& a) override {
    std::lock_guard lock(h_.write_mutex);
    a.created_at = NowUtcIso();
    if (a.status.empty()) a.status = "open";
    a.participants = a.attendances = 0;
    h_.writer
        .Prepare("INSERT INTO service_activities (provider_id, province_code, region_code, title, services, "
                 "starts_on, ends_on, capacity, description, status, created_at, created_by_name) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .Bind(1, a.provider_id)
        .Bind(2, ProvinceCodeOf(a.region_code))
        .Bind(3, a.region_code)
        .Bind(4, a.title)
        .Bind(5, ServicesJson(a.services))
        .Bind(6, a.starts_on)
        .Bind(7, a.ends_on)
        .Bind(8, a.capacity)
        .Bind(9, a.description)
        .Bind(10, a.status)
        .Bind(11, a.created_at)
        .Bind(12, a.created_by_name)
        .Run();
    a.id = h_.writer.LastInsertId();
    return a.id;
  }

  std::optional<Activity> GetActivity(const RegionScope& scope, int64_t id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kActivityColumns +
                             " FROM service_activities a JOIN service_providers p ON p.id = a.provider_id "
                             "WHERE a.id = ? AND " + ServesSql("a.region_code") +
                             h_.dialect.ProvinceFilter(scope.root_code, "a."));
    s.Bind(1, id);
    BindServes(s, 2, scope);
    if (!s.Step()) return std::nullopt;
    return ActivityFromRow(s);
  }

  bool SetActivityStatus(const RegionScope& scope, int64_t id, const std::string& status) override {
    std::lock_guard lock(h_.write_mutex);
    auto s = h_.writer.Prepare("UPDATE service_activities SET status = ? WHERE id = ? AND " +
                               ServesSql("region_code") + h_.dialect.ProvinceFilter(scope.root_code));
    s.Bind(1, status).Bind(2, id);
    BindServes(s, 3, scope);
    s.Run();
    return h_.writer.Changes() == 1;
  }

  std::vector<Activity> ListActivities(const RegionScope& scope, const std::string& region_code,
                                       const std::string& service, bool open_only,
                                       const std::string& today) override {
    auto reader = h_.readers->Acquire();
    // An activity without an end date stays open.
    auto s = reader->Prepare(
        std::string("SELECT ") + kActivityColumns +
        " FROM service_activities a JOIN service_providers p ON p.id = a.provider_id WHERE " +
        SupplySql("a.region_code", region_code) + h_.dialect.ProvinceFilter(scope.root_code, "a.") +
        " AND (? = '' OR " + h_.dialect.JsonArrayHas("a.services") + ") AND "
        "(? = 0 OR (a.status = 'open' AND (a.ends_on = '' OR a.ends_on >= ?))) "
        "ORDER BY a.starts_on DESC, a.id DESC");
    const int i = BindSupply(s, 1, scope, region_code);
    s.Bind(i, service).Bind(i + 1, service).Bind(i + 2, int64_t{open_only ? 1 : 0}).Bind(i + 3, today);
    std::vector<Activity> out;
    while (s.Step()) out.push_back(ActivityFromRow(s));
    return out;
  }

  bool SignUp(int64_t activity_id, int64_t child_id, const std::string& region_code,
              const std::string& by_name) override {
    std::lock_guard lock(h_.write_mutex);
    // A withdrawn row is signed up again in place (the key is (activity, child)); an active one is
    // left alone, which Changes() reports as 0.
    h_.writer
        .Prepare("INSERT INTO activity_participants (activity_id, child_id, province_code, region_code, "
                 "signed_up_at, signed_up_by_name, withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, '') "
                 "ON CONFLICT (activity_id, child_id) DO UPDATE SET province_code = excluded.province_code, "
                 "region_code = excluded.region_code, signed_up_at = excluded.signed_up_at, "
                 "signed_up_by_name = excluded.signed_up_by_name, withdrawn_at = '' WHERE activity_participants.withdrawn_at != ''")
        .Bind(1, activity_id)
        .Bind(2, child_id)
        .Bind(3, ProvinceCodeOf(region_code))
        .Bind(4, region_code)
        .Bind(5, NowUtcIso())
        .Bind(6, by_name)
        .Run();
    return h_.writer.Changes() == 1;
  }

  bool Withdraw(int64_t activity_id, int64_t child_id) override {
    std::lock_guard lock(h_.write_mutex);
    h_.writer
        .Prepare("UPDATE activity_participants SET withdrawn_at = ? WHERE activity_id = ? AND child_id = ? "
                 "AND withdrawn_at = ''")
        .Bind(1, NowUtcIso())
        .Bind(2, activity_id)
        .Bind(3, child_id)
        .Run();
    return h_.writer.Changes() == 1;
  }

  bool RecordAttendance(int64_t activity_id, int64_t child_id, const std::string& session_date,
                        const std::string& by_name) override {
    std::lock_guard lock(h_.write_mutex);
    // Inserts only from an active sign-up; a session already recorded is left as it is.
    h_.writer
        .Prepare("INSERT INTO activity_attendance (activity_id, child_id, session_date, province_code, "
                 "recorded_at, recorded_by_name) SELECT activity_id, child_id, ?, province_code, ?, ? "
                 "FROM activity_participants WHERE activity_id = ? AND child_id = ? AND withdrawn_at = '' "
                 "ON CONFLICT DO NOTHING")
        .Bind(1, session_date)
        .Bind(2, NowUtcIso())
        .Bind(3, by_name)
        .Bind(4, activity_id)
        .Bind(5, child_id)
        .Run();
    return h_.writer.Changes() == 1;
  }

  std::vector<Participant> Participants(const RegionScope& scope, int64_t activity_id) override {
    auto reader = h_.readers->Acquire();
    std::vector<Participant> out;
    std::map<int64_t, size_t> by_child;
    {
      auto s = reader->Prepare(std::string("SELECT ") + kParticipantColumns +
                               " FROM activity_participants ap JOIN children c ON c.id = ap.child_id "
                               "WHERE ap.activity_id = ? AND ap.region_code >= ? AND ap.region_code < ?" +
                               h_.dialect.ProvinceFilter(scope.root_code, "ap.") +
                               " ORDER BY ap.region_code, ap.child_id");
      s.Bind(1, activity_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
      while (s.Step()) {
        by_child[s.Int(1)] = out.size();
        out.push_back(ParticipantFromRow(s));
      }
    }
    auto t = reader->Prepare(
        "SELECT child_id, session_date FROM activity_attendance WHERE activity_id = ? "
        "ORDER BY child_id, session_date");
    t.Bind(1, activity_id);
    while (t.Step()) {
      const auto it = by_child.find(t.Int(0));
      if (it != by_child.end()) out[it->second].attended.push_back(t.Text(1));
    }
    return out;
  }

  std::vector<std::pair<Activity, Participant>> ChildActivities(const RegionScope& scope,
                                                                int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    std::vector<std::pair<Activity, Participant>> out;
    {
      auto s = reader->Prepare(
          std::string("SELECT ") + kActivityColumns + ", " + kParticipantColumns +
          " FROM activity_participants ap JOIN service_activities a ON a.id = ap.activity_id "
          "JOIN service_providers p ON p.id = a.provider_id JOIN children c ON c.id = ap.child_id "
          "WHERE ap.child_id = ? AND ap.region_code >= ? AND ap.region_code < ?" +
          h_.dialect.ProvinceFilter(scope.root_code, "ap.") + " ORDER BY a.starts_on DESC, a.id DESC");
      s.Bind(1, child_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
      while (s.Step()) out.emplace_back(ActivityFromRow(s), ParticipantFromRow(s, kActivityColumnCount));
    }
    for (auto& [activity, participant] : out) {
      auto t = reader->Prepare(
          "SELECT session_date FROM activity_attendance WHERE activity_id = ? AND child_id = ? "
          "ORDER BY session_date");
      t.Bind(1, activity.id).Bind(2, child_id);
      while (t.Step()) participant.attended.push_back(t.Text(0));
    }
    return out;
  }

  int64_t CreatePairing(Pairing& r) override {
    std::lock_guard lock(h_.write_mutex);
    r.created_at = NowUtcIso();
    h_.writer
        .Prepare("INSERT INTO pairings (provider_id, child_id, province_code, region_code, need_code, started_on, "
                 "ended_on, end_reason, notes, created_at, created_by_name) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .Bind(1, r.provider_id)
        .Bind(2, r.child_id)
        .Bind(3, ProvinceCodeOf(r.region_code))
        .Bind(4, r.region_code)
        .Bind(5, r.need_code)
        .Bind(6, r.started_on)
        .Bind(7, r.ended_on)
        .Bind(8, r.end_reason)
        .Bind(9, r.notes)
        .Bind(10, r.created_at)
        .Bind(11, r.created_by_name)
        .Run();
    r.id = h_.writer.LastInsertId();
    return r.id;
  }

  std::optional<Pairing> GetPairing(const RegionScope& scope, int64_t id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string(kPairingSelect) +
                             "WHERE r.id = ? AND r.region_code >= ? AND r.region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code, "r."));
    s.Bind(1, id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    if (!s.Step()) return std::nullopt;
    return PairingFromRow(s);
  }

  bool EndPairing(const RegionScope& scope, int64_t id, const std::string& ended_on,
                  const std::string& reason) override {
    if (ended_on.empty()) return false;  // '' would leave it active
    std::lock_guard lock(h_.write_mutex);
    h_.writer
        .Prepare("UPDATE pairings SET ended_on = ?, end_reason = ? WHERE id = ? AND ended_on = '' "
                 "AND region_code >= ? AND region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code))
        .Bind(1, ended_on)
        .Bind(2, reason)
        .Bind(3, id)
        .Bind(4, scope.root_code)
        .Bind(5, PrefixUpperBound(scope.root_code))
        .Run();
    return h_.writer.Changes() == 1;
  }

  std::vector<Pairing> ChildPairings(const RegionScope& scope, int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string(kPairingSelect) +
                             "WHERE r.child_id = ? AND r.region_code >= ? AND r.region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code, "r.") + " ORDER BY r.ended_on != '', r.started_on DESC, r.id DESC");
    s.Bind(1, child_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    std::vector<Pairing> out;
    while (s.Step()) out.push_back(PairingFromRow(s));
    return out;
  }

  std::vector<Pairing> ListPairings(const RegionScope& scope, int64_t provider_id, bool active_only) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string(kPairingSelect) +
                             "WHERE r.region_code >= ? AND r.region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code, "r.") +
                             " AND (? = 0 OR r.provider_id = ?) "
                             "AND (? = 0 OR r.ended_on = '') ORDER BY r.region_code, r.child_id, r.id");
    s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code)).Bind(3, provider_id)
        .Bind(4, provider_id).Bind(5, int64_t{active_only ? 1 : 0});
    std::vector<Pairing> out;
    while (s.Step()) out.push_back(PairingFromRow(s));
    return out;
  }

 private:
  // One (region cut to code_length, key) count query over a child table's region range:
  // `select_from` binds code_length, the range follows it, then `group_by`.
  std::vector<CountCell> Counts(const RegionScope& scope, const std::string& region_code, size_t code_length,
                                const std::string& select_from, const std::string& group_by) {
    const auto root = ChildRoot(scope, region_code);
    if (!root) return {};
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(select_from + " WHERE region_code >= ? AND region_code < ?" +
                             h_.dialect.ProvinceFilter(*root) + " " + group_by);
    s.Bind(1, static_cast<int64_t>(code_length)).Bind(2, *root).Bind(3, PrefixUpperBound(*root));
    std::vector<CountCell> out;
    while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Int(2), s.Int(3)});
    return out;
  }

  Handles& h_;
};

}  // namespace

std::unique_ptr<ServiceStore> MakeServiceStore(Handles& handles) {
  return std::make_unique<SqlServiceStore>(handles);
}

}  // namespace tongan::sql
