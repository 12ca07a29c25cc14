#include "app/link_service.h"

#include "app/scope.h"
#include "store/department_store.h"

namespace tongan {
namespace {

using nlohmann::json;

std::string NoteOf(const json& body) {
  if (body.is_null()) return "";
  if (!body.is_object()) throw ApiError(400, "bad_json", "请求体应为 JSON 对象");
  for (const auto& [key, value] : body.items())
    if (key != "note" && key != "child_id")
      throw ApiError(400, "unknown_field", "字段 " + key + " 不是可识别的字段", key);
  if (!body.contains("note")) return "";
  if (!body["note"].is_string()) throw ApiError(400, "invalid_field", "note 应为文字", "note");
  std::string note = body["note"].get<std::string>();
  if (note.size() > 1000) throw ApiError(400, "invalid_field", "说明不能超过 1000 字节", "note");
  return note;
}

json ChildBrief(const json& view) {
  return {{"id", view["id"]},           {"name", view["name"]},
          {"id_number", view["id_number"]}, {"birth_date", view["birth_date"]},
          {"sex", view["sex"]},         {"region_name", view.value("region_name", "")}};
}

}  // namespace

json LinkService::List(const RequestContext& ctx, const std::string& state, int64_t batch,
                       const std::string& kind, int64_t page, int64_t page_size) {
  Require(PermissionsOf(ctx.user.role).review_links, "核对比对结果");
  if (state != "" && state != "linked" && state != "review" && state != "new")
    throw ApiError(400, "invalid_field", "state 应为 linked、review 或 new", "state");
  if (page < 1) page = 1;
  if (page_size < 1 || page_size > 100) page_size = 20;
  const RegionScope scope = ScopeOf(ctx.user);
  const LinkedPage result = store_.departments().ListLinks(
      scope, {state, batch, kind, (page - 1) * page_size, page_size});
  const bool see = PermissionsOf(ctx.user.role).see_identifiers;
  json items = json::array();
  for (const LinkedRecord& item : result.items) {
    json row = LinkedRecordJson(item, profiles_, see);
    const auto child_id = item.link.child_id ? item.link.child_id : item.link.candidate_id;
    std::optional<Child> child;
    if (child_id) child = store_.GetChild(scope, *child_id);
    row["child"] = child ? ChildBrief(children_.View(*child, see)) : json(nullptr);
    items.push_back(std::move(row));
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "link.list", "", "state=" + state, "ok", ctx.remote});
  return {{"items", items}, {"total", result.total}};
}

RecordLink LinkService::RequireLink(const RequestContext& ctx, int64_t record_id) {
  Require(PermissionsOf(ctx.user.role).review_links, "核对比对结果");
  auto link = store_.departments().GetLink(ScopeOf(ctx.user), record_id);
  if (!link) throw ApiError(404, "not_found", "比对记录不存在或不在您的管辖范围内");
  return *link;
}

json LinkService::Get(const RequestContext& ctx, int64_t record_id) {
  const RecordLink link = RequireLink(ctx, record_id);
  const RegionScope scope = ScopeOf(ctx.user);
  const bool see = PermissionsOf(ctx.user.role).see_identifiers;
  const auto record = store_.departments().GetRecord(scope, record_id);
  const auto child_id = link.child_id ? link.child_id : link.candidate_id;
  std::optional<Child> child;
  if (child_id) child = store_.GetChild(scope, *child_id);
  json events = json::array();
  for (const LinkEvent& e : store_.departments().LinkEvents(scope, record_id))
    events.push_back({{"at", e.at}, {"username", e.username}, {"event", e.event}, {"state", e.state},
                      {"child_id", e.child_id ? json(*e.child_id) : json(nullptr)},
                      {"probability", e.probability}, {"note", e.note}});
  audit_.Record({"", ctx.user.id, ctx.user.username, "link.read", "record:" + std::to_string(record_id),
                 child ? "child:" + std::to_string(child->id) : "", "ok", ctx.remote});
  json explanation = json::parse(link.explanation.empty() ? "{}" : link.explanation);
  return {{"record", RecordJson(*record, profiles_, see)},
          {"link", LinkJson(link)},
          {"child", child ? children_.View(*child, see) : json(nullptr)},
          {"explanation", explanation},
          {"events", events}};
}

json LinkService::Decide(const RequestContext& ctx, const RecordLink& link,
                         const std::string& expected_state, const std::string& event,
                         const json& body) {
  const std::string note = NoteOf(body);
  const auto before = store_.departments().GetLink(ScopeOf(ctx.user), link.source_record_id);
  if (!store_.departments().DecideLink(ScopeOf(ctx.user), link, expected_state, event, note,
                                       {ctx.user.id, ctx.user.username}))
    throw ApiError(409, "link_state_changed", "该记录已被他人处理，请刷新后查看");
  audit_.Record({"", ctx.user.id, ctx.user.username, "link." + event,
                 "record:" + std::to_string(link.source_record_id),
                 link.child_id ? "child:" + std::to_string(*link.child_id) : "", "ok", ctx.remote});
  if (on_child_changed_) {
    if (link.child_id) on_child_changed_(*link.child_id);
    if (before && before->child_id && before->child_id != link.child_id) on_child_changed_(*before->child_id);
  }
  return LinkJson(*store_.departments().GetLink(ScopeOf(ctx.user), link.source_record_id));
}

json LinkService::Accept(const RequestContext& ctx, int64_t record_id, const json& body) {
  RecordLink link = RequireLink(ctx, record_id);
  NoteOf(body);
  const std::string expected = link.state;
  if (body.is_object() && body.contains("child_id")) {
    if (!body["child_id"].is_number_integer())
      throw ApiError(400, "invalid_field", "child_id 应为整数", "child_id");
    const int64_t child_id = body["child_id"].get<int64_t>();
    if (!store_.GetChild(ScopeOf(ctx.user), child_id))
      throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内", "child_id");
    if (link.state == "linked") throw ApiError(409, "link_state_changed", "该记录已关联，请先撤销关联");
    link.child_id = child_id;
    link.explanation = "{}";  // a person's choice; the linker's scores were for another child
  } else {
    if (link.state != "review" || !link.candidate_id)
      throw ApiError(409, "link_state_changed", "该记录不在待核对状态");
    link.child_id = link.candidate_id;
  }
  link.state = "linked";
  link.method = "manual";
  link.candidate_id.reset();
  return Decide(ctx, link, expected, "accept", body);
}

json LinkService::Reject(const RequestContext& ctx, int64_t record_id, const json& body) {
  RecordLink link = RequireLink(ctx, record_id);
  if (link.state != "review") throw ApiError(409, "link_state_changed", "该记录不在待核对状态");
  link.state = "new";
  link.method = "manual";
  link.child_id.reset();
  return Decide(ctx, link, "review", "reject", body);
}

json LinkService::Undo(const RequestContext& ctx, int64_t record_id, const json& body) {
  RecordLink link = RequireLink(ctx, record_id);
  if (link.state != "linked") throw ApiError(409, "link_state_changed", "该记录未关联，无需撤销");
  link.state = "review";
  link.method = "manual";
  link.candidate_id = link.child_id;
  link.child_id.reset();
  return Decide(ctx, link, "linked", "undo", body);
}

json LinkService::ChildSources(const RequestContext& ctx, int64_t child_id) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看儿童档案");
  const RegionScope scope = ScopeOf(ctx.user);
  if (!store_.GetChild(scope, child_id))
    throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  const bool see = PermissionsOf(ctx.user.role).see_identifiers;
  json out = json::array();
  for (const LinkedRecord& item : store_.departments().ChildSources(scope, child_id))
    out.push_back(LinkedRecordJson(item, profiles_, see));
  audit_.Record({"", ctx.user.id, ctx.user.username, "child.sources", "child:" + std::to_string(child_id),
                 "", "ok", ctx.remote});
  return out;
}

}  // namespace tongan
