// Warnings and colour classes (预警, 分类分色管理, DOMAIN.md §5). Rules are data
// (data/warning_rules.json) that an administrator edits; they are validated on load so that a
// mistyped fact or value is refused with a Chinese message instead of silently never firing.
// Every warning carries its rule's reason with the child's facts filled in, so a colour is always
// explainable.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace tongan::care {

// A fact a rule may use. type: int bool string string_list.
struct FactInfo {
  std::string name;
  std::string type;
  std::string label_zh;
  // The codes a string or string_list fact takes, with Chinese names (used to validate rule values
  // and to write reasons). Empty: any text (e.g. unmet_needs, whose ids come from findings.json).
  std::vector<std::pair<std::string, std::string>> values;
};

// The facts, built by the caller from the child, its classification, visits, department findings
// and cases:
// age int; sex string (M/F); classes string_list (migrant left_behind in_difficulty orphan
// de_facto_unsupported key_care); living_with string (unknown both_parents one_parent
// other_guardian alone institution); father_status, mother_status string (unknown at_home
// working_away deceased missing imprisoned severely_disabled seriously_ill unable_other);
// guardian_capable bool; family_economy string (none low_income dibao tekun); disability string
// (none level1..level4); serious_illness bool; vagrant bool; psych_abnormal bool; asked_for_help
// bool; schooling_status string (未入学 在园 在读 辍学 毕业 or ""); has_health_record bool;
// vaccinated bool; in_ledger bool; days_since_visit int (absent = never visited);
// visit_overdue_days int; last_visit_guardianship string (good fair poor none);
// last_visit_safety_concern bool; open_cases int; open_referrals int; unmet_needs string_list;
// days_since_update int.
const std::vector<FactInfo>& KnownFacts();

struct WarningRule {
  std::string id;
  std::string colour;
  std::string title_zh;
  std::string reason_zh;  // may name facts as {fact}, filled on evaluation
  nlohmann::json when;    // condition, see RuleSet
};

struct RuleSet {
  std::vector<std::string> colours;  // most to least severe, e.g. red orange yellow green; the last is the default
  std::map<std::string, std::string> colour_names;  // red → 红色 …
  std::vector<WarningRule> rules;

  // File form: {"colours": [{"code": "red", "name_zh": "红色"}, …], "rules": [{"id", "colour",
  // "title_zh", "reason_zh", "when"}, …]}; keys starting with "_" are comments.
  // Condition grammar: {"all": [c, …]}, {"any": [c, …]}, {"not": c},
  // {"fact": "age", "op": "gte", "value": 16}. Ops by fact type:
  //   int: eq ne gt gte lt lte in not_in; bool: eq ne is_true is_false;
  //   string: eq ne in not_in; string_list: contains (value a code, or a list: contains any of them);
  //   any type: exists missing. in/not_in take a non-empty list; is_true is_false exists missing
  //   take no value.
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
