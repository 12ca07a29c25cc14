#include "core/classification.h"

#include <array>
#include <nlohmann/json.hpp>

namespace tongan {
namespace {

struct ClassInfo {
  ChildClass value;
  std::string_view code;
  std::string_view name_zh;
};

constexpr std::array<ClassInfo, 6> kClasses{{
    {ChildClass::kMigrant, "migrant", "流动儿童"},
    {ChildClass::kLeftBehind, "left_behind", "留守儿童"},
    {ChildClass::kInDifficulty, "in_difficulty", "困境儿童"},
    {ChildClass::kOrphan, "orphan", "孤儿"},
    {ChildClass::kDeFactoUnsupported, "de_facto_unsupported", "事实无人抚养儿童"},
    {ChildClass::kKeyCare, "key_care", "重点关爱服务对象"},
}};

constexpr int kMigrantAgeLimit = 16;
constexpr int kLeftBehindAgeLimit = 16;
constexpr int kDifficultyAgeLimit = 18;
constexpr int kMigrantResidenceMonths = 6;

uint32_t Bit(ClassBasis b) { return static_cast<uint32_t>(b); }
uint32_t Bit(ChildClass c) { return static_cast<uint32_t>(c); }

// Parent situations in which the parent cannot raise the child (民发〔2019〕62号 事实无人抚养).
bool IsRestrictedOrIncapacitated(ParentStatus s) {
  return s == ParentStatus::kMissing || s == ParentStatus::kImprisoned ||
         s == ParentStatus::kSeverelyDisabled || s == ParentStatus::kSeriouslyIll;
}
// A parent at home who cannot guard the child, for the left-behind definition.
bool LacksGuardianCapacity(ParentStatus s) {
  return s == ParentStatus::kDeceased || IsRestrictedOrIncapacitated(s) ||
         s == ParentStatus::kUnableOther;
}

std::string ParentSituation(ParentStatus s) {
  switch (s) {
    case ParentStatus::kDeceased: return "死亡";
    case ParentStatus::kMissing: return "失踪/失联";
    case ParentStatus::kImprisoned: return "服刑在押或被限制人身自由";
    case ParentStatus::kSeverelyDisabled: return "重残";
    case ParentStatus::kSeriouslyIll: return "重病";
    default: return "其他无监护能力情形";
  }
}

bool IsOrphan(const Child& c) {
  return c.father.status == ParentStatus::kDeceased && c.mother.status == ParentStatus::kDeceased;
}

bool IsDeFactoUnsupported(const Child& c) {
  const ParentStatus f = c.father.status, m = c.mother.status;
  if (IsOrphan(c)) return false;
  if (IsRestrictedOrIncapacitated(f) && IsRestrictedOrIncapacitated(m)) return true;
  const auto gone = [](ParentStatus s) {
    return s == ParentStatus::kDeceased || s == ParentStatus::kMissing;
  };
  return (gone(f) && IsRestrictedOrIncapacitated(m)) || (gone(m) && IsRestrictedOrIncapacitated(f));
}

bool LacksGuardianship(const Child& c) {
  return IsOrphan(c) || IsDeFactoUnsupported(c) || c.living_with == LivingWith::kAlone;
}

bool IsLeftBehindShape(const Child& c) {
  const ParentStatus f = c.father.status, m = c.mother.status;
  const bool f_away = f == ParentStatus::kWorkingAway, m_away = m == ParentStatus::kWorkingAway;
  return (f_away && m_away) || (f_away && LacksGuardianCapacity(m)) ||
         (m_away && LacksGuardianCapacity(f));
}

bool HasFamilyHardship(const Child& c) {
  return c.family_economy != FamilyEconomy::kNone;
}

bool InSameExclusionGroup(const ClassificationConfig& config, const std::string& a,
                          const std::string& b) {
  for (const auto& group : config.exclusion_groups)
    if (group.count(a) && group.count(b)) return true;
  return false;
}

// Child lives away from its hukou county, across county lines, with parents or guardians, and
// the move is not one the city excludes.
bool IsCrossCountyMove(const Child& c, const ClassificationConfig& config) {
  if (c.hukou_region_code.size() < 6 || c.region_code.size() < 6) return false;
  const std::string hukou_county = c.hukou_region_code.substr(0, 6);
  const std::string home_county = c.region_code.substr(0, 6);
  if (hukou_county == home_county) return false;
  if (InSameExclusionGroup(config, hukou_county, home_county)) return false;
  return c.living_with != LivingWith::kAlone && c.living_with != LivingWith::kInstitution;
}

std::vector<std::string> KeyCareFactorsOf(const Child& c) {
  std::vector<std::string> factors;
  if (HasFamilyHardship(c)) factors.push_back("家庭经济困难");
  if (c.disability != Disability::kNone) factors.push_back("残疾");
  if (LacksGuardianship(c)) factors.push_back("缺乏监护");
  if (c.vagrant) factors.push_back("流浪");
  if (c.psych_abnormal) factors.push_back("心理行为异常");
  if (c.asked_for_help) factors.push_back("主动求助");
  return factors;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string Place(const std::string& code, const RegionTree* regions) {
  if (regions) {
    if (const Region* r = regions->Find(code)) return r->name + "（" + code + "）";
  }
  return code;
}

}  // namespace

std::vector<std::string> KeyCareFactors(const Child& child) { return KeyCareFactorsOf(child); }

std::string_view ChildClassCode(ChildClass c) {
  for (const auto& info : kClasses)
    if (info.value == c) return info.code;
  return "";
}

std::string_view ChildClassNameZh(ChildClass c) {
  for (const auto& info : kClasses)
    if (info.value == c) return info.name_zh;
  return "";
}

bool ParseChildClass(std::string_view code, ChildClass* out) {
  for (const auto& info : kClasses) {
    if (info.code == code) {
      *out = info.value;
      return true;
    }
  }
  return false;
}

const std::vector<ChildClass>& AllChildClasses() {
  static const std::vector<ChildClass> all = [] {
    std::vector<ChildClass> out;
    for (const auto& info : kClasses) out.push_back(info.value);
    return out;
  }();
  return all;
}

bool ClassificationConfig::FromJson(std::string_view json, ClassificationConfig* out,
                                    std::string* error) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    *error = "分类口径配置不是有效的 JSON";
    return false;
  }
  ClassificationConfig config;
  const auto groups = doc.find("migrant_exclusion_groups");
  if (groups != doc.end()) {
    if (!groups->is_array()) {
      *error = "migrant_exclusion_groups 应为数组";
      return false;
    }
    for (size_t i = 0; i < groups->size(); ++i) {
      const auto& group = (*groups)[i];
      const auto counties = group.find("counties");
      if (!group.is_object() || counties == group.end() || !counties->is_array()) {
        *error = "migrant_exclusion_groups 第" + std::to_string(i + 1) + "组缺少 counties 数组";
        return false;
      }
      std::set<std::string> codes;
      for (const auto& code : *counties) {
        if (!code.is_string() || code.get<std::string>().size() != 6 ||
            code.get<std::string>().find_first_not_of("0123456789") != std::string::npos) {
          *error = "migrant_exclusion_groups 第" + std::to_string(i + 1) +
                   "组含无效县级代码（应为6位数字）";
          return false;
        }
        codes.insert(code.get<std::string>());
      }
      config.exclusion_groups.push_back(std::move(codes));
    }
  }
  *out = std::move(config);
  return true;
}

uint32_t ClassBasisOf(const Child& c, const ClassificationConfig& config) {
  uint32_t basis = 0;
  if (IsCrossCountyMove(c, config)) basis |= Bit(ClassBasis::kMigrantIfDated);
  if (IsLeftBehindShape(c)) basis |= Bit(ClassBasis::kLeftBehindIfDated);
  const bool orphan = IsOrphan(c), de_facto = IsDeFactoUnsupported(c);
  if (orphan) basis |= Bit(ClassBasis::kOrphanIfDated);
  if (de_facto) basis |= Bit(ClassBasis::kDeFactoIfDated);
  if (HasFamilyHardship(c) && c.family_economy != FamilyEconomy::kLowIncome)
    basis |= Bit(ClassBasis::kDifficultyIfDated);
  if (c.disability != Disability::kNone || c.serious_illness || LacksGuardianship(c))
    basis |= Bit(ClassBasis::kDifficultyIfDated);
  if (!KeyCareFactorsOf(c).empty()) basis |= Bit(ClassBasis::kKeyCareFactor);
  return basis;
}

ClassCutoffs CutoffsFor(Date today) {
  ClassCutoffs cutoffs;
  cutoffs.born_after_for_under16 = LatestBirthForAge(kMigrantAgeLimit, today);
  cutoffs.born_after_for_under18 = LatestBirthForAge(kDifficultyAgeLimit, today);
  cutoffs.resident_since_on_or_before = AddMonths(today, -kMigrantResidenceMonths);
  return cutoffs;
}

Classification Classify(const Child& c, Date today, const ClassificationConfig& config,
                        const RegionTree* regions) {
  Classification result;
  const uint32_t basis = ClassBasisOf(c, config);
  const ClassCutoffs cutoffs = CutoffsFor(today);
  const bool under16 = c.birth_date > cutoffs.born_after_for_under16;
  const bool under18 = c.birth_date > cutoffs.born_after_for_under18;
  const int age = AgeInYears(c.birth_date, today);

  const bool resident_long_enough =
      c.residence_since && *c.residence_since <= cutoffs.resident_since_on_or_before;
  if (basis & Bit(ClassBasis::kMigrantIfDated)) {
    const std::string move = "户籍地" + Place(c.hukou_region_code.substr(0, 6), regions) +
                             "，居住地" + Place(c.region_code.substr(0, 6), regions);
    if (!under16) {
      result.reasons.push_back("非流动儿童：跨县域居住（" + move + "），但已满16周岁");
    } else if (!c.residence_since) {
      result.reasons.push_back("待核实：跨县域居住（" + move + "），居住起始日期未填写，无法判定是否满6个月");
    } else if (!resident_long_enough) {
      result.reasons.push_back("非流动儿童：跨县域居住（" + move + "），自" +
                               FormatIsoDate(*c.residence_since) + "起未满6个月");
    } else {
      result.classes |= Bit(ChildClass::kMigrant);
      result.reasons.push_back("流动儿童：" + move + "，跨县域居住自" +
                               FormatIsoDate(*c.residence_since) + "起已满6个月，" +
                               std::to_string(age) + "周岁未满16周岁");
    }
  } else if (c.hukou_region_code.size() >= 6 && c.region_code.size() >= 6 &&
             c.hukou_region_code.substr(0, 6) != c.region_code.substr(0, 6) &&
             InSameExclusionGroup(config, c.hukou_region_code.substr(0, 6),
                                  c.region_code.substr(0, 6))) {
    result.reasons.push_back("非流动儿童：户籍地与居住地同属本市中心城区，按本市口径不计为流动儿童");
  }

  if ((basis & Bit(ClassBasis::kLeftBehindIfDated)) && under16) {
    result.classes |= Bit(ChildClass::kLeftBehind);
    const bool both_away = c.father.status == ParentStatus::kWorkingAway &&
                           c.mother.status == ParentStatus::kWorkingAway;
    const bool father_away = c.father.status == ParentStatus::kWorkingAway;
    result.reasons.push_back(
        both_away ? "留守儿童：父母双方外出务工，" + std::to_string(age) + "周岁未满16周岁"
                  : std::string("留守儿童：") + (father_away ? "父亲外出务工，母亲" : "母亲外出务工，父亲") +
                        "无监护能力（" + ParentSituation(father_away ? c.mother.status : c.father.status) +
                        "），" + std::to_string(age) + "周岁未满16周岁");
  }

  if (under18) {
    if (basis & Bit(ClassBasis::kOrphanIfDated)) {
      result.classes |= Bit(ChildClass::kOrphan);
      result.reasons.push_back("孤儿：父母双方均已死亡");
    }
    if (basis & Bit(ClassBasis::kDeFactoIfDated)) {
      result.classes |= Bit(ChildClass::kDeFactoUnsupported);
      result.reasons.push_back("事实无人抚养儿童：父母双方均重残、重病、服刑在押或失联，或一方死亡失踪另一方有上述情形");
    }
    if (basis & Bit(ClassBasis::kDifficultyIfDated)) {
      std::vector<std::string> why;
      if (c.family_economy == FamilyEconomy::kDibao) why.push_back("低保家庭");
      if (c.family_economy == FamilyEconomy::kTekun) why.push_back("特困");
      if (c.disability != Disability::kNone) why.push_back("残疾");
      if (c.serious_illness) why.push_back("重病");
      if (LacksGuardianship(c)) why.push_back("缺乏监护");
      result.classes |= Bit(ChildClass::kInDifficulty);
      result.reasons.push_back("困境儿童：" + Join(why, "、"));
    }
  }

  if (result.Has(ChildClass::kMigrant) && (basis & Bit(ClassBasis::kKeyCareFactor))) {
    result.classes |= Bit(ChildClass::kKeyCare);
    result.reasons.push_back("重点关爱服务对象：流动儿童且" + Join(KeyCareFactorsOf(c), "、"));
  }
  return result;
}

std::string_view FlowTypeOf(const Child& child) {
  const std::string& hukou = child.hukou_region_code;
  if (hukou.size() < 6 || child.region_code.size() < 6) return "unknown";
  if (hukou.compare(0, 2, child.region_code, 0, 2) != 0) return "cross_province";
  if (hukou.compare(0, 4, child.region_code, 0, 4) != 0) return "cross_city";
  if (hukou.compare(0, 6, child.region_code, 0, 6) != 0) return "cross_county";
  return "local";
}

const std::vector<AgeGroup>& AgeGroups() {
  static const std::vector<AgeGroup> groups = {
      {"0-3", "0–3岁（托育）", 0, 3},          {"3-6", "3–6岁（学前）", 3, 6},
      {"6-15", "6–15岁（义务教育）", 6, 15},   {"12-16", "12–16岁（青少年）", 12, 16},
      {"15-18", "15–18岁（高中/中职）", 15, 18},
  };
  return groups;
}

const AgeGroup* FindAgeGroup(std::string_view code) {
  for (const auto& g : AgeGroups())
    if (g.code == code) return &g;
  return nullptr;
}

std::vector<std::string_view> AgeGroupsOf(Date birth, Date today) {
  std::vector<std::string_view> out;
  const int age = AgeInYears(birth, today);
  for (const auto& g : AgeGroups())
    if (age >= g.from_years && age < g.to_years) out.push_back(g.code);
  return out;
}

}  // namespace tongan

namespace tongan {

ClassPredicate PredicateFor(ChildClass c) {
  const auto bit = [](ClassBasis b) { return static_cast<uint32_t>(b); };
  switch (c) {
    case ChildClass::kMigrant:
      return {bit(ClassBasis::kMigrantIfDated), true, false, true};
    case ChildClass::kLeftBehind:
      return {bit(ClassBasis::kLeftBehindIfDated), true, false, false};
    case ChildClass::kInDifficulty:
      return {bit(ClassBasis::kDifficultyIfDated), false, true, false};
    case ChildClass::kOrphan:
      return {bit(ClassBasis::kOrphanIfDated), false, true, false};
    case ChildClass::kDeFactoUnsupported:
      return {bit(ClassBasis::kDeFactoIfDated), false, true, false};
    case ChildClass::kKeyCare:
      return {bit(ClassBasis::kMigrantIfDated) | bit(ClassBasis::kKeyCareFactor), true, false, true};
  }
  return {};
}

}  // namespace tongan
