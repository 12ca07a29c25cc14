#include "app/supply_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "app/request_body.h"
#include "app/scope.h"
#include "care/supply.h"
#include "core/resident_id.h"

namespace tongan {
namespace {

using nlohmann::json;

const std::vector<std::string> kVolunteerTypes = {"爱心妈妈", "五老", "大学生志愿者", "党员志愿者", "其他"};

bool Offers(const std::vector<std::string>& services, const std::string& code) {
  return std::find(services.begin(), services.end(), code) != services.end();
}

int64_t IntField(const json& body, const char* field, int64_t min, int64_t max, int64_t fallback) {
  if (!body.contains(field) || body[field].is_null()) return fallback;
  if (!body[field].is_number_integer()) throw ApiError(400, "invalid_field", std::string(field) + " 应为整数", field);
  const int64_t v = body[field].get<int64_t>();
  if (v < min || v > max)
    throw ApiError(400, "invalid_field",
                   std::string(field) + " 应在 " + std::to_string(min) + " 到 " + std::to_string(max) + " 之间", field);
  return v;
}

Date DateField(const json& body, const char* field, bool required, const char* label_zh) {
  const std::string text = BodyText(body, field, 10, required);
  const auto d = ParseIsoDate(text);
  if (!d) throw ApiError(400, "invalid_field", std::string(label_zh) + "格式应为 YYYY-MM-DD", field);
  return *d;
}


}  // namespace

SupplyService::SupplyService(Store& store, AuditLog& audit, CareService& care, EntitlementService& entitlements,
                             const RegionTree& regions, std::function<Date()> today)
    : store_(store), audit_(audit), care_(care), entitlements_(entitlements), regions_(regions),
      today_(std::move(today)) {
  entitlements_.SetNeedMatcher([this](const Child& child, const std::string& code) { return MetBy(child, code); });
}

void SupplyService::RequireRead(const RequestContext& ctx) const {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.read_children || p.manage_supply || p.record_deliveries, "查看服务资源");
}

std::string SupplyService::NeedName(const std::string& code) const {
  const auto catalogue = entitlements_.catalogue();
  const care::NeedType* need = catalogue->FindNeed(code);
  return need ? need->name_zh : code;
}

std::string SupplyService::RegionName(const std::string& code) const {
  const Region* r = regions_.Find(code);
  return r ? r->name : "";
}

std::vector<std::string> SupplyService::NeedCodes(const json& body, const char* field) const {
  if (!body.contains(field) || !body[field].is_array() || body[field].empty())
    throw ApiError(400, "missing_field", "请选择至少一种服务类型", field);
  const auto catalogue = entitlements_.catalogue();
  std::vector<std::string> codes;
  for (const auto& c : body[field]) {
    if (!c.is_string() || !catalogue->FindNeed(c.get<std::string>()))
      throw ApiError(400, "invalid_field", "未知的服务类型：" + (c.is_string() ? c.get<std::string>() : c.dump()), field);
    if (!Offers(codes, c.get<std::string>())) codes.push_back(c.get<std::string>());
  }
  return codes;
}

json SupplyService::ProviderJson(const Provider& p, bool see_identifiers) const {
  json services = json::array();
  for (const auto& s : p.services) services.push_back({{"code", s}, {"name", NeedName(s)}});
  json project = json::object();
  try {
    project = json::parse(p.project.empty() ? "{}" : p.project);
  } catch (const json::exception&) {
  }
  std::string kind_name;
  for (const auto& [code, name] : care::ProviderKinds())
    if (code == p.kind) kind_name = name;
  return {{"id", p.id},
          {"region_code", p.region_code},
          {"region_name", regions_.FullName(p.region_code)},
          {"kind", p.kind},
          {"kind_name", kind_name},
          {"name", p.name},
          {"volunteer_type", p.volunteer_type},
          {"address", p.address},
          {"contact_name", p.contact_name},
          {"contact_phone", see_identifiers ? p.contact_phone : MaskPhone(p.contact_phone)},
          {"services", p.services},
          {"service_names", services},
          {"capacity", p.capacity},
          {"project", project},
          {"active", p.active},
          {"active_pairings", p.active_pairings},
          {"capacity_left", p.capacity > 0 ? json(std::max<int64_t>(0, p.capacity - p.active_pairings)) : json(nullptr)},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at},
          {"version", p.version}};
}

json SupplyService::ActivityJson(const Activity& a) const {
  json names = json::array();
  for (const auto& s : a.services) names.push_back({{"code", s}, {"name", NeedName(s)}});
  return {{"id", a.id},
          {"provider_id", a.provider_id},
          {"provider_name", a.provider_name},
          {"region_code", a.region_code},
          {"region_name", regions_.FullName(a.region_code)},
          {"title", a.title},
          {"services", a.services},
          {"service_names", names},
          {"starts_on", a.starts_on},
          {"ends_on", a.ends_on},
          {"capacity", a.capacity},
          {"description", a.description},
          {"status", a.status},
          {"participants", a.participants},
          {"attendances", a.attendances},
          {"created_by_name", a.created_by_name}};
}

json SupplyService::PairingJson(const Pairing& p) const {
  return {{"id", p.id},
          {"provider_id", p.provider_id},
          {"provider_name", p.provider_name},
          {"provider_kind", p.provider_kind},
          {"child_id", p.child_id},
          {"child_name", p.child_name},
          {"region_code", p.region_code},
          {"region_name", RegionName(p.region_code)},
          {"need_code", p.need_code},
          {"need_name", NeedName(p.need_code)},
          {"started_on", p.started_on},
          {"ended_on", p.ended_on},
          {"end_reason", p.end_reason},
          {"notes", p.notes},
          {"created_by_name", p.created_by_name}};
}

SupplyService::Supply SupplyService::SupplyAround(const std::string& region) {
  const RegionScope around{region.substr(0, std::min<size_t>(region.size(), 6))};
  Supply s;
  s.providers = store_.services().ListProviders(around, ProviderQuery{});
  s.activities = store_.services().ListActivities(around, "", "", true, FormatIsoDate(today_()));
  return s;
}

json SupplyService::OffersFor(const std::string& child_region, const std::string& need_code,
                              const Supply& supply) const {
  struct Offer {
    care::Reach reach;
    json j;
  };
  std::vector<Offer> offers;
  std::string kind_name;
  for (const Provider& p : supply.providers) {
    if (!p.active || !Offers(p.services, need_code)) continue;
    const care::Reach reach = care::ReachOf(child_region, p.region_code);
    if (reach == care::Reach::kOutside) continue;
    if (p.capacity > 0 && p.active_pairings >= p.capacity) continue;  // full: not an offer
    for (const auto& [code, name] : care::ProviderKinds())
      if (code == p.kind) kind_name = name;
    offers.push_back({reach,
                      {{"type", "provider"},
                       {"id", p.id},
                       {"name", p.name},
                       {"kind", p.kind},
                       {"kind_name", kind_name},
                       {"reach", care::ReachCode(reach)},
                       {"reach_name", care::ReachNameZh(reach)},
                       {"region_name", RegionName(p.region_code)},
                       {"capacity_left", p.capacity > 0 ? json(p.capacity - p.active_pairings) : json(nullptr)}}});
  }
  for (const Activity& a : supply.activities) {
    if (a.status != "open" || !Offers(a.services, need_code)) continue;
    const care::Reach reach = care::ReachOf(child_region, a.region_code);
    if (reach == care::Reach::kOutside) continue;
    if (a.capacity > 0 && a.participants >= a.capacity) continue;
    offers.push_back({reach,
                      {{"type", "activity"},
                       {"id", a.id},
                       {"name", a.title},
                       {"kind", "activity"},
                       {"kind_name", "活动"},
                       {"reach", care::ReachCode(reach)},
                       {"reach_name", care::ReachNameZh(reach)},
                       {"region_name", RegionName(a.region_code)},
                       {"capacity_left", a.capacity > 0 ? json(a.capacity - a.participants) : json(nullptr)}}});
  }
  std::stable_sort(offers.begin(), offers.end(), [](const Offer& a, const Offer& b) { return a.reach < b.reach; });
  json out = json::array();
  for (const Offer& o : offers) out.push_back(o.j);
  return out;
}

std::string SupplyService::MetBy(const Child& child, const std::string& need_code) {
  const RegionScope system = SystemScope();
  for (const Pairing& p : store_.services().ChildPairings(system, child.id))
    if (p.ended_on.empty() && p.need_code == need_code) return "pairing:" + std::to_string(p.id);
  const std::string today = FormatIsoDate(today_());
  for (const auto& [activity, participant] : store_.services().ChildActivities(system, child.id))
    if (participant.withdrawn_at.empty() && activity.status != "cancelled" && activity.ends_on >= today &&
        Offers(activity.services, need_code))
      return "activity:" + std::to_string(activity.id);
  return "";
}

std::string SupplyService::MetLabel(const RegionScope& scope, const std::string& met_by) const {
  const size_t colon = met_by.find(':');
  if (colon == std::string::npos) return "";
  const std::string kind = met_by.substr(0, colon), id = met_by.substr(colon + 1);
  if (kind == "item") {
    const auto catalogue = entitlements_.catalogue();
    const care::ServiceItem* item = catalogue->FindItem(id);
    return "已享受服务项目：" + (item ? item->name_zh : id);
  }
  try {
    if (kind == "pairing") {
      if (auto p = store_.services().GetPairing(scope, std::stoll(id))) return "结对帮扶：" + p->provider_name;
    } else if (kind == "activity") {
      if (auto a = store_.services().GetActivity(scope, std::stoll(id))) return "参加活动：" + a->title;
    }
  } catch (const std::exception&) {
  }
  return met_by;
}

json SupplyService::ChildServices(const RequestContext& ctx, int64_t child_id) {
  json out = entitlements_.ChildServices(ctx, child_id);  // checks permission and scope, audits
  const RegionScope scope = ScopeOf(ctx.user);
  const auto child = store_.GetChild(scope, child_id);
  if (!child) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  const Supply supply = SupplyAround(child->region_code);
  json needs = json::array();
  for (const NeedRow& n : store_.services().ChildNeeds(scope, child_id))
    needs.push_back({{"need_code", n.need_code},
                     {"name_zh", NeedName(n.need_code)},
                     {"source", n.source},
                     {"met_by", n.met_by},
                     {"met_label", MetLabel(scope, n.met_by)},
                     {"offers", OffersFor(child->region_code, n.need_code, supply)}});
  out["needs"] = needs;
  json pairings = json::array();
  for (const Pairing& p : store_.services().ChildPairings(scope, child_id)) pairings.push_back(PairingJson(p));
  out["pairings"] = pairings;
  json activities = json::array();
  for (const auto& [a, participant] : store_.services().ChildActivities(scope, child_id)) {
    json j = ActivityJson(a);
    j["attended"] = participant.attended;
    j["withdrawn_at"] = participant.withdrawn_at;
    activities.push_back(j);
  }
  out["activities"] = activities;
  return out;
}

json SupplyService::Providers(const RequestContext& ctx, const std::string& region, const std::string& kind,
                              const std::string& service, bool include_inactive) {
  RequireRead(ctx);
  const RegionScope scope = ScopeOf(ctx.user);
  if (!region.empty() && !region.starts_with(scope.root_code))
    throw ApiError(403, "forbidden", "区域不在您的管辖范围内");
  ProviderQuery q;
  q.region_code = region;
  q.kind = kind;
  q.service = service;
  q.active_only = !include_inactive;
  const bool see = PermissionsOf(ctx.user.role).see_identifiers;
  json out = json::array();
  for (const Provider& p : store_.services().ListProviders(scope, q)) out.push_back(ProviderJson(p, see));
  return out;
}

namespace {

// The fields a provider is written from; shared by create and update.
void ReadProvider(const json& body, Provider& p) {
  p.kind = BodyText(body, "kind", 30, true);
  if (!care::IsProviderKind(p.kind)) throw ApiError(400, "invalid_field", "未知的机构类型：" + p.kind, "kind");
  p.name = BodyText(body, "name", 100, true);
  p.volunteer_type = BodyText(body, "volunteer_type", 20, false);
  if (p.kind == "volunteer") {
    if (p.volunteer_type.empty()) p.volunteer_type = "其他";
    if (std::find(kVolunteerTypes.begin(), kVolunteerTypes.end(), p.volunteer_type) == kVolunteerTypes.end())
      throw ApiError(400, "invalid_field", "志愿者类型应为 爱心妈妈、五老、大学生志愿者、党员志愿者 或 其他",
                     "volunteer_type");
  } else if (!p.volunteer_type.empty()) {
    throw ApiError(400, "invalid_field", "只有志愿者填写志愿者类型", "volunteer_type");
  }
  p.address = BodyText(body, "address", 200, false);
  p.contact_name = BodyText(body, "contact_name", 50, false);
  p.contact_phone = BodyText(body, "contact_phone", 20, false);
  if (!std::all_of(p.contact_phone.begin(), p.contact_phone.end(),
                   [](char c) { return (c >= '0' && c <= '9') || c == '-' || c == ' '; }))
    throw ApiError(400, "invalid_field", "联系电话只能含数字和“-”", "contact_phone");
  p.capacity = IntField(body, "capacity", 0, 100000, 0);
  json project = json::object();
  if (body.contains("project") && !body["project"].is_null()) {
    const json& pj = body["project"];
    if (!pj.is_object()) throw ApiError(400, "invalid_field", "project 应为对象", "project");
    RejectUnknownFields(pj, {"name", "funder", "amount", "starts_on", "ends_on"});
    const std::string name = BodyText(pj, "name", 200, false);
    if (!name.empty()) {
      project["name"] = name;
      project["funder"] = BodyText(pj, "funder", 100, false);
      if (pj.contains("amount") && !pj["amount"].is_null()) {
        if (!pj["amount"].is_number() || pj["amount"].get<double>() < 0)
          throw ApiError(400, "invalid_field", "项目金额应为非负数（元）", "project.amount");
        project["amount"] = pj["amount"];
      }
      for (const char* f : {"starts_on", "ends_on"}) {
        const std::string d = BodyText(pj, f, 10, false);
        if (!d.empty() && !ParseIsoDate(d))
          throw ApiError(400, "invalid_field", "项目起止日期格式应为 YYYY-MM-DD", std::string("project.") + f);
        project[f] = d;
      }
      if (!project["starts_on"].get<std::string>().empty() && !project["ends_on"].get<std::string>().empty() &&
          project["ends_on"].get<std::string>() < project["starts_on"].get<std::string>())
        throw ApiError(400, "invalid_field", "项目结束日期早于开始日期", "project.ends_on");
    }
  }
  p.project = project.dump();
}

}  // namespace

json SupplyService::CreateProvider(const RequestContext& ctx, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_supply, "管理服务资源");
  RejectUnknownFields(body, {"region_code", "kind", "name", "volunteer_type", "address", "contact_name",
                             "contact_phone", "services", "capacity", "project"});
  const RegionScope scope = ScopeOf(ctx.user);
  Provider p;
  p.region_code = BodyText(body, "region_code", 12, true);
  if (!p.region_code.starts_with(scope.root_code) || !regions_.Contains(p.region_code))
    throw ApiError(400, "invalid_field", "服务区域应为您管辖范围内的区划", "region_code");
  ReadProvider(body, p);
  p.services = NeedCodes(body, "services");
  p.active = true;
  store_.services().CreateProvider(p);
  audit_.Record({"", ctx.user.id, ctx.user.username, "provider.create", "provider:" + std::to_string(p.id), p.name,
                 "ok", ctx.remote});
  return GetProvider(ctx, p.id);
}

json SupplyService::GetProvider(const RequestContext& ctx, int64_t id) {
  RequireRead(ctx);
  const RegionScope scope = ScopeOf(ctx.user);
  const auto p = store_.services().GetProvider(scope, id);
  if (!p) throw ApiError(404, "not_found", "服务机构不存在或不在您的管辖范围内");
  json out = ProviderJson(*p, PermissionsOf(ctx.user.role).see_identifiers);
  json activities = json::array();
  for (const Activity& a : store_.services().ListActivities(scope, "", "", false, ""))
    if (a.provider_id == id) activities.push_back(ActivityJson(a));
  out["activities"] = activities;
  json pairings = json::array();
  if (PermissionsOf(ctx.user.role).read_children)
    for (const Pairing& pr : store_.services().ListPairings(scope, id, false)) pairings.push_back(PairingJson(pr));
  out["pairings"] = pairings;
  return out;
}

json SupplyService::UpdateProvider(const RequestContext& ctx, int64_t id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_supply, "管理服务资源");
  RejectUnknownFields(body, {"region_code", "kind", "name", "volunteer_type", "address", "contact_name",
                             "contact_phone", "services", "capacity", "project", "active", "version"});
  const RegionScope scope = ScopeOf(ctx.user);
  auto p = store_.services().GetProvider(scope, id);
  // Visible from above is not editable: a village sees its township's 儿童之家 but does not run it.
  if (!p || !p->region_code.starts_with(scope.root_code))
    throw ApiError(404, "not_found", "服务机构不存在或不在您的管辖范围内");
  const int64_t version = IntField(body, "version", 0, INT64_MAX, -1);
  if (version < 0) throw ApiError(400, "missing_field", "缺少 version", "version");
  if (body.contains("region_code")) {
    const std::string region = BodyText(body, "region_code", 12, true);
    if (!region.starts_with(scope.root_code) || !regions_.Contains(region))
      throw ApiError(400, "invalid_field", "服务区域应为您管辖范围内的区划", "region_code");
    p->region_code = region;
  }
  const std::string phone = p->contact_phone;
  ReadProvider(body, *p);
  // A masked phone sent back unchanged keeps the real one.
  if (!PermissionsOf(ctx.user.role).see_identifiers && p->contact_phone == MaskPhone(phone)) p->contact_phone = phone;
  p->services = NeedCodes(body, "services");
  if (body.contains("active")) {
    if (!body["active"].is_boolean()) throw ApiError(400, "invalid_field", "active 应为 true 或 false", "active");
    p->active = body["active"];
  }
  if (!store_.services().UpdateProvider(scope, *p, version))
    throw ApiError(409, "version_conflict", "该机构信息已被他人修改，请刷新后重试");
  audit_.Record({"", ctx.user.id, ctx.user.username, "provider.update", "provider:" + std::to_string(id), p->name,
                 "ok", ctx.remote});
  return GetProvider(ctx, id);
}

json SupplyService::Activities(const RequestContext& ctx, const std::string& region, const std::string& service,
                               bool open_only) {
  RequireRead(ctx);
  const RegionScope scope = ScopeOf(ctx.user);
  if (!region.empty() && !region.starts_with(scope.root_code))
    throw ApiError(403, "forbidden", "区域不在您的管辖范围内");
  json out = json::array();
  for (const Activity& a : store_.services().ListActivities(scope, region, service, open_only, FormatIsoDate(today_())))
    out.push_back(ActivityJson(a));
  return out;
}

json SupplyService::CreateActivity(const RequestContext& ctx, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_supply, "管理服务资源");
  RejectUnknownFields(body, {"provider_id", "region_code", "title", "services", "starts_on", "ends_on", "capacity",
                             "description"});
  const RegionScope scope = ScopeOf(ctx.user);
  const int64_t provider_id = IntField(body, "provider_id", 1, INT64_MAX, 0);
  const auto provider = provider_id ? store_.services().GetProvider(scope, provider_id) : std::nullopt;
  if (!provider) throw ApiError(400, "invalid_field", "请选择举办活动的服务机构", "provider_id");
  if (!provider->active) throw ApiError(409, "provider_inactive", "该服务机构已停用");
  Activity a;
  a.provider_id = provider->id;
  // An activity is run by the region that creates it: a village's class at the township's 儿童之家
  // belongs to the village.
  a.region_code = BodyText(body, "region_code", 12, false);
  if (a.region_code.empty())
    a.region_code = provider->region_code.starts_with(scope.root_code) ? provider->region_code : scope.root_code;
  if (!a.region_code.starts_with(scope.root_code) || !regions_.Contains(a.region_code))
    throw ApiError(400, "invalid_field", "活动区域应为您管辖范围内的区划", "region_code");
  a.title = BodyText(body, "title", 100, true);
  a.services = NeedCodes(body, "services");
  const Date starts = DateField(body, "starts_on", true, "开始日期");
  const Date ends = DateField(body, "ends_on", true, "结束日期");
  if (ends < starts) throw ApiError(400, "invalid_field", "结束日期早于开始日期", "ends_on");
  a.starts_on = FormatIsoDate(starts);
  a.ends_on = FormatIsoDate(ends);
  a.capacity = IntField(body, "capacity", 0, 100000, 0);
  a.description = BodyText(body, "description", 2000, false);
  a.status = "open";
  a.created_by_name = ctx.user.display_name;
  store_.services().CreateActivity(a);
  audit_.Record({"", ctx.user.id, ctx.user.username, "activity.create", "activity:" + std::to_string(a.id), a.title,
                 "ok", ctx.remote});
  return GetActivity(ctx, a.id);
}

json SupplyService::GetActivity(const RequestContext& ctx, int64_t id) {
  RequireRead(ctx);
  const RegionScope scope = ScopeOf(ctx.user);
  const auto a = store_.services().GetActivity(scope, id);
  if (!a) throw ApiError(404, "not_found", "活动不存在或不在您的管辖范围内");
  json out = ActivityJson(*a);
  json participants = json::array();
  if (PermissionsOf(ctx.user.role).read_children)
    for (const Participant& p : store_.services().Participants(scope, id))
      participants.push_back({{"child_id", p.child_id},
                              {"child_name", p.child_name},
                              {"region_code", p.region_code},
                              {"region_name", RegionName(p.region_code)},
                              {"signed_up_at", p.signed_up_at},
                              {"signed_up_by_name", p.signed_up_by_name},
                              {"withdrawn_at", p.withdrawn_at},
                              {"attended", p.attended}});
  out["participant_list"] = participants;
  return out;
}

json SupplyService::SetActivityStatus(const RequestContext& ctx, int64_t id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_supply, "管理服务资源");
  RejectUnknownFields(body, {"status"});
  const RegionScope scope = ScopeOf(ctx.user);
  const std::string status = BodyText(body, "status", 20, true);
  if (status != "open" && status != "closed" && status != "cancelled")
    throw ApiError(400, "invalid_field", "活动状态应为 open、closed 或 cancelled", "status");
  const auto a = store_.services().GetActivity(scope, id);
  if (!a || !a->region_code.starts_with(scope.root_code))
    throw ApiError(404, "not_found", "活动不存在或不在您的管辖范围内");
  store_.services().SetActivityStatus(scope, id, status);
  // Participants' needs may no longer be met by a cancelled activity.
  for (const Participant& p : store_.services().Participants(SystemScope(), id)) care_.Recompute(p.child_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "activity.status", "activity:" + std::to_string(id), status,
                 "ok", ctx.remote});
  return GetActivity(ctx, id);
}

json SupplyService::SignUp(const RequestContext& ctx, int64_t activity_id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_supply, "为儿童报名活动");
  RejectUnknownFields(body, {"child_id"});
  const RegionScope scope = ScopeOf(ctx.user);
  const auto a = store_.services().GetActivity(scope, activity_id);
  if (!a) throw ApiError(404, "not_found", "活动不存在或不在您的管辖范围内");
  const int64_t child_id = IntField(body, "child_id", 1, INT64_MAX, 0);
  const auto child = child_id ? store_.GetChild(scope, child_id) : std::nullopt;
  if (!child) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  if (a->status != "open" || a->ends_on < FormatIsoDate(today_()))
    throw ApiError(409, "activity_closed", "活动已结束或已停止报名");
  if (a->capacity > 0 && a->participants >= a->capacity)
    throw ApiError(409, "activity_full", "活动名额已满（" + std::to_string(a->capacity) + " 人）");
  if (!store_.services().SignUp(activity_id, child_id, child->region_code, ctx.user.display_name))
    throw ApiError(409, "already_signed_up", child->name + " 已报名该活动");
  care_.Recompute(child_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "activity.sign_up", "child:" + std::to_string(child_id),
                 "activity:" + std::to_string(activity_id), "ok", ctx.remote});
  return GetActivity(ctx, activity_id);
}

json SupplyService::Withdraw(const RequestContext& ctx, int64_t activity_id, int64_t child_id) {
  Require(PermissionsOf(ctx.user.role).manage_supply, "为儿童退出活动");
  const RegionScope scope = ScopeOf(ctx.user);
  if (!store_.services().GetActivity(scope, activity_id)) throw ApiError(404, "not_found", "活动不存在或不在您的管辖范围内");
  if (!store_.GetChild(scope, child_id)) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  if (!store_.services().Withdraw(activity_id, child_id)) throw ApiError(409, "not_signed_up", "该儿童未报名该活动");
  care_.Recompute(child_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "activity.withdraw", "child:" + std::to_string(child_id),
                 "activity:" + std::to_string(activity_id), "ok", ctx.remote});
  return GetActivity(ctx, activity_id);
}

json SupplyService::Attendance(const RequestContext& ctx, int64_t activity_id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_supply, "登记活动签到");
  RejectUnknownFields(body, {"session_date", "child_ids"});
  const RegionScope scope = ScopeOf(ctx.user);
  const auto a = store_.services().GetActivity(scope, activity_id);
  if (!a) throw ApiError(404, "not_found", "活动不存在或不在您的管辖范围内");
  const std::string session = FormatIsoDate(DateField(body, "session_date", true, "活动日期"));
  if (session < a->starts_on || session > a->ends_on)
    throw ApiError(400, "invalid_field", "活动日期应在 " + a->starts_on + " 至 " + a->ends_on + " 之间", "session_date");
  if (session > FormatIsoDate(today_())) throw ApiError(400, "invalid_field", "不能登记未来日期的签到", "session_date");
  if (!body.contains("child_ids") || !body["child_ids"].is_array() || body["child_ids"].empty() ||
      body["child_ids"].size() > 1000)
    throw ApiError(400, "missing_field", "请选择签到的儿童", "child_ids");
  int64_t recorded = 0;
  json skipped = json::array();
  for (const auto& id : body["child_ids"]) {
    if (!id.is_number_integer()) throw ApiError(400, "invalid_field", "child_ids 应为整数列表", "child_ids");
    const int64_t child_id = id.get<int64_t>();
    if (!store_.GetChild(scope, child_id)) {
      skipped.push_back({{"child_id", child_id}, {"reason", "儿童不存在或不在您的管辖范围内"}});
    } else if (store_.services().RecordAttendance(activity_id, child_id, session, ctx.user.display_name)) {
      ++recorded;
    } else {
      skipped.push_back({{"child_id", child_id}, {"reason", "未报名或该日已签到"}});
    }
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "activity.attendance", "activity:" + std::to_string(activity_id),
                 session + " " + std::to_string(recorded) + " 人", "ok", ctx.remote});
  return {{"recorded", recorded}, {"skipped", skipped}};
}

json SupplyService::CreatePairing(const RequestContext& ctx, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_supply, "建立结对帮扶");
  RejectUnknownFields(body, {"provider_id", "child_id", "need_code", "started_on", "notes"});
  const RegionScope scope = ScopeOf(ctx.user);
  const int64_t provider_id = IntField(body, "provider_id", 1, INT64_MAX, 0);
  const auto provider = provider_id ? store_.services().GetProvider(scope, provider_id) : std::nullopt;
  if (!provider) throw ApiError(400, "invalid_field", "请选择结对的志愿者或机构", "provider_id");
  if (!provider->active) throw ApiError(409, "provider_inactive", "该志愿者或机构已停用");
  const int64_t child_id = IntField(body, "child_id", 1, INT64_MAX, 0);
  const auto child = child_id ? store_.GetChild(scope, child_id) : std::nullopt;
  if (!child) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  const std::string need = BodyText(body, "need_code", 50, true);
  if (!entitlements_.catalogue()->FindNeed(need)) throw ApiError(400, "invalid_field", "未知的需求类型：" + need, "need_code");
  if (!Offers(provider->services, need))
    throw ApiError(400, "invalid_field", provider->name + " 不提供“" + NeedName(need) + "”服务", "need_code");
  const Date started = DateField(body, "started_on", true, "结对日期");
  if (started > today_()) throw ApiError(400, "invalid_field", "结对日期不能晚于今天", "started_on");
  for (const Pairing& p : store_.services().ChildPairings(scope, child_id))
    if (p.ended_on.empty() && p.provider_id == provider_id)
      throw ApiError(409, "pairing_exists", child->name + " 已与 " + provider->name + " 结对");
  if (provider->capacity > 0 && provider->active_pairings >= provider->capacity)
    throw ApiError(409, "provider_full", provider->name + " 的结对名额已满（" + std::to_string(provider->capacity) + "）");
  Pairing p;
  p.provider_id = provider_id;
  p.child_id = child_id;
  p.region_code = child->region_code;
  p.need_code = need;
  p.started_on = FormatIsoDate(started);
  p.notes = BodyText(body, "notes", 1000, false);
  p.created_by_name = ctx.user.display_name;
  store_.services().CreatePairing(p);
  care_.Recompute(child_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "pairing.create", "child:" + std::to_string(child_id),
                 "provider:" + std::to_string(provider_id), "ok", ctx.remote});
  const auto saved = store_.services().GetPairing(scope, p.id);
  return PairingJson(saved ? *saved : p);
}

json SupplyService::EndPairing(const RequestContext& ctx, int64_t id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_supply, "结束结对帮扶");
  RejectUnknownFields(body, {"ended_on", "reason"});
  const RegionScope scope = ScopeOf(ctx.user);
  const auto p = store_.services().GetPairing(scope, id);
  if (!p) throw ApiError(404, "not_found", "结对不存在或不在您的管辖范围内");
  const Date ended = DateField(body, "ended_on", true, "结束日期");
  if (ended > today_()) throw ApiError(400, "invalid_field", "结束日期不能晚于今天", "ended_on");
  if (FormatIsoDate(ended) < p->started_on) throw ApiError(400, "invalid_field", "结束日期早于结对日期", "ended_on");
  const std::string reason = BodyText(body, "reason", 500, true);
  if (!store_.services().EndPairing(scope, id, FormatIsoDate(ended), reason))
    throw ApiError(409, "pairing_ended", "该结对已结束");
  care_.Recompute(p->child_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "pairing.end", "pairing:" + std::to_string(id), reason, "ok",
                 ctx.remote});
  return PairingJson(*store_.services().GetPairing(scope, id));
}

json SupplyService::Pairings(const RequestContext& ctx, int64_t provider_id, bool active_only) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看结对帮扶");
  json out = json::array();
  for (const Pairing& p : store_.services().ListPairings(ScopeOf(ctx.user), provider_id, active_only))
    out.push_back(PairingJson(p));
  return out;
}

json SupplyService::Needs(const RequestContext& ctx, const std::string& region) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看供需情况");
  const RegionScope scope = ScopeOf(ctx.user);
  const std::string within = region.empty() ? scope.root_code : region;
  if (!within.starts_with(scope.root_code)) throw ApiError(403, "forbidden", "区域不在您的管辖范围内");
  const size_t level = SubRegionCodeLength(within);
  const auto catalogue = entitlements_.catalogue();

  // Supply serving the region: inside it, or from above (a county-wide organisation).
  const RegionScope around{within};
  const auto providers = store_.services().ListProviders(around, ProviderQuery{});
  const auto activities = store_.services().ListActivities(around, "", "", true, FormatIsoDate(today_()));

  struct Cell {
    int64_t children = 0, unmet = 0, providers = 0, activities = 0, local_supply = 0;
  };
  std::map<std::string, std::map<std::string, Cell>> cells;  // sub-region → need → cell
  std::vector<std::pair<std::string, std::string>> subs;     // code, name
  for (const Region* r : regions_.ChildrenOf(within)) subs.emplace_back(r->code, r->name);
  for (const CountCell& c : store_.services().NeedCounts(scope, within, level)) {
    Cell& cell = cells[c.region_code][c.key];
    cell.children += c.total;
    cell.unmet += c.total - c.done;
  }
  const auto count_supply = [&](const std::string& sub, const std::string& supply_region,
                                const std::vector<std::string>& services, bool provider) {
    const bool inside = supply_region.starts_with(sub);
    if (!inside && !sub.starts_with(supply_region)) return;
    for (const std::string& code : services) {
      Cell& cell = cells[sub][code];
      (provider ? cell.providers : cell.activities) += 1;
      if (inside) cell.local_supply += 1;
    }
  };
  for (const auto& [code, name] : subs) {
    for (const Provider& p : providers) count_supply(code, p.region_code, p.services, true);
    for (const Activity& a : activities) count_supply(code, a.region_code, a.services, false);
  }

  json need_types = json::array();
  for (const care::NeedType& n : catalogue->need_types) need_types.push_back({{"code", n.code}, {"name_zh", n.name_zh}});
  json rows = json::array();
  std::map<std::string, Cell> totals;
  json mismatches = json::array();
  for (const auto& [code, name] : subs) {
    json needs = json::object();
    for (const auto& [need, cell] : cells[code]) {
      needs[need] = {{"children", cell.children}, {"unmet", cell.unmet}, {"providers", cell.providers},
                     {"activities", cell.activities}};
      Cell& t = totals[need];
      t.children += cell.children;
      t.unmet += cell.unmet;
      const int64_t supply = cell.providers + cell.activities;
      if (cell.unmet > 0 && supply == 0)
        mismatches.push_back({{"region_code", code}, {"name", name}, {"kind", "demand_without_supply"},
                              {"need_code", need}, {"need_name", NeedName(need)}, {"children", cell.unmet},
                              {"supply", 0}});
      if (cell.local_supply > 0 && cell.children == 0)
        mismatches.push_back({{"region_code", code}, {"name", name}, {"kind", "supply_without_demand"},
                              {"need_code", need}, {"need_name", NeedName(need)}, {"children", 0},
                              {"supply", cell.local_supply}});
    }
    rows.push_back({{"region_code", code}, {"name", name}, {"needs", needs}});
  }
  // Region totals count each provider and activity once.
  for (const Provider& p : providers)
    for (const std::string& s : p.services) totals[s].providers += 1;
  for (const Activity& a : activities)
    for (const std::string& s : a.services) totals[s].activities += 1;
  json total_json = json::object();
  for (const auto& [need, t] : totals)
    total_json[need] = {{"children", t.children}, {"unmet", t.unmet}, {"providers", t.providers},
                        {"activities", t.activities}};
  std::stable_sort(mismatches.begin(), mismatches.end(), [](const json& a, const json& b) {
    return a["children"].get<int64_t>() + a["supply"].get<int64_t>() >
           b["children"].get<int64_t>() + b["supply"].get<int64_t>();
  });
  const Region* self = regions_.Find(within);
  return {{"region_code", within},
          {"region_name", self ? self->name : ""},
          {"need_types", need_types},
          {"regions", rows},
          {"totals", total_json},
          {"mismatches", mismatches}};
}

json SupplyService::Unmet(const RequestContext& ctx, const std::string& region, const std::string& need,
                          int64_t page, int64_t page_size) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看未满足需求");
  const RegionScope scope = ScopeOf(ctx.user);
  const std::string within = region.empty() ? scope.root_code : region;
  if (!within.starts_with(scope.root_code)) throw ApiError(403, "forbidden", "区域不在您的管辖范围内");
  page = std::max<int64_t>(page, 1);
  page_size = std::clamp<int64_t>(page_size, 1, 100);
  int64_t total = 0;
  std::map<std::string, Supply> by_county;
  const Date today = today_();
  json items = json::array();
  for (const auto& open : store_.services().UnmetNeeds(scope, within, need, (page - 1) * page_size, page_size, &total)) {
    const std::string county = open.row.region_code.substr(0, 6);
    if (!by_county.count(county)) by_county[county] = SupplyAround(county);
    const json offers = OffersFor(open.row.region_code, open.row.need_code, by_county[county]);
    const auto birth = ParseIsoDate(open.birth_date);
    items.push_back({{"child_id", open.row.child_id},
                     {"child_name", open.child_name},
                     {"age", birth ? json(AgeInYears(*birth, today)) : json(nullptr)},
                     {"region_code", open.row.region_code},
                     {"region_name", RegionName(open.row.region_code)},
                     {"need_code", open.row.need_code},
                     {"need_name", NeedName(open.row.need_code)},
                     {"source", open.row.source},
                     {"nearest", offers.empty() ? "none" : offers[0]["reach"].get<std::string>()},
                     {"offers", offers.size()}});
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "services.unmet", within, need, "ok", ctx.remote});
  return {{"items", items}, {"total", total}};
}

}  // namespace tongan
