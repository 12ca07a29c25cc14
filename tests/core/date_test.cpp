// Dates: parsing and formatting, month/year arithmetic at month ends, and ages in 周岁.
#include "core/date.h"

#include <gtest/gtest.h>

namespace tongan {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

Date D(int y, unsigned m, unsigned d) { return Date{year(y), month(m), day(d)}; }

TEST(Date, ParsesBothIsoForms) {
  EXPECT_EQ(ParseIsoDate("2015-03-02"), D(2015, 3, 2));
  EXPECT_EQ(ParseIsoDate("20150302"), D(2015, 3, 2));
  EXPECT_EQ(ParseIsoDate("2016-02-29"), D(2016, 2, 29));
  EXPECT_EQ(ParseIsoDate("2000-02-29"), D(2000, 2, 29));
  EXPECT_EQ(ParseIsoDate("1900-01-01"), D(1900, 1, 1));
}

TEST(Date, RejectsWhatIsNotARealDate) {
  for (const char* text : {"", "2015-3-2", "2015/03/02", "2015-03-02 ", " 2015-03-02", "2015-13-01",
                           "2015-00-10", "2015-04-31", "2015-02-29", "1900-02-29", "2015-03-00",
                           "201503021", "2015030", "2015-O3-02", "+015-03-02", "2015-03-0x",
                           "abcdefgh", "2015-03-02T00:00"}) {
    EXPECT_EQ(ParseIsoDate(text), std::nullopt) << text;
  }
}

TEST(Date, FormatsWithZeroPadding) {
  EXPECT_EQ(FormatIsoDate(D(2015, 3, 2)), "2015-03-02");
  EXPECT_EQ(FormatIsoDate(D(1900, 12, 31)), "1900-12-31");
  EXPECT_EQ(FormatIsoDate(D(987, 1, 5)), "0987-01-05");
}

TEST(Date, FormatAndParseRoundTripOverSeveralYears) {
  const std::chrono::sys_days start{D(2015, 1, 1)};
  for (int offset = 0; offset < 4 * 366; ++offset) {
    const Date date{start + std::chrono::days(offset)};
    EXPECT_EQ(ParseIsoDate(FormatIsoDate(date)), date);
  }
}

TEST(Date, TodayInChinaIsWithinADayOfUtc) {
  using namespace std::chrono;
  const sys_days utc_today = floor<days>(system_clock::now());
  const sys_days china_today{TodayInChina()};
  EXPECT_GE(china_today, utc_today);
  EXPECT_LE(china_today, utc_today + days(1));
  EXPECT_TRUE(TodayInChina().ok());
}

TEST(Date, AddMonthsClampsToTheEndOfShorterMonths) {
  EXPECT_EQ(AddMonths(D(2024, 8, 31), 6), D(2025, 2, 28));
  EXPECT_EQ(AddMonths(D(2023, 8, 31), 6), D(2024, 2, 29));
  EXPECT_EQ(AddMonths(D(2025, 1, 31), 3), D(2025, 4, 30));
  EXPECT_EQ(AddMonths(D(2025, 3, 15), 0), D(2025, 3, 15));
  EXPECT_EQ(AddMonths(D(2025, 11, 30), 2), D(2026, 1, 30));
  EXPECT_EQ(AddMonths(D(2025, 5, 22), -6), D(2024, 11, 22));
  EXPECT_EQ(AddMonths(D(2025, 3, 31), -1), D(2025, 2, 28));
  EXPECT_EQ(AddMonths(D(2025, 1, 10), -13), D(2023, 12, 10));
  EXPECT_EQ(AddMonths(D(2025, 1, 10), 24), D(2027, 1, 10));
}

TEST(Date, AddYearsTurnsLeapDayIntoTwentyEighthOfFebruary) {
  EXPECT_EQ(AddYears(D(2016, 2, 29), 1), D(2017, 2, 28));
  EXPECT_EQ(AddYears(D(2016, 2, 29), 4), D(2020, 2, 29));
  EXPECT_EQ(AddYears(D(2016, 2, 29), -16), D(2000, 2, 29));
  EXPECT_EQ(AddYears(D(2016, 2, 29), 84), D(2100, 2, 28));  // 2100 is not a leap year
  EXPECT_EQ(AddYears(D(2015, 3, 2), -10), D(2005, 3, 2));
}

TEST(Date, AgeCountsCompletedYears) {
  const Date birth = D(2015, 3, 2);
  EXPECT_EQ(AgeInYears(birth, D(2015, 3, 2)), 0);
  EXPECT_EQ(AgeInYears(birth, D(2016, 3, 1)), 0);
  EXPECT_EQ(AgeInYears(birth, D(2016, 3, 2)), 1);
  EXPECT_EQ(AgeInYears(birth, D(2033, 3, 1)), 17);
  EXPECT_EQ(AgeInYears(birth, D(2033, 3, 2)), 18);
  EXPECT_EQ(AgeInYears(birth, D(2015, 3, 1)), -1);
  EXPECT_EQ(AgeInYears(D(2010, 12, 31), D(2025, 1, 1)), 14);
}

TEST(Date, LeapDayChildAgesOnFirstOfMarchInCommonYears) {
  const Date birth = D(2016, 2, 29);
  EXPECT_EQ(AgeInYears(birth, D(2017, 2, 28)), 0);
  EXPECT_EQ(AgeInYears(birth, D(2017, 3, 1)), 1);
  EXPECT_EQ(AgeInYears(birth, D(2020, 2, 28)), 3);
  EXPECT_EQ(AgeInYears(birth, D(2020, 2, 29)), 4);
}

TEST(Date, LatestBirthForAgeOnOrdinaryAndLeapDays) {
  EXPECT_EQ(LatestBirthForAge(16, D(2026, 11, 22)), D(2010, 11, 22));
  EXPECT_EQ(LatestBirthForAge(0, D(2026, 11, 22)), D(2026, 11, 22));
  EXPECT_EQ(LatestBirthForAge(1, D(2024, 2, 29)), D(2023, 2, 28));
  EXPECT_EQ(LatestBirthForAge(4, D(2024, 2, 29)), D(2020, 2, 29));
  EXPECT_EQ(LatestBirthForAge(18, D(2026, 2, 28)), D(2008, 2, 28));
}

// The documented equivalence, checked exhaustively for births over six years (two leap days) and
// a set of "today"s chosen around month ends and leap days.
TEST(Date, LatestBirthForAgeMatchesAgeInYears) {
  const std::vector<Date> todays = {D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1),  D(2025, 2, 28),
                                    D(2025, 3, 1),  D(2026, 11, 22), D(2026, 12, 31), D(2027, 1, 1),
                                    D(2028, 2, 29)};
  const std::chrono::sys_days first_birth{D(2008, 1, 1)};
  for (const Date today : todays) {
    for (int years = 0; years <= 18; years += 1) {
      const Date latest = LatestBirthForAge(years, today);
      ASSERT_TRUE(latest.ok());
      for (int offset = 0; offset < 6 * 366; offset += 1) {
        const Date birth{first_birth + std::chrono::days(offset)};
        if (birth > today) break;
        ASSERT_EQ(AgeInYears(birth, today) >= years, birth <= latest)
            << FormatIsoDate(birth) << " on " << FormatIsoDate(today) << " for " << years;
      }
    }
  }
}

}  // namespace
}  // namespace tongan
