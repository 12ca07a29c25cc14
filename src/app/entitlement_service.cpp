#include "app/entitlement_service.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "app/request_body.h"
#include "app/scope.h"
#include "care/warning_rules.h"
#include "store/department_store.h"

namespace tongan {
namespace {

using nlohmann::json;

json Rate(int64_t done, int64_t total) { return total > 0 ? json(double(done) / double(total)) : json(nullptr); }


}  // namespace

EntitlementService::EntitlementService(Store& store, AuditLog& audit, ChildService& children, CareService& care,
                                       const RegionTree& regions, const care::ServiceCatalogue& shipped,
                                       std::function<Date()> today)
    : store_(store), audit_(audit), children_(children), care_(care), regions_(regions), today_(std::move(today)),
      catalogue_(std::make_shared<care::ServiceCatalogue>(shipped)) {
  // A catalogue saved by an administrator replaces the shipped file, unless it no longer validates.
  if (auto saved = store_.care().GetSetting("service_catalogue")) {
    try {
      catalogue_ = std::make_shared<care::ServiceCatalogue>(care::ServiceCatalogue::FromJson(json::parse(*saved)));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "已保存的服务清单无效，改用数据文件中的清单：%s\n", e.what());
    }
  }
  care_.AddFactSource([this](const Child& child, const std::vector<Visit>& visits, json& facts) {
    json needs = json::array();
    for (const auto& [code, source] : NeedsOf(child, visits)) needs.push_back(code);
    facts["needs"] = needs;
  });
  care_.OnRecomputed([this](const Child& child, const std::vector<Visit>& visits, const json& facts) {
    const auto catalogue = this->catalogue();
    const std::vector<Delivery> deliveries = SyncImportedDeliveries(child);
    std::vector<care::ItemDelivery> valid;
    for (const Delivery& d : deliveries)
      if (d.voided_at.empty())
        if (auto on = ParseIsoDate(d.delivered_on)) valid.push_back({d.item_id, *on});
    const auto entitlements = care::EntitlementsOf(*catalogue, facts, valid, today_());
    std::vector<EntitlementRow> rows;
    for (const care::Entitlement& e : entitlements)
      rows.push_back({child.id, e.item->id, child.region_code, e.item->department, e.received, e.received_via,
                      e.last_delivered ? FormatIsoDate(*e.last_delivered) : ""});
    std::vector<NeedRow> needs;
    for (const auto& [code, source] : NeedsOf(child, visits)) {
      std::string met_by = need_matcher_ ? need_matcher_(child, code) : "";
      // A received catalogue item that meets the need (课后服务 for 课后托管) counts too.
      for (size_t i = 0; met_by.empty() && i < entitlements.size(); ++i) {
        const auto& item_needs = entitlements[i].item->needs;
        if (entitlements[i].received && std::find(item_needs.begin(), item_needs.end(), code) != item_needs.end())
          met_by = "item:" + entitlements[i].item->id;
      }
      needs.push_back({child.id, code, child.region_code, source, met_by});
    }
    store_.services().PutChildServices(child.id, rows, needs);
  });
}

std::shared_ptr<const care::ServiceCatalogue> EntitlementService::catalogue() const {
  std::lock_guard lock(mutex_);
  return catalogue_;
}

std::vector<std::pair<std::string, std::string>> EntitlementService::NeedsOf(const Child& child,
                                                                            const std::vector<Visit>& visits) const {
  const auto catalogue = this->catalogue();
  std::vector<std::pair<std::string, std::string>> out;
  const auto add = [&](const std::string& text, const char* source) {
    const std::string code = catalogue->NeedCodeOf(text);
    if (code.empty()) return;
    if (std::none_of(out.begin(), out.end(), [&](auto& n) { return n.first == code; })) out.emplace_back(code, source);
  };
  // The latest visit says what is needed now; the file keeps needs recorded at registration.
  if (!visits.empty()) {
    try {
      const json doc = json::parse(visits.front().doc);
      for (const auto& n : doc.value("needs", json::array()))
        if (n.is_string()) add(n.get<std::string>(), "visit");
    } catch (const json::exception&) {
    }
  }
  for (const std::string& n : child.needs) add(n, "file");
  return out;
}

std::vector<Delivery> EntitlementService::SyncImportedDeliveries(const Child& child) {
  const RegionScope system = SystemScope();
  std::vector<Delivery> deliveries = store_.services().ChildDeliveries(system, child.id);
  std::map<int64_t, const SourceRecord*> linked;
  const auto sources = store_.departments().ChildSources(system, child.id);
  for (const LinkedRecord& s : sources)
    if (s.record.record_kind == kDeliveryRecordKind && s.link.state == "linked" && s.link.child_id == child.id)
      linked[s.record.id] = &s.record;
  bool changed = false;
  std::set<int64_t> recorded;
  for (const Delivery& d : deliveries) {
    if (!d.source_record_id || !d.voided_at.empty()) continue;
    if (linked.count(*d.source_record_id)) {
      recorded.insert(*d.source_record_id);
    } else {
      store_.services().VoidDelivery(system, d.id, "数据比对已撤销");
      changed = true;
    }
  }
  const auto catalogue = this->catalogue();
  for (const auto& [id, record] : linked) {
    if (recorded.count(id)) continue;
    json fields;
    try {
      fields = json::parse(record->fields);
    } catch (const json::exception&) {
      continue;
    }
    const care::ServiceItem* item = catalogue->FindItemByIdOrName(fields.value("service_item", ""));
    const auto on = ParseIsoDate(fields.value("service_date", ""));
    if (!item || !on) continue;  // shown on the batch's rows; not a delivery until it names an item
    Delivery d;
    d.child_id = child.id;
    d.region_code = child.region_code;
    d.item_id = item->id;
    d.department = item->department;
    d.delivered_on = FormatIsoDate(*on);
    d.provider_name = fields.value("provider_name", "");
    d.content = fields.value("content", "");
    d.source = "import";
    d.source_record_id = id;
    d.recorded_by_name = "数据导入";
    store_.services().AddDelivery(d);
    changed = true;
  }
  return changed ? store_.services().ChildDeliveries(system, child.id) : deliveries;
}

json EntitlementService::Catalogue(const RequestContext& ctx) const {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.read_children || p.record_deliveries || p.manage_rules, "查看服务清单");
  json facts = json::array();
  for (const care::FactInfo& f : care::KnownFacts()) {
    json values = json::array();
    for (const auto& [code, name] : f.values) values.push_back({{"code", code}, {"name", name}});
    facts.push_back({{"name", f.name}, {"type", f.type}, {"label_zh", f.label_zh}, {"values", values}});
  }
  json kinds = json::array();
  for (const auto& [code, name] : care::ProviderKinds()) kinds.push_back({{"code", code}, {"name", name}});
  return {{"catalogue", catalogue()->ToJson()}, {"facts", facts}, {"provider_kinds", kinds}};
}

json EntitlementService::SaveCatalogue(const RequestContext& ctx, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_rules, "修改服务清单");
  std::shared_ptr<care::ServiceCatalogue> parsed;
  try {
    parsed = std::make_shared<care::ServiceCatalogue>(care::ServiceCatalogue::FromJson(body));
  } catch (const std::invalid_argument& e) {
    audit_.Record({"", ctx.user.id, ctx.user.username, "catalogue.save", "service_catalogue", e.what(), "invalid",
                   ctx.remote});
    throw ApiError(400, "catalogue_invalid", e.what(), "catalogue");
  } catch (const json::exception& e) {
    throw ApiError(400, "catalogue_invalid", std::string("服务清单格式有误：") + e.what(), "catalogue");
  }
  store_.care().PutSetting("service_catalogue", parsed->ToJson().dump(), {ctx.user.id, ctx.user.username});
  {
    std::lock_guard lock(mutex_);
    catalogue_ = parsed;
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "catalogue.save", "service_catalogue",
                 std::to_string(parsed->items.size()) + " 个服务项目", "ok", ctx.remote});
  // Every child's entitlements follow the new catalogue, in the background.
  care_.RecomputeLater(ScopeOf(ctx.user).root_code);
  return {{"catalogue", parsed->ToJson()}, {"recomputing", true}};
}

json EntitlementService::DeliveryJson(const Delivery& d, const std::string& child_name) const {
  const auto catalogue = this->catalogue();
  const care::ServiceItem* item = catalogue->FindItem(d.item_id);
  return {{"id", d.id},
          {"child_id", d.child_id},
          {"child_name", child_name},
          {"region_code", d.region_code},
          {"item_id", d.item_id},
          {"item_name", item ? item->name_zh : d.item_id},
          {"department", d.department},
          {"delivered_on", d.delivered_on},
          {"provider_id", d.provider_id ? json(*d.provider_id) : json(nullptr)},
          {"provider_name", d.provider_name},
          {"content", d.content},
          {"source", d.source},
          {"recorded_by_name", d.recorded_by_name},
          {"created_at", d.created_at},
          {"voided_at", d.voided_at},
          {"void_reason", d.void_reason}};
}

json EntitlementService::ChildServices(const RequestContext& ctx, int64_t child_id) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看儿童档案");
  const RegionScope scope = ScopeOf(ctx.user);
  const auto child = store_.GetChild(scope, child_id);
  if (!child) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  const auto catalogue = this->catalogue();
  std::map<std::string, std::string> area_names;
  for (const auto& a : catalogue->areas) area_names[a.code] = a.name_zh;
  json entitlements = json::array();
  int64_t received = 0;
  for (const EntitlementRow& r : store_.services().ChildEntitlements(scope, child_id)) {
    const care::ServiceItem* item = catalogue->FindItem(r.item_id);
    if (!item) continue;  // the catalogue changed; recomputation is under way
    received += r.received;
    entitlements.push_back({{"item_id", item->id},
                            {"name_zh", item->name_zh},
                            {"area", item->area},
                            {"area_name", area_names[item->area]},
                            {"department", item->department},
                            {"content_zh", item->content_zh},
                            {"received", r.received},
                            {"received_via", r.received_via},
                            {"last_delivered", r.last_delivered}});
  }
  json deliveries = json::array();
  for (const Delivery& d : store_.services().ChildDeliveries(scope, child_id))
    deliveries.push_back(DeliveryJson(d, child->name));
  audit_.Record({"", ctx.user.id, ctx.user.username, "child.services", "child:" + std::to_string(child_id), "",
                 "ok", ctx.remote});
  const int64_t entitled = static_cast<int64_t>(entitlements.size());
  return {{"child_id", child_id},
          {"entitlements", entitlements},
          {"entitled", entitled},
          {"received", received},
          {"missing", entitled - received},
          {"deliveries", deliveries}};
}

json EntitlementService::RecordDelivery(const RequestContext& ctx, int64_t child_id, const json& body) {
  Require(PermissionsOf(ctx.user.role).record_deliveries, "登记服务记录");
  RejectUnknownFields(body, {"item_id", "delivered_on", "provider_id", "provider_name", "content"});
  const RegionScope scope = ScopeOf(ctx.user);
  const auto child = store_.GetChild(scope, child_id);
  if (!child) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  const auto catalogue = this->catalogue();
  const std::string item_id = BodyText(body, "item_id", 100, true);
  const care::ServiceItem* item = catalogue->FindItem(item_id);
  if (!item) throw ApiError(400, "unknown_item", "服务清单中没有项目 " + item_id, "item_id");
  if (ctx.user.role == Role::kDepartmentLiaison && item->department != ctx.user.department)
    throw ApiError(403, "forbidden", "该项目由" + item->department + "负责，部门联络员只能登记本部门的项目");
  const auto rows = store_.services().ChildEntitlements(scope, child_id);
  if (std::none_of(rows.begin(), rows.end(), [&](const EntitlementRow& r) { return r.item_id == item_id; }))
    throw ApiError(400, "not_entitled", "该儿童不在“" + item->name_zh + "”的服务对象范围内", "item_id");
  const auto on = ParseIsoDate(BodyText(body, "delivered_on", 10, true));
  if (!on) throw ApiError(400, "invalid_field", "服务日期格式应为 YYYY-MM-DD", "delivered_on");
  if (*on > today_()) throw ApiError(400, "invalid_field", "服务日期不能晚于今天", "delivered_on");
  if (*on < child->birth_date) throw ApiError(400, "invalid_field", "服务日期早于儿童出生日期", "delivered_on");
  Delivery d;
  d.child_id = child_id;
  d.region_code = child->region_code;
  d.item_id = item_id;
  d.department = item->department;
  d.delivered_on = FormatIsoDate(*on);
  d.provider_name = BodyText(body, "provider_name", 200, false);
  if (body.contains("provider_id") && !body["provider_id"].is_null()) {
    if (!body["provider_id"].is_number_integer())
      throw ApiError(400, "invalid_field", "provider_id 应为整数", "provider_id");
    const auto provider = store_.services().GetProvider(scope, body["provider_id"].get<int64_t>());
    if (!provider) throw ApiError(400, "invalid_field", "服务机构不存在或不在您的管辖范围内", "provider_id");
    d.provider_id = provider->id;
    if (d.provider_name.empty()) d.provider_name = provider->name;
  }
  if (d.provider_name.empty()) throw ApiError(400, "missing_field", "请填写服务单位或服务人", "provider_name");
  d.content = BodyText(body, "content", 1000, false);
  d.source = "manual";
  d.recorded_by = ctx.user.id;
  d.recorded_by_name = ctx.user.display_name;
  store_.services().AddDelivery(d);
  care_.Recompute(child_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "delivery.create", "child:" + std::to_string(child_id),
                 item_id + " " + d.delivered_on, "ok", ctx.remote});
  return {{"delivery", DeliveryJson(d, child->name)}};
}

json EntitlementService::VoidDelivery(const RequestContext& ctx, int64_t delivery_id, const json& body) {
  Require(PermissionsOf(ctx.user.role).record_deliveries, "作废服务记录");
  RejectUnknownFields(body, {"reason"});
  const RegionScope scope = ScopeOf(ctx.user);
  const auto d = store_.services().GetDelivery(scope, delivery_id);
  if (!d || (ctx.user.role == Role::kDepartmentLiaison && d->department != ctx.user.department))
    throw ApiError(404, "not_found", "服务记录不存在或不在您的管辖范围内");
  const std::string reason = BodyText(body, "reason", 500, true);
  if (!store_.services().VoidDelivery(scope, delivery_id, reason))
    throw ApiError(409, "already_voided", "该服务记录已作废");
  care_.Recompute(d->child_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "delivery.void", "delivery:" + std::to_string(delivery_id),
                 reason, "ok", ctx.remote});
  const auto after = store_.services().GetDelivery(scope, delivery_id);
  const auto child = store_.GetChild(scope, d->child_id);
  return DeliveryJson(*after, child ? child->name : "");
}

std::string EntitlementService::RegionWithin(const RequestContext& ctx, const std::string& region) const {
  const RegionScope scope = ScopeOf(ctx.user);
  if (region.empty()) return scope.root_code;
  if (!region.starts_with(scope.root_code)) throw ApiError(403, "forbidden", "区域不在您的管辖范围内");
  return region;
}

std::string EntitlementService::DepartmentFor(const RequestContext& ctx, const std::string& requested) const {
  if (ctx.user.role == Role::kDepartmentLiaison) return ctx.user.department;
  return requested;
}

json EntitlementService::Deliveries(const RequestContext& ctx, const std::string& region,
                                    const std::string& department, int64_t page, int64_t page_size) {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.read_children || p.record_deliveries, "查看服务记录");
  const RegionScope scope = ScopeOf(ctx.user);
  const std::string within = RegionWithin(ctx, region);
  page = std::max<int64_t>(page, 1);
  page_size = std::clamp<int64_t>(page_size, 1, 100);
  int64_t total = 0;
  json items = json::array();
  for (const Delivery& d : store_.services().ListDeliveries(scope, within, DepartmentFor(ctx, department),
                                                            (page - 1) * page_size, page_size, &total)) {
    const auto child = store_.GetChild(scope, d.child_id);
    items.push_back(DeliveryJson(d, child ? child->name : ""));
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "delivery.list", within, department, "ok", ctx.remote});
  return {{"items", items}, {"total", total}};
}

json EntitlementService::Coverage(const RequestContext& ctx, const std::string& region) {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.read_children || p.record_deliveries, "查看服务覆盖情况");
  const RegionScope scope = ScopeOf(ctx.user);
  const std::string within = RegionWithin(ctx, region);
  const auto catalogue = this->catalogue();
  std::map<std::string, std::string> area_names;
  for (const auto& a : catalogue->areas) area_names[a.code] = a.name_zh;

  std::map<std::string, std::pair<int64_t, int64_t>> by_item;
  std::map<std::string, json> by_region;
  for (const CountCell& c : store_.services().EntitlementCoverage(scope, within, SubRegionCodeLength(within))) {
    if (!catalogue->FindItem(c.key)) continue;
    by_item[c.key].first += c.total;
    by_item[c.key].second += c.done;
    json& r = by_region[c.region_code];
    if (r.is_null()) r = {{"entitled", 0}, {"received", 0}, {"items", json::object()}};
    r["entitled"] = r["entitled"].get<int64_t>() + c.total;
    r["received"] = r["received"].get<int64_t>() + c.done;
    r["items"][c.key] = {{"entitled", c.total}, {"received", c.done}};
  }
  json items = json::array();
  for (const care::ServiceItem& item : catalogue->items) {
    const auto [entitled, received] = by_item[item.id];
    items.push_back({{"item_id", item.id},
                     {"name_zh", item.name_zh},
                     {"area", item.area},
                     {"area_name", area_names[item.area]},
                     {"department", item.department},
                     {"entitled", entitled},
                     {"received", received},
                     {"rate", Rate(received, entitled)}});
  }
  json regions = json::array();
  for (const Region* sub : regions_.ChildrenOf(within)) {
    json r = by_region.count(sub->code) ? by_region[sub->code]
                                        : json{{"entitled", 0}, {"received", 0}, {"items", json::object()}};
    r["region_code"] = sub->code;
    r["name"] = sub->name;
    r["rate"] = Rate(r["received"].get<int64_t>(), r["entitled"].get<int64_t>());
    regions.push_back(r);
  }
  json departments = json::array();
  for (const CountCell& c : store_.services().DepartmentCoverage(scope, within))
    departments.push_back({{"department", c.key},
                           {"entitled", c.total},
                           {"received", c.done},
                           {"open", c.total - c.done},
                           {"rate", Rate(c.done, c.total)}});
  const Region* self = regions_.Find(within);
  return {{"region_code", within},
          {"region_name", self ? self->name : ""},
          {"items", items},
          {"regions", regions},
          {"departments", departments}};
}

json EntitlementService::OpenItems(const RequestContext& ctx, const std::string& region,
                                   const std::string& department, const std::string& item, int64_t page,
                                   int64_t page_size) {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.read_children || p.record_deliveries, "查看待办服务");
  const RegionScope scope = ScopeOf(ctx.user);
  const std::string within = RegionWithin(ctx, region);
  const std::string dept = DepartmentFor(ctx, department);
  page = std::max<int64_t>(page, 1);
  page_size = std::clamp<int64_t>(page_size, 1, 100);
  const auto catalogue = this->catalogue();
  const Date today = today_();
  int64_t total = 0;
  json items = json::array();
  for (const auto& open : store_.services().OpenItems(scope, within, dept, item, (page - 1) * page_size, page_size,
                                                      &total)) {
    const care::ServiceItem* it = catalogue->FindItem(open.row.item_id);
    const auto birth = ParseIsoDate(open.birth_date);
    const Region* village = regions_.Find(open.row.region_code);
    items.push_back({{"child_id", open.row.child_id},
                     {"child_name", open.child_name},
                     {"age", birth ? json(AgeInYears(*birth, today)) : json(nullptr)},
                     {"region_code", open.row.region_code},
                     {"region_name", village ? village->name : ""},
                     {"item_id", open.row.item_id},
                     {"item_name", it ? it->name_zh : open.row.item_id},
                     {"department", open.row.department}});
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "services.open_items", within, dept + " " + item, "ok",
                 ctx.remote});
  return {{"items", items}, {"total", total}};
}

}  // namespace tongan
