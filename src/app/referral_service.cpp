#include "app/referral_service.h"

#include <algorithm>

#include "app/request_body.h"
#include "app/scope.h"
#include "core/resident_id.h"
#include "store/care_store.h"

namespace tongan {
using nlohmann::json;

const std::vector<std::pair<std::string, std::string>>& ReferralService::ShareableFields() {
  static const std::vector<std::pair<std::string, std::string>> fields = {
      {"name", "姓名"},         {"sex", "性别"},         {"age", "年龄"},
      {"birth_date", "出生日期"}, {"id_number", "身份证号"}, {"address", "现住址"},
      {"guardian", "监护人及联系电话"}, {"schooling", "就学情况"}, {"health", "健康情况"},
      {"disability", "残疾情况"}, {"family_economy", "家庭经济状况"}};
  return fields;
}

std::string ReferralService::ReceiverDepartment(const User& user) const {
  return PermissionsOf(user.role).receive_referrals ? (user.department.empty() ? "\x01" : user.department) : "";
}

json ReferralService::View(const RequestContext& ctx, const Referral& r, bool with_child) {
  const Date today = today_();
  json out = {{"id", r.id},
              {"child_id", r.child_id},
              {"case_id", r.case_id ? json(*r.case_id) : json(nullptr)},
              {"to_department", r.to_department},
              {"request", r.request},
              {"shared_fields", json::parse(r.shared_fields)},
              {"due_date", r.due_date},
              {"overdue", (r.status == "sent" || r.status == "accepted") && r.due_date < FormatIsoDate(today)},
              {"status", r.status},
              {"reply", r.reply},
              {"created_at", r.created_at},
              {"created_by_name", r.created_by_name},
              {"updated_at", r.updated_at}};
  const json shared = json::parse(r.shared_fields);
  const bool name_shared = std::find(shared.begin(), shared.end(), "name") != shared.end();
  if (name_shared || ReceiverDepartment(ctx.user).empty()) {
    const auto named = store_.GetChild(SystemScope(), r.child_id);
    out["child_name"] = named ? named->name : "";
  }
  if (!with_child) return out;
  // The system reads the child on the referral's behalf; only the shared fields leave here.
  const auto child = store_.GetChild(SystemScope(), r.child_id);
  if (!child) return out;
  const json full = children_.View(*child, true);
  const bool receiver = !ReceiverDepartment(ctx.user).empty();
  json shown = json::object();
  for (const auto& f : json::parse(r.shared_fields)) {
    const std::string field = f.get<std::string>();
    if (field == "guardian") {
      shown["guardian"] = {{"name", full["guardian"]["name"]}, {"relation", full["guardian"]["relation"]},
                           {"phone", full["guardian"]["phone"]}, {"mother_phone", full["mother"]["phone"]},
                           {"father_phone", full["father"]["phone"]}};
    } else if (full.contains(field)) {
      shown[field] = full[field];
    }
  }
  if (!receiver) shown = children_.View(*child, PermissionsOf(ctx.user.role).see_identifiers);
  out["child"] = shown;
  return out;
}

json ReferralService::Create(const RequestContext& ctx, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_cases, "发起转介");
  if (!body.is_object()) throw ApiError(400, "bad_json", "请求体应为 JSON 对象");
  for (const auto& [key, value] : body.items())
    if (key != "child_id" && key != "case_id" && key != "to_department" && key != "request" &&
        key != "due_date" && key != "shared_fields")
      throw ApiError(400, "unknown_field", "字段 " + key + " 不是可识别的字段", key);
  if (!body.contains("child_id") || !body["child_id"].is_number_integer())
    throw ApiError(400, "missing_field", "请选择儿童", "child_id");
  const RegionScope scope = ScopeOf(ctx.user);
  const auto child = store_.GetChild(scope, body["child_id"].get<int64_t>());
  if (!child) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内", "child_id");
  Referral r;
  r.child_id = child->id;
  r.region_code = child->region_code;
  if (body.contains("case_id") && !body["case_id"].is_null()) {
    if (!body["case_id"].is_number_integer()) throw ApiError(400, "invalid_field", "case_id 应为整数", "case_id");
    const auto c = store_.care().GetCase(scope, body["case_id"].get<int64_t>());
    if (!c || c->child_id != child->id) throw ApiError(400, "invalid_field", "个案与儿童不符", "case_id");
    r.case_id = c->id;
  }
  r.to_department = BodyText(body, "to_department", 100, true);
  r.request = BodyText(body, "request", 4000, true);
  const auto due = ParseIsoDate(BodyText(body, "due_date", 10, true));
  if (!due) throw ApiError(400, "invalid_field", "办理期限格式应为 YYYY-MM-DD", "due_date");
  if (*due < today_()) throw ApiError(400, "invalid_field", "办理期限不能早于今天", "due_date");
  r.due_date = FormatIsoDate(*due);
  json shared = json::array();
  if (!body.contains("shared_fields") || !body["shared_fields"].is_array() || body["shared_fields"].empty())
    throw ApiError(400, "missing_field", "请选择向接收部门提供的信息", "shared_fields");
  for (const auto& f : body["shared_fields"]) {
    const auto& known = ShareableFields();
    if (!f.is_string() || std::none_of(known.begin(), known.end(), [&](auto& k) { return k.first == f.get<std::string>(); }))
      throw ApiError(400, "invalid_field", "不可共享的字段：" + f.dump(), "shared_fields");
    shared.push_back(f);
  }
  r.shared_fields = shared.dump();
  r.created_by = ctx.user.id;
  r.created_by_name = ctx.user.display_name;
  store_.care().CreateReferral(r, {ctx.user.id, ctx.user.username});
  if (r.case_id) {
    const auto c = *store_.care().GetCase(scope, *r.case_id);
    store_.care().UpdateCase(c, c.version,
                             {0, "", "", "referral", c.stage, c.stage,
                              json{{"referral_id", r.id}, {"to_department", r.to_department}, {"due_date", r.due_date}}.dump()},
                             {ctx.user.id, ctx.user.username});
  }
  care_.Recompute(child->id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "referral.create", "referral:" + std::to_string(r.id),
                 "child:" + std::to_string(child->id) + " → " + r.to_department, "ok", ctx.remote});
  return View(ctx, *store_.care().GetReferral(scope, "", r.id), true);
}

json ReferralService::List(const RequestContext& ctx, const std::string& status) {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.read_children || p.receive_referrals, "查看转介");
  if (!status.empty() && status != "sent" && status != "accepted" && status != "rejected" && status != "done")
    throw ApiError(400, "invalid_field", "status 无效", "status");
  json items = json::array();
  for (const Referral& r : store_.care().ListReferrals(ScopeOf(ctx.user), ReceiverDepartment(ctx.user), status))
    items.push_back(View(ctx, r, false));
  return items;
}

json ReferralService::Get(const RequestContext& ctx, int64_t id) {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.read_children || p.receive_referrals, "查看转介");
  const auto r = store_.care().GetReferral(ScopeOf(ctx.user), ReceiverDepartment(ctx.user), id);
  if (!r) throw ApiError(404, "not_found", "转介不存在或不是发给您所在部门的");
  audit_.Record({"", ctx.user.id, ctx.user.username, "referral.read", "referral:" + std::to_string(id),
                 "child:" + std::to_string(r->child_id), "ok", ctx.remote});
  return View(ctx, *r, true);
}

json ReferralService::Act(const RequestContext& ctx, int64_t id, const json& body) {
  Require(PermissionsOf(ctx.user.role).receive_referrals, "办理转介");
  if (!body.is_object()) throw ApiError(400, "bad_json", "请求体应为 JSON 对象");
  for (const auto& [key, value] : body.items())
    if (key != "action" && key != "reply") throw ApiError(400, "unknown_field", "字段 " + key + " 不是可识别的字段", key);
  auto found = store_.care().GetReferral(ScopeOf(ctx.user), ReceiverDepartment(ctx.user), id);
  if (!found) throw ApiError(404, "not_found", "转介不存在或不是发给您所在部门的");
  Referral r = *found;
  const std::string action = BodyText(body, "action", 20, true);
  const std::string reply = BodyText(body, "reply", 4000, action != "accept");
  const std::string from = r.status;
  if (action == "accept" && from == "sent") r.status = "accepted";
  else if (action == "reject" && from == "sent") r.status = "rejected";
  else if (action == "done" && from == "accepted") r.status = "done";
  else if (action != "accept" && action != "reject" && action != "done")
    throw ApiError(400, "invalid_field", "操作应为 accept、reject 或 done", "action");
  else {
    static const std::map<std::string, std::string> names = {
        {"sent", "待接收"}, {"accepted", "办理中"}, {"rejected", "已退回"}, {"done", "已办结"}};
    const std::string need = action == "done" ? "须先接收才能办结" : "只有待接收的转介才能接收或退回";
    throw ApiError(409, "invalid_referral_transition", "转介当前为「" + names.at(from) + "」，" + need);
  }
  if (!reply.empty()) r.reply = reply;
  if (!store_.care().UpdateReferral(r, from, reply, {ctx.user.id, ctx.user.username}))
    throw ApiError(409, "referral_changed", "转介已被他人处理，请刷新");
  care_.Recompute(r.child_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "referral." + action, "referral:" + std::to_string(id), "",
                 "ok", ctx.remote});
  return View(ctx, *store_.care().GetReferral(ScopeOf(ctx.user), ReceiverDepartment(ctx.user), id), true);
}

json ReferralService::ChildReferrals(const RequestContext& ctx, int64_t child_id) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看转介");
  // A child outside the scope is not found, as on every other child route, not an empty list.
  if (!store_.GetChild(ScopeOf(ctx.user), child_id)) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  json items = json::array();
  for (const Referral& r : store_.care().ChildReferrals(ScopeOf(ctx.user), child_id)) items.push_back(View(ctx, r, false));
  return items;
}

}  // namespace tongan
