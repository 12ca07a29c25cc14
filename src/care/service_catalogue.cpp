#include "care/service_catalogue.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <stdexcept>

#include "care/condition.h"
#include "care/json_read.h"

namespace tongan::care {
namespace {

using nlohmann::json;

// Strips ASCII whitespace and the full-width space (U+3000) that Chinese input methods type.
std::string Trim(const std::string& text) {
  static const std::string kFullWidthSpace = "\xE3\x80\x80";
  size_t begin = 0, end = text.size();
  while (begin < end) {
    if (std::isspace(static_cast<unsigned char>(text[begin]))) {
      ++begin;
    } else if (text.compare(begin, kFullWidthSpace.size(), kFullWidthSpace) == 0) {
      begin += kFullWidthSpace.size();
    } else {
      break;
    }
  }
  while (end > begin) {
    if (std::isspace(static_cast<unsigned char>(text[end - 1]))) {
      --end;
    } else if (end - begin >= kFullWidthSpace.size() &&
               text.compare(end - kFullWidthSpace.size(), kFullWidthSpace.size(), kFullWidthSpace) == 0) {
      end -= kFullWidthSpace.size();
    } else {
      break;
    }
  }
  return text.substr(begin, end - begin);
}

bool IsCode(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
  });
}

const json& ArrayAt(const json& object, const std::string& key, bool required, const std::string& where) {
  static const json kEmpty = json::array();
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) throw std::invalid_argument(where + "缺少 " + key);
    return kEmpty;
  }
  if (!it->is_array()) throw std::invalid_argument(where + key + " 应为列表");
  return *it;
}

std::vector<ServiceArea> ReadAreas(const json& j, const std::string& where) {
  const json& list = ArrayAt(j, "areas", true, where);
  if (list.empty()) throw std::invalid_argument(where + "服务领域 areas 不能为空");
  std::vector<ServiceArea> areas;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = where + "服务领域第" + std::to_string(i + 1) + "项";
    const json& a = list[i];
    if (!a.is_object()) throw std::invalid_argument(at + "应为对象 {\"code\", \"name_zh\"}");
    internal::CheckKeys(a, {"code", "name_zh"}, at);
    ServiceArea area{internal::ReadString(a, "code", true, at + " "), internal::ReadString(a, "name_zh", true, at + " ")};
    if (!IsCode(area.code))
      throw std::invalid_argument(at + " 代码 " + area.code + " 只能包含英文字母、数字、下划线和连字符");
    for (const auto& other : areas)
      if (other.code == area.code) throw std::invalid_argument(where + "服务领域 " + area.code + " 重复");
    areas.push_back(std::move(area));
  }
  return areas;
}

std::vector<NeedType> ReadNeedTypes(const json& j, const std::string& where) {
  const json& list = ArrayAt(j, "need_types", false, where);
  std::vector<NeedType> needs;
  std::map<std::string, std::string> owner_of_text;  // name or alias → the need code using it
  for (size_t i = 0; i < list.size(); ++i) {
    std::string at = where + "需求类型第" + std::to_string(i + 1) + "项：";
    const json& n = list[i];
    if (!n.is_object()) throw std::invalid_argument(at + "应为对象 {\"code\", \"name_zh\", \"aliases\"}");
    NeedType need;
    need.code = internal::ReadString(n, "code", true, at);
    if (!IsCode(need.code))
      throw std::invalid_argument(at + "代码 " + need.code + " 只能包含英文字母、数字、下划线和连字符");
    at = where + "需求类型 " + need.code + "：";
    internal::CheckKeys(n, {"code", "name_zh", "aliases"}, at);
    for (const auto& other : needs)
      if (other.code == need.code) throw std::invalid_argument(at + "代码重复");
    need.name_zh = Trim(internal::ReadString(n, "name_zh", true, at));
    if (need.name_zh.empty()) throw std::invalid_argument(at + "name_zh 不能为空");
    for (const auto& alias : ArrayAt(n, "aliases", false, at)) {
      if (!alias.is_string() || Trim(alias.get<std::string>()).empty())
        throw std::invalid_argument(at + "别名 aliases 应为非空文本的列表");
      need.aliases.push_back(Trim(alias.get<std::string>()));
    }
    std::vector<std::string> texts = need.aliases;
    texts.insert(texts.begin(), need.name_zh);
    for (const auto& text : texts) {
      const auto [it, added] = owner_of_text.emplace(text, need.code);
      if (!added)
        throw std::invalid_argument(at + "名称或别名“" + text + "”已用于需求类型 " + it->second);
    }
    needs.push_back(std::move(need));
  }
  return needs;
}

ServiceItem ReadItem(const json& j, size_t index, const ServiceCatalogue& catalogue) {
  std::string where = "服务清单第" + std::to_string(index + 1) + "个服务项目：";
  if (!j.is_object()) throw std::invalid_argument(where + "应为对象");
  ServiceItem item;
  item.id = internal::ReadString(j, "id", true, where);
  if (!IsCode(item.id))
    throw std::invalid_argument(where + "id " + item.id + " 只能包含英文字母、数字、下划线和连字符");
  where = "服务项目 " + item.id + "：";
  internal::CheckKeys(j, {"id", "area", "name_zh", "target_zh", "content_zh", "department", "when",
                          "received_when", "valid_days", "needs"},
                      where);
  if (catalogue.FindItem(item.id)) throw std::invalid_argument(where + "id 重复");
  item.area = internal::ReadString(j, "area", true, where);
  const bool known_area = std::any_of(catalogue.areas.begin(), catalogue.areas.end(),
                                      [&](const ServiceArea& a) { return a.code == item.area; });
  if (!known_area) {
    std::string known;
    for (const auto& a : catalogue.areas) known += (known.empty() ? "" : "、") + a.code;
    throw std::invalid_argument(where + "服务领域 " + item.area + " 未定义（可用：" + known + "）");
  }
  item.name_zh = internal::ReadString(j, "name_zh", true, where);
  // Imports name items by their Chinese name, so a name must point at one item.
  for (const auto& other : catalogue.items)
    if (other.name_zh == item.name_zh)
      throw std::invalid_argument(where + "名称“" + item.name_zh + "”与服务项目 " + other.id + " 重复");
  item.target_zh = internal::ReadString(j, "target_zh", false, where);
  item.content_zh = internal::ReadString(j, "content_zh", true, where);
  item.department = internal::ReadString(j, "department", true, where);
  if (!j.contains("when")) throw std::invalid_argument(where + "缺少适用条件 when");
  CheckCondition(j["when"], where + "适用条件 when：");
  item.when = j["when"];
  if (j.contains("received_when") && !j["received_when"].is_null()) {
    CheckCondition(j["received_when"], where + "已享受条件 received_when：");
    item.received_when = j["received_when"];
  }
  item.valid_days = internal::ReadInt(j, "valid_days", 0, 0, where);
  for (const auto& need : ArrayAt(j, "needs", false, where)) {
    if (!need.is_string()) throw std::invalid_argument(where + "needs 应为需求类型代码的列表");
    const std::string code = need.get<std::string>();
    if (!catalogue.FindNeed(code)) {
      std::string known;
      for (const auto& n : catalogue.need_types) known += (known.empty() ? "" : "、") + n.code;
      throw std::invalid_argument(where + "需求类型 " + code + " 未定义（可用：" + known + "）");
    }
    if (std::find(item.needs.begin(), item.needs.end(), code) != item.needs.end())
      throw std::invalid_argument(where + "需求类型 " + code + " 重复");
    item.needs.push_back(code);
  }
  return item;
}

}  // namespace

ServiceCatalogue ServiceCatalogue::FromJson(const json& j) {
  const std::string where = "服务清单：";
  if (!j.is_object()) throw std::invalid_argument(where + "应为 JSON 对象");
  internal::CheckKeys(j, {"name_zh", "region_code", "source_zh", "areas", "need_types", "items"}, where);
  ServiceCatalogue catalogue;
  catalogue.name_zh = internal::ReadString(j, "name_zh", true, where);
  // Empty region_code: a national catalogue.
  catalogue.region_code = internal::ReadString(j, "region_code", false, where);
  const size_t code_length = catalogue.region_code.size();
  if (!std::all_of(catalogue.region_code.begin(), catalogue.region_code.end(),
                   [](char ch) { return ch >= '0' && ch <= '9'; }) ||
      (code_length != 0 && code_length != 2 && code_length != 4 && code_length != 6))
    throw std::invalid_argument(where + "地区代码 region_code 应为 2、4 或 6 位数字（省、市、县），全国清单留空");
  catalogue.source_zh = internal::ReadString(j, "source_zh", false, where);
  catalogue.areas = ReadAreas(j, where);
  catalogue.need_types = ReadNeedTypes(j, where);
  const json& items = ArrayAt(j, "items", true, where);
  if (items.empty()) throw std::invalid_argument(where + "服务项目 items 不能为空");
  for (size_t i = 0; i < items.size(); ++i) catalogue.items.push_back(ReadItem(items[i], i, catalogue));
  return catalogue;
}

json ServiceCatalogue::ToJson() const {
  json area_list = json::array();
  for (const auto& a : areas) area_list.push_back({{"code", a.code}, {"name_zh", a.name_zh}});
  json need_list = json::array();
  for (const auto& n : need_types)
    need_list.push_back({{"code", n.code}, {"name_zh", n.name_zh}, {"aliases", n.aliases}});
  json item_list = json::array();
  for (const auto& i : items) {
    item_list.push_back({{"id", i.id},
                         {"area", i.area},
                         {"name_zh", i.name_zh},
                         {"target_zh", i.target_zh},
                         {"content_zh", i.content_zh},
                         {"department", i.department},
                         {"when", i.when},
                         {"received_when", i.received_when},
                         {"valid_days", i.valid_days},
                         {"needs", i.needs}});
  }
  return {{"name_zh", name_zh}, {"region_code", region_code}, {"source_zh", source_zh},
          {"areas", area_list}, {"need_types", need_list},    {"items", item_list}};
}

const ServiceItem* ServiceCatalogue::FindItem(const std::string& id) const {
  for (const auto& item : items)
    if (item.id == id) return &item;
  return nullptr;
}

const ServiceItem* ServiceCatalogue::FindItemByIdOrName(const std::string& text) const {
  const std::string trimmed = Trim(text);
  if (trimmed.empty()) return nullptr;
  if (const ServiceItem* item = FindItem(trimmed)) return item;
  for (const auto& item : items)
    if (item.name_zh == trimmed) return &item;
  return nullptr;
}

const NeedType* ServiceCatalogue::FindNeed(const std::string& code) const {
  for (const auto& need : need_types)
    if (need.code == code) return &need;
  return nullptr;
}

std::string ServiceCatalogue::NeedCodeOf(const std::string& text) const {
  const std::string trimmed = Trim(text);
  if (trimmed.empty()) return "";
  if (FindNeed(trimmed)) return trimmed;
  for (const auto& need : need_types) {
    if (need.name_zh == trimmed) return need.code;
    if (std::find(need.aliases.begin(), need.aliases.end(), trimmed) != need.aliases.end()) return need.code;
  }
  return "";
}

std::vector<Entitlement> EntitlementsOf(const ServiceCatalogue& catalogue, const json& facts,
                                        const std::vector<ItemDelivery>& deliveries, Date today) {
  std::vector<Entitlement> out;
  for (const auto& item : catalogue.items) {
    if (!ConditionHolds(item.when, facts)) continue;
    Entitlement e;
    e.item = &item;
    // A delivery dated after today is a data error, not a service received.
    for (const auto& d : deliveries) {
      if (d.item_id != item.id || d.delivered_on > today) continue;
      if (!e.last_delivered || d.delivered_on > *e.last_delivered) e.last_delivered = d.delivered_on;
    }
    if (!item.received_when.is_null() && ConditionHolds(item.received_when, facts)) {
      e.received = true;
      e.received_via = "fact";
    } else if (e.last_delivered &&
               (item.valid_days == 0 || DaysBetween(*e.last_delivered, today) <= item.valid_days)) {
      e.received = true;
      e.received_via = "delivery";
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace tongan::care
