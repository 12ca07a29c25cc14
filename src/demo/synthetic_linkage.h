// A registry and a department file to link, for the linkage benchmark and tests: registry children
// from the synthetic generator, a department file of which a share are registry children and the
// rest children not in the registry, each department record written with the errors real
// department files have (IDs left out or mistyped, names written with a homophone or a
// traditional character, day and month swapped, another guardian, a changed phone, a move), and
// the ground truth.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/region.h"
#include "linkage/linkage.h"

#include "demo/synthetic_random.h"

namespace tongan {

struct SyntheticLinkageOptions {
  std::vector<std::string> county_codes;  // counties whose children make up the registry
  int villages_per_township = 12;
  int64_t registry = 1000000;  // registry children
  int64_t records = 1000000;   // department records
  double in_registry = 0.70;   // share of department records that are registry children
  // Errors of a department record, as probabilities.
  double id_missing = 0.30;
  double id_mistyped = 0.03;        // one digit changed or two neighbours swapped
  double name_homophone = 0.10;     // one character replaced by a common homophone
  double name_traditional = 0.03;   // one character in its traditional form
  double name_typo = 0.02;          // one character replaced by another
  double date_swapped = 0.03;       // month and day swapped (where that is a date)
  double date_off_by_one = 0.03;    // year, month or day off by one, or one digit wrong
  double sex_wrong = 0.005;
  double guardian_missing = 0.20;
  double guardian_homophone = 0.05;
  double phone_missing = 0.30;
  double phone_changed = 0.10;
  double address_moved = 0.15;
  double address_variant = 0.10;    // written differently: 号院 / 号, 3组 / 三组
  uint64_t seed = 20261122;
  Date today{};  // default: today in China
};

struct SyntheticLinkageData {
  std::vector<linkage::Record> registry;    // key = index
  std::vector<linkage::Record> department;  // key = index
  std::vector<int64_t> truth;               // per department record: registry key, or -1
};

// Values are filled by field name: name, id_number, birth_date, sex, guardian_name (registry: both
// parents and the guardian as '|' alternatives; department: one of them), phone (likewise),
// address; other fields stay empty. Deterministic for the same options and region tree.
// One character of a name replaced by a common homophone (欣 → 馨), mostly in the given name, as
// clerks mistype names in department systems.
std::string HomophoneName(synthetic::Rng& rng, const std::string& name);
// One character written in its traditional form (张 → 張).
std::string TraditionalName(synthetic::Rng& rng, const std::string& name);

SyntheticLinkageData GenerateSyntheticLinkage(const RegionTree& regions,
                                              const std::vector<linkage::FieldSpec>& fields,
                                              const SyntheticLinkageOptions& options);

}  // namespace tongan
