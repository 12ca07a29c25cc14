#include "app/round_service.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "app/request_body.h"
#include "app/scope.h"
#include "core/classification.h"

namespace tongan {
namespace {

using nlohmann::json;

constexpr uint32_t Bit(RoundChange c) { return static_cast<uint32_t>(c); }

struct ChangeKind {
  const char* code;
  const char* name_zh;
  RoundChange change;
};

const std::vector<ChangeKind>& ChangeKinds() {
  static const std::vector<ChangeKind> kinds = {
      {"new", "新增", RoundChange::kNew},
      {"moved_in", "迁入", RoundChange::kMovedIn},
      {"moved_away", "迁出", RoundChange::kMovedAway},
      {"aged_out", "满16周岁", RoundChange::kAgedOut},
      {"class_changed", "类别变化", RoundChange::kClassChanged},
      {"unconfirmed", "未确认", RoundChange::kUnconfirmed},
  };
  return kinds;
}

// The counts a summary keeps for the county and for each village.
const std::vector<const char*>& CountKeys() {
  static const std::vector<const char*> keys = {"children",  "new",      "moved_in",      "moved_within",
                                                "moved_away", "aged_out", "class_changed", "unconfirmed_children"};
  return keys;
}

constexpr int kAgeLimit = 16;  // migrant and left-behind children are under 16

// Bit i: AllChildClasses()[i] — the order the snapshot keeps.
uint32_t ClassBits(const Classification& cls) {
  uint32_t bits = 0;
  const auto& all = AllChildClasses();
  for (size_t i = 0; i < all.size(); ++i)
    if (cls.Has(all[i])) bits |= 1u << i;
  return bits;
}

// The classes that end when a child turns 16: losing them is the aging out, not a class change.
uint32_t Under16ClassBits() {
  uint32_t bits = 0;
  const auto& all = AllChildClasses();
  for (size_t i = 0; i < all.size(); ++i)
    if (PredicateFor(all[i]).under16) bits |= 1u << i;
  return bits;
}

json ClassesJson(uint32_t bits) {
  json out = json::array();
  const auto& all = AllChildClasses();
  for (size_t i = 0; i < all.size(); ++i)
    if (bits & (1u << i))
      out.push_back({{"code", std::string(ChildClassCode(all[i]))}, {"name", std::string(ChildClassNameZh(all[i]))}});
  return out;
}

std::string ClassesText(uint32_t bits) {
  std::string text;
  const auto& all = AllChildClasses();
  for (size_t i = 0; i < all.size(); ++i)
    if (bits & (1u << i)) text += (text.empty() ? "" : "、") + std::string(ChildClassNameZh(all[i]));
  return text.empty() ? "无" : text;
}

std::string DefaultTitle(Date today) {
  return std::to_string(int(today.year())) + "年" + (unsigned(today.month()) <= 6 ? "上半年" : "下半年") + "监测摸排";
}

int64_t Count(const json& j, const char* key) { return j.is_object() ? j.value(key, int64_t{0}) : 0; }

}  // namespace

RoundService::RoundService(Store& store, AuditLog& audit, ChildService& children, const RegionTree& regions,
                           std::function<Date()> today)
    : store_(store), audit_(audit), children_(children), regions_(regions), today_(std::move(today)) {}

std::string RoundService::Name(const std::string& code) const {
  const Region* r = regions_.Find(code);
  return r ? r->name : "";
}

std::string RoundService::Within(const User& user, const std::string& county_code) {
  const std::string root = ScopeOf(user).root_code;
  return root.size() > county_code.size() ? root : county_code;
}

std::vector<const Region*> RoundService::VillagesOf(const std::string& county_code, const std::string& root) const {
  std::vector<const Region*> out;
  for (const Region* township : regions_.ChildrenOf(county_code)) {
    if (!RegionWithin(township->code, root) && !RegionWithin(root, township->code)) continue;
    for (const Region* village : regions_.ChildrenOf(township->code))
      if (village->level == RegionLevel::kVillage && RegionWithin(village->code, root)) out.push_back(village);
  }
  std::sort(out.begin(), out.end(), [](const Region* a, const Region* b) { return a->code < b->code; });
  return out;
}

std::vector<std::string> RoundService::CountiesUnder(const std::string& region_code) const {
  if (region_code.size() >= 6) return {region_code.substr(0, 6)};
  std::vector<std::string> out;
  std::vector<std::string> pending = {region_code};
  while (!pending.empty()) {
    const std::string code = pending.back();
    pending.pop_back();
    for (const Region* r : regions_.ChildrenOf(code)) {
      if (r->level == RegionLevel::kCounty)
        out.push_back(r->code);
      else if (r->code.size() < 6)
        pending.push_back(r->code);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

MonitoringRound RoundService::Visible(const RequestContext& ctx, int64_t id) {
  auto round = store_.rounds().GetRound(ScopeOf(ctx.user), id);
  if (!round) throw ApiError(404, "not_found", "监测摸排不存在或不在您的管辖范围内");
  return *round;
}

std::optional<int> RoundService::DaysSinceLastRound(const std::string& county_code) {
  const auto last = store_.rounds().LastOpenedOn(county_code);
  if (!last) return std::nullopt;
  const auto opened = ParseIsoDate(*last);
  if (!opened) return std::nullopt;
  return DaysBetween(*opened, today_());
}

json RoundService::ScopedSummary(const MonitoringRound& r, const std::string& root) const {
  if (r.status != "closed") return nullptr;
  json summary = json::parse(r.summary.empty() ? "{}" : r.summary);
  const json by_village = summary.value("by_village", json::object());
  summary.erase("by_village");
  if (root.size() <= r.county_code.size()) return summary;
  // A township or village sees the sum of its own villages.
  for (const char* key : CountKeys()) summary[key] = 0;
  int64_t villages = 0, confirmed = 0;
  for (const auto& [code, v] : by_village.items()) {
    if (!RegionWithin(code, root)) continue;
    for (const char* key : CountKeys()) summary[key] = summary[key].get<int64_t>() + Count(v, key);
    if (v.contains("confirmed")) {
      ++villages;
      confirmed += v["confirmed"].get<bool>() ? 1 : 0;
    }
  }
  summary["villages"] = villages;
  summary["confirmed_villages"] = confirmed;
  summary["unconfirmed_villages"] = villages - confirmed;
  return summary;
}

json RoundService::RoundJson(const MonitoringRound& r, const std::string& root) const {
  const std::string today = FormatIsoDate(today_());
  const int64_t villages = static_cast<int64_t>(VillagesOf(r.county_code, root).size());
  return {{"id", r.id},
          {"county_code", r.county_code},
          {"county_name", Name(r.county_code)},
          {"title", r.title},
          {"status", r.status},
          {"status_name", r.status == "open" ? "进行中" : "已结束"},
          {"opened_on", r.opened_on},
          {"due_on", r.due_on},
          {"past_due", r.status == "open" && r.due_on < today},
          {"opened_by_name", r.opened_by_name},
          {"closed_at", r.closed_at},
          {"closed_on", r.closed_on},
          {"closed_by_name", r.closed_by_name},
          {"previous_round_id", r.previous_round_id ? json(*r.previous_round_id) : json(nullptr)},
          {"progress", {{"villages", villages}, {"confirmed", r.confirmed}, {"unconfirmed", villages - r.confirmed}}},
          {"summary", ScopedSummary(r, root)}};
}

json RoundService::List(const RequestContext& ctx) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看监测摸排");
  const RegionScope scope = ScopeOf(ctx.user);
  const std::vector<MonitoringRound> rounds = store_.rounds().ListRounds(scope);
  json items = json::array();
  std::map<std::string, const MonitoringRound*> latest;  // county → its newest round
  for (const MonitoringRound& r : rounds) {
    items.push_back(RoundJson(r, Within(ctx.user, r.county_code)));
    const MonitoringRound*& newest = latest[r.county_code];
    if (!newest || r.opened_on > newest->opened_on) newest = &r;
  }
  const Date today = today_();
  json counties = json::array();
  bool any_overdue = false;
  json own_days = nullptr;
  const std::vector<std::string> codes = CountiesUnder(scope.root_code);
  for (const std::string& county : codes) {
    const auto it = latest.find(county);
    std::optional<int> days;
    json open_round = nullptr;
    if (it != latest.end()) {
      if (const auto opened = ParseIsoDate(it->second->opened_on)) days = DaysBetween(*opened, today);
      if (it->second->status == "open") open_round = it->second->id;
    }
    // Rounds at least every six months: none yet, or the last one opened longer ago, is overdue.
    const bool overdue = !days || *days > kMaxDaysBetweenRounds;
    any_overdue |= overdue;
    if (codes.size() == 1) own_days = days ? json(*days) : json(nullptr);
    counties.push_back({{"code", county},
                        {"name", Name(county)},
                        {"last_opened_on", it != latest.end() ? json(it->second->opened_on) : json(nullptr)},
                        {"days_since_last", days ? json(*days) : json(nullptr)},
                        {"open_round_id", open_round},
                        {"overdue", overdue}});
  }
  return {{"rounds", items},
          {"counties", counties},
          {"overdue", any_overdue},
          {"days_since_last", own_days},
          {"max_days_between_rounds", kMaxDaysBetweenRounds},
          {"can_open", ctx.user.role == Role::kCountyCivilAffairs && ctx.user.region_code.size() == 6}};
}

json RoundService::Open(const RequestContext& ctx, const json& body) {
  Require(ctx.user.role == Role::kCountyCivilAffairs, "开展监测摸排（限县级民政）");
  if (ctx.user.region_code.size() != 6) throw ApiError(403, "forbidden", "开展监测摸排需使用县级民政账号");
  RejectUnknownFields(body, {"title", "due_on"});
  const Date today = today_();
  std::string title = BodyText(body, "title", 200, false);
  if (title.empty()) title = DefaultTitle(today);
  const auto due = ParseIsoDate(BodyText(body, "due_on", 10, true));
  if (!due) throw ApiError(400, "invalid_field", "截止日期格式应为 YYYY-MM-DD", "due_on");
  if (*due < today) throw ApiError(400, "invalid_field", "截止日期不能早于开始日期（今天）", "due_on");
  if (DaysBetween(today, *due) > kMaxDaysBetweenRounds) {
    const Date latest{std::chrono::sys_days{today} + std::chrono::days{kMaxDaysBetweenRounds}};
    throw ApiError(400, "invalid_field",
                   "监测摸排至少每六个月开展一次，截止日期不能晚于开始后六个月（" + FormatIsoDate(latest) + "）",
                   "due_on");
  }
  MonitoringRound round;
  round.county_code = ctx.user.region_code;
  round.title = title;
  round.opened_on = FormatIsoDate(today);
  round.due_on = FormatIsoDate(*due);
  round.opened_by_name = ctx.user.display_name.empty() ? ctx.user.username : ctx.user.display_name;
  if (!store_.rounds().OpenRound(round))
    throw ApiError(409, "round_open", "本县已有进行中的监测摸排，请先结束该轮再开展新一轮");
  audit_.Record({"", ctx.user.id, ctx.user.username, "round.open", "round:" + std::to_string(round.id),
                 json({{"county", round.county_code}, {"due_on", round.due_on}}).dump(), "ok", ctx.remote});
  return Get(ctx, round.id);
}

json RoundService::Get(const RequestContext& ctx, int64_t id) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看监测摸排");
  const MonitoringRound round = Visible(ctx, id);
  const std::string root = Within(ctx.user, round.county_code);
  const RegionScope part{root};
  std::map<std::string, int64_t> current;
  for (const auto& [code, n] : store_.rounds().ChildrenPerVillage(part)) current[code] = n;
  std::map<std::string, RoundConfirmation> confirmations;
  for (RoundConfirmation& c : store_.rounds().Confirmations(part, id)) confirmations[c.village_code] = std::move(c);
  const json summary = json::parse(round.summary.empty() ? "{}" : round.summary);
  const json by_village = summary.value("by_village", json::object());
  const bool closed = round.status == "closed";

  json villages = json::array();
  struct TownshipProgress {
    int64_t villages = 0, confirmed = 0, children = 0;
  };
  std::map<std::string, TownshipProgress> townships;
  for (const Region* v : VillagesOf(round.county_code, root)) {
    const auto c = confirmations.find(v->code);
    const bool confirmed = c != confirmations.end();
    const int64_t children = current.count(v->code) ? current[v->code] : 0;
    json row = {{"code", v->code},
                {"name", v->name},
                {"township_code", v->parent_code},
                {"township", Name(v->parent_code)},
                {"children", children},
                {"confirmed", confirmed},
                {"confirmed_at", confirmed ? c->second.confirmed_at : ""},
                {"confirmed_by_name", confirmed ? c->second.confirmed_by_name : ""},
                {"confirmed_children", confirmed ? json(c->second.children) : json(nullptr)},
                {"note", confirmed ? c->second.note : ""}};
    if (closed) {
      const json counts = by_village.value(v->code, json::object());
      json changes;
      for (const char* key : CountKeys()) changes[key] = Count(counts, key);
      row["changes"] = changes;
    }
    villages.push_back(row);
    TownshipProgress& t = townships[v->parent_code];
    ++t.villages;
    t.confirmed += confirmed ? 1 : 0;
    t.children += children;
  }
  json township_rows = json::array();
  for (const auto& [code, t] : townships)
    township_rows.push_back({{"code", code},
                             {"name", Name(code)},
                             {"villages", t.villages},
                             {"confirmed", t.confirmed},
                             {"children", t.children}});

  json out = RoundJson(round, root);
  out["villages"] = villages;
  out["townships"] = township_rows;
  const bool open = round.status == "open";
  const bool county_user = ctx.user.role == Role::kCountyCivilAffairs && ctx.user.region_code == round.county_code;
  const bool director = ctx.user.role == Role::kChildDirector && ctx.user.region_code.size() == 12;
  out["can_close"] = open && county_user;
  out["can_confirm"] = open && (county_user || (director && !confirmations.count(ctx.user.region_code)));
  return out;
}

json RoundService::Confirm(const RequestContext& ctx, int64_t id, const json& body) {
  const Role role = ctx.user.role;
  Require(role == Role::kChildDirector || role == Role::kCountyCivilAffairs, "确认摸排名单（限儿童主任和县级民政）");
  RejectUnknownFields(body, {"village_code", "note"});
  const MonitoringRound round = Visible(ctx, id);
  const std::string asked = BodyText(body, "village_code", 12, false);
  std::string village;
  if (role == Role::kChildDirector) {
    // A child director vouches for their own village's list only.
    village = ctx.user.region_code;
    if (village.size() != 12 || !RegionWithin(village, round.county_code))
      throw ApiError(403, "forbidden", "只有本县村（社区）的儿童主任可以确认本村名单");
    if (!asked.empty() && asked != village)
      throw ApiError(403, "forbidden", "只能确认本村（社区）的摸排名单", "village_code");
  } else {
    if (ctx.user.region_code != round.county_code)
      throw ApiError(403, "forbidden", "只能确认本县的摸排名单");
    if (asked.empty()) throw ApiError(400, "missing_field", "请选择要确认的村（社区）", "village_code");
    const Region* r = regions_.Find(asked);
    if (!r || r->level != RegionLevel::kVillage || !RegionWithin(asked, round.county_code))
      throw ApiError(400, "invalid_field", "village_code 应为本县的村（社区）", "village_code");
    village = asked;
  }
  RoundConfirmation c;
  c.round_id = id;
  c.village_code = village;
  c.confirmed_by_name = ctx.user.display_name.empty() ? ctx.user.username : ctx.user.display_name;
  c.note = BodyText(body, "note", 1000, false);
  switch (store_.rounds().Confirm(c)) {
    case RoundStore::ConfirmResult::kConfirmed: break;
    case RoundStore::ConfirmResult::kNoRound:
      throw ApiError(404, "not_found", "监测摸排不存在或不在您的管辖范围内");
    case RoundStore::ConfirmResult::kRoundClosed:
      throw ApiError(409, "round_closed", "本轮监测摸排已结束，不能再确认名单");
    case RoundStore::ConfirmResult::kAlreadyConfirmed:
      throw ApiError(409, "already_confirmed", Name(village) + "本轮已确认过名单");
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "round.confirm", "round:" + std::to_string(id),
                 json({{"village", village}, {"children", c.children}}).dump(), "ok", ctx.remote});
  return Get(ctx, id);
}

json RoundService::Close(const RequestContext& ctx, int64_t id) {
  Require(ctx.user.role == Role::kCountyCivilAffairs, "结束监测摸排（限县级民政）");
  MonitoringRound round = Visible(ctx, id);
  if (ctx.user.region_code != round.county_code) throw ApiError(403, "forbidden", "只能结束本县的监测摸排");
  if (round.status != "open") throw ApiError(409, "round_closed", "本轮监测摸排已经结束");

  const Date today = today_();
  // The watermark is read before the scan: a child registered during the scan has a higher id and
  // is in this snapshot, so the next round still compares it correctly.
  round.child_watermark = store_.rounds().MaxChildId();
  std::vector<SnapshotRow> rows;
  store_.ScanChildren(RegionScope{round.county_code}, [&](const Child& c) {
    rows.push_back({c.id, c.region_code, FormatIsoDate(c.birth_date),
                    ClassBits(Classify(c, today, children_.config())), 0});
  });
  std::sort(rows.begin(), rows.end(), [](const SnapshotRow& a, const SnapshotRow& b) { return a.child_id < b.child_id; });

  std::optional<MonitoringRound> previous;
  std::unordered_map<int64_t, SnapshotRow> before;
  if (round.previous_round_id) {
    previous = store_.rounds().GetRound(SystemScope(), *round.previous_round_id);
    if (previous)
      for (SnapshotRow& row : store_.rounds().Snapshot(previous->id)) before.emplace(row.child_id, std::move(row));
  }
  const std::optional<Date> previous_on = previous ? ParseIsoDate(previous->closed_on) : std::nullopt;
  std::set<std::string> confirmed;
  for (const RoundConfirmation& c : store_.rounds().Confirmations(RegionScope{round.county_code}, id))
    confirmed.insert(c.village_code);

  json by_village = json::object();
  int64_t villages = 0;
  for (const Region* v : VillagesOf(round.county_code, round.county_code)) {
    by_village[v->code] = {{"confirmed", confirmed.count(v->code) > 0}};
    ++villages;
  }
  std::map<std::string, int64_t> totals;
  for (const char* key : CountKeys()) totals[key] = 0;
  const auto add = [&](const std::string& village, const char* key) {
    json& v = by_village[village];
    v[key] = Count(v, key) + 1;
    ++totals[key];
  };
  const uint32_t under16 = Under16ClassBits();
  for (SnapshotRow& row : rows) {
    add(row.region_code, "children");
    if (previous) {
      const auto it = before.find(row.child_id);
      if (it == before.end()) {
        // Not here last time: registered since (a higher id than the watermark), or a file that
        // existed then elsewhere (transferred in from another county).
        row.changes |= row.child_id > previous->child_watermark ? Bit(RoundChange::kNew) : Bit(RoundChange::kMovedIn);
      } else {
        const SnapshotRow& then = it->second;
        if (then.region_code != row.region_code) {
          row.changes |= Bit(RoundChange::kMovedIn);
          add(row.region_code, "moved_within");
        }
        // Ages from today's birth date on both dates: a corrected birth date is not a birthday.
        const auto birth = ParseIsoDate(row.birth_date);
        const bool aged_out = birth && previous_on && AgeInYears(*birth, *previous_on) < kAgeLimit &&
                              AgeInYears(*birth, today) >= kAgeLimit;
        if (aged_out) row.changes |= Bit(RoundChange::kAgedOut);
        const uint32_t compared = aged_out ? ~under16 : ~0u;
        if ((then.classes & compared) != (row.classes & compared)) row.changes |= Bit(RoundChange::kClassChanged);
        before.erase(it);
      }
    }
    if (!confirmed.count(row.region_code)) row.changes |= Bit(RoundChange::kUnconfirmed);
    if (row.changes & Bit(RoundChange::kNew)) add(row.region_code, "new");
    if (row.changes & Bit(RoundChange::kMovedIn)) add(row.region_code, "moved_in");
    if (row.changes & Bit(RoundChange::kAgedOut)) add(row.region_code, "aged_out");
    if (row.changes & Bit(RoundChange::kClassChanged)) add(row.region_code, "class_changed");
    if (row.changes & Bit(RoundChange::kUnconfirmed)) add(row.region_code, "unconfirmed_children");
  }
  // Whoever is left of the previous snapshot is no longer in the county; counted where they were.
  for (const auto& [child_id, then] : before) add(then.region_code, "moved_away");

  json summary;
  for (const auto& [key, n] : totals) summary[key] = n;
  const int64_t confirmed_villages = std::count_if(by_village.begin(), by_village.end(), [](const json& v) {
    return v.contains("confirmed") && v["confirmed"].get<bool>();
  });
  summary["villages"] = villages;
  summary["confirmed_villages"] = confirmed_villages;
  summary["unconfirmed_villages"] = villages - confirmed_villages;
  // The first round is the base count (底数): nothing to compare with.
  summary["baseline"] = !previous.has_value();
  summary["previous_round_id"] = previous ? json(previous->id) : json(nullptr);
  summary["previous_closed_on"] = previous ? json(previous->closed_on) : json(nullptr);
  summary["closed_on"] = FormatIsoDate(today);
  summary["by_village"] = by_village;

  round.closed_on = FormatIsoDate(today);
  round.closed_by_name = ctx.user.display_name.empty() ? ctx.user.username : ctx.user.display_name;
  round.summary = summary.dump();
  if (!store_.rounds().CloseRound(round, rows))
    throw ApiError(409, "round_closed", "本轮监测摸排已经结束");
  json detail = summary;
  detail.erase("by_village");
  audit_.Record({"", ctx.user.id, ctx.user.username, "round.close", "round:" + std::to_string(id), detail.dump(),
                 "ok", ctx.remote});
  return Get(ctx, id);
}

json RoundService::Changes(const RequestContext& ctx, int64_t id, const std::string& kind, int64_t page,
                           int64_t page_size) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看摸排变化名单");
  const auto k = std::find_if(ChangeKinds().begin(), ChangeKinds().end(),
                              [&](const ChangeKind& c) { return kind == c.code; });
  if (k == ChangeKinds().end())
    throw ApiError(400, "invalid_field", "kind 应为 new、moved_in、moved_away、aged_out、class_changed 或 unconfirmed",
                   "kind");
  if (page < 1 || page_size < 1 || page_size > 100)
    throw ApiError(400, "invalid_field", "分页参数无效（每页1至100条）", "page");
  const MonitoringRound round = Visible(ctx, id);
  if (round.status != "closed")
    throw ApiError(409, "round_not_closed", "本轮监测摸排尚未结束，结束后才有变化名单");
  const std::string root = Within(ctx.user, round.county_code);
  int64_t total = 0;
  const auto rows =
      store_.rounds().Changes(RegionScope{root}, round, k->change, (page - 1) * page_size, page_size, &total);
  const auto closed_on = ParseIsoDate(round.closed_on);

  json items = json::array();
  for (const RoundChangeRow& r : rows) {
    const Region* village = regions_.Find(r.row.region_code);
    json item = {{"child_id", r.row.child_id},
                 {"name", r.name},
                 {"village_code", r.row.region_code},
                 {"village_name", village ? village->name : ""},
                 {"township_name", village ? Name(village->parent_code) : ""},
                 {"classes", ClassesJson(r.row.classes)}};
    std::string change;
    switch (k->change) {
      case RoundChange::kNew:
        change = "新登记";
        break;
      case RoundChange::kMovedIn:
        if (r.previous) {
          const Region* from = regions_.Find(r.previous->region_code);
          item["from_village_code"] = r.previous->region_code;
          item["from_village_name"] = from ? from->name : "";
          change = "由本县" + (from ? Name(from->parent_code) + from->name : r.previous->region_code) + "迁入";
        } else {
          item["from_village_code"] = "";
          item["from_village_name"] = "";
          change = "由县外迁入";
        }
        break;
      case RoundChange::kMovedAway:
        item["now_region_code"] = r.current_region_code.substr(0, std::min<size_t>(6, r.current_region_code.size()));
        item["now_region_name"] = r.current_region_code.size() >= 6 ? regions_.FullName(r.current_region_code.substr(0, 6)) : "";
        if (r.current_region_code.empty())
          change = "档案已不在系统中";
        else if (!RegionWithin(r.current_region_code, round.county_code))
          change = "已迁出本县，现居住地：" + item["now_region_name"].get<std::string>();
        else
          change = "不在本轮名单中";
        break;
      case RoundChange::kAgedOut: {
        const auto birth = ParseIsoDate(r.row.birth_date);
        const std::string on = birth ? FormatIsoDate(AddYears(*birth, kAgeLimit)) : "";
        item["turned_16_on"] = on;
        change = "已满16周岁（" + on + "）";
        break;
      }
      case RoundChange::kClassChanged: {
        const uint32_t then = r.previous ? r.previous->classes : 0;
        item["classes_before"] = ClassesJson(then);
        item["classes_after"] = ClassesJson(r.row.classes);
        change = ClassesText(then) + " → " + ClassesText(r.row.classes);
        break;
      }
      case RoundChange::kUnconfirmed:
        change = "所在村（社区）未确认本轮名单";
        break;
    }
    if (closed_on && k->change != RoundChange::kMovedAway)
      if (const auto birth = ParseIsoDate(r.row.birth_date)) item["age"] = AgeInYears(*birth, *closed_on);
    item["change"] = change;
    items.push_back(item);
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "round.changes", "round:" + std::to_string(id),
                 json({{"kind", kind}, {"region", root}, {"page", page}, {"returned", items.size()}}).dump(), "ok",
                 ctx.remote});
  return {{"round_id", id},
          {"kind", kind},
          {"kind_name", k->name_zh},
          {"items", items},
          {"total", total},
          {"page", page},
          {"page_size", page_size}};
}

}  // namespace tongan
