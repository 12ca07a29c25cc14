// Reading fields of a JSON request body with 400 errors that name the field, in Chinese.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

#include "app/api_error.h"

namespace tongan {

// A text field; "" when absent. `required` refuses an absent or empty one.
inline std::string BodyText(const nlohmann::json& body, const char* key, size_t max_bytes, bool required) {
  if (!body.contains(key) || body[key].is_null() ||
      (body[key].is_string() && body[key].get<std::string>().empty())) {
    if (required) throw ApiError(400, "missing_field", std::string("请填写 ") + key, key);
    return "";
  }
  if (!body[key].is_string()) throw ApiError(400, "invalid_field", std::string(key) + " 应为文字", key);
  std::string value = body[key].get<std::string>();
  if (value.size() > max_bytes) throw ApiError(400, "invalid_field", std::string(key) + " 过长", key);
  return value;
}

// Refuses a body that is not an object or has a field not in `known`.
inline void RejectUnknownFields(const nlohmann::json& body, std::initializer_list<const char*> known) {
  if (!body.is_object()) throw ApiError(400, "bad_json", "请求体应为 JSON 对象");
  for (const auto& [key, value] : body.items())
    if (std::none_of(known.begin(), known.end(), [&key = key](const char* k) { return key == k; }))
      throw ApiError(400, "unknown_field", "字段 " + key + " 不是可识别的字段", key);
}

}  // namespace tongan
