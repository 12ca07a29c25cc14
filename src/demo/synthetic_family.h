// The situation of a synthetic household: where the parents are, who the children live with, and
// the family's economy. Ordinary families dominate; parents working away, deceased, missing,
// imprisoned or disabled occur at rates that make left-behind children, orphans and de-facto
// unsupported children exist in realistic (small) numbers.
#pragma once

#include "core/child.h"
#include "demo/synthetic_hukou.h"
#include "demo/synthetic_random.h"

namespace tongan::synthetic {

struct FamilySituation {
  ParentStatus father = ParentStatus::kAtHome;
  ParentStatus mother = ParentStatus::kAtHome;
  LivingWith living_with = LivingWith::kBothParents;
  FamilyEconomy economy = FamilyEconomy::kNone;
  bool hardship = false;  // a parent is lost or unable: the family asks for help more often
};

FamilySituation PickFamilySituation(Rng& rng, HukouOrigin origin, bool rural_village);

// Who looks after the children when they live with neither parent.
enum class CaregiverKind {
  kNone,
  kPaternalGrandparent,
  kMaternalGrandparent,
  kRelative,
  kInstitution
};
CaregiverKind PickCaregiver(Rng& rng, const FamilySituation& situation);

// "祖父" "祖母" "外祖父" "外祖母" "其他亲属" "机构" as the registry's form offers them.
const char* RelationName(CaregiverKind kind, bool male);

// The words a clerk uses for a parent's situation in notes: "外出务工", "已故", "服刑" …
const char* ParentStatusWords(ParentStatus status);

}  // namespace tongan::synthetic
