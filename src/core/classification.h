// The unified statistical definitions (统一统计口径) applied to a child's facts on a given day.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/child.h"
#include "core/date.h"
#include "core/region.h"

namespace tongan {

enum class ChildClass : uint32_t {
  kMigrant = 1u << 0,           // 流动儿童
  kLeftBehind = 1u << 1,        // 留守儿童
  kInDifficulty = 1u << 2,      // 困境儿童
  kOrphan = 1u << 3,            // 孤儿 (also in difficulty)
  kDeFactoUnsupported = 1u << 4,// 事实无人抚养儿童 (also in difficulty)
  kKeyCare = 1u << 5,           // 重点关爱服务对象
};

std::string_view ChildClassCode(ChildClass c);    // "migrant", "left_behind", …
std::string_view ChildClassNameZh(ChildClass c);  // "流动儿童", …
bool ParseChildClass(std::string_view code, ChildClass* out);
const std::vector<ChildClass>& AllChildClasses();

// City policy: moves among the counties of one group do not make a child migrant (Pingdingshan
// excludes its central districts). Loaded from data/classification.json, never hard-coded.
struct ClassificationConfig {
  std::vector<std::set<std::string>> exclusion_groups;  // sets of 6-digit county codes
  // Parses the JSON config; on error returns false and sets `error` (Chinese, with the position).
  static bool FromJson(std::string_view json, ClassificationConfig* out, std::string* error);
};

struct Classification {
  uint32_t classes = 0;             // bit set of ChildClass
  std::vector<std::string> reasons; // one readable reason (Chinese) per class, and why not
  bool Has(ChildClass c) const { return (classes & static_cast<uint32_t>(c)) != 0; }
};

// Classifies on `today`. Age limits: migrant and left-behind under 16; in difficulty under 18.
// `regions`, when given, only puts place names into the reasons.
Classification Classify(const Child& child, Date today, const ClassificationConfig& config,
                        const RegionTree* regions = nullptr);

// The part of the classification that does not depend on today's date. Stored with the record so
// that the store can filter by class in SQL; the dated conditions (age, six months of residence)
// are applied at query time through ClassCutoffs. Recomputed whenever the record or the config
// changes.
enum class ClassBasis : uint32_t {
  kMigrantIfDated = 1u << 0,     // migrant once under 16 and resident >= 6 months
  kLeftBehindIfDated = 1u << 1,  // left-behind while under 16
  kDifficultyIfDated = 1u << 2,  // in difficulty while under 18
  kOrphanIfDated = 1u << 3,
  kDeFactoIfDated = 1u << 4,
  kKeyCareFactor = 1u << 5,      // key-care factor present (applies to migrant children)
};
uint32_t ClassBasisOf(const Child& child, const ClassificationConfig& config);

// The key-care criteria the child meets (家庭经济困难, 残疾, 缺乏监护, 流浪, 心理行为异常, 主动求助): the
// grounds for entering the key-care ledger (重点关爱服务对象台账).
std::vector<std::string> KeyCareFactors(const Child& child);

// Date thresholds derived from today, used by the store to turn ClassBasis into classes.
struct ClassCutoffs {
  Date born_after_for_under16;      // birth_date > this  <=>  age < 16
  Date born_after_for_under18;      // birth_date > this  <=>  age < 18
  Date resident_since_on_or_before; // residence_since <= this  <=>  resident >= 6 months
};
ClassCutoffs CutoffsFor(Date today);

// How far the child lives from its registration place, by the levels of the codes:
// cross_province, cross_city, cross_county, local, or unknown without a 6-digit hukou.
std::string_view FlowTypeOf(const Child& child);

// Age groups used in statistics (DOMAIN.md). They overlap: a 13-year-old is in 6-15 and 12-16.
struct AgeGroup {
  std::string_view code;     // "0-3"
  std::string_view name_zh;  // "0–3岁（托育）"
  int from_years;            // inclusive
  int to_years;              // exclusive
};
const std::vector<AgeGroup>& AgeGroups();
const AgeGroup* FindAgeGroup(std::string_view code);
std::vector<std::string_view> AgeGroupsOf(Date birth, Date today);

}  // namespace tongan

namespace tongan {

// How a class is decided from the stored basis and today's cutoffs; the store turns this into SQL
// and Classify() agrees with it (tested), so list filters and a child's file never disagree.
struct ClassPredicate {
  uint32_t basis_bits = 0;        // all of these ClassBasis bits must be set
  bool under16 = false;           // birth_date > born_after_for_under16
  bool under18 = false;           // birth_date > born_after_for_under18
  bool resident_6_months = false; // residence_since known and <= resident_since_on_or_before
};
ClassPredicate PredicateFor(ChildClass c);

}  // namespace tongan
