// Synthetic children for the demo county and for benchmarks: realistic Chinese names by real
// surname frequency, families with siblings, valid resident IDs, hukou places that follow real
// migration patterns, and the data-quality faults of real village registers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/child.h"
#include "core/date.h"
#include "core/region.h"

namespace tongan {

struct SyntheticOptions {
  std::vector<std::string> county_codes;  // 6-digit counties whose townships receive villages
  int villages_per_township = 6;          // villages/communities generated under each township
  int64_t children = 20000;
  uint64_t seed = 20261122;
  Date today{};
};

struct SyntheticVillage {
  std::string code;  // 12 digits: township code + 3 digits
  std::string name;  // e.g. "建设路社区", "李庄村"
};

struct SyntheticData {
  std::vector<SyntheticVillage> villages;
  std::vector<Child> children;  // id 0, ready for Store::InsertChildrenBulk
};

// The same children as GenerateSynthetic, a batch at a time, so that a province's millions never
// sit in memory at once.
class SyntheticStream {
 public:
  SyntheticStream(const RegionTree& regions, const SyntheticOptions& options);
  ~SyntheticStream();
  const std::vector<SyntheticVillage>& villages() const { return villages_; }
  // Replaces `out` with the next whole households, about `at_most` children and at least one
  // household; false when none are left.
  bool Next(std::vector<Child>& out, size_t at_most);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::vector<SyntheticVillage> villages_;
  bool more_ = true;
};

// Deterministic for the same options and region tree. The villages are not added to `regions`;
// the caller stores them and adds them to its tree.
SyntheticData GenerateSynthetic(const RegionTree& regions, const SyntheticOptions& options);

}  // namespace tongan
