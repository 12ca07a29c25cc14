// Statistics and supervision (DOMAIN.md §1, §11): each child's figures kept up to date on every
// recomputation (the store adds the difference to every region above it), so a dashboard reads
// a few totals whatever the size of the region; indicators with their numerator and denominator;
// the children behind any figure; supervision scores and ranking of lower-level regions; the
// monthly dispatch report; .xlsx tables for meetings; trends from monthly history.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/audit_log.h"
#include "app/care_service.h"
#include "app/child_service.h"
#include "app/import_service.h"
#include "core/region.h"
#include "stats/figures.h"
#include "store/stats_store.h"
#include "store/store.h"

namespace tongan {

class StatsService {
 public:
  // Registers itself with `care`: after each recomputation (and after the entitlement hook, so it
  // must be constructed after EntitlementService) the child's figures are stored.
  // `valid_days`: the validity periods of the catalogue's items, whose deliveries expire by date.
  StatsService(Store& store, AuditLog& audit, ChildService& children, CareService& care, const RegionTree& regions,
               stats::SupervisionConfig supervision, std::function<std::vector<int>()> valid_days,
               std::function<Date()> today = TodayInChina);
  ~StatsService();

  // The figures of one child from its facts (as the recompute hook computes them).
  stats::Figures FiguresOf(const Child& child, const nlohmann::json& facts);

  nlohmann::json Dashboard(const RequestContext& ctx, const std::string& region);
  nlohmann::json Trend(const RequestContext& ctx, const std::string& region);
  nlohmann::json Supervision(const RequestContext& ctx, const std::string& region);
  nlohmann::json Dispatch(const RequestContext& ctx, const std::string& region, const std::string& month);
  DownloadFile Export(const RequestContext& ctx, const std::string& region);
  // The children behind a figure key under the region: name, masked ID, village, age.
  nlohmann::json Children(const RequestContext& ctx, const std::string& region, const std::string& key, int64_t page,
                          int64_t page_size);

  // Recomputes the children whose figures change with the date alone today (birthdays crossing
  // an age line, six months of residence reached, a visit, case or referral falling due, a file
  // turning stale) and saves last month's totals on the first refresh of a month. Returns the
  // number recomputed.
  int64_t DailyRefresh();
  // Runs DailyRefresh now and then once a day in a background thread (serve).
  void StartDailyRefresh();

  const stats::SupervisionConfig& supervision() const { return supervision_; }

 private:
  std::string RegionWithin(const RequestContext& ctx, const std::string& region) const;
  nlohmann::json IndicatorValues(const stats::Figures& totals) const;
  nlohmann::json Resources(const std::string& region, int64_t children);
  std::string RegionName(const std::string& code) const;

  Store& store_;
  AuditLog& audit_;
  ChildService& children_;
  CareService& care_;
  const RegionTree& regions_;
  stats::SupervisionConfig supervision_;
  std::function<Date()> today_;
  int stale_after_days_;
  std::function<std::vector<int>()> valid_days_;

  std::mutex refresh_mutex_;
  std::condition_variable refresh_wake_;
  bool stopping_ = false;
  std::thread refresher_;
};

}  // namespace tongan
