// The administrative region tree: province (2 digits) -> city (4) -> county (6) ->
// township/street (9) -> village/community (12). A code's ancestors are its prefixes, which is
// what makes subtree scoping a range over one indexed column.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tongan {

enum class RegionLevel { kProvince = 1, kCity, kCounty, kTownship, kVillage };

// Number of digits of a code at `level`: 2, 4, 6, 9, 12.
int RegionCodeLength(RegionLevel level);
// Level of a code by its length; nullopt for lengths that are no level, or non-digits.
std::optional<RegionLevel> RegionLevelOfCode(std::string_view code);
// "省" "市" "县" "乡镇" "村".
std::string_view RegionLevelNameZh(RegionLevel level);
// True when `code` lies in the subtree rooted at `ancestor` (or is it).
bool RegionWithin(std::string_view code, std::string_view ancestor);

struct Region {
  std::string code;
  std::string name;
  RegionLevel level;
  std::string parent_code;  // empty for a province
};

// The province of a region code (its first two digits): the distribution key that every
// child-owned table carries for a partitioned (Citus) deployment.
inline std::string ProvinceCodeOf(std::string_view region_code) {
  return std::string(region_code.substr(0, 2));
}

// The code length of the regions directly under `code`: province 2 → city 4 → county 6 →
// township 9 → village 12 (a village has none below; 12).
inline size_t SubRegionCodeLength(std::string_view code) {
  switch (code.size()) {
    case 2: return 4;
    case 4: return 6;
    case 6: return 9;
    default: return 12;
  }
}

class RegionTree {
 public:
  // Adds the rows of the NBS-style CSV files (header line first; columns as in data/regions).
  // Returns the number of rows that could not be read (bad code, unknown parent); never throws on
  // bad input.
  int LoadProvincesCsv(std::string_view csv);
  int LoadCitiesCsv(std::string_view csv);
  int LoadCountiesCsv(std::string_view csv);
  int LoadTownshipsCsv(std::string_view csv);

  // Adds one region below an existing parent (villages are added by the deployment).
  // Returns false when the code is malformed, exists already, or its parent is unknown.
  bool Add(std::string code, std::string name);

  const Region* Find(std::string_view code) const;
  bool Contains(std::string_view code) const { return Find(code) != nullptr; }
  bool HasProvince(std::string_view two_digits) const;
  std::vector<const Region*> ChildrenOf(std::string_view code) const;
  // Names from the province down to `code`, e.g. {"河南省", "平顶山市", "新华区"}.
  std::vector<const Region*> PathTo(std::string_view code) const;
  // "河南省平顶山市新华区曙光街街道"; the code itself when unknown.
  std::string FullName(std::string_view code) const;
  size_t size() const { return regions_.size(); }

 private:
  int LoadCsv(std::string_view csv, RegionLevel level);
  std::unordered_map<std::string, Region> regions_;
  std::unordered_map<std::string, std::vector<std::string>> children_;
};

}  // namespace tongan
