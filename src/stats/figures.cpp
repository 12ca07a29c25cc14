#include "stats/figures.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/classification.h"

namespace tongan::stats {
namespace {

using nlohmann::json;

bool Contains(const json& list, const std::string& value) {
  return list.is_array() && std::any_of(list.begin(), list.end(), [&](const json& e) { return e == value; });
}

// Adds <key>:eligible and <key>:yes or <key>:no, and the migrant copies.
void Rate(Figures& f, const std::string& key, bool eligible, bool yes, bool migrant) {
  if (!eligible) return;
  for (const std::string& prefix : migrant ? std::vector<std::string>{"", "m:"} : std::vector<std::string>{""}) {
    f[prefix + key + ":eligible"] += 1;
    f[prefix + key + (yes ? ":yes" : ":no")] += 1;
  }
}

std::vector<Indicator> BuildIndicators() {
  std::vector<Indicator> out;
  out.push_back({"count:children", "儿童数量", "登记儿童", "children", "", "", true});
  for (ChildClass c : AllChildClasses()) {
    const std::string code(ChildClassCode(c));
    out.push_back({"count:class:" + code, "儿童数量", std::string(ChildClassNameZh(c)), "class:" + code, "", "", true});
  }
  const std::pair<const char*, const char*> flows[] = {
      {"cross_province", "跨省流动"}, {"cross_city", "省内跨市流动"}, {"cross_county", "市内跨县流动"}};
  for (const auto& [code, name] : flows)
    out.push_back({std::string("count:flow:") + code, "流动范围", name, std::string("flow:") + code, "", "", true});
  for (const AgeGroup& g : AgeGroups())
    out.push_back({"count:age:" + std::string(g.code), "年龄段", std::string(g.name_zh), "age:" + std::string(g.code),
                   "", "", true});
  out.push_back({"count:sex:M", "性别", "男", "sex:M", "", "", true});
  out.push_back({"count:sex:F", "性别", "女", "sex:F", "", "", true});
  const std::tuple<const char*, const char*, const char*> rates[] = {
      {"health_record", "健康档案建档率（0–6岁）", "m:"},
      {"vaccination", "疫苗接种率（0–6岁）", "m:"},
      {"preschool", "学前教育入园率（3–5岁）", "m:"},
      {"compulsory", "义务教育入学率（6–14岁）", "m:"},
  };
  for (const auto& [key, name, m] : rates) {
    const std::string k(key);
    out.push_back({"rate:" + k, "关爱服务", name, k + ":yes", k + ":eligible", k + ":no", true});
    out.push_back({"rate:" + std::string(m) + k, "关爱服务", std::string("流动儿童") + name, std::string(m) + k + ":yes",
                   std::string(m) + k + ":eligible", std::string(m) + k + ":no", true});
  }
  out.push_back({"rate:entitlements", "关爱服务", "服务清单覆盖率（已享受项目/应享受项目）", "entitlements:received",
                 "entitlements:entitled", "entitlements:missing", true});
  out.push_back({"rate:needs_met", "关爱服务", "需求对接率", "needs:met", "needs:total", "needs:unmet", true});
  out.push_back({"count:ledger", "走访与档案", "重点关爱台账人数", "ledger", "", "", true});
  out.push_back({"rate:visit_on_time", "走访与档案", "按时走访率", "visit:on_time", "ledger", "visit:overdue", true});
  out.push_back({"rate:update_on_time", "走访与档案", "档案按时更新率", "update:on_time", "children", "update:late", true});
  for (const auto& [code, name] : std::vector<std::pair<std::string, std::string>>{
           {"red", "红色预警"}, {"orange", "橙色预警"}, {"yellow", "黄色预警"}, {"green", "绿色（常规）"}})
    out.push_back({"count:colour:" + code, "分色预警", name, "colour:" + code, "", "", false});
  out.push_back({"count:cases:open", "个案转介", "在办个案", "cases:open", "", "", false});
  out.push_back({"count:cases:overdue", "个案转介", "超期个案", "cases:overdue", "", "", false});
  out.push_back({"count:referrals:open", "个案转介", "未办结转介", "referrals:open", "", "", false});
  out.push_back({"count:referrals:overdue", "个案转介", "超期转介", "referrals:overdue", "", "", false});
  return out;
}

}  // namespace

Figures ChildFigures(const json& facts, const ChildCare& care, int stale_after_days) {
  Figures f;
  f["children"] = 1;
  const json classes = facts.value("classes", json::array());
  for (const auto& c : classes)
    if (c.is_string()) f["class:" + c.get<std::string>()] = 1;
  const bool migrant = Contains(classes, "migrant");
  const int age = facts.value("age", -1);
  for (const AgeGroup& g : AgeGroups())
    if (age >= g.from_years && age < g.to_years) f["age:" + std::string(g.code)] = 1;
  const std::string sex = facts.value("sex", "");
  if (sex == "M" || sex == "F") f["sex:" + sex] = 1;
  const std::string flow = facts.value("flow_type", "");
  if (migrant && (flow == "cross_province" || flow == "cross_city" || flow == "cross_county")) f["flow:" + flow] = 1;

  const json records = facts.value("department_records", json::array());
  const std::string schooling = facts.value("schooling_status", "");
  Rate(f, "health_record", age >= 0 && age < 7,
       facts.value("has_health_record", false) || Contains(records, "health_record"), migrant);
  Rate(f, "vaccination", age >= 0 && age < 7, facts.value("vaccinated", false) || Contains(records, "vaccination"),
       migrant);
  Rate(f, "preschool", age >= 3 && age < 6, schooling == "在园" || schooling == "在读", migrant);
  Rate(f, "compulsory", age >= 6 && age < 15, schooling == "在读" || Contains(records, "enrolment"), migrant);

  const int since_update = facts.value("days_since_update", 0);
  f[since_update <= stale_after_days ? "update:on_time" : "update:late"] = 1;
  if (care.in_ledger) {
    f["ledger"] = 1;
    f[care.visit_overdue ? "visit:overdue" : "visit:on_time"] = 1;
  }
  if (!care.colour.empty()) f["colour:" + care.colour] = 1;
  if (care.warned) f["warned"] = 1;
  f["cases:open"] = care.open_cases;
  f["cases:overdue"] = care.overdue_cases;
  f["referrals:open"] = care.open_referrals;
  f["referrals:overdue"] = care.overdue_referrals;
  f["entitlements:entitled"] = care.entitled;
  f["entitlements:received"] = care.received;
  f["entitlements:missing"] = care.entitled - care.received;
  f["needs:total"] = care.needs;
  f["needs:unmet"] = care.unmet_needs;
  f["needs:met"] = care.needs - care.unmet_needs;
  for (auto it = f.begin(); it != f.end();) it = it->second == 0 ? f.erase(it) : std::next(it);
  return f;
}

const std::vector<Indicator>& Indicators() {
  static const std::vector<Indicator> indicators = BuildIndicators();
  return indicators;
}

const Indicator* FindIndicator(const std::string& id) {
  for (const Indicator& i : Indicators())
    if (i.id == id) return &i;
  return nullptr;
}

std::optional<double> ValueOf(const Indicator& indicator, const Figures& totals) {
  const auto get = [&](const std::string& key) -> int64_t {
    const auto it = totals.find(key);
    return it == totals.end() ? 0 : it->second;
  };
  if (indicator.denominator.empty()) return static_cast<double>(get(indicator.numerator));
  const int64_t den = get(indicator.denominator);
  if (den == 0) return std::nullopt;
  return static_cast<double>(get(indicator.numerator)) / static_cast<double>(den);
}

SupervisionConfig SupervisionConfig::FromJson(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("督导评分配置应为 JSON 对象");
  for (const auto& [key, value] : j.items())
    if (!key.starts_with("_") && key != "weights" && key != "warn_below")
      throw std::invalid_argument("督导评分配置中有未知的键 " + key);
  SupervisionConfig c;
  if (j.contains("warn_below")) {
    if (!j["warn_below"].is_number() || j["warn_below"].get<double>() <= 0 || j["warn_below"].get<double>() > 1)
      throw std::invalid_argument("warn_below 应为 0 到 1 之间的数");
    c.warn_below = j["warn_below"];
  }
  if (!j.contains("weights") || !j["weights"].is_array() || j["weights"].empty())
    throw std::invalid_argument("督导评分配置缺少 weights（指标权重列表）");
  std::set<std::string> seen;
  for (const auto& w : j["weights"]) {
    if (!w.is_object() || !w.contains("indicator") || !w["indicator"].is_string())
      throw std::invalid_argument("每项权重应为 {\"indicator\", \"weight\", \"target\"}");
    for (const auto& [key, value] : w.items())
      if (!key.starts_with("_") && key != "indicator" && key != "weight" && key != "target")
        throw std::invalid_argument("权重项中有未知的键 " + key);
    ScoreWeight sw;
    sw.indicator = w["indicator"];
    const Indicator* ind = FindIndicator(sw.indicator);
    if (!ind) throw std::invalid_argument("督导评分引用了未知指标 " + sw.indicator);
    if (ind->denominator.empty()) throw std::invalid_argument("督导评分只能用比率指标，" + sw.indicator + " 是计数");
    if (!seen.insert(sw.indicator).second) throw std::invalid_argument("指标 " + sw.indicator + " 重复");
    if (!w.contains("weight") || !w["weight"].is_number() || w["weight"].get<double>() <= 0)
      throw std::invalid_argument("指标 " + sw.indicator + " 的权重应为正数");
    sw.weight = w["weight"];
    sw.target = w.value("target", 1.0);
    if (!(sw.target > 0 && sw.target <= 1)) throw std::invalid_argument("指标 " + sw.indicator + " 的目标值应在 0 到 1 之间");
    c.weights.push_back(sw);
  }
  return c;
}

json SupervisionConfig::ToJson() const {
  json weights = json::array();
  for (const ScoreWeight& w : this->weights)
    weights.push_back({{"indicator", w.indicator}, {"weight", w.weight}, {"target", w.target}});
  return {{"weights", weights}, {"warn_below", warn_below}};
}

Score ScoreOf(const SupervisionConfig& config, const Figures& totals) {
  Score s;
  double applicable = 0;
  for (const ScoreWeight& w : config.weights) {
    ScorePart part{w.indicator, std::nullopt, w.weight, 0};
    if (const Indicator* ind = FindIndicator(w.indicator)) part.rate = ValueOf(*ind, totals);
    if (part.rate) {
      applicable += w.weight;
      part.points = w.weight * std::min(*part.rate / w.target, 1.0);
    }
    s.parts.push_back(part);
  }
  // Weights of indicators that do not apply (no child of that age here) are shared out, so a
  // township is not marked down for having no infants.
  if (applicable > 0) {
    for (ScorePart& p : s.parts) p.points = p.points * 100.0 / applicable;
    for (const ScorePart& p : s.parts) s.total += p.points;
  }
  return s;
}

}  // namespace tongan::stats
