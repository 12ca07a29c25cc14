// Persistence of statistics (DOMAIN.md §11): each child's figures ("class:migrant" → 1,
// "entitlements:entitled" → 5 …) and their totals for every region at every level, kept equal
// by applying each child's difference; monthly history for trends. Dashboards read totals by
// region code, so a province of ten million children costs the same as a village.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace tongan {

using Figures = std::map<std::string, int64_t>;  // key → value; zero values are not stored

class StatsStore {
 public:
  virtual ~StatsStore() = default;

  // Replaces the child's figures and, in the same transaction, adds the difference to the totals
  // of every ancestor of its region (2, 4, 6, 9 and 12 digits) — of the old region for the old
  // figures and of the new one for the new (a child that moved leaves its old village's totals).
  virtual void PutChildFigures(int64_t child_id, const std::string& region_code, const Figures& figures) = 0;
  virtual std::optional<Figures> ChildFigures(int64_t child_id) = 0;

  // Rebuilds the totals of `region_code` and of every region under it from the children's
  // figures, and moves the ancestors' totals by the subtree's change. For after a bulk
  // recomputation, and to check that the maintained totals are right.
  virtual void RebuildTotals(const std::string& region_code) = 0;
  // Adds precomputed totals (a bulk load that bypasses child rows, e.g. a benchmark province):
  // for each (village code, figures) the figures are added to the village and all its ancestors.
  virtual void AddTotals(const std::vector<std::pair<std::string, Figures>>& by_village) = 0;

  // Totals of one region; empty when it has no children.
  virtual Figures Totals(const std::string& region_code) = 0;
  // Totals of each region directly under `parent` (its code plus the next level's digits:
  // 2 → 4 → 6 → 9 → 12), keyed by region code.
  virtual std::map<std::string, Figures> SubRegionTotals(const std::string& parent) = 0;

  // Copies the current totals of every region with a code of at most `max_code_length` digits
  // under `region_code` into the history as `period` (YYYY-MM), replacing that period's rows.
  virtual void SaveHistory(const std::string& period, const std::string& region_code, size_t max_code_length) = 0;
  // period → totals of the region, oldest first.
  virtual std::vector<std::pair<std::string, Figures>> History(const std::string& region_code) = 0;

  // Children under `region_code` whose figure `key` is not zero, by id; with the total count.
  virtual std::vector<int64_t> ChildrenWith(const std::string& region_code, const std::string& key, int64_t offset,
                                            int64_t limit, int64_t* total) = 0;
};

}  // namespace tongan
