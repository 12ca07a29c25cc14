// Internal: small readers for the care configuration files. Each throws std::invalid_argument with
// a Chinese message naming the key, because the files are edited by county technicians.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tongan::care::internal {

// Rejects keys outside `known` (keys starting with "_" are comments).
inline void CheckKeys(const nlohmann::json& object, std::initializer_list<std::string_view> known,
                      const std::string& where) {
  for (const auto& [key, value] : object.items()) {
    if (key.starts_with("_")) continue;
    bool found = false;
    for (std::string_view k : known) found = found || k == key;
    if (!found) throw std::invalid_argument(where + "含未知配置项：" + key);
  }
}

// An integer >= `minimum` at object[key]; `fallback` when the key is absent.
inline int ReadInt(const nlohmann::json& object, const std::string& key, int minimum, int fallback,
                   const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < minimum || it->get<int64_t>() > 1000000)
    throw std::invalid_argument(where + key + " 应为不小于 " + std::to_string(minimum) + " 的整数");
  return it->get<int>();
}

inline std::string ReadString(const nlohmann::json& object, const std::string& key, bool required,
                              const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) throw std::invalid_argument(where + "缺少 " + key);
    return "";
  }
  if (!it->is_string()) throw std::invalid_argument(where + key + " 应为文本");
  std::string value = it->get<std::string>();
  if (required && value.empty()) throw std::invalid_argument(where + key + " 不能为空");
  return value;
}

}  // namespace tongan::care::internal
