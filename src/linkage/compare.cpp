#include "linkage/compare.h"

#include <algorithm>
#include <bit>
#include <cstdlib>

#include "linkage/chinese.h"

namespace tongan::linkage::internal {
namespace {

constexpr size_t kMaxPinyin = 96;

// One substitution or one transposition of neighbours, same length.
bool OneEdit(const char32_t* a, const char32_t* b, size_t n) {
  size_t first = n, count = 0;
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) {
      if (count == 0) first = i;
      if (++count > 2) return false;
    }
  }
  if (count == 1) return true;
  return count == 2 && first + 1 < n && a[first] == b[first + 1] && a[first + 1] == b[first] &&
         a[first + 1] != b[first + 1];
}

// Writes the toneless pinyin of a name into `out`; returns its length (truncated at kMaxPinyin).
size_t PinyinOf(const Column& col, const Alt& alt, char* out) {
  size_t n = 0;
  for (size_t i = 0; i < alt.len; ++i) {
    std::string_view s = SyllableText(col.sounds[alt.off + i]);
    if (s.empty()) s = "?";
    for (char c : s) {
      if (n == kMaxPinyin) return n;
      out[n++] = c;
    }
  }
  return n;
}

constexpr double kPinyinClose = 0.92;

// False when the pinyin of two names cannot reach kPinyinClose: each letter one has and the other
// lacks costs a match, and Jaro–Winkler is at most jaro + 0.4 (1 - jaro).
bool MayBePinyinClose(const Alt& a, const Alt& b) {
  const uint32_t la = a.extra, lb = b.extra;
  if (la == 0 || lb == 0) return la == lb;
  const uint32_t ma = static_cast<uint32_t>(a.date), mb = static_cast<uint32_t>(b.date);
  const int only_a = std::popcount(ma & ~mb), only_b = std::popcount(mb & ~ma);
  const double matches = std::min(static_cast<int>(la) - only_a, static_cast<int>(lb) - only_b);
  if (matches <= 0) return false;
  const double jaro = (matches / la + matches / lb + 1.0) / 3.0;
  return jaro + 0.4 * (1.0 - jaro) >= kPinyinClose - 1e-9;
}

uint8_t CompareNames(const Column& left, const Alt& a, const Column& right, const Alt& b) {
  if (a.key == b.key) return a.raw == b.raw ? kNameExact : kNameVariant;
  const char32_t* ca = left.pool.data() + a.off;
  const char32_t* cb = right.pool.data() + b.off;
  const uint16_t* sa = left.sounds.data() + a.off;
  const uint16_t* sb = right.sounds.data() + b.off;
  if (a.len == b.len) {
    bool same_sound = true;
    for (size_t i = 0; i < a.len && same_sound; ++i)
      same_sound = sa[i] == sb[i] && (sa[i] != 0 || ca[i] == cb[i]);
    if (same_sound) return kNameHomophone;
  }
  if (MayBePinyinClose(a, b)) {
    char pa[kMaxPinyin], pb[kMaxPinyin];
    const size_t na = PinyinOf(left, a, pa), nb = PinyinOf(right, b, pb);
    if (JaroWinkler({pa, na}, {pb, nb}) >= kPinyinClose) return kNamePinyinClose;
  }
  // One character different, the surname and another kept: a typo (or a sibling). In a
  // two-character name that would be a different given name altogether.
  if (a.len == b.len && a.len >= 3 && ca[0] == cb[0]) {
    size_t differ = 0;
    for (size_t i = 1; i < a.len; ++i) differ += ca[i] != cb[i];
    if (differ == 1) return kNameEdit;
  }
  return kNameDiffer;
}

uint8_t CompareDates(int32_t a, int32_t b) {
  if (a == b) return kDateExact;
  const int ya = a / 10000, ma = a / 100 % 100, da = a % 100;
  const int yb = b / 10000, mb = b / 100 % 100, db = b % 100;
  if (ya == yb && ma == db && da == mb) return kDateSwapped;
  const int parts_differ = (ya != yb) + (ma != mb) + (da != db);
  if (parts_differ == 1 && std::abs(ya - yb) + std::abs(ma - mb) + std::abs(da - db) == 1)
    return kDateOffByOne;
  int digits_differ = 0;
  for (int x = a, y = b, i = 0; i < 8; ++i, x /= 10, y /= 10) digits_differ += x % 10 != y % 10;
  if (digits_differ == 1) return kDateOffByOne;
  if (ya == yb && ma == mb) return kDateYearMonth;
  return kDateDiffer;
}

uint8_t ComparePhones(const Column& left, const Alt& a, const Column& right, const Alt& b) {
  if (a.key == b.key) return kPhoneExact;
  const char32_t* ca = left.pool.data() + a.off;
  const char32_t* cb = right.pool.data() + b.off;
  if (a.len >= 8 && b.len >= 8 && std::equal(ca + a.len - 8, ca + a.len, cb + b.len - 8))
    return kPhoneLast8;
  if (a.len == b.len && OneEdit(ca, cb, a.len)) return kPhoneEdit;
  return kPhoneDiffer;
}

uint8_t CompareIds(const Column& left, const Alt& a, const Column& right, const Alt& b) {
  if (a.key == b.key) return kIdExact;
  if (a.len == b.len && OneEdit(left.pool.data() + a.off, right.pool.data() + b.off, a.len))
    return kIdEdit;
  return kIdDiffer;
}

uint8_t CompareAddresses(const Column& left, const Alt& a, const Column& right, const Alt& b) {
  if (a.key == b.key) return kAddressExact;
  const auto x = left.Bigrams(a);
  const auto y = right.Bigrams(b);
  size_t i = 0, j = 0, shared = 0;
  while (i < x.size() && j < y.size()) {
    if (x[i] < y[j]) ++i;
    else if (y[j] < x[i]) ++j;
    else ++shared, ++i, ++j;
  }
  const size_t all = x.size() + y.size() - shared;
  if (all == 0) return kAddressDiffer;
  const double jaccard = static_cast<double>(shared) / static_cast<double>(all);
  if (jaccard >= 0.8) return kAddressSimilar;
  if (jaccard >= 0.5) return kAddressPartial;
  return kAddressDiffer;
}

}  // namespace

double JaroWinkler(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a.size() > kMaxPinyin) a = a.substr(0, kMaxPinyin);
  if (b.size() > kMaxPinyin) b = b.substr(0, kMaxPinyin);
  const size_t range = std::max<size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  bool used_a[kMaxPinyin] = {}, used_b[kMaxPinyin] = {};
  size_t matches = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > range ? i - range : 0;
    const size_t hi = std::min(b.size(), i + range + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (!used_b[j] && a[i] == b[j]) {
        used_a[i] = used_b[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  size_t half_transpositions = 0;
  for (size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!used_a[i]) continue;
    while (!used_b[j]) ++j;
    if (a[i] != b[j]) ++half_transpositions;
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double jaro = (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
                       (m - static_cast<double>(half_transpositions) / 2.0) / m) /
                      3.0;
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

uint8_t CompareAlts(const Column& left, const Alt& a, const Column& right, const Alt& b) {
  switch (left.kind) {
    case FieldKind::kName: return CompareNames(left, a, right, b);
    case FieldKind::kDate: return CompareDates(a.date, b.date);
    case FieldKind::kPhone: return ComparePhones(left, a, right, b);
    case FieldKind::kIdNumber: return CompareIds(left, a, right, b);
    case FieldKind::kAddress: return CompareAddresses(left, a, right, b);
    case FieldKind::kSex:
    case FieldKind::kCategory: return a.key == b.key ? kEqualExact : kEqualDiffer;
  }
  return kEqualDiffer;
}

FieldMatch CompareField(const Column& left, size_t li, const Column& right, size_t ri) {
  FieldMatch best;
  const uint32_t a_begin = left.first[li], a_end = left.first[li + 1];
  const uint32_t b_begin = right.first[ri], b_end = right.first[ri + 1];
  for (uint32_t a = a_begin; a < a_end; ++a) {
    for (uint32_t b = b_begin; b < b_end; ++b) {
      const uint8_t level = CompareAlts(left, left.alts[a], right, right.alts[b]);
      if (level < best.level) {
        best = {level, a, b};
        if (level == 0) return best;
      }
    }
  }
  return best;
}

void CompareAll(const Features& left, size_t li, const Features& right, size_t ri, FieldMatch* out) {
  for (size_t f = 0; f < left.columns.size(); ++f)
    out[f] = CompareField(left.columns[f], li, right.columns[f], ri);
}

std::string_view CompareValues(FieldKind kind, std::string_view left, std::string_view right) {
  LinkageConfig config;
  config.fields = {{"value", kind, "值", false}};
  const Date today = TodayInChina();
  const Features l = BuildFeatures({Record{0, {std::string(left)}}}, config, true, today, 1);
  const Features r = BuildFeatures({Record{0, {std::string(right)}}}, config, false, today, 1);
  const FieldMatch match = CompareField(l.columns[0], 0, r.columns[0], 0);
  if (match.level == kMissing) return "missing";
  return LevelsOf(kind)[match.level].name;
}

}  // namespace tongan::linkage::internal
