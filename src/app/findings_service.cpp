#include "app/findings_service.h"

#include <algorithm>
#include <stdexcept>

#include "app/scope.h"
#include "store/department_store.h"

namespace tongan {
namespace {

using nlohmann::json;

void Paging(int64_t& page, int64_t& page_size) {
  if (page < 1) page = 1;
  if (page_size < 1 || page_size > 200) page_size = 20;
}

json PageJson(const LinkedPage& page, const ProfileCatalog& profiles, bool see) {
  json items = json::array();
  for (const LinkedRecord& item : page.items) items.push_back(LinkedRecordJson(item, profiles, see));
  return {{"items", items}, {"total", page.total}};
}

}  // namespace

std::vector<NeedRule> NeedRulesFromJson(const json& j) {
  const auto fail = [](const std::string& m) { throw std::invalid_argument("比对发现规则有误：" + m); };
  if (!j.is_object() || !j.contains("needs") || !j["needs"].is_array()) fail("缺少 needs 数组");
  std::vector<NeedRule> rules;
  for (const json& r : j["needs"]) {
    NeedRule rule;
    try {
      rule.id = r.at("id").get<std::string>();
      rule.label_zh = r.at("label_zh").get<std::string>();
      rule.department = r.value("department", "");
      rule.subject = r.at("subject").get<std::string>();
      rule.record_kind = r.at("record_kind").get<std::string>();
      if (rule.subject == "records") {
        rule.field = r.at("field").get<std::string>();
        rule.values = r.at("values").get<std::vector<std::string>>();
      } else if (rule.subject == "children") {
        rule.min_age = r.at("min_age").get<int>();
        rule.max_age = r.at("max_age").get<int>();
        if (rule.min_age < 0 || rule.max_age > 17 || rule.min_age > rule.max_age)
          fail(rule.id + " 的年龄范围应在 0–17 周岁之间");
      } else {
        fail(rule.id + " 的 subject 应为 records 或 children");
      }
    } catch (const json::exception&) {
      fail((rule.id.empty() ? std::string("某条规则") : rule.id) + " 缺少字段或类型不对");
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

json FindingsService::RulePage(const RequestContext& ctx, const NeedRule& rule, int64_t offset,
                               int64_t limit) {
  const RegionScope scope = ScopeOf(ctx.user);
  const bool see = PermissionsOf(ctx.user.role).see_identifiers;
  if (rule.subject == "records") {
    json page = PageJson(store_.departments().RowsWithField(scope, rule.record_kind, rule.field,
                                                            rule.values, offset, limit),
                         profiles_, see);
    page["subject"] = "records";
    return page;
  }
  const Date today = today_();
  // Ages min..max completed years: born after the day one turns max+1, on or before turning min.
  const Date oldest = Date{std::chrono::sys_days{LatestBirthForAge(rule.max_age + 1, today)} +
                           std::chrono::days{1}};
  const Date youngest = LatestBirthForAge(rule.min_age, today);
  const ChildPage children = store_.departments().ChildrenLacking(
      scope, {rule.record_kind, {oldest, youngest}, offset, limit});
  json items = json::array();
  for (const Child& c : children.items) items.push_back(children_.View(c, see));
  return {{"subject", "children"}, {"items", items}, {"total", children.total}};
}

json FindingsService::Summary(const RequestContext& ctx) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看比对发现");
  const RegionScope scope = ScopeOf(ctx.user);
  DepartmentStore& d = store_.departments();
  const std::vector<std::string> kinds = d.ImportedKinds(scope);
  json by_department = json::array();
  int64_t unregistered = 0;
  for (const ImportProfile& p : profiles_.all()) {
    const int64_t n = d.ListLinks(scope, {"new", 0, p.record_kind, 0, 0}).total;
    unregistered += n;
    if (n > 0) by_department.push_back({{"department", p.department}, {"profile_name", p.name_zh}, {"count", n}});
  }
  json needs = json::array();
  for (const NeedRule& rule : rules_) {
    const bool available = std::find(kinds.begin(), kinds.end(), rule.record_kind) != kinds.end();
    const int64_t total = available ? RulePage(ctx, rule, 0, 0)["total"].get<int64_t>() : 0;
    needs.push_back({{"id", rule.id}, {"label_zh", rule.label_zh}, {"department", rule.department},
                     {"subject", rule.subject}, {"available", available}, {"total", total}});
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "findings.summary", "", "", "ok", ctx.remote});
  return {{"imported_kinds", kinds},
          {"unregistered", {{"total", unregistered}, {"by_department", by_department}}},
          {"separated", {{"total", d.Separated(scope, 0, 0).total}}},
          {"needs", needs}};
}

json FindingsService::Unregistered(const RequestContext& ctx, int64_t page, int64_t page_size) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看比对发现");
  Paging(page, page_size);
  const LinkedPage result = store_.departments().ListLinks(
      ScopeOf(ctx.user), {"new", 0, "", (page - 1) * page_size, page_size});
  audit_.Record({"", ctx.user.id, ctx.user.username, "findings.read", "", "unregistered", "ok", ctx.remote});
  return PageJson(result, profiles_, PermissionsOf(ctx.user.role).see_identifiers);
}

json FindingsService::Separated(const RequestContext& ctx, int64_t page, int64_t page_size) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看比对发现");
  Paging(page, page_size);
  const LinkedPage result =
      store_.departments().Separated(ScopeOf(ctx.user), (page - 1) * page_size, page_size);
  audit_.Record({"", ctx.user.id, ctx.user.username, "findings.read", "", "separated", "ok", ctx.remote});
  return PageJson(result, profiles_, PermissionsOf(ctx.user.role).see_identifiers);
}

json FindingsService::Needs(const RequestContext& ctx, const std::string& rule_id, int64_t page,
                            int64_t page_size) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看比对发现");
  Paging(page, page_size);
  const auto rule = std::find_if(rules_.begin(), rules_.end(), [&](auto& r) { return r.id == rule_id; });
  if (rule == rules_.end()) throw ApiError(404, "not_found", "没有这条比对发现规则：" + rule_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "findings.read", "", rule_id, "ok", ctx.remote});
  return RulePage(ctx, *rule, (page - 1) * page_size, page_size);
}

}  // namespace tongan
