#include "demo/synthetic_hukou.h"

#include <string_view>

namespace tongan::synthetic {
namespace {

struct PrefixWeight {
  const char* prefix;  // 2, 4 or 6 digits
  double weight;
};

// 平顶山市新华区 (the demo county): 卫东区 and 湛河区 are the central districts the city excludes;
// within Henan, families come from the city's own counties and from the populous agricultural
// cities of the south-east (周口, 驻马店, 南阳).
constexpr const char* kXinhuaDistrict = "410402";
constexpr PrefixWeight kXinhuaCentral[] = {{"410403", 1}, {"410411", 1}};
constexpr PrefixWeight kXinhuaProvince[] = {
    {"410422", 5}, {"410423", 5}, {"410425", 3}, {"410421", 3}, {"410482", 3}, {"410481", 1},
    {"410404", 1}, {"4116", 3},   {"4117", 3},   {"4113", 3},   {"41", 3}};

// Provinces sending families to Henan, roughly by the 2020 census inter-provincial flows.
constexpr PrefixWeight kOtherProvinces[] = {
    {"34", 4},   {"42", 3},   {"37", 3},   {"13", 2},   {"14", 2},   {"61", 1.5},
    {"32", 1},   {"51", 1},   {"43", 1},   {"62", 0.7}, {"52", 0.5}, {"36", 0.5},
    {"50", 0.4}, {"23", 0.3}, {"53", 0.3}, {"33", 0.3}, {"45", 0.3}};
constexpr PrefixWeight kHenan = {"41", 4};

// Shares of local, central-district, rest-of-province and other-province families.
constexpr double kUrbanOriginShares[] = {0.45, 0.15, 0.25, 0.15};
constexpr double kRuralOriginShares[] = {0.78, 0.04, 0.11, 0.07};

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Development zones and the like (NBS codes xxxx7x) administer land but do not register people.
bool IssuesHukou(const Region& county) {
  return county.code.size() == 6 && county.code[4] != '7' && !Contains(county.name, "开发区") &&
         !Contains(county.name, "示范区") && !Contains(county.name, "管理区") &&
         !Contains(county.name, "实验区");
}

std::vector<const Region*> CountiesUnder(const RegionTree& regions, const std::string& prefix) {
  std::vector<const Region*> counties;
  const Region* root = regions.Find(prefix);
  if (root == nullptr) return counties;
  if (root->level == RegionLevel::kCounty) {
    counties.push_back(root);
  } else if (root->level == RegionLevel::kCity) {
    for (const Region* county : regions.ChildrenOf(prefix)) counties.push_back(county);
  } else if (root->level == RegionLevel::kProvince) {
    for (const Region* city : regions.ChildrenOf(prefix))
      for (const Region* county : regions.ChildrenOf(city->code)) counties.push_back(county);
  }
  std::erase_if(counties, [](const Region* r) { return !IssuesHukou(*r); });
  return counties;
}

}  // namespace

void HukouPlan::AddCounties(const RegionTree& regions, HukouOrigin origin,
                            const std::string& prefix, double weight,
                            const std::string& skip_prefix) {
  std::vector<const Region*> counties = CountiesUnder(regions, prefix);
  std::erase_if(counties, [&](const Region* r) { return RegionWithin(r->code, skip_prefix); });
  if (counties.empty()) return;
  Group& group = GroupOf(origin);
  for (const Region* county : counties) {
    HukouCounty place{county->code, regions.FullName(county->code), {}};
    for (const Region* township : regions.ChildrenOf(county->code))
      place.townships.push_back({township->code, township->name});
    group.counties.push_back(std::move(place));
    group.weights.Add(weight / static_cast<double>(counties.size()));
  }
}

HukouPlan::HukouPlan(const RegionTree& regions, const std::string& county) {
  const std::string city = county.substr(0, 4), province = county.substr(0, 2);
  if (county == kXinhuaDistrict) {
    for (const PrefixWeight& p : kXinhuaCentral)
      AddCounties(regions, HukouOrigin::kCentralDistrict, p.prefix, p.weight, county);
    for (const PrefixWeight& p : kXinhuaProvince)
      AddCounties(regions, HukouOrigin::kProvince, p.prefix, p.weight,
                  std::string_view(p.prefix).size() == 2 ? city : county);
  } else {
    // Other counties: the city's other districts are the "central" ones; the rest of the city
    // and the rest of the province send the province share.
    std::vector<std::string> districts, other_counties;
    for (const Region* r : CountiesUnder(regions, city)) {
      if (r->code == county) continue;
      (r->name.ends_with("区") ? districts : other_counties).push_back(r->code);
    }
    if (districts.empty()) districts.swap(other_counties);
    for (const std::string& code : districts)
      AddCounties(regions, HukouOrigin::kCentralDistrict, code, 1.0, county);
    for (const std::string& code : other_counties)
      AddCounties(regions, HukouOrigin::kProvince, code, 0.4 / other_counties.size(), county);
    AddCounties(regions, HukouOrigin::kProvince, province, 0.6, city);
  }
  for (const PrefixWeight& p : kOtherProvinces)
    if (p.prefix != province)
      AddCounties(regions, HukouOrigin::kOtherProvince, p.prefix, p.weight, province);
  if (province != kHenan.prefix)
    AddCounties(regions, HukouOrigin::kOtherProvince, kHenan.prefix, kHenan.weight, province);
}

HukouOrigin HukouPlan::PickOrigin(Rng& rng, bool rural_village) const {
  const double* shares = rural_village ? kRuralOriginShares : kUrbanOriginShares;
  double draw = rng.Unit();
  for (int i = 0; i < 3; ++i) {
    if (draw < shares[i]) return static_cast<HukouOrigin>(i);
    draw -= shares[i];
  }
  return HukouOrigin::kOtherProvince;
}

const HukouCounty* HukouPlan::PickCounty(HukouOrigin origin, Rng& rng) const {
  if (origin == HukouOrigin::kLocal) return nullptr;
  // Group indexes to try: the one asked, then the nearest wider or narrower one.
  static constexpr int kTryOrder[3][3] = {{0, 1, 2}, {1, 2, 0}, {2, 1, 0}};
  for (int index : kTryOrder[static_cast<int>(origin) - 1]) {
    const Group& group = groups_[index];
    if (!group.weights.empty()) return &group.counties[group.weights.Pick(rng)];
  }
  return nullptr;
}

}  // namespace tongan::synthetic
