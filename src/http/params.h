// Query and path parameters of API requests, with 400 errors for malformed values.
#pragma once

#include <charconv>
#include <map>
#include <string>

#include "app/api_error.h"

namespace tongan {

inline int64_t IntParam(const std::map<std::string, std::string>& values, const std::string& key,
                 int64_t fallback) {
  const auto it = values.find(key);
  if (it == values.end() || it->second.empty()) return fallback;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (ec != std::errc() || end != it->second.data() + it->second.size())
    throw ApiError(400, "invalid_field", "参数 " + key + " 应为整数", key);
  return value;
}

inline std::string TextParam(const std::map<std::string, std::string>& values, const std::string& key) {
  const auto it = values.find(key);
  return it == values.end() ? "" : it->second;
}

}  // namespace tongan
