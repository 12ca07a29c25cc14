#include "core/region.h"

#include <algorithm>
#include <array>

namespace tongan {
namespace {

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

// Reads one CSV field starting at `pos` (quotes optional, "" inside quotes is a quote) and moves
// `pos` past the following comma.
std::string NextField(std::string_view line, size_t& pos) {
  std::string field;
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  if (pos < line.size() && line[pos] == '"') {
    ++pos;
    while (pos < line.size()) {
      if (line[pos] == '"') {
        if (pos + 1 < line.size() && line[pos + 1] == '"') {
          field += '"';
          pos += 2;
          continue;
        }
        ++pos;
        break;
      }
      field += line[pos++];
    }
    while (pos < line.size() && line[pos] != ',') ++pos;  // anything after the closing quote
  } else {
    const size_t comma = std::min(line.find(',', pos), line.size());
    field = std::string(TrimSpaces(line.substr(pos, comma - pos)));
    pos = comma;
  }
  if (pos < line.size()) ++pos;  // the comma
  return field;
}

// Names that only stand in for a missing level ("北京市市辖区东城区" reads as "北京市东城区").
bool IsPlaceholderName(std::string_view name) {
  return name == "市辖区" || name == "县" || name == "省直辖县级行政区划" ||
         name == "自治区直辖县级行政区划";
}

std::string ParentCodeOf(std::string_view code, RegionLevel level) {
  if (level == RegionLevel::kProvince) return "";
  const RegionLevel parent_level = static_cast<RegionLevel>(static_cast<int>(level) - 1);
  return std::string(code.substr(0, RegionCodeLength(parent_level)));
}

}  // namespace

int RegionCodeLength(RegionLevel level) {
  switch (level) {
    case RegionLevel::kProvince: return 2;
    case RegionLevel::kCity: return 4;
    case RegionLevel::kCounty: return 6;
    case RegionLevel::kTownship: return 9;
    case RegionLevel::kVillage: return 12;
  }
  return 0;
}

std::optional<RegionLevel> RegionLevelOfCode(std::string_view code) {
  if (!AllDigits(code)) return std::nullopt;
  switch (code.size()) {
    case 2: return RegionLevel::kProvince;
    case 4: return RegionLevel::kCity;
    case 6: return RegionLevel::kCounty;
    case 9: return RegionLevel::kTownship;
    case 12: return RegionLevel::kVillage;
    default: return std::nullopt;
  }
}

std::string_view RegionLevelNameZh(RegionLevel level) {
  switch (level) {
    case RegionLevel::kProvince: return "省";
    case RegionLevel::kCity: return "市";
    case RegionLevel::kCounty: return "县";
    case RegionLevel::kTownship: return "乡镇";
    case RegionLevel::kVillage: return "村";
  }
  return "";
}

bool RegionWithin(std::string_view code, std::string_view ancestor) {
  // Both must be real codes: a scope root that is not one (e.g. a sentinel) contains nothing.
  if (!RegionLevelOfCode(code) || !RegionLevelOfCode(ancestor)) return false;
  return code.starts_with(ancestor);
}

int RegionTree::LoadProvincesCsv(std::string_view csv) {
  return LoadCsv(csv, RegionLevel::kProvince);
}
int RegionTree::LoadCitiesCsv(std::string_view csv) {
  return LoadCsv(csv, RegionLevel::kCity);
}
int RegionTree::LoadCountiesCsv(std::string_view csv) {
  return LoadCsv(csv, RegionLevel::kCounty);
}
int RegionTree::LoadTownshipsCsv(std::string_view csv) {
  return LoadCsv(csv, RegionLevel::kTownship);
}

int RegionTree::LoadCsv(std::string_view csv, RegionLevel level) {
  if (csv.starts_with("\xEF\xBB\xBF")) csv.remove_prefix(3);  // byte-order mark from Excel
  int bad_rows = 0;
  bool first_line = true;
  size_t start = 0;
  while (start < csv.size()) {
    const size_t end = std::min(csv.find('\n', start), csv.size());
    const std::string_view line = TrimSpaces(csv.substr(start, end - start));
    start = end + 1;
    if (line.empty()) continue;
    size_t pos = 0;
    const std::string code = NextField(line, pos);
    const std::string name = NextField(line, pos);
    // The header ("code,name,...") is recognised by its first column rather than assumed, so a
    // file without one loses no row.
    const bool is_header = first_line && !AllDigits(code);
    first_line = false;
    if (is_header) continue;
    if (RegionLevelOfCode(code) != level || !Add(code, name)) ++bad_rows;
  }
  return bad_rows;
}

bool RegionTree::Add(std::string code, std::string name) {
  const std::optional<RegionLevel> level = RegionLevelOfCode(code);
  if (!level || name.empty() || regions_.contains(code)) return false;
  std::string parent_code = ParentCodeOf(code, *level);
  if (!parent_code.empty() && !regions_.contains(parent_code)) return false;

  // Kept sorted on insertion; the data files are sorted, so this is almost always an append.
  std::vector<std::string>& siblings = children_[parent_code];
  siblings.insert(std::upper_bound(siblings.begin(), siblings.end(), code), code);
  Region region{code, std::move(name), *level, std::move(parent_code)};
  regions_.emplace(std::move(code), std::move(region));
  return true;
}

const Region* RegionTree::Find(std::string_view code) const {
  const auto it = regions_.find(std::string(code));
  return it == regions_.end() ? nullptr : &it->second;
}

bool RegionTree::HasProvince(std::string_view two_digits) const {
  const Region* region = Find(two_digits);
  return region != nullptr && region->level == RegionLevel::kProvince;
}

std::vector<const Region*> RegionTree::ChildrenOf(std::string_view code) const {
  std::vector<const Region*> children;
  const auto it = children_.find(std::string(code));
  if (it == children_.end()) return children;
  children.reserve(it->second.size());
  for (const std::string& child : it->second) children.push_back(Find(child));
  return children;
}

std::vector<const Region*> RegionTree::PathTo(std::string_view code) const {
  std::vector<const Region*> path;
  for (const Region* region = Find(code); region != nullptr;
       region = region->parent_code.empty() ? nullptr : Find(region->parent_code))
    path.push_back(region);
  std::reverse(path.begin(), path.end());
  return path;
}

std::string RegionTree::FullName(std::string_view code) const {
  const std::vector<const Region*> path = PathTo(code);
  if (path.empty()) return std::string(code);
  std::string full_name;
  std::string_view previous_name;
  for (const Region* region : path) {
    const bool placeholder = (region->level == RegionLevel::kCity ||
                              region->level == RegionLevel::kCounty) &&
                             IsPlaceholderName(region->name);
    // Cities without counties (东莞市) repeat their own name one level down.
    const bool repeated = region->name == previous_name;
    if (!placeholder && !repeated) full_name += region->name;
    previous_name = region->name;
  }
  return full_name;
}

}  // namespace tongan
