#include "care/warning_rules.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <stdexcept>

#include "care/json_read.h"

namespace tongan::care {
namespace {

using nlohmann::json;

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
  CheckCondition(j["when"], where);
  rule.when = j["when"];
  return rule;
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
    if (!ConditionHolds(rule.when, facts)) continue;
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
