// Visit schedule: intervals by colour and key care, due and overdue, stale files.
#include "care/visit_schedule.h"

#include <gtest/gtest.h>

#include <fstream>

namespace tongan::care {
namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;

const Date kToday{year(2026), month(11), day(22)};

Date DaysAgo(int n) { return Date{sys_days{kToday} - days{n}}; }

const VisitPolicy& Policy() {
  static const VisitPolicy policy = [] {
    std::ifstream in(std::string(TONGAN_SOURCE_DIR) + "/data/care.json");
    return VisitPolicy::FromJson(nlohmann::json::parse(in)["visits"]);
  }();
  return policy;
}

TEST(CareVisits, ShippedPolicy) {
  EXPECT_EQ(Policy().interval_days_by_colour.at("red"), 7);
  EXPECT_EQ(Policy().interval_days_by_colour.at("orange"), 14);
  EXPECT_EQ(Policy().interval_days_by_colour.at("yellow"), 30);
  EXPECT_EQ(Policy().interval_days_by_colour.at("green"), 30);
  EXPECT_EQ(Policy().key_care_interval_days, 30);
  EXPECT_EQ(Policy().stale_after_days, 183);
  EXPECT_EQ(VisitPolicy::FromJson(Policy().ToJson()).interval_days_by_colour, Policy().interval_days_by_colour);
}

TEST(CareVisits, NeverVisitedIsDueAtOnceAndOverdueAfter) {
  const VisitStatus today = VisitStatusOf(std::nullopt, kToday, "green", true, kToday, kToday, Policy());
  EXPECT_EQ(today.due, kToday);
  EXPECT_FALSE(today.last_visit);
  EXPECT_FALSE(today.overdue);  // due today is not late yet
  const VisitStatus later = VisitStatusOf(std::nullopt, DaysAgo(10), "green", true, DaysAgo(10), kToday, Policy());
  EXPECT_EQ(later.due, DaysAgo(10));
  EXPECT_TRUE(later.overdue);
  EXPECT_EQ(later.days_overdue, 10);
}

TEST(CareVisits, RedIsWeeklyKeyCareMonthly) {
  // Visited eight days ago: a red child is a day late, a green key-care child is not.
  const VisitStatus red = VisitStatusOf(DaysAgo(8), DaysAgo(100), "red", true, DaysAgo(8), kToday, Policy());
  EXPECT_EQ(red.interval_days, 7);
  EXPECT_EQ(red.due, DaysAgo(1));
  EXPECT_TRUE(red.overdue);
  EXPECT_EQ(red.days_overdue, 1);
  const VisitStatus green = VisitStatusOf(DaysAgo(8), DaysAgo(100), "green", true, DaysAgo(8), kToday, Policy());
  EXPECT_EQ(green.interval_days, 30);
  EXPECT_EQ(green.due, DaysAgo(8 - 30));
  EXPECT_FALSE(green.overdue);
  EXPECT_EQ(green.days_overdue, 0);
  // Key care shortens a longer colour interval, never lengthens a shorter one.
  VisitPolicy lax = Policy();
  lax.interval_days_by_colour["green"] = 90;
  EXPECT_EQ(VisitStatusOf(DaysAgo(1), kToday, "green", true, kToday, kToday, lax).interval_days, 30);
  EXPECT_EQ(VisitStatusOf(DaysAgo(1), kToday, "green", false, kToday, kToday, lax).interval_days, 90);
  EXPECT_EQ(VisitStatusOf(DaysAgo(1), kToday, "orange", true, kToday, kToday, lax).interval_days, 14);
}

TEST(CareVisits, NoColourYet) {
  // A key-care child not yet evaluated is still visited monthly.
  const VisitStatus key = VisitStatusOf(DaysAgo(31), DaysAgo(100), "", true, DaysAgo(31), kToday, Policy());
  EXPECT_EQ(key.interval_days, 30);
  EXPECT_TRUE(key.overdue);
  EXPECT_EQ(key.days_overdue, 1);
  // Neither a colour nor key care: no regular visits, nothing is overdue.
  const VisitStatus none = VisitStatusOf(std::nullopt, DaysAgo(100), "", false, DaysAgo(1), kToday, Policy());
  EXPECT_EQ(none.interval_days, 0);
  EXPECT_FALSE(none.overdue);
  EXPECT_EQ(none.due, DaysAgo(100));
}

TEST(CareVisits, StaleAfterHalfAYear) {
  EXPECT_FALSE(VisitStatusOf(std::nullopt, DaysAgo(300), "green", false, DaysAgo(182), kToday, Policy()).stale);
  EXPECT_TRUE(VisitStatusOf(std::nullopt, DaysAgo(300), "green", false, DaysAgo(183), kToday, Policy()).stale);
  // A recent visit keeps the file fresh even when the record itself was not edited.
  EXPECT_FALSE(VisitStatusOf(DaysAgo(10), DaysAgo(300), "green", false, DaysAgo(250), kToday, Policy()).stale);
}

TEST(CareVisits, PolicyErrorsNameTheKey) {
  const auto error_of = [](const nlohmann::json& j) -> std::string {
    try {
      VisitPolicy::FromJson(j);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of({{"key_care_interval_days", 30}}).find("interval_days_by_colour"), std::string::npos);
  EXPECT_NE(error_of({{"interval_days_by_colour", {{"red", 0}}}}).find("interval_days_by_colour.red"),
            std::string::npos);
  EXPECT_NE(error_of({{"interval_days_by_colour", {{"red", 7}}}, {"stale_after_days", "half a year"}})
                .find("stale_after_days"),
            std::string::npos);
  EXPECT_NE(error_of({{"interval_days_by_colour", {{"red", 7}}}, {"weekly", true}}).find("weekly"),
            std::string::npos);
}

}  // namespace
}  // namespace tongan::care
