#pragma once

#include <optional>
#include <string_view>

namespace tongan {

enum class Sex { kMale, kFemale };

// "M"/"F" in the API and database.
inline std::string_view SexCode(Sex sex) { return sex == Sex::kMale ? "M" : "F"; }
inline std::string_view SexNameZh(Sex sex) { return sex == Sex::kMale ? "男" : "女"; }
inline std::optional<Sex> ParseSex(std::string_view text) {
  if (text == "M" || text == "男") return Sex::kMale;
  if (text == "F" || text == "女") return Sex::kFemale;
  return std::nullopt;
}

}  // namespace tongan
