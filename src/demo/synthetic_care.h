// A synthetic child's own difficulties, health, benefits and needs, consistent with the family's
// facts already on the record (parents' status, living arrangement, economy).
#pragma once

#include "core/child.h"
#include "core/date.h"
#include "demo/synthetic_random.h"

namespace tongan::synthetic {

struct CareContext {
  int age = 0;                   // completed years on today
  bool family_hardship = false;  // a parent lost or unable (FamilySituation::hardship)
  bool moved_here = false;       // hukou in another county
  bool recent_arrival = false;   // moved here less than a year ago
};

// Disability, serious illness, psychological or behavioural abnormality, vagrancy and asking for
// help, at roughly the rates a county register shows (disability ~1%, the others rarer).
void AddDifficulties(Rng& rng, Child& child, const CareContext& context);

// Health record and vaccination (0–6 health management is near universal, a little less for
// families who just arrived) and health notes for disabled or ill children.
void AddHealth(Rng& rng, Child& child, const CareContext& context);

// Benefits the facts entitle to (most, not all: unmet entitlements are what comparison finds),
// needs for a minority, and a clerk's note for difficult situations.
void AddBenefitsNeedsNotes(Rng& rng, Child& child, const CareContext& context);

}  // namespace tongan::synthetic
