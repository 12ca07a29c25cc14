#include "linkage/levels.h"

namespace tongan::linkage::internal {
namespace {

constexpr LevelDef kIdLevels[] = {
    {"exact", "完全一致", 0.90, true},
    {"edit", "一位之差", 0.06, false},
    {"differ", "不一致", 0.04, false},
};
constexpr LevelDef kNameLevels[] = {
    {"exact", "完全一致", 0.84, true},
    {"variant", "繁简异体", 0.03, true},
    {"homophone", "同音字", 0.08, true},
    {"pinyin_close", "拼音相近", 0.02, false},
    {"edit", "一字之差", 0.02, false},
    {"differ", "不一致", 0.01, false},
};
constexpr LevelDef kDateLevels[] = {
    {"exact", "完全一致", 0.90, true},
    {"swapped", "日月颠倒", 0.03, false},
    {"off_by_one", "相差一位", 0.03, false},
    {"year_month", "同年同月", 0.01, false},
    {"differ", "不一致", 0.03, false},
};
constexpr LevelDef kPhoneLevels[] = {
    {"exact", "完全一致", 0.75, true},
    {"last8", "后8位一致", 0.02, false},
    {"edit", "一位之差", 0.03, false},
    {"differ", "不一致", 0.20, false},
};
constexpr LevelDef kAddressLevels[] = {
    {"exact", "完全一致", 0.60, true},
    {"similar", "地址相近", 0.15, false},
    {"partial", "地址部分相近", 0.10, false},
    {"differ", "不一致", 0.15, false},
};
constexpr LevelDef kSexLevels[] = {
    {"exact", "完全一致", 0.98, true},
    {"differ", "不一致", 0.02, false},
};
constexpr LevelDef kCategoryLevels[] = {
    {"exact", "完全一致", 0.90, true},
    {"differ", "不一致", 0.10, false},
};

struct KindNameEntry {
  FieldKind kind;
  std::string_view name;
};
constexpr KindNameEntry kKindNames[] = {
    {FieldKind::kIdNumber, "id_number"}, {FieldKind::kName, "name"},
    {FieldKind::kDate, "date"},          {FieldKind::kSex, "sex"},
    {FieldKind::kPhone, "phone"},        {FieldKind::kAddress, "address"},
    {FieldKind::kCategory, "category"},
};

}  // namespace

std::span<const LevelDef> LevelsOf(FieldKind kind) {
  switch (kind) {
    case FieldKind::kIdNumber: return kIdLevels;
    case FieldKind::kName: return kNameLevels;
    case FieldKind::kDate: return kDateLevels;
    case FieldKind::kSex: return kSexLevels;
    case FieldKind::kPhone: return kPhoneLevels;
    case FieldKind::kAddress: return kAddressLevels;
    case FieldKind::kCategory: return kCategoryLevels;
  }
  return kCategoryLevels;
}

std::string_view KindName(FieldKind kind) {
  for (const KindNameEntry& e : kKindNames)
    if (e.kind == kind) return e.name;
  return "category";
}

std::optional<FieldKind> ParseKind(std::string_view name) {
  for (const KindNameEntry& e : kKindNames)
    if (e.name == name) return e.kind;
  return std::nullopt;
}

}  // namespace tongan::linkage::internal
