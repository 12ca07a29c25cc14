#include "care/visit_schedule.h"

#include <algorithm>
#include <stdexcept>

#include "care/json_read.h"

namespace tongan::care {
namespace {

const std::string kWhere = "走访配置 visits：";


}  // namespace

VisitPolicy VisitPolicy::FromJson(const nlohmann::json& json) {
  if (!json.is_object()) throw std::invalid_argument(kWhere + "应为 JSON 对象");
  internal::CheckKeys(json, {"interval_days_by_colour", "key_care_interval_days", "stale_after_days"},
                      kWhere);
  VisitPolicy policy;
  const auto intervals = json.find("interval_days_by_colour");
  if (intervals == json.end() || !intervals->is_object() || intervals->empty())
    throw std::invalid_argument(kWhere + "缺少各颜色的走访间隔 interval_days_by_colour（如 {\"red\": 7}）");
  for (const auto& [colour, days] : intervals->items()) {
    if (colour.starts_with("_")) continue;
    policy.interval_days_by_colour[colour] =
        internal::ReadInt(*intervals, colour, 1, 0, kWhere + "interval_days_by_colour.");
  }
  policy.key_care_interval_days =
      internal::ReadInt(json, "key_care_interval_days", 1, policy.key_care_interval_days, kWhere);
  policy.stale_after_days =
      internal::ReadInt(json, "stale_after_days", 1, policy.stale_after_days, kWhere);
  return policy;
}

nlohmann::json VisitPolicy::ToJson() const {
  return {{"interval_days_by_colour", interval_days_by_colour},
          {"key_care_interval_days", key_care_interval_days},
          {"stale_after_days", stale_after_days}};
}

VisitStatus VisitStatusOf(std::optional<Date> last_visit, Date since, const std::string& colour,
                          bool key_care, Date last_update, Date today, const VisitPolicy& policy) {
  using std::chrono::days;
  using std::chrono::sys_days;
  VisitStatus status;
  status.last_visit = last_visit;

  const auto by_colour = policy.interval_days_by_colour.find(colour);
  if (by_colour != policy.interval_days_by_colour.end()) status.interval_days = by_colour->second;
  if (key_care) {
    status.interval_days = status.interval_days == 0
                               ? policy.key_care_interval_days
                               : std::min(status.interval_days, policy.key_care_interval_days);
  }

  if (status.interval_days == 0) {
    status.due = last_visit.value_or(since);
  } else if (last_visit) {
    status.due = Date{sys_days{*last_visit} + days{status.interval_days}};
  } else {
    status.due = since;  // never visited: the first visit is due as soon as the child is known
  }
  if (status.interval_days > 0 && today > status.due) {
    status.overdue = true;
    status.days_overdue = DaysBetween(status.due, today);
  }

  // A visit is an update of the file too: the director saw the child.
  const Date updated = last_visit ? std::max(last_update, *last_visit) : last_update;
  status.stale = DaysBetween(updated, today) >= policy.stale_after_days;
  return status;
}

}  // namespace tongan::care
