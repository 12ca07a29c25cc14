// Conditions over a child's facts, shared by the warning rules (care/warning_rules.h) and the
// service catalogue (care/service_catalogue.h). Conditions are data that administrators edit, so
// they are validated on load against the known facts and refused with a Chinese message instead
// of silently never holding.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace tongan::care {

// A fact a condition may use. type: int bool string string_list.
struct FactInfo {
  std::string name;
  std::string type;
  std::string label_zh;
  // The codes a string or string_list fact takes, with Chinese names (used to validate condition
  // values and to write reasons). Empty: any text (e.g. unmet_needs, whose ids come from
  // findings.json).
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
// department_records string_list (record kinds of the department rows linked to the child);
// days_since_update int; benefits string_list (free text: 低保, 孤儿基本生活费, 残疾人两项补贴 …);
// needs string_list (need-type codes of the service catalogue); flow_type string (cross_province
// cross_city cross_county local unknown); residence_months int (months lived at the residence).
const std::vector<FactInfo>& KnownFacts();

// The fact named `name`, or nullptr.
const FactInfo* FindFact(const std::string& name);

// A fact's value in `facts` when present with the type the fact declares; nullptr when missing
// (absent, null or of the wrong type).
const nlohmann::json* FactValue(const nlohmann::json& facts, const FactInfo& fact);

// Condition grammar: {"all": [c, …]}, {"any": [c, …]}, {"not": c},
// {"fact": "age", "op": "gte", "value": 16}. Ops by fact type:
//   int: eq ne gt gte lt lte in not_in; bool: eq ne is_true is_false;
//   string: eq ne in not_in; string_list: contains (value a code, or a list: contains any of them);
//   any type: exists missing. in/not_in take a non-empty list; is_true is_false exists missing
//   take no value. Keys starting with "_" are comments.
// Throws std::invalid_argument prefixed with `where` (e.g. "预警规则 r1：") when the condition is
// not valid: unknown fact, unknown op, op not applicable to the fact, value of the wrong type or
// not a known code, unknown key, empty all/any, nesting deeper than 20.
void CheckCondition(const nlohmann::json& condition, const std::string& where);

// Evaluates a validated condition on a fact object. A missing fact makes every comparison on it
// false ("ne" and "not_in" too) and "missing" true; "not" is plain negation. Throws
// nlohmann::json exceptions, never crashes, on a condition that was not validated.
bool ConditionHolds(const nlohmann::json& condition, const nlohmann::json& facts);

}  // namespace tongan::care
