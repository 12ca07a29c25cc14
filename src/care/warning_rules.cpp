#include "care/warning_rules.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <stdexcept>

#include "care/json_read.h"
#include "core/child_json.h"
#include "core/classification.h"

namespace tongan::care {
namespace {

using nlohmann::json;
using Values = std::vector<std::pair<std::string, std::string>>;

Values FromEnum(const std::vector<EnumValue>& values) {
  Values out;
  for (const auto& v : values) out.emplace_back(std::string(v.code), std::string(v.name_zh));
  return out;
}

Values ClassValues() {
  Values out;
  for (ChildClass c : AllChildClasses())
    out.emplace_back(std::string(ChildClassCode(c)), std::string(ChildClassNameZh(c)));
  return out;
}

const std::map<std::string, const FactInfo*>& FactsByName() {
  static const std::map<std::string, const FactInfo*> by_name = [] {
    std::map<std::string, const FactInfo*> out;
    for (const auto& fact : KnownFacts()) out[fact.name] = &fact;
    return out;
  }();
  return by_name;
}

const FactInfo* FindFact(const std::string& name) {
  const auto it = FactsByName().find(name);
  return it == FactsByName().end() ? nullptr : it->second;
}

const std::vector<std::string> kOps = {"eq", "ne",  "in",       "not_in",   "gt",     "gte",    "lt",
                                       "lte", "is_true", "is_false", "contains", "exists", "missing"};

// Which ops make sense for which fact type; the rest are refused on load.
bool OpApplies(const std::string& op, const std::string& type) {
  if (op == "exists" || op == "missing") return true;
  if (type == "int") return op == "eq" || op == "ne" || op == "in" || op == "not_in" || op == "gt" ||
                            op == "gte" || op == "lt" || op == "lte";
  if (type == "bool") return op == "eq" || op == "ne" || op == "is_true" || op == "is_false";
  if (type == "string") return op == "eq" || op == "ne" || op == "in" || op == "not_in";
  if (type == "string_list") return op == "contains";
  return false;
}

bool OpTakesNoValue(const std::string& op) {
  return op == "is_true" || op == "is_false" || op == "exists" || op == "missing";
}

std::string TypeNameZh(const std::string& type) {
  if (type == "int") return "整数";
  if (type == "bool") return "是/否（true/false）";
  if (type == "string") return "文本";
  return "文本列表";
}

std::string Describe(const FactInfo& fact) { return fact.name + "（" + fact.label_zh + "）"; }

std::string JoinCodes(const Values& values) {
  std::string out;
  for (const auto& [code, name] : values) {
    if (!out.empty()) out += "、";
    out += code.empty() ? "\"\"" : code;
  }
  return out;
}

bool IsKnownCode(const FactInfo& fact, const std::string& code) {
  if (fact.values.empty()) return true;
  for (const auto& [c, name] : fact.values)
    if (c == code) return true;
  return false;
}

// One scalar of a rule's value for `fact`: an integer, a boolean, or a known code.
void CheckScalar(const json& value, const FactInfo& fact, const std::string& where) {
  const std::string element_type = fact.type == "string_list" ? "string" : fact.type;
  bool fits = false;
  if (element_type == "int") fits = value.is_number_integer();
  if (element_type == "bool") fits = value.is_boolean();
  if (element_type == "string") fits = value.is_string();
  if (!fits)
    throw std::invalid_argument(where + "事实 " + Describe(fact) + "的取值应为" +
                                TypeNameZh(element_type) + "，而不是 " + value.dump());
  if (value.is_string() && !IsKnownCode(fact, value.get<std::string>()))
    throw std::invalid_argument(where + "事实 " + Describe(fact) + "没有取值 " +
                                value.get<std::string>() + "（可用：" + JoinCodes(fact.values) + "）");
}

void CheckCondition(const json& c, const std::string& where, int depth) {
  if (depth > 20) throw std::invalid_argument(where + "条件嵌套过深");
  if (!c.is_object())
    throw std::invalid_argument(where + "条件应为对象，如 {\"fact\": \"age\", \"op\": \"lt\", \"value\": 16}");
  for (const char* group : {"all", "any"}) {
    if (!c.contains(group)) continue;
    internal::CheckKeys(c, {group}, where + "条件 " + group + " ");
    const json& list = c[group];
    if (!list.is_array() || list.empty())
      throw std::invalid_argument(where + "条件 " + group + " 应为非空的条件列表");
    for (const auto& item : list) CheckCondition(item, where, depth + 1);
    return;
  }
  if (c.contains("not")) {
    internal::CheckKeys(c, {"not"}, where + "条件 not ");
    CheckCondition(c["not"], where, depth + 1);
    return;
  }
  internal::CheckKeys(c, {"fact", "op", "value"}, where + "条件");
  if (!c.contains("fact") || !c["fact"].is_string())
    throw std::invalid_argument(where + "条件缺少 fact（或应为 all、any、not）：" + c.dump());
  const std::string name = c["fact"].get<std::string>();
  const FactInfo* fact = FindFact(name);
  if (!fact) throw std::invalid_argument(where + "条件引用了未知事实 " + name);
  if (!c.contains("op") || !c["op"].is_string())
    throw std::invalid_argument(where + "事实 " + name + " 的条件缺少运算 op");
  const std::string op = c["op"].get<std::string>();
  if (std::find(kOps.begin(), kOps.end(), op) == kOps.end()) {
    std::string ops;
    for (const auto& o : kOps) ops += (ops.empty() ? "" : "、") + o;
    throw std::invalid_argument(where + "事实 " + name + " 的运算 " + op + " 未知（可用：" + ops + "）");
  }
  if (!OpApplies(op, fact->type))
    throw std::invalid_argument(where + "运算 " + op + " 不适用于" + TypeNameZh(fact->type) +
                                "类事实 " + Describe(*fact));
  const bool has_value = c.contains("value");
  if (OpTakesNoValue(op)) {
    if (has_value) throw std::invalid_argument(where + "运算 " + op + " 不需要 value（事实 " + name + "）");
    return;
  }
  if (!has_value) throw std::invalid_argument(where + "运算 " + op + " 需要 value（事实 " + name + "）");
  const json& value = c["value"];
  const bool list_value = op == "in" || op == "not_in" || (op == "contains" && value.is_array());
  if (list_value) {
    if (!value.is_array() || value.empty())
      throw std::invalid_argument(where + "运算 " + op + " 的 value 应为非空列表（事实 " + name + "）");
    for (const auto& v : value) CheckScalar(v, *fact, where);
  } else {
    CheckScalar(value, *fact, where);
  }
}

// Calls `on_name` for each {name} in `text`; throws on an unclosed brace.
template <typename F>
void ForEachPlaceholder(const std::string& text, F on_name, const std::string& where) {
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string::npos) {
    const size_t end = text.find('}', pos);
    if (end == std::string::npos) throw std::invalid_argument(where + "原因中的占位符 { 未闭合");
    on_name(text.substr(pos + 1, end - pos - 1), pos, end);
    pos = end + 1;
  }
}

WarningRule ReadRule(const json& j, size_t index, const RuleSet& set, std::set<std::string>* ids) {
  std::string where = "第" + std::to_string(index + 1) + "条预警规则：";
  if (!j.is_object()) throw std::invalid_argument(where + "应为对象");
  WarningRule rule;
  rule.id = internal::ReadString(j, "id", true, where);
  for (char ch : rule.id) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-'))
      throw std::invalid_argument(where + "id " + rule.id + " 只能包含英文字母、数字、下划线和连字符");
  }
  where = "预警规则 " + rule.id + "：";
  internal::CheckKeys(j, {"id", "colour", "title_zh", "reason_zh", "when"}, where);
  if (!ids->insert(rule.id).second) throw std::invalid_argument(where + "id 重复");
  rule.colour = internal::ReadString(j, "colour", true, where);
  if (set.Severity(rule.colour) < 0) {
    std::string known;
    for (const auto& c : set.colours) known += (known.empty() ? "" : "、") + c;
    throw std::invalid_argument(where + "颜色 " + rule.colour + " 未定义（可用：" + known + "）");
  }
  rule.title_zh = internal::ReadString(j, "title_zh", false, where);
  if (rule.title_zh.empty()) throw std::invalid_argument(where + "标题 title_zh 不能为空");
  rule.reason_zh = internal::ReadString(j, "reason_zh", false, where);
  ForEachPlaceholder(
      rule.reason_zh,
      [&](const std::string& name, size_t, size_t) {
        if (!FindFact(name))
          throw std::invalid_argument(where + "原因中的占位符 {" + name + "} 不是已知事实");
      },
      where);
  if (!j.contains("when")) throw std::invalid_argument(where + "缺少触发条件 when");
  CheckCondition(j["when"], where, 0);
  rule.when = j["when"];
  return rule;
}

// A fact's value when present with the type the fact declares; nullptr when missing.
const json* FactValue(const json& facts, const FactInfo& fact) {
  if (!facts.is_object()) return nullptr;
  const auto it = facts.find(fact.name);
  if (it == facts.end()) return nullptr;
  const json& v = *it;
  bool fits = false;
  if (fact.type == "int") fits = v.is_number();
  if (fact.type == "bool") fits = v.is_boolean();
  if (fact.type == "string") fits = v.is_string();
  if (fact.type == "string_list")
    fits = v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); });
  return fits ? &v : nullptr;
}

bool Equal(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  return a == b;
}

bool Holds(const json& c, const json& facts) {
  if (c.contains("all")) {
    for (const auto& item : c.at("all"))
      if (!Holds(item, facts)) return false;
    return true;
  }
  if (c.contains("any")) {
    for (const auto& item : c.at("any"))
      if (Holds(item, facts)) return true;
    return false;
  }
  if (c.contains("not")) return !Holds(c.at("not"), facts);

  // at() rather than []: a rule set built in code skips validation, and must throw, not crash.
  const FactInfo* fact = FindFact(c.at("fact").get<std::string>());
  const std::string op = c.at("op").get<std::string>();
  const json* v = fact ? FactValue(facts, *fact) : nullptr;
  if (op == "missing") return v == nullptr;
  if (v == nullptr) return false;  // every comparison on a missing fact is false
  if (op == "exists") return true;
  if (op == "is_true") return v->get<bool>();
  if (op == "is_false") return !v->get<bool>();
  const json& value = c.at("value");
  if (op == "eq") return Equal(*v, value);
  if (op == "ne") return !Equal(*v, value);
  if (op == "in" || op == "not_in") {
    const bool found =
        std::any_of(value.begin(), value.end(), [&](const json& e) { return Equal(*v, e); });
    return op == "in" ? found : !found;
  }
  if (op == "contains") {
    const auto has = [&](const json& wanted) {
      return std::any_of(v->begin(), v->end(), [&](const json& e) { return e == wanted; });
    };
    if (value.is_array()) return std::any_of(value.begin(), value.end(), has);
    return has(value);
  }
  const double x = v->get<double>(), y = value.get<double>();
  if (op == "gt") return x > y;
  if (op == "gte") return x >= y;
  if (op == "lt") return x < y;
  if (op == "lte") return x <= y;
  return false;
}

std::string CodeName(const FactInfo& fact, const std::string& code) {
  for (const auto& [c, name] : fact.values)
    if (c == code) return name;
  return code;
}

// A fact as it reads in a sentence: numbers as digits, codes by their Chinese names.
std::string Display(const json& facts, const FactInfo& fact) {
  const json* v = FactValue(facts, fact);
  if (!v) return "未知";
  if (v->is_boolean()) return v->get<bool>() ? "是" : "否";
  if (v->is_number_integer()) return std::to_string(v->get<int64_t>());
  if (v->is_number()) return std::to_string(static_cast<int64_t>(std::llround(v->get<double>())));
  if (v->is_string()) return CodeName(fact, v->get<std::string>());
  std::string out;
  for (const auto& e : *v) out += (out.empty() ? "" : "、") + CodeName(fact, e.get<std::string>());
  return out.empty() ? "无" : out;
}

std::string FillReason(const std::string& text, const json& facts) {
  std::string out;
  size_t copied = 0;
  while (true) {
    const size_t open = text.find('{', copied);
    if (open == std::string::npos) break;
    const size_t close = text.find('}', open);
    if (close == std::string::npos) break;  // validated on load; left as written otherwise
    out += text.substr(copied, open - copied);
    const FactInfo* fact = FindFact(text.substr(open + 1, close - open - 1));
    out += fact ? Display(facts, *fact) : text.substr(open, close - open + 1);
    copied = close + 1;
  }
  return out + text.substr(copied);
}

}  // namespace

const std::vector<FactInfo>& KnownFacts() {
  static const std::vector<FactInfo> facts = [] {
    const Values parent = FromEnum(ParentStatusValues());
    return std::vector<FactInfo>{
        {"age", "int", "周岁年龄", {}},
        {"sex", "string", "性别", {{"M", "男"}, {"F", "女"}}},
        {"classes", "string_list", "儿童类别", ClassValues()},
        {"living_with", "string", "共同生活情况", FromEnum(LivingWithValues())},
        {"father_status", "string", "父亲情况", parent},
        {"mother_status", "string", "母亲情况", parent},
        {"guardian_capable", "bool", "监护人具备监护能力", {}},
        {"family_economy", "string", "家庭经济状况", FromEnum(FamilyEconomyValues())},
        {"disability", "string", "残疾等级", FromEnum(DisabilityValues())},
        {"serious_illness", "bool", "患重病", {}},
        {"vagrant", "bool", "流浪", {}},
        {"psych_abnormal", "bool", "心理/行为异常", {}},
        {"asked_for_help", "bool", "主动求助", {}},
        {"schooling_status",
         "string",
         "就学状况",
         {{"未入学", "未入学"}, {"在园", "在园"}, {"在读", "在读"}, {"辍学", "辍学"}, {"毕业", "毕业"},
          {"", "未填写"}}},
        {"has_health_record", "bool", "已建立健康档案", {}},
        {"vaccinated", "bool", "按程序接种疫苗", {}},
        {"in_ledger", "bool", "已纳入重点关爱台账", {}},
        {"days_since_visit", "int", "距上次走访天数", {}},
        {"visit_overdue_days", "int", "走访逾期天数", {}},
        {"last_visit_guardianship",
         "string",
         "最近一次走访的监护状况",
         {{"good", "良好"}, {"fair", "一般"}, {"poor", "较差"}, {"none", "无人监护"}}},
        {"last_visit_safety_concern", "bool", "最近一次走访发现安全隐患", {}},
        {"open_cases", "int", "在办个案数", {}},
        {"open_referrals", "int", "未办结转介数", {}},
        {"unmet_needs", "string_list", "部门比对发现的未满足需求", {}},
        {"days_since_update", "int", "距档案上次更新天数", {}},
    };
  }();
  return facts;
}

int RuleSet::Severity(const std::string& colour) const {
  const auto it = std::find(colours.begin(), colours.end(), colour);
  return it == colours.end() ? -1 : static_cast<int>(it - colours.begin());
}

RuleSet RuleSet::FromJson(const json& j) {
  const std::string where = "预警规则配置：";
  if (!j.is_object()) throw std::invalid_argument(where + "应为 JSON 对象");
  internal::CheckKeys(j, {"colours", "rules"}, where);
  RuleSet set;
  const auto colours = j.find("colours");
  if (colours == j.end() || !colours->is_array() || colours->empty())
    throw std::invalid_argument(where + "缺少颜色列表 colours（从最严重到最轻，如 [{\"code\": \"red\", \"name_zh\": \"红色\"}]）");
  for (size_t i = 0; i < colours->size(); ++i) {
    const json& c = (*colours)[i];
    const std::string at = where + "colours 第" + std::to_string(i + 1) + "项";
    if (!c.is_object()) throw std::invalid_argument(at + "应为对象 {\"code\", \"name_zh\"}");
    internal::CheckKeys(c, {"code", "name_zh"}, at);
    const std::string code = internal::ReadString(c, "code", true, at + " ");
    if (set.Severity(code) >= 0) throw std::invalid_argument(where + "颜色重复：" + code);
    set.colours.push_back(code);
    set.colour_names[code] = internal::ReadString(c, "name_zh", true, at + " ");
  }
  const auto rules = j.find("rules");
  if (rules == j.end() || !rules->is_array())
    throw std::invalid_argument(where + "缺少规则列表 rules");
  std::set<std::string> ids;
  for (size_t i = 0; i < rules->size(); ++i) set.rules.push_back(ReadRule((*rules)[i], i, set, &ids));
  return set;
}

json RuleSet::ToJson() const {
  json colour_list = json::array();
  for (const auto& code : colours) {
    const auto name = colour_names.find(code);
    colour_list.push_back({{"code", code}, {"name_zh", name == colour_names.end() ? code : name->second}});
  }
  json rule_list = json::array();
  for (const auto& r : rules) {
    rule_list.push_back({{"id", r.id},
                         {"colour", r.colour},
                         {"title_zh", r.title_zh},
                         {"reason_zh", r.reason_zh},
                         {"when", r.when}});
  }
  return {{"colours", colour_list}, {"rules", rule_list}};
}

Evaluation Evaluate(const RuleSet& rules, const json& facts) {
  Evaluation result;
  for (const auto& rule : rules.rules) {
    if (!Holds(rule.when, facts)) continue;
    result.warnings.push_back(Warning{rule.id, rule.colour, rule.title_zh,
                                      FillReason(rule.reason_zh.empty() ? rule.title_zh : rule.reason_zh, facts)});
  }
  std::stable_sort(result.warnings.begin(), result.warnings.end(),
                   [&](const Warning& a, const Warning& b) {
                     return rules.Severity(a.colour) < rules.Severity(b.colour);
                   });
  if (!result.warnings.empty()) {
    result.colour = result.warnings.front().colour;
  } else if (!rules.colours.empty()) {
    result.colour = rules.colours.back();
  }
  return result;
}

}  // namespace tongan::care
