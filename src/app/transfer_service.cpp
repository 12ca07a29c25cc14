#include "app/transfer_service.h"

#include <algorithm>

#include "app/request_body.h"
#include "app/scope.h"
#include "core/classification.h"
#include "core/resident_id.h"
#include "store/care_store.h"

namespace tongan {
namespace {

using nlohmann::json;

bool Incoming(const std::string& direction) {
  if (direction != "incoming" && direction != "outgoing")
    throw ApiError(400, "invalid_field", "direction 应为 incoming 或 outgoing", "direction");
  return direction == "incoming";
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& TransferService::PushKinds() {
  static const std::vector<std::pair<std::string, std::string>> kinds = {
      {"key_care", "重点关爱服务对象信息"},
      {"dibao", "最低生活保障申请"},
      {"orphan", "孤儿认定申请"},
      {"de_facto_unsupported", "事实无人抚养儿童认定申请"},
      {"disability_subsidy", "残疾人两项补贴申请"}};
  return kinds;
}

json TransferService::Brief(int64_t child_id) {
  // Read on the system's behalf for the other county: identity and the reasons to act only.
  const auto child = store_.GetChild(SystemScope(), child_id);
  if (!child) return nullptr;
  const Classification cls = Classify(*child, today_(), children_.config(), &regions_);
  json classes = json::array();
  for (ChildClass c : AllChildClasses())
    if (cls.Has(c)) classes.push_back(std::string(ChildClassNameZh(c)));
  return {{"name", child->name},
          {"sex", std::string(SexNameZh(child->sex))},
          {"birth_date", FormatIsoDate(child->birth_date)},
          {"id_number", MaskIdNumber(child->id_number)},
          {"region_name", regions_.FullName(child->region_code)},
          {"hukou_region_name", regions_.FullName(child->hukou_region_code)},
          {"classes", classes},
          {"class_reasons", cls.reasons}};
}

json TransferService::TransferJson(const Transfer& t, bool with_child) {
  json out = {{"id", t.id}, {"child_id", t.child_id}, {"from_region", t.from_region},
              {"from_region_name", regions_.FullName(t.from_region)}, {"to_county", t.to_county},
              {"to_county_name", regions_.FullName(t.to_county)}, {"reason", t.reason}, {"status", t.status},
              {"reply", t.reply}, {"to_region", t.to_region}, {"created_at", t.created_at},
              {"created_by_name", t.created_by_name}, {"decided_at", t.decided_at},
              {"decided_by_name", t.decided_by_name}};
  if (with_child) out["child"] = Brief(t.child_id);
  return out;
}

json TransferService::PushJson(const ::tongan::Push& p, bool with_child) {
  std::string kind_name = p.kind;
  for (const auto& [code, name] : PushKinds())
    if (code == p.kind) kind_name = name;
  json out = {{"id", p.id}, {"child_id", p.child_id}, {"from_region", p.from_region},
              {"from_region_name", regions_.FullName(p.from_region)}, {"to_county", p.to_county},
              {"to_county_name", regions_.FullName(p.to_county)}, {"kind", p.kind}, {"kind_name", kind_name},
              {"note", p.note}, {"status", p.status}, {"reply", p.reply}, {"created_at", p.created_at},
              {"created_by_name", p.created_by_name}, {"replied_at", p.replied_at},
              {"replied_by_name", p.replied_by_name}};
  if (with_child) out["child"] = Brief(p.child_id);
  return out;
}

json TransferService::RequestTransfer(const RequestContext& ctx, int64_t child_id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_cases, "办理档案转移");
  RejectUnknownFields(body, {"to_county", "reason"});
  const auto child = store_.GetChild(ScopeOf(ctx.user), child_id);
  if (!child) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  const std::string to = BodyText(body, "to_county", 6, true);
  if (to.size() != 6 || !regions_.Contains(to))
    throw ApiError(400, "invalid_field", "迁入地应为有效的县级区划代码（6位）", "to_county");
  if (child->region_code.rfind(to, 0) == 0) throw ApiError(400, "invalid_field", "迁入地与现居住县相同", "to_county");
  for (const Transfer& t : store_.care().ChildTransfers(child_id))
    if (t.status == "pending") throw ApiError(409, "transfer_pending", "该儿童已有待对方接收的转移，请等待处理");
  Transfer t;
  t.child_id = child_id;
  t.from_region = child->region_code;
  t.to_county = to;
  t.reason = BodyText(body, "reason", 2000, true);
  t.created_by_name = ctx.user.display_name;
  store_.care().CreateTransfer(t);
  audit_.Record({"", ctx.user.id, ctx.user.username, "transfer.request", "child:" + std::to_string(child_id),
                 "→" + to, "ok", ctx.remote});
  return TransferJson(*store_.care().GetTransfer(t.id), false);
}

json TransferService::Transfers(const RequestContext& ctx, const std::string& direction) {
  Require(PermissionsOf(ctx.user.role).manage_cases, "办理档案转移");
  const bool incoming = Incoming(direction);
  json out = json::array();
  for (const Transfer& t : store_.care().ListTransfers(ScopeOf(ctx.user), incoming))
    out.push_back(TransferJson(t, incoming && t.status == "pending"));
  return out;
}

json TransferService::AcceptTransfer(const RequestContext& ctx, int64_t id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_cases, "接收档案");
  RejectUnknownFields(body, {"region_code", "address"});
  const RegionScope scope = ScopeOf(ctx.user);
  const auto t = store_.care().GetTransfer(id);
  if (!t || t->to_county.rfind(scope.root_code, 0) != 0)
    throw ApiError(404, "not_found", "转移不存在或不是转入您辖区的");
  if (t->status != "pending") throw ApiError(409, "transfer_decided", "该转移已处理");
  const std::string region = BodyText(body, "region_code", 12, true);
  if (region.size() != 12 || region.rfind(t->to_county, 0) != 0 || !RegionWithin(region, scope.root_code) ||
      !regions_.Contains(region))
    throw ApiError(400, "invalid_field", "请选择本县的村（社区）", "region_code");
  Child moved = *store_.GetChild(SystemScope(), t->child_id);
  moved.region_code = region;
  moved.address = BodyText(body, "address", 300, true);
  moved.residence_since = today_();
  if (!store_.AcceptTransfer(id, moved, children_.BasisOf(moved), {ctx.user.id, ctx.user.username},
                             ctx.user.display_name))
    throw ApiError(409, "transfer_decided", "该转移已处理");
  care_.Recompute(moved.id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "transfer.accept", "child:" + std::to_string(moved.id),
                 t->from_region + "→" + region, "ok", ctx.remote});
  return TransferJson(*store_.care().GetTransfer(id), false);
}

json TransferService::RejectTransfer(const RequestContext& ctx, int64_t id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_cases, "接收档案");
  RejectUnknownFields(body, {"reply"});
  const auto t = store_.care().GetTransfer(id);
  if (!t || t->to_county.rfind(ScopeOf(ctx.user).root_code, 0) != 0)
    throw ApiError(404, "not_found", "转移不存在或不是转入您辖区的");
  if (!store_.care().RejectTransfer(id, BodyText(body, "reply", 2000, true), ctx.user.display_name))
    throw ApiError(409, "transfer_decided", "该转移已处理");
  audit_.Record({"", ctx.user.id, ctx.user.username, "transfer.reject", "child:" + std::to_string(t->child_id),
                 "", "ok", ctx.remote});
  return TransferJson(*store_.care().GetTransfer(id), false);
}

json TransferService::Push(const RequestContext& ctx, int64_t child_id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_cases, "向户籍地推送");
  RejectUnknownFields(body, {"kind", "note"});
  const auto child = store_.GetChild(ScopeOf(ctx.user), child_id);
  if (!child) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  const std::string kind = BodyText(body, "kind", 40, true);
  const auto& kinds = PushKinds();
  if (std::none_of(kinds.begin(), kinds.end(), [&](auto& k) { return k.first == kind; }))
    throw ApiError(400, "invalid_field", "推送事项无效", "kind");
  const std::string hukou = child->hukou_region_code.substr(0, 6);
  if (hukou.size() != 6) throw ApiError(400, "invalid_field", "儿童户籍地不完整，无法推送", "kind");
  if (child->region_code.rfind(hukou, 0) == 0)
    throw ApiError(400, "invalid_field", "儿童户籍地与居住地在同一县，无需推送", "kind");
  for (const ::tongan::Push& p : store_.care().ChildPushes(child_id))
    if (p.kind == kind && (p.status == "sent" || p.status == "received"))
      throw ApiError(409, "push_pending", "同一事项已推送，等待户籍地答复");
  ::tongan::Push p;
  p.child_id = child_id;
  p.from_region = child->region_code;
  p.to_county = hukou;
  p.kind = kind;
  p.note = BodyText(body, "note", 2000, false);
  p.created_by_name = ctx.user.display_name;
  store_.care().CreatePush(p);
  audit_.Record({"", ctx.user.id, ctx.user.username, "push.create", "child:" + std::to_string(child_id),
                 kind + "→" + hukou, "ok", ctx.remote});
  return PushJson(*store_.care().GetPush(p.id), false);
}

json TransferService::Pushes(const RequestContext& ctx, const std::string& direction) {
  Require(PermissionsOf(ctx.user.role).manage_cases, "查看户籍地推送");
  const bool incoming = Incoming(direction);
  json out = json::array();
  for (const ::tongan::Push& p : store_.care().ListPushes(ScopeOf(ctx.user), incoming))
    out.push_back(PushJson(p, incoming));
  return out;
}

json TransferService::ReplyPush(const RequestContext& ctx, int64_t id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_cases, "答复推送");
  RejectUnknownFields(body, {"status", "reply"});
  const auto p = store_.care().GetPush(id);
  if (!p || p->to_county.rfind(ScopeOf(ctx.user).root_code, 0) != 0)
    throw ApiError(404, "not_found", "推送不存在或不是发给您辖区的");
  const std::string status = BodyText(body, "status", 20, true);
  if (status != "received" && status != "accepted" && status != "rejected")
    throw ApiError(400, "invalid_field", "答复应为 received、accepted 或 rejected", "status");
  const std::string reply = BodyText(body, "reply", 2000, status != "received");
  const bool allowed = (p->status == "sent") || (p->status == "received" && status != "received");
  if (!allowed || !store_.care().ReplyPush(id, p->status, status, reply, ctx.user.display_name))
    throw ApiError(409, "push_answered", "该推送已答复完毕，不能再更改");
  audit_.Record({"", ctx.user.id, ctx.user.username, "push.reply", "child:" + std::to_string(p->child_id),
                 status, "ok", ctx.remote});
  return PushJson(*store_.care().GetPush(id), false);
}

json TransferService::ChildMoves(const RequestContext& ctx, int64_t child_id) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看儿童档案");
  if (!store_.GetChild(ScopeOf(ctx.user), child_id)) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  json transfers = json::array(), pushes = json::array(), kinds = json::array();
  for (const Transfer& t : store_.care().ChildTransfers(child_id)) transfers.push_back(TransferJson(t, false));
  for (const ::tongan::Push& p : store_.care().ChildPushes(child_id)) pushes.push_back(PushJson(p, false));
  for (const auto& [code, name] : PushKinds()) kinds.push_back({{"code", code}, {"name", name}});
  return {{"transfers", transfers}, {"pushes", pushes}, {"push_kinds", kinds}};
}

}  // namespace tongan
