#include "app/case_service.h"

#include <algorithm>

#include "app/request_body.h"
#include "app/scope.h"
#include "store/care_store.h"

namespace tongan {
namespace {

using nlohmann::json;
using care::CaseStage;


// A mandatory reporter's identity is shown only to the county bureau that handles the report.
bool SeesReporter(const User& user) { return user.role == Role::kCountyCivilAffairs; }

}  // namespace

json CaseService::Meta(const RequestContext& ctx) const {
  Require(PermissionsOf(ctx.user.role).read_children, "查看个案");
  const care::CaseFlowConfig& flow = care_.policy().case_flow;
  json stages = json::array(), sources = json::array(), measures = json::array();
  for (CaseStage s : care::AllStages())
    stages.push_back({{"code", care::StageCode(s)}, {"name", care::StageNameZh(s)},
                      {"deadline_days", flow.deadline_days.count(s) ? flow.deadline_days.at(s) : 0}});
  for (care::CaseSource s : care::AllSources())
    sources.push_back({{"code", care::SourceCode(s)}, {"name", care::SourceNameZh(s)},
                       {"initial_stage", care::StageCode(care::InitialStage(s))}});
  for (const auto& [code, name] : flow.measures)
    measures.push_back({{"code", code}, {"name", name}, {"guardianship", flow.IsGuardianshipMeasure(code)}});
  return {{"stages", stages}, {"sources", sources}, {"measures", measures},
          {"assessment", care_.policy().assessment.ToJson()},
          {"min_monitoring_days", flow.min_monitoring_days}};
}

care::CaseFacts CaseService::FactsOf(const CaseRecord& record, const std::vector<CaseEvent>& events) {
  care::CaseFacts f;
  f.stage = care::ParseStage(record.stage).value_or(CaseStage::kScreening);
  f.source = care::ParseSource(record.source).value_or(care::CaseSource::kScreening);
  f.has_assignee = record.assignee_id.has_value();
  // Feedback counts only when given in the current stage (each pass through the loop needs its own).
  size_t stage_start = 0;
  for (size_t i = 0; i < events.size(); ++i)
    if (events[i].kind == "transition" || events[i].kind == "created") stage_start = i;
  for (size_t i = 0; i < events.size(); ++i) {
    const CaseEvent& e = events[i];
    if (e.kind == "consultation") f.has_consultation = true;
    if (e.kind == "assessment") f.has_assessment = true;
    if (e.kind == "help_plan") f.has_help_plan = true;
    if (e.kind == "measure") {
      ++f.measures;
      if (care_.policy().case_flow.IsGuardianshipMeasure(json::parse(e.detail).value("measure", "")))
        ++f.guardianship_measures;
    }
    if (e.kind == "feedback" && i >= stage_start) f.has_feedback = true;
  }
  if (auto entered = ParseIsoDate(record.stage_entered)) f.days_in_stage = DaysBetween(*entered, today_());
  for (const Referral& r : store_.care().ChildReferrals(SystemScope(), record.child_id))
    if (r.case_id == record.id && (r.status == "sent" || r.status == "accepted")) ++f.open_referrals;
  return f;
}

json CaseService::View(const RequestContext& ctx, const CaseRecord& c, bool with_events) {
  const Date today = today_();
  const auto stage = care::ParseStage(c.stage).value_or(CaseStage::kScreening);
  const auto source = care::ParseSource(c.source).value_or(care::CaseSource::kScreening);
  const auto child = store_.GetChild(ScopeOf(ctx.user), c.child_id);
  json out = {{"id", c.id},
              {"child_id", c.child_id},
              {"child_name", child ? child->name : ""},
              {"region_code", c.region_code},
              {"source", c.source},
              {"source_name", care::SourceNameZh(source)},
              {"stage", c.stage},
              {"stage_name", care::StageNameZh(stage)},
              {"stage_entered", c.stage_entered},
              {"deadline", c.deadline},
              {"overdue", !c.deadline.empty() && c.deadline < FormatIsoDate(today)},
              {"assignee_id", c.assignee_id ? json(*c.assignee_id) : json(nullptr)},
              {"assignee_name", c.assignee_name},
              {"title", c.title},
              {"created_at", c.created_at},
              {"closed_at", c.closed_at},
              {"version", c.version}};
  const json reporter = json::parse(c.reporter.empty() ? "{}" : c.reporter);
  if (!reporter.empty())
    out["reporter"] = SeesReporter(ctx.user) ? reporter : json{{"confidential", true}};
  if (!with_events) return out;
  const auto events = store_.care().CaseEvents(c.id);
  json history = json::array();
  for (const CaseEvent& e : events) {
    json detail = json::parse(e.detail.empty() ? "{}" : e.detail);
    if (e.kind == "created" && detail.contains("reporter") && !SeesReporter(ctx.user)) detail.erase("reporter");
    history.push_back({{"at", e.at}, {"username", e.username}, {"kind", e.kind}, {"from_stage", e.from_stage},
                       {"to_stage", e.to_stage}, {"detail", detail}});
  }
  out["events"] = history;
  // What the next moves would need, so the page can say why a button is disabled.
  const care::CaseFacts facts = FactsOf(c, events);
  json moves = json::array();
  if (stage != CaseStage::kClosed) {
    for (CaseStage to : care::AllStages()) {
      if (to == stage) continue;
      const auto check = care::CheckTransition(facts, to, care_.policy().case_flow);
      if (check.allowed || check.code != "invalid_transition")
        moves.push_back({{"to", care::StageCode(to)}, {"name", care::StageNameZh(to)}, {"allowed", check.allowed},
                         {"code", check.code}, {"reason", check.reason_zh}});
    }
  }
  out["moves"] = moves;
  out["facts"] = {{"has_consultation", facts.has_consultation}, {"measures", facts.measures},
                  {"guardianship_measures", facts.guardianship_measures}, {"has_assessment", facts.has_assessment},
                  {"has_help_plan", facts.has_help_plan}, {"has_feedback", facts.has_feedback},
                  {"days_in_stage", facts.days_in_stage}, {"open_referrals", facts.open_referrals}};
  return out;
}

json CaseService::Create(const RequestContext& ctx, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_cases, "建立个案");
  RejectUnknownFields(body, {"child_id", "source", "title", "reporter", "institution", "note"});
  if (!body.contains("child_id") || !body["child_id"].is_number_integer())
    throw ApiError(400, "missing_field", "请选择儿童", "child_id");
  const RegionScope scope = ScopeOf(ctx.user);
  const auto child = store_.GetChild(scope, body["child_id"].get<int64_t>());
  if (!child) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内", "child_id");
  const auto source = care::ParseSource(BodyText(body, "source", 40, true));
  if (!source) throw ApiError(400, "invalid_field", "个案来源无效", "source");
  const std::string title = BodyText(body, "title", 200, true);
  json detail = {{"source", care::SourceCode(*source)}, {"note", BodyText(body, "note", 4000, false)}};
  json reporter = json::object();
  if (*source == care::CaseSource::kMandatoryReport) {
    if (!body.contains("reporter") || !body["reporter"].is_object())
      throw ApiError(400, "missing_field", "强制报告须填写报告人（单位、姓名、联系方式）", "reporter");
    const json& r = body["reporter"];
    RejectUnknownFields(r, {"organisation", "organisation_type", "name", "phone"});
    reporter = {{"organisation", BodyText(r, "organisation", 200, true)},
                {"organisation_type", BodyText(r, "organisation_type", 40, false)},
                {"name", BodyText(r, "name", 100, true)},
                {"phone", BodyText(r, "phone", 40, false)}};
    detail["reporter"] = reporter;
  }
  if (*source == care::CaseSource::kEmergency) {
    // Emergency: a 未成年人救助保护机构 takes temporary guardianship at once.
    detail["institution"] = BodyText(body, "institution", 200, true);
  }
  const Date today = today_();
  const CaseStage stage = care::InitialStage(*source);
  CaseRecord c;
  c.child_id = child->id;
  c.region_code = child->region_code;
  c.source = care::SourceCode(*source);
  c.stage = care::StageCode(stage);
  c.stage_entered = FormatIsoDate(today);
  c.deadline = FormatIsoDate(care::StageDeadline(stage, *source, today, care_.policy().case_flow));
  c.assignee_id = ctx.user.id;  // whoever opens it owns it until assigned
  c.assignee_name = ctx.user.display_name;
  c.title = title;
  c.reporter = reporter.dump();
  c.created_by = ctx.user.id;
  store_.care().CreateCase(c, {0, "", "", "created", "", c.stage, detail.dump()}, {ctx.user.id, ctx.user.username});
  if (*source == care::CaseSource::kEmergency) {
    CaseRecord stored = *store_.care().GetCase(scope, c.id);
    store_.care().UpdateCase(stored, stored.version,
                             {0, "", "", "measure", c.stage, c.stage,
                              json{{"measure", "temporary_guardianship"}, {"detail", detail["institution"]}}.dump()},
                             {ctx.user.id, ctx.user.username});
  }
  care_.Recompute(child->id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "case.create", "case:" + std::to_string(c.id),
                 "child:" + std::to_string(child->id) + " " + c.source, "ok", ctx.remote});
  return View(ctx, *store_.care().GetCase(scope, c.id), true);
}

json CaseService::Get(const RequestContext& ctx, int64_t id) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看个案");
  const auto c = store_.care().GetCase(ScopeOf(ctx.user), id);
  if (!c) throw ApiError(404, "not_found", "个案不存在或不在您的管辖范围内");
  audit_.Record({"", ctx.user.id, ctx.user.username, "case.read", "case:" + std::to_string(id), "", "ok", ctx.remote});
  return View(ctx, *c, true);
}

json CaseService::List(const RequestContext& ctx, const std::string& stage, bool overdue, bool mine,
                       int64_t page, int64_t page_size) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看个案");
  if (!stage.empty() && !care::ParseStage(stage)) throw ApiError(400, "invalid_field", "阶段无效", "stage");
  if (page < 1) page = 1;
  if (page_size < 1 || page_size > 100) page_size = 20;
  CaseQuery q;
  q.stage = stage;
  q.overdue_only = overdue;
  q.today = FormatIsoDate(today_());
  if (mine) q.assignee_id = ctx.user.id;
  q.offset = (page - 1) * page_size;
  q.limit = page_size;
  int64_t total = 0;
  json items = json::array();
  for (const CaseRecord& c : store_.care().ListCases(ScopeOf(ctx.user), q, &total)) items.push_back(View(ctx, c, false));
  return {{"items", items}, {"total", total}};
}

json CaseService::ChildCases(const RequestContext& ctx, int64_t child_id) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看个案");
  // A child outside the scope is not found, as on every other child route, not an empty list.
  if (!store_.GetChild(ScopeOf(ctx.user), child_id)) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  json items = json::array();
  for (const CaseRecord& c : store_.care().ChildCases(ScopeOf(ctx.user), child_id)) items.push_back(View(ctx, c, false));
  return items;
}

json CaseService::Act(const RequestContext& ctx, int64_t id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_cases, "办理个案");
  if (!body.is_object()) throw ApiError(400, "bad_json", "请求体应为 JSON 对象");
  const RegionScope scope = ScopeOf(ctx.user);
  auto found = store_.care().GetCase(scope, id);
  if (!found) throw ApiError(404, "not_found", "个案不存在或不在您的管辖范围内");
  CaseRecord c = *found;
  if (!body.contains("version") || !body["version"].is_number_integer())
    throw ApiError(400, "missing_field", "缺少 version", "version");
  const int64_t version = body["version"].get<int64_t>();
  if (version != c.version) throw ApiError(409, "version_conflict", "个案已被他人更新，请刷新后再操作");
  const std::string action = BodyText(body, "action", 40, true);
  const CaseStage stage = care::ParseStage(c.stage).value_or(CaseStage::kScreening);
  if (stage == CaseStage::kClosed) throw ApiError(409, "case_closed", "个案已结案，不能再办理");
  const care::CaseFlowConfig& flow = care_.policy().case_flow;
  CaseEvent event{0, "", "", action, c.stage, c.stage, "{}"};
  json detail;

  if (action == "assign") {
    RejectUnknownFields(body, {"version", "action", "assignee_id"});
    if (!body.contains("assignee_id") || !body["assignee_id"].is_number_integer())
      throw ApiError(400, "missing_field", "请选择负责人", "assignee_id");
    const auto user = store_.FindUserById(body["assignee_id"].get<int64_t>());
    if (!user || user->disabled || user->region_code.rfind(scope.root_code, 0) != 0 ||
        !PermissionsOf(user->role).manage_cases)
      throw ApiError(400, "invalid_field", "负责人须为本辖区内可办理个案的用户", "assignee_id");
    c.assignee_id = user->id;
    c.assignee_name = user->display_name;
    detail = {{"assignee_id", user->id}, {"assignee_name", user->display_name}};
  } else if (action == "consultation") {
    RejectUnknownFields(body, {"version", "action", "opinion", "participants"});
    detail = {{"opinion", BodyText(body, "opinion", 4000, true)}, {"participants", BodyText(body, "participants", 1000, false)}};
  } else if (action == "measure") {
    RejectUnknownFields(body, {"version", "action", "measure", "detail"});
    const std::string measure = BodyText(body, "measure", 60, true);
    const auto name = flow.MeasureNameZh(measure);
    if (!name) throw ApiError(400, "invalid_field", "未知的干预措施：" + measure, "measure");
    if (stage != CaseStage::kIntervention)
      throw ApiError(409, "wrong_stage", "干预措施须在「介入」阶段记录，当前为「" + std::string(care::StageNameZh(stage)) + "」");
    detail = {{"measure", measure}, {"measure_name", *name}, {"detail", BodyText(body, "detail", 4000, false)}};
  } else if (action == "assessment") {
    RejectUnknownFields(body, {"version", "action", "answers"});
    if (!body.contains("answers") || !body["answers"].is_object())
      throw ApiError(400, "missing_field", "请填写评估表", "answers");
    std::map<std::string, int> answers;
    for (const auto& [item, value] : body["answers"].items()) {
      if (!value.is_number_integer()) throw ApiError(400, "invalid_field", "评估项 " + item + " 应选择一个选项", "answers");
      answers[item] = value.get<int>();
    }
    care::AssessmentResult result;
    try {
      result = care::Score(care_.policy().assessment, answers);
    } catch (const std::invalid_argument& e) {
      throw ApiError(400, "invalid_field", e.what(), "answers");
    }
    detail = {{"answers", body["answers"]}, {"total", result.total}, {"level", result.level}, {"level_zh", result.level_zh}};
  } else if (action == "help_plan" || action == "feedback" || action == "note") {
    RejectUnknownFields(body, {"version", "action", "text"});
    if (action == "feedback" && stage != CaseStage::kFeedback)
      throw ApiError(409, "wrong_stage", "反馈须在「反馈」阶段记录，当前为「" + std::string(care::StageNameZh(stage)) + "」");
    detail = {{"text", BodyText(body, "text", 8000, true)}};
  } else if (action == "transition") {
    RejectUnknownFields(body, {"version", "action", "to", "close_without_risk", "note"});
    const auto to = care::ParseStage(BodyText(body, "to", 40, true));
    if (!to) throw ApiError(400, "invalid_field", "目标阶段无效", "to");
    const bool close_without_risk = body.value("close_without_risk", false);
    const care::TransitionCheck check =
        care::CheckTransition(FactsOf(c, store_.care().CaseEvents(c.id)), *to, flow, close_without_risk);
    if (!check.allowed) {
      audit_.Record({"", ctx.user.id, ctx.user.username, "case.transition", "case:" + std::to_string(id),
                     c.stage + "→" + std::string(care::StageCode(*to)) + " " + check.code, "denied", ctx.remote});
      throw ApiError(409, check.code, check.reason_zh, "to");
    }
    const Date today = today_();
    event.to_stage = care::StageCode(*to);
    c.stage = event.to_stage;
    c.stage_entered = FormatIsoDate(today);
    if (*to == CaseStage::kClosed) {
      c.deadline = "";
      c.closed_at = FormatIsoDate(today);
    } else {
      c.deadline = FormatIsoDate(care::StageDeadline(*to, care::ParseSource(c.source).value_or(care::CaseSource::kScreening),
                                                     today, flow));
    }
    detail = {{"note", BodyText(body, "note", 4000, false)}, {"close_without_risk", close_without_risk}};
  } else {
    throw ApiError(400, "invalid_field", "未知的操作：" + action, "action");
  }
  event.detail = detail.dump();
  if (!store_.care().UpdateCase(c, version, event, {ctx.user.id, ctx.user.username}))
    throw ApiError(409, "version_conflict", "个案已被他人更新，请刷新后再操作");
  care_.Recompute(c.child_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "case." + action, "case:" + std::to_string(id),
                 event.from_stage + "→" + event.to_stage, "ok", ctx.remote});
  return View(ctx, *store_.care().GetCase(scope, id), true);
}

}  // namespace tongan
