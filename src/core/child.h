// A child's record as the registry holds it: identity, where the child lives and is registered,
// family and guardians, and the facts the definitions (DOMAIN.md) classify on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/region.h"
#include "core/sex.h"

namespace tongan {

// What a parent is doing, as far as guardianship is concerned.
enum class ParentStatus {
  kUnknown,
  kAtHome,            // 在家
  kWorkingAway,       // 外出务工
  kDeceased,          // 死亡（含宣告死亡）
  kMissing,           // 失踪/失联
  kImprisoned,        // 服刑在押、强制隔离戒毒或其他限制人身自由
  kSeverelyDisabled,  // 重残
  kSeriouslyIll,      // 重病
  kUnableOther,       // 其他无监护能力
};

// Who the child lives with at the residence address.
enum class LivingWith {
  kUnknown,
  kBothParents,    // 父母双方
  kOneParent,      // 父母一方
  kOtherGuardian,  // 其他监护人（祖辈、亲属）
  kAlone,          // 独自生活
  kInstitution,    // 福利机构/救助保护机构
};

enum class FamilyEconomy {
  kNone,        // 无
  kLowIncome,   // 低收入
  kDibao,       // 低保
  kTekun,       // 特困
};

enum class Disability { kNone, kLevel1, kLevel2, kLevel3, kLevel4 };

struct Parent {
  std::string name;
  std::string id_number;
  std::string phone;
  ParentStatus status = ParentStatus::kUnknown;
};

struct Guardian {
  std::string name;
  std::string relation;  // 祖父母, 外祖父母, 其他亲属 …
  std::string id_number;
  std::string phone;
  bool capable = true;  // 具备监护能力
};

struct Schooling {
  std::string status;  // 未入学 / 在园 / 在读 / 辍学 / 毕业
  std::string school;
  std::string grade;
};

struct Health {
  bool has_health_record = false;  // 建立健康档案
  bool vaccinated = false;         // 按程序接种
  std::string notes;
};

struct Child {
  int64_t id = 0;
  int64_t version = 0;
  std::string name;
  std::string id_number;  // normalized 18 characters, or empty when the child has none yet
  Sex sex = Sex::kMale;
  Date birth_date{};
  std::string ethnicity;  // 民族

  std::string region_code;  // residence, 12-digit village code (scope key)
  std::string address;      // residence address
  std::optional<Date> residence_since;  // since when the child lives at the residence place
  std::string hukou_region_code;        // 户籍地, at least 6 digits (county)
  std::string hukou_address;

  LivingWith living_with = LivingWith::kUnknown;
  Parent father;
  Parent mother;
  Guardian guardian;

  FamilyEconomy family_economy = FamilyEconomy::kNone;
  Disability disability = Disability::kNone;
  bool serious_illness = false;
  bool vagrant = false;          // 流浪
  bool psych_abnormal = false;   // 心理/行为异常
  bool asked_for_help = false;   // 主动求助

  Schooling schooling;
  Health health;
  std::vector<std::string> benefits;  // 享受的保障, e.g. 低保, 孤儿基本生活费
  std::vector<std::string> needs;     // 需求, e.g. 课业辅导
  std::string notes;

  std::string created_at;  // set by the store, UTC ISO-8601
  std::string updated_at;
};

// Province code (first two digits of the residence region), the distribution key of
// child-owned tables.
inline std::string ProvinceOf(const Child& child) { return ProvinceCodeOf(child.region_code); }

}  // namespace tongan
