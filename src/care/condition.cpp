#include "care/condition.h"

#include <algorithm>
#include <map>
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

// One scalar of a condition's value for `fact`: an integer, a boolean, or a known code.
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

void CheckConditionAt(const json& c, const std::string& where, int depth) {
  if (depth > 20) throw std::invalid_argument(where + "条件嵌套过深");
  if (!c.is_object())
    throw std::invalid_argument(where + "条件应为对象，如 {\"fact\": \"age\", \"op\": \"lt\", \"value\": 16}");
  for (const char* group : {"all", "any"}) {
    if (!c.contains(group)) continue;
    internal::CheckKeys(c, {group}, where + "条件 " + group + " ");
    const json& list = c[group];
    if (!list.is_array() || list.empty())
      throw std::invalid_argument(where + "条件 " + group + " 应为非空的条件列表");
    for (const auto& item : list) CheckConditionAt(item, where, depth + 1);
    return;
  }
  if (c.contains("not")) {
    internal::CheckKeys(c, {"not"}, where + "条件 not ");
    CheckConditionAt(c["not"], where, depth + 1);
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

  // at() rather than []: a condition built in code skips validation, and must throw, not crash.
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
        {"department_records",
         "string_list",
         "比对到的部门数据",
         {{"residence", "居住登记"}, {"enrolment", "随迁子女学籍"}, {"health_record", "0—6岁健康管理"},
          {"vaccination", "预防接种"}, {"insurance", "医保参保"}, {"disability", "残疾人证"},
          {"service_delivery", "关爱服务记录"}}},
        {"days_since_update", "int", "距档案上次更新天数", {}},
        {"benefits", "string_list", "享受的保障", {}},
        {"needs", "string_list", "当前需求（需求类型代码）", {}},
        {"flow_type",
         "string",
         "流动范围",
         {{"cross_province", "跨省"},
          {"cross_city", "省内跨市"},
          {"cross_county", "市内跨县"},
          {"local", "本县（区）"},
          {"unknown", "未知"}}},
        {"residence_months", "int", "在居住地居住月数", {}},
    };
  }();
  return facts;
}

const FactInfo* FindFact(const std::string& name) {
  const auto it = FactsByName().find(name);
  return it == FactsByName().end() ? nullptr : it->second;
}

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

void CheckCondition(const json& condition, const std::string& where) { CheckConditionAt(condition, where, 0); }

bool ConditionHolds(const json& condition, const json& facts) { return Holds(condition, facts); }

}  // namespace tongan::care
