// The supply side of services (DOMAIN.md §9): kinds of providers and how far a service is from a
// child, so needs are matched to supply within reach, same village and township first.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tongan::care {

// code → Chinese name: school children_home after_school social_org volunteer health_centre other.
const std::vector<std::pair<std::string, std::string>>& ProviderKinds();
bool IsProviderKind(const std::string& code);

enum class Reach { kVillage, kTownship, kCounty, kOutside };

// How far supply serving `supply_region` (village 12, township 9, county 6 digits or above) is
// from a child living in `child_region` (a village): a township's 儿童之家 is within the
// township; a county-wide organisation and another township's centre are within the county.
Reach ReachOf(const std::string& child_region, const std::string& supply_region);
const char* ReachCode(Reach reach);  // village township county outside
const char* ReachNameZh(Reach reach);  // 本村（社区） 本乡镇（街道） 县（区）内 县（区）外

}  // namespace tongan::care
