// The child record's JSON form, shared by the API and the store's document column.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/child.h"

namespace tongan {

// A rejected input: machine code, offending field (dotted path) and a Chinese message.
struct InputError {
  std::string code;   // "unknown_field", "invalid_field", "missing_field"
  std::string field;
  std::string message_zh;
};

// The record's own fields (no computed ones), identifiers unmasked.
nlohmann::json ChildToJson(const Child& child);

// Reads the input form of docs/api.md into `child` (absent fields get their defaults). Strict: unknown fields, wrong types and
// unknown enumeration values are errors. `allowed_extra` names top-level keys the caller handles
// itself (e.g. "version"). Leaves identity numbers as typed; the caller validates them.
bool ChildFromJson(const nlohmann::json& input, Child* child, InputError* error,
                   const std::vector<std::string>& allowed_extra = {});

// Field-level differences between two records, as dotted paths with display values.
struct FieldDiff {
  std::string field;
  std::string old_value;
  std::string new_value;
};
std::vector<FieldDiff> DiffChildren(const Child& before, const Child& after);

// Enumeration codes used in JSON, with Chinese names, for /api/meta and the UI.
struct EnumValue {
  std::string_view code;
  std::string_view name_zh;
};
const std::vector<EnumValue>& ParentStatusValues();
const std::vector<EnumValue>& LivingWithValues();
const std::vector<EnumValue>& FamilyEconomyValues();
const std::vector<EnumValue>& DisabilityValues();

}  // namespace tongan
