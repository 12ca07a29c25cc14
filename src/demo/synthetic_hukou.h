// Where the families living in a county have their household registration (户籍地). The shares
// follow an urban district of a prefecture-level city such as 平顶山市新华区: most families are
// local, some come from the neighbouring central districts (moves the city may exclude from the
// migrant definition), more from the rest of the province, the rest from other provinces.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/region.h"
#include "demo/synthetic_random.h"

namespace tongan::synthetic {

enum class HukouOrigin { kLocal, kCentralDistrict, kProvince, kOtherProvince };

struct HukouTownship {
  std::string code;  // 9 digits
  std::string name;  // "廉村镇"
};

struct HukouCounty {
  std::string code;       // 6 digits
  std::string full_name;  // "河南省平顶山市叶县"
  std::vector<HukouTownship> townships;
};

class HukouPlan {
 public:
  // Plans the origins for families living in `county` (6 digits, known to `regions`).
  HukouPlan(const RegionTree& regions, const std::string& county);

  // Origin of a family's registration; families in rural villages are more often local.
  HukouOrigin PickOrigin(Rng& rng, bool rural_village) const;
  // A registration county of a non-local origin; falls back to a wider origin when the region
  // tree knows no county for the one asked (a small tree in tests).
  const HukouCounty* PickCounty(HukouOrigin origin, Rng& rng) const;

 private:
  struct Group {
    std::vector<HukouCounty> counties;
    WeightedTable weights;
  };
  Group& GroupOf(HukouOrigin origin) { return groups_[static_cast<int>(origin) - 1]; }
  const Group& GroupOf(HukouOrigin origin) const { return groups_[static_cast<int>(origin) - 1]; }
  // Adds the hukou-issuing counties under `prefix` (2, 4 or 6 digits) sharing `weight`; skips
  // `skip_prefix` (the residence county, or its city when adding a whole province).
  void AddCounties(const RegionTree& regions, HukouOrigin origin, const std::string& prefix,
                   double weight, const std::string& skip_prefix);

  std::array<Group, 3> groups_;  // central district, province, other province
};

}  // namespace tongan::synthetic
