// Figures that change with the date alone: the daily refresh recomputes exactly the children a
// new day changes (a 16th birthday, a visit falling due) and keeps the month's totals for trends.
#include <gtest/gtest.h>

#include "app/audit_log.h"
#include "app/care_service.h"
#include "app/child_service.h"
#include "app/entitlement_service.h"
#include "app/stats_service.h"
#include "app/supply_service.h"
#include "store/stats_store.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

Date Day(int y, unsigned m, unsigned d) { return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)}; }

class StatsRefreshTest : public ::testing::Test {
 protected:
  StatsRefreshTest()
      : audit_(*env_.d.store),
        children_(*env_.d.store, audit_, env_.d.regions, env_.d.config, [this] { return today_; }),
        care_(*env_.d.store, audit_, children_, env_.d.care, env_.d.need_rules, [this] { return today_; }),
        entitlements_(*env_.d.store, audit_, children_, care_, env_.d.regions, env_.d.catalogue, [this] { return today_; }),
        supply_(*env_.d.store, audit_, care_, entitlements_, env_.d.regions, [this] { return today_; }),
        stats_(*env_.d.store, audit_, children_, care_, env_.d.regions, env_.d.supervision,
               [] { return std::vector<int>{365}; }, [this] { return today_; }) {}

  Date today_ = Day(2026, 11, 30);
  TestDeployment env_;
  AuditLog audit_;
  ChildService children_;
  CareService care_;
  EntitlementService entitlements_;
  SupplyService supply_;
  StatsService stats_;
};

TEST_F(StatsRefreshTest, ANewDayRecomputesTheChildrenItChangesAndKeepsTheMonth) {
  // Turns 16 on 2026-12-01: a migrant child today, no longer one tomorrow.
  Child turning = MakeChild("明天满十六", kVillageA, 1);
  turning.birth_date = Day(2010, 12, 1);
  turning.id_number.clear();
  turning.id = env_.AddChild(turning);
  Child younger = MakeChild("还小", kVillageA, 2);
  younger.id = env_.AddChild(younger);
  care_.Recompute(turning.id);
  care_.Recompute(younger.id);
  const stats::Figures before = *env_.d.store->stats().ChildFigures(turning.id);
  ASSERT_EQ(before.count("class:migrant"), 1u);
  ASSERT_EQ(env_.d.store->stats().Totals(kVillageA).at("class:migrant"), 2);

  // Nothing changes with the date on the same day.
  EXPECT_EQ(stats_.DailyRefresh(), 0);

  today_ = Day(2026, 12, 1);
  EXPECT_EQ(stats_.DailyRefresh(), 1);  // only the child whose birthday it is
  const stats::Figures after = *env_.d.store->stats().ChildFigures(turning.id);
  EXPECT_EQ(after.count("class:migrant"), 0u);
  EXPECT_EQ(after.count("age:15-18"), 1u);
  EXPECT_EQ(env_.d.store->stats().Totals(kVillageA).at("class:migrant"), 1);
  // The first refresh of December kept November's totals (as they stood at its end).
  const auto history = env_.d.store->stats().History("410402100");  // kept down to townships
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].first, "2026-11");
  EXPECT_EQ(history[0].second.at("class:migrant"), 2);  // as November ended, before the birthday
  // A second refresh on the same day (a restart) changes nothing: same child, same totals, same history.
  EXPECT_EQ(stats_.DailyRefresh(), 1);
  EXPECT_EQ(env_.d.store->stats().Totals(kVillageA).at("class:migrant"), 1);
  EXPECT_EQ(env_.d.store->stats().History("410402100").size(), 1u);
}

}  // namespace
}  // namespace tongan::testing
