#include "app/care_service.h"

#include <algorithm>
#include <cstdio>

#include "app/request_body.h"
#include "app/scope.h"
#include "core/child_json.h"
#include "core/classification.h"
#include "store/department_store.h"

namespace tongan {
namespace {

using nlohmann::json;


// "2026-11-23T08:00:00Z" → 2026-11-23.
std::optional<Date> DateOfTimestamp(const std::string& iso) {
  return iso.size() >= 10 ? ParseIsoDate(iso.substr(0, 10)) : std::nullopt;
}

// Whole months from `from` to `to` (a month counts once its day of the month is reached).
int MonthsBetween(Date from, Date to) {
  int months = (int(to.year()) - int(from.year())) * 12 + (int(unsigned(to.month())) - int(unsigned(from.month())));
  if (to.day() < from.day()) --months;
  return std::max(0, months);
}

}  // namespace

CareService::CareService(Store& store, AuditLog& audit, ChildService& children,
                         const CarePolicy& policy, const std::vector<NeedRule>& need_rules,
                         std::function<Date()> today)
    : store_(store), audit_(audit), children_(children), policy_(policy),
      rules_(std::make_shared<care::RuleSet>(policy.rules)), need_rules_(need_rules),
      today_(std::move(today)) {
  // Rules saved by an administrator replace the shipped file; a saved set that no longer
  // validates (after an upgrade) is ignored with the shipped one kept.
  if (auto saved = store_.care().GetSetting("warning_rules")) {
    try {
      rules_ = std::make_shared<care::RuleSet>(care::RuleSet::FromJson(json::parse(*saved)));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "已保存的预警规则无效，改用数据文件中的规则：%s\n", e.what());
    }
  }
}

CareService::~CareService() { Stop(); }

void CareService::Stop() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
    queue_.clear();
  }
  queue_changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void CareService::RecomputeLater(const std::string& region_code) {
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) return;
    if (std::find(queue_.begin(), queue_.end(), region_code) == queue_.end()) queue_.push_back(region_code);
    if (!worker_.joinable()) worker_ = std::thread([this] { RecomputeLoop(); });
  }
  queue_changed_.notify_all();
}

void CareService::WaitForRecompute() {
  std::unique_lock lock(queue_mutex_);
  queue_changed_.wait(lock, [&] { return (queue_.empty() && !busy_) || stopping_; });
}

void CareService::RecomputeLoop() {
  std::unique_lock lock(queue_mutex_);
  while (true) {
    queue_changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const std::string region = queue_.front();
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    try {
      RecomputeAll(region);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "重新计算关爱状态失败（%s）：%s\n", region.c_str(), e.what());
    }
    lock.lock();
    busy_ = false;
    queue_changed_.notify_all();
  }
}

const care::RuleSet& CareService::rules() const {
  std::lock_guard lock(rules_mutex_);
  return *rules_;
}

json CareService::Facts(const Child& child, const std::vector<Visit>& visits) {
  const Date today = today_();
  json f = ChildToJson(child);
  json facts;
  facts["age"] = AgeInYears(child.birth_date, today);
  facts["sex"] = std::string(SexCode(child.sex));
  json classes = json::array();
  const Classification cls = Classify(child, today, children_.config());
  for (ChildClass c : AllChildClasses())
    if (cls.Has(c)) classes.push_back(std::string(ChildClassCode(c)));
  facts["classes"] = classes;
  facts["living_with"] = f["living_with"];
  facts["father_status"] = f["father"]["status"];
  facts["mother_status"] = f["mother"]["status"];
  facts["guardian_capable"] = child.guardian.capable;
  facts["family_economy"] = f["family_economy"];
  facts["disability"] = f["disability"];
  facts["serious_illness"] = child.serious_illness;
  facts["vagrant"] = child.vagrant;
  facts["psych_abnormal"] = child.psych_abnormal;
  facts["asked_for_help"] = child.asked_for_help;
  facts["schooling_status"] = child.schooling.status;
  facts["has_health_record"] = child.health.has_health_record;
  facts["vaccinated"] = child.health.vaccinated;
  facts["benefits"] = child.benefits;
  facts["flow_type"] = std::string(FlowTypeOf(child));
  if (child.residence_since && *child.residence_since <= today)
    facts["residence_months"] = MonthsBetween(*child.residence_since, today);

  const RegionScope system = SystemScope();
  Date last_update = DateOfTimestamp(child.updated_at).value_or(today);
  if (!visits.empty()) {
    const Date last = ParseIsoDate(visits.front().visit_date).value_or(today);
    facts["days_since_visit"] = DaysBetween(last, today);
    const json doc = json::parse(visits.front().doc);
    facts["last_visit_guardianship"] = doc.value("guardianship", "");
    facts["last_visit_safety_concern"] = doc.value("safety_concern", false);
    last_update = std::max(last_update, last);
  }
  facts["days_since_update"] = DaysBetween(last_update, today);
  int open_cases = 0;
  for (const CaseRecord& c : store_.care().ChildCases(system, child.id)) open_cases += c.stage != "closed";
  facts["open_cases"] = open_cases;
  int open_referrals = 0;
  for (const Referral& r : store_.care().ChildReferrals(system, child.id))
    open_referrals += r.status == "sent" || r.status == "accepted";
  facts["open_referrals"] = open_referrals;

  // Unmet needs from department data: the same rules as the findings page, for this child.
  json needs = json::array();
  const auto kinds = store_.departments().ImportedKinds(RegionScope{child.region_code});
  const auto sources = store_.departments().ChildSources(system, child.id);
  const int age = facts["age"];
  for (const NeedRule& rule : need_rules_) {
    if (std::find(kinds.begin(), kinds.end(), rule.record_kind) == kinds.end()) continue;
    if (rule.subject == "children") {
      const bool has = std::any_of(sources.begin(), sources.end(),
                                   [&](const LinkedRecord& s) { return s.record.record_kind == rule.record_kind; });
      if (!has && age >= rule.min_age && age <= rule.max_age) needs.push_back(rule.id);
    } else {
      for (const LinkedRecord& s : sources) {
        if (s.record.record_kind != rule.record_kind) continue;
        const json fields = json::parse(s.record.fields);
        const std::string value = fields.value(rule.field, "");
        if (std::find(rule.values.begin(), rule.values.end(), value) != rule.values.end()) {
          needs.push_back(rule.id);
          break;
        }
      }
    }
  }
  facts["unmet_needs"] = needs;
  json records = json::array();
  for (const LinkedRecord& s : sources)
    if (s.link.state == "linked" && std::find(records.begin(), records.end(), s.record.record_kind) == records.end())
      records.push_back(s.record.record_kind);
  facts["department_records"] = records;
  for (const FactSource& source : fact_sources_) source(child, visits, facts);
  return facts;
}

void CareService::Recompute(int64_t child_id) {
  const RegionScope system = SystemScope();
  const auto child = store_.GetChild(system, child_id);
  if (!child) return;
  const Date today = today_();
  CareStatus status = store_.care().GetStatus(system, child_id).value_or(CareStatus{});
  const CareStatus previous = status;
  status.child_id = child_id;
  status.region_code = child->region_code;

  // Ledger: the key-care criteria put a child in; a worker's decision overrides them.
  const std::vector<std::string> factors = KeyCareFactors(*child);
  const bool by_criteria = !factors.empty();
  const bool in = status.ledger_override == "in" || (status.ledger_override != "out" && by_criteria);
  if (in != previous.in_ledger || status.child_id != previous.child_id) {
    status.in_ledger = in;
    status.ledger_since = in ? FormatIsoDate(today) : "";
    status.ledger_source = !in ? "" : status.ledger_override == "in" ? "manual" : "auto";
    if (status.ledger_source == "auto") {
      std::string reason = "符合重点关爱条件：";
      for (size_t i = 0; i < factors.size(); ++i) reason += (i ? "、" : "") + factors[i];
      status.ledger_reason = reason;
      store_.care().AppendLedgerEvent(child_id, {"", "", "auto_enter", reason}, {0, "system"});
    } else if (!in && previous.in_ledger && status.ledger_override.empty()) {
      status.ledger_reason = "关爱条件已消除";
      store_.care().AppendLedgerEvent(child_id, {"", "", "auto_leave", status.ledger_reason}, {0, "system"});
    }
  }

  std::shared_ptr<const care::RuleSet> rules;
  {
    std::lock_guard lock(rules_mutex_);
    rules = rules_;
  }
  const auto visits = store_.care().ChildVisits(system, child_id);
  std::optional<Date> last_visit;
  if (!visits.empty()) last_visit = ParseIsoDate(visits.front().visit_date);
  status.last_visit = last_visit ? FormatIsoDate(*last_visit) : "";
  const Date last_update = std::max(DateOfTimestamp(child->updated_at).value_or(today), last_visit.value_or(Date{}));
  status.last_update = FormatIsoDate(last_update);
  const Date since = ParseIsoDate(status.ledger_since).value_or(DateOfTimestamp(child->created_at).value_or(today));
  // Visits are due for ledger children and for any child a rule has warned about; the interval
  // follows the colour. Colour and schedule depend on each other (an overdue visit is a warning),
  // so evaluate with the schedule of the previous colour, then again if the colour changed it.
  const auto due_for = [&](const std::string& colour, bool warned) -> std::string {
    if (!status.in_ledger && !warned) return "";
    return FormatIsoDate(care::VisitStatusOf(last_visit, since, colour, status.in_ledger, last_update, today,
                                             policy_.visits).due);
  };
  status.visit_due = due_for(previous.colour, !previous.warnings.empty() && previous.warnings != "[]");
  // What does not depend on the schedule is gathered once; ledger and schedule are added per pass.
  json facts = Facts(*child, visits);
  facts["in_ledger"] = status.in_ledger;
  const auto evaluate = [&] {
    if (status.visit_due.empty()) {
      facts.erase("visit_overdue_days");
    } else {
      const Date due = ParseIsoDate(status.visit_due).value_or(today);
      facts["visit_overdue_days"] = std::max(0, DaysBetween(due, today));
    }
    return care::Evaluate(*rules, facts);
  };
  care::Evaluation eval = evaluate();
  const std::string due = due_for(eval.colour, !eval.warnings.empty());
  if (due != status.visit_due) {
    status.visit_due = due;
    eval = evaluate();
    status.visit_due = due_for(eval.colour, !eval.warnings.empty());
  }
  status.colour = eval.colour;
  json warnings = json::array();
  for (const care::Warning& w : eval.warnings)
    warnings.push_back({{"rule_id", w.rule_id}, {"colour", w.colour}, {"title_zh", w.title_zh},
                        {"reason_zh", w.reason_zh}});
  status.warnings = warnings.dump();
  store_.care().PutStatus(status);
  // The hooks also see what this computation decided.
  facts["colour"] = status.colour;
  facts["warning_count"] = eval.warnings.size();
  for (const RecomputeHook& hook : on_recomputed_) hook(*child, visits, facts);
}

int64_t CareService::RecomputeAll(const std::string& region_code) {
  std::vector<int64_t> ids;
  store_.ScanChildren(RegionScope{region_code}, [&](const Child& c) { ids.push_back(c.id); });
  int64_t done = 0;
  for (int64_t id : ids) {
    if (stopping_) break;  // shutting down: the next start recomputes on change
    Recompute(id);
    ++done;
  }
  return done;
}

json CareService::ChildCare(const RequestContext& ctx, int64_t child_id) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看儿童档案");
  const RegionScope scope = ScopeOf(ctx.user);
  if (!store_.GetChild(scope, child_id)) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  auto status = store_.care().GetStatus(scope, child_id);
  if (!status) {
    Recompute(child_id);
    status = store_.care().GetStatus(scope, child_id);
  }
  const Date today = today_();
  json visits = json::array();
  for (const Visit& v : store_.care().ChildVisits(scope, child_id))
    visits.push_back({{"id", v.id}, {"visit_date", v.visit_date}, {"visitor_name", v.visitor_name},
                      {"record", json::parse(v.doc)}, {"created_at", v.created_at}});
  json ledger = json::array();
  for (const LedgerEvent& e : store_.care().LedgerEvents(scope, child_id))
    ledger.push_back({{"at", e.at}, {"username", e.username}, {"event", e.event}, {"reason", e.reason}});
  const bool overdue = !status->visit_due.empty() && status->visit_due < FormatIsoDate(today);
  const auto last = ParseIsoDate(status->last_update);
  const bool stale = last && DaysBetween(*last, today) >= policy_.visits.stale_after_days;
  audit_.Record({"", ctx.user.id, ctx.user.username, "care.read", "child:" + std::to_string(child_id), "",
                 "ok", ctx.remote});
  return {{"child_id", child_id},
          {"in_ledger", status->in_ledger},
          {"ledger_source", status->ledger_source},
          {"ledger_since", status->ledger_since},
          {"ledger_reason", status->ledger_reason},
          {"ledger_override", status->ledger_override},
          {"colour", status->colour},
          {"colour_name", rules().colour_names.count(status->colour) ? rules().colour_names.at(status->colour) : ""},
          {"warnings", json::parse(status->warnings)},
          {"last_visit", status->last_visit},
          {"visit_due", status->visit_due},
          {"visit_overdue", overdue},
          {"stale", stale},
          {"last_update", status->last_update},
          {"visits", visits},
          {"ledger_events", ledger}};
}

json CareService::List(const RequestContext& ctx, const std::string& view, const std::string& region,
                       const std::string& colour, int64_t page, int64_t page_size) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看关爱台账");
  if (view != "ledger" && view != "due" && view != "all")
    throw ApiError(400, "invalid_field", "view 应为 ledger、due 或 all", "view");
  // A region outside the scope is refused, as by Summary, not answered with an empty page.
  if (!region.empty() && region.rfind(ScopeOf(ctx.user).root_code, 0) != 0)
    throw ApiError(404, "not_found", "区域不在您的管辖范围内");
  if (page < 1) page = 1;
  if (page_size < 1 || page_size > 100) page_size = 20;
  const Date today = today_();
  CareListQuery q;
  q.region_code = region;
  q.ledger_only = view == "ledger";
  q.colour = colour;
  q.due_only = view == "due";
  q.due_by = FormatIsoDate(Date{std::chrono::sys_days{today} + std::chrono::days{7}});
  q.offset = (page - 1) * page_size;
  q.limit = page_size;
  int64_t total = 0;
  const auto items = store_.care().ListStatus(ScopeOf(ctx.user), q, &total);
  json out = json::array();
  const std::string today_text = FormatIsoDate(today);
  for (const CareListItem& item : items) {
    const auto last = ParseIsoDate(item.status.last_update);
    out.push_back({{"child_id", item.status.child_id},
                   {"name", item.name},
                   {"birth_date", item.birth_date},
                   {"region_code", item.status.region_code},
                   {"in_ledger", item.status.in_ledger},
                   {"colour", item.status.colour},
                   {"warnings", json::parse(item.status.warnings)},
                   {"last_visit", item.status.last_visit},
                   {"visit_due", item.status.visit_due},
                   {"visit_overdue", !item.status.visit_due.empty() && item.status.visit_due < today_text},
                   {"stale", last && DaysBetween(*last, today) >= policy_.visits.stale_after_days}});
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "care.list", "", view, "ok", ctx.remote});
  return {{"items", out}, {"total", total}};
}

json CareService::Summary(const RequestContext& ctx, const std::string& region) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看关爱台账");
  const RegionScope scope = ScopeOf(ctx.user);
  RegionScope narrowed = scope;
  if (!region.empty()) {
    if (region.rfind(scope.root_code, 0) != 0) throw ApiError(404, "not_found", "区域不在您的管辖范围内");
    narrowed.root_code = region;  // narrowing within the user's scope
  }
  json colours = json::object();
  for (const std::string& c : rules().colours) colours[c] = 0;
  for (const auto& [colour, n] : store_.care().CountByColour(narrowed)) colours[colour.empty() ? "none" : colour] = n;
  int64_t ledger = 0, due = 0, overdue = 0;
  CareListQuery q;
  q.limit = 0;
  q.ledger_only = true;
  store_.care().ListStatus(narrowed, q, &ledger);
  q.ledger_only = false;
  q.due_only = true;
  q.due_by = FormatIsoDate(Date{std::chrono::sys_days{today_()} - std::chrono::days{1}});
  store_.care().ListStatus(narrowed, q, &overdue);
  q.due_by = FormatIsoDate(Date{std::chrono::sys_days{today_()} + std::chrono::days{7}});
  store_.care().ListStatus(narrowed, q, &due);
  json colour_list = json::array();
  for (const std::string& c : rules().colours)
    colour_list.push_back({{"code", c}, {"name", rules().colour_names.count(c) ? rules().colour_names.at(c) : c}});
  return {{"colours", colours}, {"colour_list", colour_list}, {"ledger", ledger}, {"due_within_week", due},
          {"overdue", overdue}};
}

json CareService::LedgerDecision(const RequestContext& ctx, int64_t child_id, bool enter, const json& body) {
  Require(PermissionsOf(ctx.user.role).record_visits, "调整重点关爱台账");
  RejectUnknownFields(body, {"reason"});
  const std::string reason = BodyText(body, "reason", 2000, true);
  const RegionScope scope = ScopeOf(ctx.user);
  if (!store_.GetChild(scope, child_id)) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  Recompute(child_id);
  CareStatus status = *store_.care().GetStatus(scope, child_id);
  if (status.in_ledger == enter)
    throw ApiError(409, "ledger_unchanged", enter ? "该儿童已在重点关爱台账中" : "该儿童不在重点关爱台账中");
  status.ledger_override = enter ? "in" : "out";
  status.in_ledger = enter;
  status.ledger_source = enter ? "manual" : "";
  status.ledger_since = enter ? FormatIsoDate(today_()) : "";
  status.ledger_reason = reason;
  store_.care().PutStatus(status);
  store_.care().AppendLedgerEvent(child_id, {"", "", enter ? "enter" : "leave", reason},
                                  {ctx.user.id, ctx.user.username});
  Recompute(child_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, enter ? "ledger.enter" : "ledger.leave",
                 "child:" + std::to_string(child_id), reason, "ok", ctx.remote});
  return ChildCare(ctx, child_id);
}

json CareService::RecordVisit(const RequestContext& ctx, int64_t child_id, const json& body) {
  Require(PermissionsOf(ctx.user.role).record_visits, "记录走访");
  RejectUnknownFields(body, {"visit_date", "seen", "guardianship", "schooling", "health", "safety_concern",
                       "needs", "notes"});
  const RegionScope scope = ScopeOf(ctx.user);
  const auto child = store_.GetChild(scope, child_id);
  if (!child) throw ApiError(404, "not_found", "儿童不存在或不在您的管辖范围内");
  const std::string date_text = BodyText(body, "visit_date", 10, true);
  const auto date = ParseIsoDate(date_text);
  if (!date) throw ApiError(400, "invalid_field", "走访日期格式应为 YYYY-MM-DD", "visit_date");
  if (*date > today_()) throw ApiError(400, "invalid_field", "走访日期不能晚于今天", "visit_date");
  if (*date < child->birth_date) throw ApiError(400, "invalid_field", "走访日期早于儿童出生日期", "visit_date");
  static const std::vector<std::string> kGuardianship = {"good", "fair", "poor", "none"};
  const std::string guardianship = BodyText(body, "guardianship", 10, true);
  if (std::find(kGuardianship.begin(), kGuardianship.end(), guardianship) == kGuardianship.end())
    throw ApiError(400, "invalid_field", "监护状况应为 good、fair、poor 或 none", "guardianship");
  json seen = json::array();
  if (body.contains("seen")) {
    if (!body["seen"].is_array()) throw ApiError(400, "invalid_field", "seen 应为数组", "seen");
    for (const auto& s : body["seen"]) {
      if (!s.is_string() || s.get<std::string>().size() > 100)
        throw ApiError(400, "invalid_field", "见到的人应为文字", "seen");
      seen.push_back(s);
    }
  }
  if (seen.empty()) throw ApiError(400, "missing_field", "请填写走访时见到的人（如 儿童本人、祖母）", "seen");
  json needs = json::array();
  if (body.contains("needs")) {
    if (!body["needs"].is_array()) throw ApiError(400, "invalid_field", "needs 应为数组", "needs");
    for (const auto& n : body["needs"]) {
      if (!n.is_string() || n.get<std::string>().size() > 100)
        throw ApiError(400, "invalid_field", "需求应为文字", "needs");
      needs.push_back(n);
    }
  }
  bool safety = false;
  if (body.contains("safety_concern")) {
    if (!body["safety_concern"].is_boolean())
      throw ApiError(400, "invalid_field", "safety_concern 应为 true 或 false", "safety_concern");
    safety = body["safety_concern"];
  }
  Visit v;
  v.child_id = child_id;
  v.region_code = child->region_code;
  v.visit_date = FormatIsoDate(*date);
  v.visitor_id = ctx.user.id;
  v.visitor_name = ctx.user.display_name;
  v.doc = json{{"seen", seen},
               {"guardianship", guardianship},
               {"schooling", BodyText(body, "schooling", 1000, false)},
               {"health", BodyText(body, "health", 1000, false)},
               {"safety_concern", safety},
               {"needs", needs},
               {"notes", BodyText(body, "notes", 4000, false)}}
              .dump();
  store_.care().AddVisit(v);
  Recompute(child_id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "visit.create", "child:" + std::to_string(child_id),
                 v.visit_date, "ok", ctx.remote});
  return ChildCare(ctx, child_id);
}

json CareService::Rules(const RequestContext& ctx) const {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.manage_rules || p.read_children, "查看预警规则");
  json facts = json::array();
  for (const care::FactInfo& f : care::KnownFacts()) {
    json values = json::array();
    for (const auto& [code, name] : f.values) values.push_back({{"code", code}, {"name", name}});
    facts.push_back({{"name", f.name}, {"type", f.type}, {"label_zh", f.label_zh}, {"values", values}});
  }
  return {{"rules", rules().ToJson()}, {"facts", facts}};
}

json CareService::SaveRules(const RequestContext& ctx, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_rules, "修改预警规则");
  std::shared_ptr<care::RuleSet> parsed;
  try {
    parsed = std::make_shared<care::RuleSet>(care::RuleSet::FromJson(body));
  } catch (const std::invalid_argument& e) {
    audit_.Record({"", ctx.user.id, ctx.user.username, "rules.save", "warning_rules", e.what(), "invalid", ctx.remote});
    throw ApiError(400, "rules_invalid", e.what(), "rules");
  }
  store_.care().PutSetting("warning_rules", parsed->ToJson().dump(), {ctx.user.id, ctx.user.username});
  {
    std::lock_guard lock(rules_mutex_);
    rules_ = parsed;
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "rules.save", "warning_rules",
                 std::to_string(parsed->rules.size()) + " 条规则", "ok", ctx.remote});
  // Colours follow the new rules at once for the administrator's region.
  const int64_t recomputed = RecomputeAll(ScopeOf(ctx.user).root_code);
  return {{"rules", parsed->ToJson()}, {"recomputed", recomputed}};
}

}  // namespace tongan
