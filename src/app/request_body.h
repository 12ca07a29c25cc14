// Reading fields of a JSON request body with 400 errors that name the field, in Chinese.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "app/api_error.h"

namespace tongan {

// The deepest a request body's JSON may nest: deeper bodies are refused before parsing, so no
// input can exhaust the stack anywhere downstream.
inline constexpr int kMaxJsonDepth = 32;

// Whether `text` nests arrays and objects at most `limit` deep (strings are skipped).
inline bool JsonNestingWithin(std::string_view text, int limit = kMaxJsonDepth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

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
