// Per-record features computed once before any pair is compared: normalized code points, pinyin
// syllable ids, dates as integers, phone digits, address bigrams, in flat arrays (no per-pair
// allocation later). Internal to the linkage library.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "linkage/linkage.h"

namespace tongan::linkage::internal {

// 64-bit mixing (the MurmurHash3 finalizer) and hashes of short sequences.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}
template <class T>
uint64_t HashSequence(const T* data, size_t size, uint64_t seed) {
  uint64_t h = Mix(seed ^ (size * 0x9e3779b97f4a7c15ull));
  for (size_t i = 0; i < size; ++i) h = Mix(h ^ (static_cast<uint64_t>(data[i]) + 0x632be59bd9b4e019ull));
  return h == 0 ? 1 : h;
}

// One alternative of one field of one record ('|' separates alternatives).
struct Alt {
  uint64_t key = 0;     // hash of the normalized value, never 0
  uint32_t raw = 0;     // hash of the value as written (white space removed): exact vs variant
  uint32_t off = 0;     // first normalized code point in Column::pool
  uint16_t len = 0;     // normalized code points
  uint16_t extra = 0;   // kAddress: bigram hashes after the code points; kIdNumber: 1 = valid ID;
                        // kName: letters of the toneless pinyin
  int32_t date = 0;     // kDate: yyyymmdd; kName: bit i set when the pinyin has letter 'a' + i
  uint32_t tf = 0;      // term-frequency fields: right-side records holding this normalized value
  uint16_t text_pos = 0, text_len = 0;  // this alternative within the record's value (bytes)
};

// One field over all records of one side.
struct Column {
  FieldKind kind = FieldKind::kCategory;
  std::vector<uint32_t> first;  // alternatives of record i: alts[first[i] .. first[i+1])
  std::vector<Alt> alts;
  std::vector<char32_t> pool;    // normalized code points (address: then its bigram hashes)
  std::vector<uint16_t> sounds;  // kName: pinyin syllable id per code point, parallel to pool

  size_t records() const { return first.empty() ? 0 : first.size() - 1; }
  std::span<const Alt> AltsOf(size_t record) const {
    return {alts.data() + first[record], alts.data() + first[record + 1]};
  }
  std::u32string_view Text(const Alt& a) const { return {pool.data() + a.off, a.len}; }
  std::span<const uint16_t> Sounds(const Alt& a) const { return {sounds.data() + a.off, a.len}; }
  std::span<const char32_t> Bigrams(const Alt& a) const {
    return {pool.data() + a.off + a.len, a.extra};
  }
};

struct Features {
  std::vector<Column> columns;  // one per LinkageConfig field
  size_t records = 0;
};

// Normalizes all records (in parallel over `threads`). `validate_ids` checks kIdNumber values
// with CheckResidentId (needed on the left side only: exact-ID links need a valid ID there).
Features BuildFeatures(const std::vector<Record>& records, const LinkageConfig& config,
                       bool validate_ids, Date today, int threads);

// The same features with the records in another order: record k of the result is record
// order[k] of `features`.
Features Permute(const Features& features, const std::vector<uint32_t>& order);

// The normalized value as text, the key of the term-frequency table in a Model: "张伟",
// "2015-03-07", "13812345678".
std::string CanonicalText(const Column& column, const Alt& alt);

// Splits a value on '|' (and the full-width '｜') into trimmed, non-empty alternatives.
std::vector<std::string_view> SplitAlternatives(std::string_view value);

// "2015-03-07", "20150307", "2015/3/7", "2015年3月7日" -> 20150307; 0 when not a date.
int32_t ParseDateNumber(std::u32string_view normalized);

// Runs fn(begin, end) over [0, n) in chunks on `threads` threads (the caller's thread is one).
void ParallelFor(size_t n, size_t chunk, int threads, const std::function<void(size_t, size_t)>& fn);

}  // namespace tongan::linkage::internal
