// Agreement levels of each field kind, best first, with their Chinese names and the m
// probabilities EM starts from. Internal to the linkage library (and its tests).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "linkage/linkage.h"

namespace tongan::linkage::internal {

// Level index of a field whose value is missing on either side: weight 0.
inline constexpr uint8_t kMissing = 255;

struct LevelDef {
  const char* name;  // machine name, e.g. "homophone"
  const char* zh;    // e.g. "同音字"
  double m_start;    // starting m for EM
  bool term_frequency;  // the level means "same value": its weight is adjusted by the value's frequency
};

std::span<const LevelDef> LevelsOf(FieldKind kind);

// Levels of kName by index; the exact-ID rule accepts names at kNamePinyinClose or better.
enum NameLevel : uint8_t {
  kNameExact,
  kNameVariant,
  kNameHomophone,
  kNamePinyinClose,
  kNameEdit,
  kNameDiffer
};
enum DateLevel : uint8_t { kDateExact, kDateSwapped, kDateOffByOne, kDateYearMonth, kDateDiffer };
enum IdLevel : uint8_t { kIdExact, kIdEdit, kIdDiffer };
enum PhoneLevel : uint8_t { kPhoneExact, kPhoneLast8, kPhoneEdit, kPhoneDiffer };
enum AddressLevel : uint8_t { kAddressExact, kAddressSimilar, kAddressPartial, kAddressDiffer };
enum EqualityLevel : uint8_t { kEqualExact, kEqualDiffer };  // kSex, kCategory

// "id_number" "name" "date" "sex" "phone" "address" "category".
std::string_view KindName(FieldKind kind);
std::optional<FieldKind> ParseKind(std::string_view name);

}  // namespace tongan::linkage::internal
