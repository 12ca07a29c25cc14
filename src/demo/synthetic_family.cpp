#include "demo/synthetic_family.h"

#include <utility>

namespace tongan::synthetic {
namespace {

using PS = ParentStatus;

// Household shares of the rare situations, cumulative in the order tested below.
constexpr double kOrphans = 0.0008;  // both parents deceased
constexpr double kDeFacto = 0.0020;  // 事实无人抚养 combinations
constexpr double kOneDeceased = 0.0080;
constexpr double kOneIncapable = 0.0100;  // severely disabled or seriously ill
constexpr double kOneImprisoned = 0.0020;
constexpr double kOneMissing = 0.0020;
constexpr double kSingleParent = 0.0300;  // divorced or separated, other parent unknown

// Pairs (father, mother) that make children de-facto unsupported (民发〔2019〕62号).
constexpr std::pair<PS, PS> kDeFactoPairs[] = {
    {PS::kImprisoned, PS::kMissing},        {PS::kDeceased, PS::kMissing},
    {PS::kDeceased, PS::kSeverelyDisabled}, {PS::kSeverelyDisabled, PS::kSeriouslyIll},
    {PS::kImprisoned, PS::kDeceased},       {PS::kMissing, PS::kImprisoned},
    {PS::kSeriouslyIll, PS::kMissing},      {PS::kDeceased, PS::kImprisoned},
};

// Sets one parent (the father with probability `father_share`) to `status`, the other to `other`.
void SetOneParent(Rng& rng, FamilySituation& s, double father_share, PS status, PS other) {
  if (rng.Chance(father_share)) {
    s.father = status;
    s.mother = other;
  } else {
    s.mother = status;
    s.father = other;
  }
}

void PickOrdinary(Rng& rng, FamilySituation& s, HukouOrigin origin, bool rural_village) {
  double both_away, one_away;
  if (origin == HukouOrigin::kLocal) {
    both_away = rural_village ? 0.25 : 0.05;
    one_away = rural_village ? 0.22 : 0.10;
  } else {  // families who moved here mostly moved together
    both_away = 0.02;
    one_away = 0.11;
  }
  const double draw = rng.Unit();
  if (draw < both_away) {
    s.father = s.mother = PS::kWorkingAway;
    s.living_with = LivingWith::kOtherGuardian;
  } else if (draw < both_away + one_away) {
    SetOneParent(rng, s, 0.85, PS::kWorkingAway, PS::kAtHome);
    s.living_with = LivingWith::kOneParent;
  }
}

void PickEconomy(Rng& rng, FamilySituation& s, HukouOrigin origin, bool rural_village) {
  // 低保 is granted where the hukou is, so families who moved here hold it less often.
  double scale = origin == HukouOrigin::kLocal ? (rural_village ? 1.5 : 1.0) : 0.6;
  if (s.hardship) scale *= 8;
  const double draw = rng.Unit();
  const double tekun = s.father == PS::kDeceased && s.mother == PS::kDeceased ? 0.5 : 0.001 * scale;
  if (draw < tekun)
    s.economy = FamilyEconomy::kTekun;
  else if (draw < tekun + 0.025 * scale)
    s.economy = FamilyEconomy::kDibao;
  else if (draw < tekun + 0.025 * scale + 0.03)
    s.economy = FamilyEconomy::kLowIncome;
}

}  // namespace

FamilySituation PickFamilySituation(Rng& rng, HukouOrigin origin, bool rural_village) {
  FamilySituation s;
  double draw = rng.Unit();
  const auto take = [&draw](double share) {
    const bool hit = draw < share;
    draw -= share;
    return hit;
  };
  const bool survivor_away = rng.Chance(0.3);
  const PS survivor = survivor_away ? PS::kWorkingAway : PS::kAtHome;
  if (take(kOrphans)) {
    s.father = s.mother = PS::kDeceased;
    s.living_with = rng.Chance(0.85) ? LivingWith::kOtherGuardian : LivingWith::kInstitution;
    s.hardship = true;
  } else if (take(kDeFacto)) {
    const auto& pair = rng.Pick(kDeFactoPairs);
    s.father = pair.first;
    s.mother = pair.second;
    s.living_with = LivingWith::kOtherGuardian;
    s.hardship = true;
  } else if (take(kOneDeceased)) {
    SetOneParent(rng, s, 0.65, PS::kDeceased, survivor);
    s.living_with = survivor_away ? LivingWith::kOtherGuardian : LivingWith::kOneParent;
    s.hardship = true;
  } else if (take(kOneIncapable)) {
    SetOneParent(rng, s, 0.55, rng.Chance(0.6) ? PS::kSeverelyDisabled : PS::kSeriouslyIll,
                 survivor);
    s.living_with = survivor_away ? LivingWith::kOneParent : LivingWith::kBothParents;
    s.hardship = true;
  } else if (take(kOneImprisoned)) {
    SetOneParent(rng, s, 0.9, PS::kImprisoned, PS::kAtHome);
    s.living_with = LivingWith::kOneParent;
    s.hardship = true;
  } else if (take(kOneMissing)) {
    SetOneParent(rng, s, 0.3, PS::kMissing, survivor);
    s.living_with = survivor_away ? LivingWith::kOtherGuardian : LivingWith::kOneParent;
    s.hardship = true;
  } else if (take(kSingleParent)) {
    SetOneParent(rng, s, 0.4, PS::kAtHome, PS::kUnknown);
    s.living_with = LivingWith::kOneParent;
  } else {
    PickOrdinary(rng, s, origin, rural_village);
  }
  PickEconomy(rng, s, origin, rural_village);
  return s;
}

CaregiverKind PickCaregiver(Rng& rng, const FamilySituation& situation) {
  if (situation.living_with == LivingWith::kInstitution) return CaregiverKind::kInstitution;
  if (situation.living_with != LivingWith::kOtherGuardian) return CaregiverKind::kNone;
  const double draw = rng.Unit();
  if (situation.hardship && draw < 0.15) return CaregiverKind::kRelative;
  return draw < 0.72 ? CaregiverKind::kPaternalGrandparent : CaregiverKind::kMaternalGrandparent;
}

const char* RelationName(CaregiverKind kind, bool male) {
  switch (kind) {
    case CaregiverKind::kPaternalGrandparent:
      return male ? "祖父" : "祖母";
    case CaregiverKind::kMaternalGrandparent:
      return male ? "外祖父" : "外祖母";
    case CaregiverKind::kRelative:
      return "其他亲属";
    case CaregiverKind::kInstitution:
      return "机构";
    case CaregiverKind::kNone:
      break;
  }
  return "";
}

const char* ParentStatusWords(ParentStatus status) {
  switch (status) {
    case PS::kAtHome:
      return "在家";
    case PS::kWorkingAway:
      return "外出务工";
    case PS::kDeceased:
      return "已故";
    case PS::kMissing:
      return "离家失联";
    case PS::kImprisoned:
      return "服刑";
    case PS::kSeverelyDisabled:
      return "重度残疾";
    case PS::kSeriouslyIll:
      return "患重病";
    case PS::kUnableOther:
      return "无监护能力";
    case PS::kUnknown:
      break;
  }
  return "情况不详";
}

}  // namespace tongan::synthetic
