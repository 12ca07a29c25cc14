#include "app/stats_service.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/scope.h"
#include "core/resident_id.h"
#include "ingest/table.h"
#include "store/care_store.h"
#include "store/service_store.h"

namespace tongan {
namespace {

using nlohmann::json;

json RateJson(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::string PreviousMonth(const std::string& month) {
  int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2)) - 1;
  if (m == 0) {
    m = 12;
    --y;
  }
  char buf[32];  // room for any two ints, which keeps -Wformat-truncation quiet
  std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
  return buf;
}

std::string Percent(const std::optional<double>& v) {
  if (!v) return "—";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", *v * 100);
  return buf;
}

int64_t Get(const stats::Figures& f, const std::string& key) {
  const auto it = f.find(key);
  return it == f.end() ? 0 : it->second;
}

}  // namespace

StatsService::StatsService(Store& store, AuditLog& audit, ChildService& children, CareService& care,
                           const RegionTree& regions, stats::SupervisionConfig supervision,
                           std::function<std::vector<int>()> valid_days, std::function<Date()> today)
    : store_(store), audit_(audit), children_(children), care_(care), regions_(regions),
      supervision_(std::move(supervision)), today_(std::move(today)),
      stale_after_days_(care.policy().visits.stale_after_days), valid_days_(std::move(valid_days)) {
  care_.OnRecomputed([this](const Child& child, const std::vector<Visit>&, const json& facts) {
    store_.stats().PutChildFigures(child.id, child.region_code, FiguresOf(child, facts));
  });
}

StatsService::~StatsService() {
  {
    std::lock_guard lock(refresh_mutex_);
    stopping_ = true;
  }
  refresh_wake_.notify_all();
  if (refresher_.joinable()) refresher_.join();
}

stats::Figures StatsService::FiguresOf(const Child& child, const json& facts) {
  const RegionScope system = SystemScope();
  const std::string today = FormatIsoDate(today_());
  stats::ChildCare care;
  care.in_ledger = facts.value("in_ledger", false);
  care.visit_overdue = facts.value("visit_overdue_days", 0) > 0;
  care.colour = facts.value("colour", "");
  care.warned = facts.value("warning_count", 0) > 0;
  for (const CaseRecord& c : store_.care().ChildCases(system, child.id)) {
    if (c.stage == "closed") continue;
    ++care.open_cases;
    care.overdue_cases += !c.deadline.empty() && c.deadline < today;
  }
  for (const Referral& r : store_.care().ChildReferrals(system, child.id)) {
    if (r.status != "sent" && r.status != "accepted") continue;
    ++care.open_referrals;
    care.overdue_referrals += !r.due_date.empty() && r.due_date < today;
  }
  for (const EntitlementRow& e : store_.services().ChildEntitlements(system, child.id)) {
    ++care.entitled;
    care.received += e.received;
  }
  for (const NeedRow& n : store_.services().ChildNeeds(system, child.id)) {
    ++care.needs;
    care.unmet_needs += n.met_by.empty();
  }
  return stats::ChildFigures(facts, care, stale_after_days_);
}

std::string StatsService::RegionWithin(const RequestContext& ctx, const std::string& region) const {
  Require(PermissionsOf(ctx.user.role).read_children, "查看统计分析");
  const RegionScope scope = ScopeOf(ctx.user);
  if (region.empty()) return scope.root_code;
  if (!region.starts_with(scope.root_code)) throw ApiError(403, "forbidden", "区域不在您的管辖范围内");
  if (!regions_.Contains(region)) throw ApiError(404, "not_found", "区域不存在：" + region);
  return region;
}

std::string StatsService::RegionName(const std::string& code) const {
  const Region* r = regions_.Find(code);
  return r ? r->name : code;
}

json StatsService::IndicatorValues(const stats::Figures& totals) const {
  json out = json::object();
  for (const stats::Indicator& i : stats::Indicators()) out[i.id] = RateJson(stats::ValueOf(i, totals));
  return out;
}

json StatsService::Resources(const std::string& region, int64_t children) {
  const RegionScope scope{region};
  int64_t directors = 0;
  for (const User& u : store_.ListUsers(scope)) directors += u.role == Role::kChildDirector && !u.disabled;
  int64_t homes = 0, organisations = 0, volunteers = 0, after_school = 0;
  ProviderQuery q;
  q.region_code = region;
  for (const Provider& p : store_.services().ListProviders(scope, q)) {
    homes += p.kind == "children_home";
    organisations += p.kind == "social_org";
    volunteers += p.kind == "volunteer";
    after_school += p.kind == "after_school";
  }
  return {{"child_directors", directors},
          {"children_per_director", directors > 0 ? json(double(children) / double(directors)) : json(nullptr)},
          {"children_homes", homes},
          {"after_school_centres", after_school},
          {"organisations", organisations},
          {"volunteers", volunteers}};
}

json StatsService::Dashboard(const RequestContext& ctx, const std::string& region) {
  const std::string within = RegionWithin(ctx, region);
  const stats::Figures totals = store_.stats().Totals(within);
  json indicators = json::array();
  for (const stats::Indicator& i : stats::Indicators())
    indicators.push_back({{"id", i.id},
                          {"group", i.group},
                          {"label", i.label_zh},
                          {"numerator", Get(totals, i.numerator)},
                          {"denominator", i.denominator.empty() ? json(nullptr) : json(Get(totals, i.denominator))},
                          {"value", RateJson(stats::ValueOf(i, totals))},
                          {"rate", !i.denominator.empty()},
                          {"numerator_key", i.numerator},
                          {"list_key", i.list_key.empty() ? i.numerator : i.list_key},
                          {"higher_is_better", i.higher_is_better}});
  json subs = json::array();
  const auto by_sub = store_.stats().SubRegionTotals(within);
  for (const Region* r : regions_.ChildrenOf(within)) {
    const auto it = by_sub.find(r->code);
    const stats::Figures empty;
    const stats::Figures& f = it == by_sub.end() ? empty : it->second;
    subs.push_back({{"region_code", r->code},
                    {"name", r->name},
                    {"children", Get(f, "children")},
                    {"values", IndicatorValues(f)}});
  }
  const Region* self = regions_.Find(within);
  return {{"region_code", within},
          {"region_name", self ? self->name : ""},
          {"full_name", regions_.FullName(within)},
          {"as_of", FormatIsoDate(today_())},
          {"figures", totals},
          {"indicators", indicators},
          {"sub_regions", subs},
          {"resources", Resources(within, Get(totals, "children"))}};
}

json StatsService::Trend(const RequestContext& ctx, const std::string& region) {
  const std::string within = RegionWithin(ctx, region);
  json periods = json::array();
  for (const auto& [period, figures] : store_.stats().History(within))
    periods.push_back({{"period", period}, {"values", IndicatorValues(figures)}, {"figures", figures}});
  const std::string current = FormatIsoDate(today_()).substr(0, 7);
  const stats::Figures now = store_.stats().Totals(within);
  if (periods.empty() || periods.back()["period"] != current)
    periods.push_back({{"period", current}, {"values", IndicatorValues(now)}, {"figures", now}, {"current", true}});
  return {{"region_code", within}, {"periods", periods}};
}

json StatsService::Supervision(const RequestContext& ctx, const std::string& region) {
  const std::string within = RegionWithin(ctx, region);
  const auto by_sub = store_.stats().SubRegionTotals(within);
  json rows = json::array();
  for (const Region* r : regions_.ChildrenOf(within)) {
    const auto it = by_sub.find(r->code);
    const stats::Figures empty;
    const stats::Figures& f = it == by_sub.end() ? empty : it->second;
    const stats::Score score = stats::ScoreOf(supervision_, f);
    json parts = json::array();
    for (const stats::ScorePart& p : score.parts) {
      const stats::Indicator* ind = stats::FindIndicator(p.indicator);
      parts.push_back({{"indicator", p.indicator},
                       {"label", ind ? ind->label_zh : p.indicator},
                       {"rate", RateJson(p.rate)},
                       {"weight", p.weight},
                       {"points", p.points}});
    }
    rows.push_back({{"region_code", r->code},
                    {"name", r->name},
                    {"children", Get(f, "children")},
                    {"score", Get(f, "children") > 0 ? json(score.total) : json(nullptr)},
                    {"parts", parts}});
  }
  // Ranked by score; regions without children are listed last, unranked.
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    if (a["score"].is_null() != b["score"].is_null()) return b["score"].is_null();
    return !a["score"].is_null() && a["score"].get<double>() > b["score"].get<double>();
  });
  int rank = 0;
  for (json& r : rows) r["rank"] = r["score"].is_null() ? json(nullptr) : json(++rank);
  return {{"region_code", within}, {"region_name", RegionName(within)}, {"config", supervision_.ToJson()}, {"regions", rows}};
}

json StatsService::Dispatch(const RequestContext& ctx, const std::string& region, const std::string& month_in) {
  const std::string within = RegionWithin(ctx, region);
  const std::string current = FormatIsoDate(today_()).substr(0, 7);
  const std::string month = month_in.empty() ? current : month_in;
  if (month.size() != 7 || month[4] != '-' || !ParseIsoDate(month + "-01"))
    throw ApiError(400, "invalid_field", "月份格式应为 YYYY-MM", "month");
  if (month > current) throw ApiError(400, "invalid_field", "不能生成未来月份的调度报告", "month");
  // The month's figures: its saved history, or today's totals for the current month.
  std::optional<stats::Figures> now, before;
  for (const auto& [period, figures] : store_.stats().History(within)) {
    if (period == month) now = figures;
    if (period == PreviousMonth(month)) before = figures;
  }
  if (month == current) now = store_.stats().Totals(within);
  if (!now) throw ApiError(404, "not_found", month + " 没有保存的统计数据");
  json figures = json::array();
  for (const stats::Indicator& i : stats::Indicators()) {
    const auto v = stats::ValueOf(i, *now);
    std::optional<double> p;
    if (before) p = stats::ValueOf(i, *before);
    figures.push_back({{"id", i.id},
                       {"group", i.group},
                       {"label", i.label_zh},
                       {"value", RateJson(v)},
                       {"previous", RateJson(p)},
                       {"rate", !i.denominator.empty()},
                       {"change", v && p ? json(*v - *p) : json(nullptr)}});
  }
  const json ranking = Supervision(ctx, within)["regions"];
  // Concerns: each lower-level region's rates below target × warn_below, and overdue work.
  json concerns = json::array();
  const auto by_sub = store_.stats().SubRegionTotals(within);
  for (const auto& [code, f] : by_sub) {
    for (const stats::ScoreWeight& w : supervision_.weights) {
      const stats::Indicator* ind = stats::FindIndicator(w.indicator);
      const auto v = ind ? stats::ValueOf(*ind, f) : std::nullopt;
      if (v && *v < w.target * supervision_.warn_below)
        concerns.push_back({{"region_code", code},
                            {"name", RegionName(code)},
                            {"text", RegionName(code) + "：" + ind->label_zh + " " + Percent(v) + "，低于目标 " +
                                         Percent(w.target)}});
    }
    for (const auto& [key, label] : std::vector<std::pair<std::string, std::string>>{
             {"visit:overdue", "名重点关爱儿童走访逾期"}, {"cases:overdue", "件个案超期"}, {"referrals:overdue", "件转介超期"}})
      if (Get(f, key) > 0)
        concerns.push_back({{"region_code", code},
                            {"name", RegionName(code)},
                            {"text", RegionName(code) + "：" + std::to_string(Get(f, key)) + " " + label}});
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "stats.dispatch", within, month, "ok", ctx.remote});
  return {{"region_code", within},
          {"region_name", RegionName(within)},
          {"full_name", regions_.FullName(within)},
          {"month", month},
          {"previous_month", PreviousMonth(month)},
          {"has_previous", before.has_value()},
          {"figures", figures},
          {"ranking", ranking},
          {"concerns", concerns}};
}

DownloadFile StatsService::Export(const RequestContext& ctx, const std::string& region) {
  const std::string within = RegionWithin(ctx, region);
  // The columns officials use in the 流动儿童和留守儿童关爱保护工作统计表.
  const std::vector<std::pair<std::string, std::string>> columns = {
      {"count:children", "登记儿童"},           {"count:class:migrant", "流动儿童"},
      {"count:class:left_behind", "留守儿童"},  {"count:class:in_difficulty", "困境儿童"},
      {"count:class:key_care", "重点关爱对象"}, {"count:flow:cross_province", "跨省流动"},
      {"count:flow:cross_city", "省内跨市"},    {"count:flow:cross_county", "市内跨县"},
      {"count:age:0-3", "0–3岁"},               {"count:age:3-6", "3–6岁"},
      {"count:age:6-15", "6–15岁"},             {"count:age:15-18", "15–18岁"},
      {"rate:m:health_record", "健康档案建档率"}, {"rate:m:vaccination", "疫苗接种率"},
      {"rate:m:preschool", "学前入园率"},       {"rate:m:compulsory", "义务教育入学率"},
      {"rate:visit_on_time", "按时走访率"},     {"rate:update_on_time", "档案按时更新率"},
      {"count:colour:red", "红色预警"},         {"count:colour:orange", "橙色预警"},
      {"count:cases:open", "在办个案"},         {"count:cases:overdue", "超期个案"},
      {"rate:entitlements", "服务清单覆盖率"},
  };
  std::vector<std::string> header = {"区域"};
  for (const auto& [id, label] : columns) header.push_back(label);
  const auto row_of = [&](const std::string& name, const stats::Figures& f) {
    std::vector<std::string> row = {name};
    for (const auto& [id, label] : columns) {
      const stats::Indicator* ind = stats::FindIndicator(id);
      const auto v = ind ? stats::ValueOf(*ind, f) : std::nullopt;
      row.push_back(ind && !ind->denominator.empty() ? Percent(v) : std::to_string(static_cast<int64_t>(v.value_or(0))));
    }
    return row;
  };
  std::vector<std::vector<std::string>> rows;
  const auto by_sub = store_.stats().SubRegionTotals(within);
  for (const Region* r : regions_.ChildrenOf(within)) {
    const auto it = by_sub.find(r->code);
    rows.push_back(row_of(r->name, it == by_sub.end() ? stats::Figures{} : it->second));
  }
  rows.push_back(row_of("合计", store_.stats().Totals(within)));
  const std::string title = regions_.FullName(within) + "流动儿童和留守儿童关爱保护工作统计表（截至" +
                            FormatIsoDate(today_()) + "）";
  audit_.Record({"", ctx.user.id, ctx.user.username, "stats.export", within, "", "ok", ctx.remote});
  return {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          RegionName(within) + "关爱保护工作统计表" + FormatIsoDate(today_()) + ".xlsx",
          ingest::WriteTitledXlsx("统计表", title, "填报单位：" + regions_.FullName(within) + "民政部门    数据来源：童安系统",
                                  header, rows)};
}

json StatsService::Children(const RequestContext& ctx, const std::string& region, const std::string& key, int64_t page,
                            int64_t page_size) {
  const std::string within = RegionWithin(ctx, region);
  if (key.empty() || key.size() > 80) throw ApiError(400, "invalid_field", "请指定统计项", "key");
  page = std::max<int64_t>(page, 1);
  page_size = std::clamp<int64_t>(page_size, 1, 100);
  const RegionScope scope = ScopeOf(ctx.user);
  const bool see = PermissionsOf(ctx.user.role).see_identifiers;
  const Date today = today_();
  int64_t total = 0;
  json items = json::array();
  for (int64_t id : store_.stats().ChildrenWith(within, key, (page - 1) * page_size, page_size, &total)) {
    const auto child = store_.GetChild(scope, id);
    if (!child) continue;
    items.push_back({{"id", child->id},
                     {"name", child->name},
                     {"id_number", see ? child->id_number : MaskIdNumber(child->id_number)},
                     {"sex", std::string(SexNameZh(child->sex))},
                     {"age", AgeInYears(child->birth_date, today)},
                     {"region_code", child->region_code},
                     {"region_name", RegionName(child->region_code)}});
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "stats.children", within, key, "ok", ctx.remote});
  return {{"items", items}, {"total", total}, {"key", key}};
}

int64_t StatsService::DailyRefresh() {
  const Date today = today_();
  // The first refresh of a month keeps the previous month's totals as they stood at its end,
  // before today's changes are applied.
  const std::string month = FormatIsoDate(today).substr(0, 7);
  const std::string last = FormatIsoDate(Date{std::chrono::sys_days{today} - std::chrono::days{1}}).substr(0, 7);
  if (last != month && store_.care().GetSetting("figures_saved_for").value_or("") < last) {
    store_.stats().SaveHistory(last, "", 9);
    store_.care().PutSetting("figures_saved_for", last, {0, "system"});
  }
  const std::vector<int64_t> ids = store_.ChildrenChangingOn(today, stale_after_days_, valid_days_());
  for (int64_t id : ids) care_.Recompute(id);
  return static_cast<int64_t>(ids.size());
}

void StatsService::StartDailyRefresh() {
  refresher_ = std::thread([this] {
    std::unique_lock lock(refresh_mutex_);
    while (!stopping_) {
      lock.unlock();
      try {
        const int64_t n = DailyRefresh();
        if (n > 0) std::fprintf(stderr, "每日更新：重新计算 %lld 名儿童\n", static_cast<long long>(n));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "每日更新失败：%s\n", e.what());
      }
      lock.lock();
      // Next run: shortly after midnight in China (UTC+8).
      const auto now = std::chrono::system_clock::now();
      const auto china_day = std::chrono::floor<std::chrono::days>(now + std::chrono::hours(8));
      const auto next = china_day + std::chrono::days(1) - std::chrono::hours(8) + std::chrono::minutes(5);
      refresh_wake_.wait_until(lock, next, [&] { return stopping_; });
    }
  });
}

}  // namespace tongan
