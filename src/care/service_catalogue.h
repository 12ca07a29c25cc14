// The service catalogue (关爱服务基础清单, DOMAIN.md §8): areas, items with their target group as
// a condition over the rule facts (care/condition.h), content and responsible department, and the
// need types that supply is matched on (§9). Catalogues differ by city and are data
// (data/service_catalogue.json ships Pingdingshan's); they are validated on load so that a
// mistyped fact or duplicate item is refused with a Chinese message and the old catalogue kept.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"

namespace tongan::care {

struct ServiceArea {
  std::string code;     // early_years schooling health housing welfare development
  std::string name_zh;  // 幼有所育 学有所教 病有所医 住有所居 弱有所扶 发展保障
};

// A need type that visits record and supply offers, e.g. {homework, 课业辅导, [学业辅导, 作业辅导]}.
struct NeedType {
  std::string code;
  std::string name_zh;
  std::vector<std::string> aliases;  // other names workers write for it
};

struct ServiceItem {
  std::string id;          // stable, e.g. "PDS-07"
  std::string area;        // an area code
  std::string name_zh;
  std::string target_zh;   // the target group as the policy text says it
  std::string content_zh;  // what the child receives
  std::string department;  // responsible department: 教育 卫健 民政 医保 公安 住建 人社 残联 妇联 团委 司法 交通 …
  nlohmann::json when;     // condition: the child is entitled when it holds
  // Optional condition: the child's facts already show it receives the item (enrolled → 义务教育;
  // has_health_record → 健康档案). Null: only delivery records show it.
  nlohmann::json received_when;
  // A delivery shows the item received for this many days (a yearly check-up: 365); 0 = for good.
  int valid_days = 0;
  std::vector<std::string> needs;  // need-type codes the item meets
};

struct ServiceCatalogue {
  std::string name_zh;      // 平顶山市流动儿童在居住地享有关爱服务基础清单
  std::string region_code;  // the city (or province) it belongs to, e.g. "4104"
  std::string source_zh;    // where it comes from
  std::vector<ServiceArea> areas;
  std::vector<ServiceItem> items;
  std::vector<NeedType> need_types;

  // File form: {"name_zh", "region_code", "source_zh", "areas": [{code, name_zh}], "need_types":
  // [{code, name_zh, aliases}], "items": [{id, area, name_zh, target_zh, content_zh, department,
  // when, received_when?, valid_days?, needs?}]}; keys starting with "_" are comments.
  // Throws std::invalid_argument (Chinese, naming the item id and the problem): unknown key, empty
  // or duplicate id, unknown area, empty name/content/department, a condition the rule grammar
  // refuses, unknown need code, negative valid_days, a need name or alias used twice, no items.
  static ServiceCatalogue FromJson(const nlohmann::json& json);
  nlohmann::json ToJson() const;

  const ServiceItem* FindItem(const std::string& id) const;
  // An item by id or by its exact Chinese name (imports name items either way).
  const ServiceItem* FindItemByIdOrName(const std::string& text) const;
  const NeedType* FindNeed(const std::string& code) const;
  // The need code of what a worker wrote: a code, a name or an alias (trimmed); "" when unknown.
  std::string NeedCodeOf(const std::string& text) const;
};

// A delivery of an item to the child (valid, not voided).
struct ItemDelivery {
  std::string item_id;
  Date delivered_on;
};

struct Entitlement {
  const ServiceItem* item = nullptr;
  bool received = false;
  std::string received_via;  // fact | delivery | ''
  std::optional<Date> last_delivered;
};

// The items whose `when` holds for `facts` (a fact object as for warning rules), in catalogue
// order, each marked received when `received_when` holds (via fact) or a delivery of the item is
// within its valid_days before `today` (via delivery; a fact wins when both).
std::vector<Entitlement> EntitlementsOf(const ServiceCatalogue& catalogue, const nlohmann::json& facts,
                                        const std::vector<ItemDelivery>& deliveries, Date today);

}  // namespace tongan::care
