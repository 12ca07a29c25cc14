#include "core/date.h"

#include <cstdio>

namespace tongan {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

bool AllDigits(std::string_view text) {
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return !text.empty();
}

int DigitsToInt(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// The same day in `target`, or the month's last day when `target` is shorter.
Date ClampedDay(std::chrono::year_month target, day wanted) {
  const day last = std::chrono::year_month_day_last(target.year(),
                                                    std::chrono::month_day_last(target.month()))
                       .day();
  return Date{target.year(), target.month(), wanted <= last ? wanted : last};
}

}  // namespace

std::optional<Date> ParseIsoDate(std::string_view text) {
  std::string_view year_part, month_part, day_part;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    year_part = text.substr(0, 4);
    month_part = text.substr(5, 2);
    day_part = text.substr(8, 2);
  } else if (text.size() == 8) {
    year_part = text.substr(0, 4);
    month_part = text.substr(4, 2);
    day_part = text.substr(6, 2);
  } else {
    return std::nullopt;
  }
  if (!AllDigits(year_part) || !AllDigits(month_part) || !AllDigits(day_part)) return std::nullopt;
  const Date date{year(DigitsToInt(year_part)), month(DigitsToInt(month_part)),
                  day(DigitsToInt(day_part))};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::optional<Date> ParseLooseDate(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  // Excel stores dates as days since 1899-12-30; 1 to 80000 covers 1900–2119.
  if (text.size() <= 5 && AllDigits(text)) {
    const int serial = DigitsToInt(text);
    if (serial < 1 || serial > 80000) return std::nullopt;
    return Date{std::chrono::sys_days{std::chrono::year{1899} / 12 / 30} + std::chrono::days{serial}};
  }
  if (text.size() == 8 && AllDigits(text)) return ParseIsoDate(text);
  // Three runs of digits separated by anything else (-, /, ., 年 月 日); a time part is ignored.
  int parts[3] = {0, 0, 0};
  int lengths[3] = {0, 0, 0};
  int index = 0;
  bool in_digits = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      if (!in_digits && index == 3) break;  // a time after the date
      if (!in_digits) in_digits = true;
      if (lengths[index] >= 4) return std::nullopt;
      parts[index] = parts[index] * 10 + (c - '0');
      ++lengths[index];
    } else {
      if (in_digits) ++index;
      in_digits = false;
      if (c == ' ' && index == 3) break;
    }
  }
  if (in_digits) ++index;
  if (index < 3 || lengths[0] != 4 || lengths[1] > 2 || lengths[2] > 2) return std::nullopt;
  const Date date{year(parts[0]), month(static_cast<unsigned>(parts[1])),
                  day(static_cast<unsigned>(parts[2]))};
  if (!date.ok()) return std::nullopt;
  return date;
}

int DaysBetween(Date from, Date to) {
  return static_cast<int>((std::chrono::sys_days{to} - std::chrono::sys_days{from}).count());
}

std::string FormatIsoDate(Date date) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

Date TodayInChina() {
  using namespace std::chrono;
  return Date{floor<days>(system_clock::now() + hours(8))};
}

Date AddMonths(Date date, int months) {
  const std::chrono::year_month target =
      std::chrono::year_month(date.year(), date.month()) + std::chrono::months(months);
  return ClampedDay(target, date.day());
}

Date AddYears(Date date, int years) {
  return ClampedDay(std::chrono::year_month(date.year() + std::chrono::years(years), date.month()),
                    date.day());
}

int AgeInYears(Date birth, Date today) {
  if (birth > today) return -1;
  int age = static_cast<int>(today.year()) - static_cast<int>(birth.year());
  // Comparing (month, day) pairs makes a 29 February birthday fall on 1 March in common years.
  const bool birthday_not_yet_reached =
      today.month() < birth.month() || (today.month() == birth.month() && today.day() < birth.day());
  if (birthday_not_yet_reached) --age;
  return age;
}

Date LatestBirthForAge(int years, Date today) {
  // Clamping 29 February down to the 28th is right: nobody born on the 29th of a common year.
  return AddYears(today, -years);
}

}  // namespace tongan
