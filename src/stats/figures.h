// What each child contributes to the statistics (DOMAIN.md §11, 统一统计口径), the indicators
// leaders read (counts and rates with their numerator and denominator), and the supervision score
// of a lower-level region. Pure functions of a child's facts: the store keeps region totals as
// sums of these, so every figure on a dashboard is a sum of children who can be listed.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tongan::stats {

using Figures = std::map<std::string, int64_t>;

// The facts that are not rule facts: the derived care status and the counts around the child.
struct ChildCare {
  bool in_ledger = false;
  bool visit_overdue = false;
  std::string colour;  // "" before the first computation
  bool warned = false;
  int open_cases = 0, overdue_cases = 0;
  int open_referrals = 0, overdue_referrals = 0;
  int entitled = 0, received = 0;
  int needs = 0, unmet_needs = 0;
};

// The child's figures from its rule facts (care/condition.h: age, sex, classes, flow_type,
// has_health_record, vaccinated, schooling_status, department_records, days_since_update) and its
// care. Keys: children; class:<code>; age:<group>; sex:M|F; flow:<type> (migrant children);
// health_record, vaccination (ages 0–6), preschool (3–5), compulsory (6–14) each as
// <x>:eligible / <x>:yes / <x>:no, and the same for migrant children as m:<x>:…;
// update:on_time / update:late; ledger; visit:on_time / visit:overdue (ledger children);
// colour:<c>; warned; cases:open; cases:overdue; referrals:open; referrals:overdue;
// entitlements:entitled / :received / :missing (items); needs:total / needs:unmet.
Figures ChildFigures(const nlohmann::json& facts, const ChildCare& care, int stale_after_days);

// A figure shown to leaders: a count (denominator empty) or a rate numerator / denominator.
struct Indicator {
  std::string id;         // "count:class:migrant", "rate:health_record" …
  std::string group;      // 儿童数量 流动范围 年龄段 性别 关爱服务 走访与档案 分色预警 个案转介
  std::string label_zh;
  std::string numerator;  // a figure key
  std::string denominator;  // a figure key, or "" for a count
  std::string list_key;   // the children behind it: the key to list ("" = numerator)
  bool higher_is_better = true;
};
const std::vector<Indicator>& Indicators();
const Indicator* FindIndicator(const std::string& id);

// The value of an indicator on region totals; nullopt for a rate whose denominator is zero.
std::optional<double> ValueOf(const Indicator& indicator, const Figures& totals);

// Supervision (督导): a weighted score of lower-level regions; weights are configuration
// (data/supervision.json).
struct ScoreWeight {
  std::string indicator;  // an Indicators() id of a rate
  double weight = 0;
  double target = 1;      // the rate that earns the full weight (e.g. 0.95)
};
struct SupervisionConfig {
  std::vector<ScoreWeight> weights;
  double warn_below = 0.8;  // a rate below target × warn_below is named in the dispatch report
  // {"weights": [{"indicator", "weight", "target"}], "warn_below"}; keys starting with "_" are
  // comments. Throws std::invalid_argument (Chinese) on an unknown indicator, a count instead of a
  // rate, a weight ≤ 0, a target outside (0, 1], no weights.
  static SupervisionConfig FromJson(const nlohmann::json& json);
  nlohmann::json ToJson() const;
};

struct ScorePart {
  std::string indicator;
  std::optional<double> rate;  // nullopt: not applicable here (no children it applies to)
  double weight = 0;
  double points = 0;           // weight × min(rate / target, 1), rescaled to 100
};
struct Score {
  double total = 0;  // 0–100 over the applicable weights
  std::vector<ScorePart> parts;
};
Score ScoreOf(const SupervisionConfig& config, const Figures& totals);

}  // namespace tongan::stats
