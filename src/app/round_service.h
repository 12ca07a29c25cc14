// Monitoring rounds (监测摸排, DOMAIN.md §1): a county's civil-affairs bureau opens a round at least
// every six months, each village's child director confirms the village's list, the county closes
// the round. At close every child of the county is kept in a snapshot, so the round's changes are
// exact against the previous round's snapshot: new, moved in, moved away, aged out (turned 16),
// class changed, and the children of villages that did not confirm.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/audit_log.h"
#include "app/child_service.h"
#include "core/region.h"
#include "store/round_store.h"
#include "store/store.h"

namespace tongan {

class RoundService {
 public:
  RoundService(Store& store, AuditLog& audit, ChildService& children, const RegionTree& regions,
               std::function<Date()> today = TodayInChina);

  // Rounds of the user's county (or of the counties under the user's region), newest first, with
  // the confirmation progress in the user's region, and whether each county is overdue.
  nlohmann::json List(const RequestContext& ctx);
  // County civil affairs only: body {title?, due_on}.
  nlohmann::json Open(const RequestContext& ctx, const nlohmann::json& body);
  // The round with its villages in the user's region; for a closed round the changes.
  nlohmann::json Get(const RequestContext& ctx, int64_t id);
  // A village's child director for their village, or the county for any of its villages:
  // body {village_code?, note?}.
  nlohmann::json Confirm(const RequestContext& ctx, int64_t id, const nlohmann::json& body);
  // County civil affairs only: takes the snapshot and writes the summary.
  nlohmann::json Close(const RequestContext& ctx, int64_t id);
  // The children behind one change of a closed round, in the user's region; audited as a list.
  nlohmann::json Changes(const RequestContext& ctx, int64_t id, const std::string& kind, int64_t page,
                         int64_t page_size);

  // Days since the county's latest round opened; nullopt when it never had one.
  std::optional<int> DaysSinceLastRound(const std::string& county_code);

  // The six-month rule: rounds at least every six months, a round's due date within six months.
  static constexpr int kMaxDaysBetweenRounds = 183;

 private:
  MonitoringRound Visible(const RequestContext& ctx, int64_t id);
  // The part of the county the user sees: the user's region when it lies inside the county.
  static std::string Within(const User& user, const std::string& county_code);
  // Villages of the county under `root` (a village, township or the county), by code.
  std::vector<const Region*> VillagesOf(const std::string& county_code, const std::string& root) const;
  std::vector<std::string> CountiesUnder(const std::string& region_code) const;
  nlohmann::json RoundJson(const MonitoringRound& r, const std::string& root) const;
  // The stored summary, or for a root below the county the sum of its villages.
  nlohmann::json ScopedSummary(const MonitoringRound& r, const std::string& root) const;
  std::string Name(const std::string& code) const;

  Store& store_;
  AuditLog& audit_;
  ChildService& children_;
  const RegionTree& regions_;
  std::function<Date()> today_;
};

}  // namespace tongan
