// The Fellegi–Sunter model: EM for m (u fixed, from random pairs), the Model's JSON, and the
// compiled weights that both Link and Explain score with, so the two agree to the last bit.
// Internal to the linkage library.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "linkage/features.h"
#include "linkage/levels.h"

namespace tongan::linkage::internal {

// Probabilities are kept away from 0 and 1: a level never seen must not get an infinite weight.
// m is kept further away than u: a level no match of the sample showed (a guardian who differs)
// may still happen to a real match, and must not outweigh everything else.
inline constexpr double kMinProbability = 1e-6;
inline constexpr double kMinM = 1e-4;

// Levels of all fields of a pair in one integer, 3 bits each (7 = missing): EM works on counts of
// these patterns, of which there are only a few thousand distinct ones.
inline constexpr size_t kMaxFields = 21;
inline uint64_t PackLevels(const uint8_t* levels, size_t fields) {
  uint64_t packed = 0;
  for (size_t f = 0; f < fields; ++f)
    packed |= static_cast<uint64_t>(levels[f] == kMissing ? 7 : levels[f]) << (3 * f);
  return packed;
}
inline uint8_t UnpackLevel(uint64_t packed, size_t field) {
  const uint8_t level = static_cast<uint8_t>((packed >> (3 * field)) & 7);
  return level == 7 ? kMissing : level;
}

using Table2 = std::vector<std::vector<double>>;  // [field][level]

struct EmResult {
  Table2 m;
  double lambda = 0;
  int iterations = 0;
};

using Patterns = std::vector<std::pair<uint64_t, uint64_t>>;  // (packed levels, pairs), sorted

// EM over `patterns` for m of the fields flagged in `free` (the others are left out of the
// likelihood: a block's own keys agree by construction and say nothing) and λ, the share of
// matches; u stays fixed. m starts from the levels' m_start, λ from `lambda_start`.
EmResult RunEm(const Patterns& patterns, const std::vector<FieldKind>& kinds, const Table2& u,
               const std::vector<uint8_t>& free, double lambda_start, int max_iterations);

// EM for λ alone, the probability that two records taken at random match: the expected matches
// among `patterns` (candidate pairs, each scored by `pattern_log2_ratio`, its weight without the
// prior) over `all_pairs`, the pairs they were taken from (pairs no rule proposes are taken as
// non-matches).
double RunLambdaEm(const Patterns& patterns, const std::vector<double>& pattern_log2_ratio,
                   double all_pairs, double lambda_start, int max_iterations);

// Scores with a Model. Built from Model::detail (by Link right after estimation as well).
struct Weights {
  double prior = 0;
  std::vector<FieldKind> kinds;
  Table2 weight;                // log2(m/u)
  std::vector<double> u_exact;  // u of the exact level, for term-frequency adjustment
  std::vector<uint8_t> tf;      // term frequencies used for this field
  double tf_floor = 1e-5;
  double right_records = 1;
  std::vector<int> group;                // per field: index into group_names, or -1
  std::vector<std::string> group_names;

  // Weight of one field at `level` (0 when missing); the counts are how many right records hold
  // the left and the right value (term-frequency fields).
  double FieldWeight(size_t field, uint8_t level, uint32_t count_left, uint32_t count_right) const;
  // Per group: the positive field weights beyond the group's largest, negated (<= 0), so that
  // prior + Σ field weights + Σ deductions is the pair's weight.
  void GroupDeductions(const double* field_weights, double* deductions) const;
};

// Throws std::invalid_argument when the model's fields are not the configuration's.
Weights CompileWeights(const Model& model, const LinkageConfig& config);

}  // namespace tongan::linkage::internal
