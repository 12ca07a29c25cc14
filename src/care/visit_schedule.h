// Visit schedule (访察, DOMAIN.md §4): how often a child director visits a child, by colour class
// and key-care status, and whether a visit is due, overdue, or the file has gone stale.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/date.h"

namespace tongan::care {

// data/care.json "visits".
struct VisitPolicy {
  std::map<std::string, int> interval_days_by_colour;  // red 7, orange 14, yellow 30, green 30
  int key_care_interval_days = 30;  // at least monthly for key-care children
  int stale_after_days = 183;       // a file not updated for six months is stale

  // Reads {"interval_days_by_colour": {"red": 7, …}, "key_care_interval_days": 30,
  // "stale_after_days": 183}; the last two may be left out. Throws std::invalid_argument
  // (Chinese, naming the key).
  static VisitPolicy FromJson(const nlohmann::json& json);
  nlohmann::json ToJson() const;
};

struct VisitStatus {
  // Days between visits; 0 when no regular visit is required (no colour the policy knows and not
  // key-care): then nothing is ever overdue and `due` is just the last visit (or `since`).
  int interval_days = 0;
  std::optional<Date> last_visit;
  Date due;            // last visit + interval, or (never visited) `since`: due at once
  bool overdue = false;  // today is after `due`
  int days_overdue = 0;
  bool stale = false;  // no update (file or visit) for stale_after_days or more
};

// `colour` is "" when the child has no colour class yet. The interval is the colour's interval,
// or key_care_interval_days for a key-care child when that is shorter. `since` is when the child
// came under the schedule (entered the ledger, or was registered).
VisitStatus VisitStatusOf(std::optional<Date> last_visit, Date since, const std::string& colour,
                          bool key_care, Date last_update, Date today, const VisitPolicy& policy);

}  // namespace tongan::care
