// Warnings and colour classes (预警, 分类分色管理, DOMAIN.md §5). Rules are data
// (data/warning_rules.json) that an administrator edits; they are validated on load so that a
// mistyped fact or value is refused with a Chinese message instead of silently never firing.
// Every warning carries its rule's reason with the child's facts filled in, so a colour is always
// explainable.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "care/condition.h"

namespace tongan::care {

// The facts a rule may use (KnownFacts) and the condition grammar are in care/condition.h.

struct WarningRule {
  std::string id;
  std::string colour;
  std::string title_zh;
  std::string reason_zh;  // may name facts as {fact}, filled on evaluation
  nlohmann::json when;    // condition (care/condition.h)
};

struct RuleSet {
  std::vector<std::string> colours;  // most to least severe, e.g. red orange yellow green; the last is the default
  std::map<std::string, std::string> colour_names;  // red → 红色 …
  std::vector<WarningRule> rules;

  // File form: {"colours": [{"code": "red", "name_zh": "红色"}, …], "rules": [{"id", "colour",
  // "title_zh", "reason_zh", "when"}, …]}; keys starting with "_" are comments. `when` follows the
  // condition grammar of care/condition.h.
  // Throws std::invalid_argument (Chinese, naming the rule id and the problem): unknown fact,
  // unknown op, op not applicable to the fact, value of the wrong type or not a known code, unknown
  // colour, duplicate id, empty title, reason placeholder {x} naming an unknown fact.
  static RuleSet FromJson(const nlohmann::json& json);
  nlohmann::json ToJson() const;

  // Index of a colour in `colours` (0 = most severe), or -1.
  int Severity(const std::string& colour) const;
};

// A fired rule; reason_zh with {fact} placeholders filled from the facts ("已 45 天未走访").
struct Warning {
  std::string rule_id;
  std::string colour;
  std::string title_zh;
  std::string reason_zh;
};

struct Evaluation {
  std::string colour;  // the most severe fired, else the default (last) colour
  std::vector<Warning> warnings;  // most severe first; rule order within a colour
};

// `facts` is an object of fact name → value. A fact that is absent, null or of the wrong type is
// missing: every comparison on it is false ("ne" and "not_in" too), "missing" is true. Coded
// values are written into reasons by their Chinese names; a missing fact as "未知".
Evaluation Evaluate(const RuleSet& rules, const nlohmann::json& facts);

}  // namespace tongan::care
