// Random draws for the synthetic generator. Built on std::mt19937_64 (whose output the standard
// fixes) with our own integer and real mappings, so a seed gives the same data with any standard
// library, not only with libstdc++.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <random>
#include <span>
#include <vector>

namespace tongan::synthetic {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t Next() { return engine_(); }
  // Uniform in [0, n); n > 0. Multiply-shift keeps the bias below 2^-64 * n.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(engine_()) * n) >> 64);
  }
  // Uniform in [low, high], both inclusive.
  int Between(int low, int high) { return low + static_cast<int>(Below(high - low + 1)); }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double probability) { return Unit() < probability; }

  // A uniformly chosen element of a non-empty array or vector.
  template <class Container>
  const auto& Pick(const Container& items) {
    return items[Below(std::size(items))];
  }

 private:
  std::mt19937_64 engine_;
};

// Picks an index with probability proportional to its weight.
class WeightedTable {
 public:
  WeightedTable() = default;
  explicit WeightedTable(std::span<const double> weights) {
    for (double w : weights) Add(w);
  }
  void Add(double weight) {
    total_ += weight > 0 ? weight : 0;
    cumulative_.push_back(total_);
  }
  bool empty() const { return total_ <= 0; }
  size_t size() const { return cumulative_.size(); }
  size_t Pick(Rng& rng) const {
    const double target = rng.Unit() * total_;
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
    return it == cumulative_.end() ? cumulative_.size() - 1 : it - cumulative_.begin();
  }

 private:
  std::vector<double> cumulative_;
  double total_ = 0;
};

// Weights that fall with rank (1/(rank+offset)): lists are written most common first, and real
// name frequencies fall off roughly like this.
inline WeightedTable RankWeights(size_t count, double offset = 3.0) {
  WeightedTable table;
  for (size_t rank = 0; rank < count; ++rank) table.Add(1.0 / (static_cast<double>(rank) + offset));
  return table;
}

}  // namespace tongan::synthetic
