// Calendar dates for a child's file: parsing, formatting and age arithmetic.
// Ages and periods are always computed from dates against "today", never stored.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tongan {

using Date = std::chrono::year_month_day;

// Parses "YYYY-MM-DD" (also accepts "YYYYMMDD"). Returns nullopt for anything that is not a real
// calendar date.
std::optional<Date> ParseIsoDate(std::string_view text);

// Parses a date as departments write it: "2015-03-07", "2015/3/7", "2015.3.7", "2015年3月7日",
// "20150307", a trailing time ("2015-03-07 00:00:00"), or an Excel serial day number (a cell
// formatted as a date arrives as e.g. "42070"). Returns nullopt for anything else.
std::optional<Date> ParseLooseDate(std::string_view text);

// Formats as "YYYY-MM-DD", the form used throughout the UI and API.
std::string FormatIsoDate(Date date);

// Today's date in China Standard Time (UTC+8), where the system's users live.
Date TodayInChina();

// Adds whole months; a day past the end of the target month clamps to its last day
// (2024-08-31 + 6 months = 2025-02-28).
Date AddMonths(Date date, int months);

// Adds whole years; 29 February becomes 28 February in a common year.
Date AddYears(Date date, int years);

// Whole days from `from` to `to` (negative when `to` is earlier).
int DaysBetween(Date from, Date to);

// Completed years of age (周岁) on `today`. A child born on 29 February turns a year older on
// 1 March in common years. Returns -1 when birth is after today.
int AgeInYears(Date birth, Date today);

// Latest birth date for which a child has reached `years` full years on `today`:
// AgeInYears(birth, today) >= years  <=>  birth <= LatestBirthForAge(years, today).
Date LatestBirthForAge(int years, Date today);

}  // namespace tongan
