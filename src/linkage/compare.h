// Comparing one field of a pair of records: the best agreement level over the pairs of their
// alternatives. Internal to the linkage library (and its tests).
#pragma once

#include <cstdint>
#include <string_view>

#include "linkage/features.h"
#include "linkage/levels.h"

namespace tongan::linkage::internal {

struct FieldMatch {
  uint8_t level = kMissing;
  uint32_t left_alt = 0, right_alt = 0;  // absolute indices into the columns' alts
};

// Level of two alternatives of the same kind (never kMissing).
uint8_t CompareAlts(const Column& left, const Alt& a, const Column& right, const Alt& b);

// Best level over the alternatives of left record `li` and right record `ri`; kMissing when
// either has none.
FieldMatch CompareField(const Column& left, size_t li, const Column& right, size_t ri);

// All fields of a pair: out[f] for each column.
void CompareAll(const Features& left, size_t li, const Features& right, size_t ri, FieldMatch* out);

// Jaro–Winkler similarity (prefix scale 0.1, up to 4 characters) of two ASCII strings.
double JaroWinkler(std::string_view a, std::string_view b);

// Two single values compared as a field of `kind` would be: the level's machine name
// ("homophone", "swapped", "missing" …). For tests and for checking a configuration by hand.
std::string_view CompareValues(FieldKind kind, std::string_view left, std::string_view right);

}  // namespace tongan::linkage::internal
