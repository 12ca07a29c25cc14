#include "care/supply.h"

#include <algorithm>

namespace tongan::care {

const std::vector<std::pair<std::string, std::string>>& ProviderKinds() {
  static const std::vector<std::pair<std::string, std::string>> kinds = {
      {"school", "学校"},           {"children_home", "儿童之家"}, {"after_school", "课后托管"},
      {"social_org", "社会组织"},   {"volunteer", "志愿者"},       {"health_centre", "卫生服务机构"},
      {"other", "其他"},
  };
  return kinds;
}

bool IsProviderKind(const std::string& code) {
  const auto& kinds = ProviderKinds();
  return std::any_of(kinds.begin(), kinds.end(), [&](const auto& k) { return k.first == code; });
}

Reach ReachOf(const std::string& child_region, const std::string& supply_region) {
  const auto same = [&](size_t n) {
    return child_region.size() >= n && supply_region.size() >= n && child_region.compare(0, n, supply_region, 0, n) == 0;
  };
  if (supply_region.size() >= 12 && same(12)) return Reach::kVillage;
  if (supply_region.size() >= 9 && same(9)) return Reach::kTownship;
  if (same(6) || (supply_region.size() < 6 && child_region.starts_with(supply_region))) return Reach::kCounty;
  return Reach::kOutside;
}

const char* ReachCode(Reach reach) {
  switch (reach) {
    case Reach::kVillage: return "village";
    case Reach::kTownship: return "township";
    case Reach::kCounty: return "county";
    case Reach::kOutside: break;
  }
  return "outside";
}

const char* ReachNameZh(Reach reach) {
  switch (reach) {
    case Reach::kVillage: return "本村（社区）";
    case Reach::kTownship: return "本乡镇（街道）";
    case Reach::kCounty: return "县（区）内";
    case Reach::kOutside: break;
  }
  return "县（区）外";
}

}  // namespace tongan::care
