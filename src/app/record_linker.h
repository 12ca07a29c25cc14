// Links stored department rows to the registry children of their region with the linkage engine,
// and records the outcome (linked / review / new) for each row not yet decided by a person.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "core/child.h"
#include "linkage/linkage.h"
#include "store/department_store.h"
#include "store/store.h"

namespace tongan {

struct LinkSummary {
  int64_t records = 0, linked = 0, review = 0, unmatched = 0, exact_id = 0;
  uint64_t candidate_pairs = 0;
  double seconds = 0;
  nlohmann::json ToJson() const;
};

// The value of a linkage field for a registry child ("guardian_name" holds both parents and the
// guardian as '|' alternatives, "phone" likewise).
std::string ChildFieldValue(const Child& child, const std::string& field);
// The value of a linkage field for a department row (its mapped fields).
std::string RecordFieldValue(const nlohmann::json& fields, const std::string& field);

// The automatic outcome for each of `rows` (all of one region) against the children in
// `region_scope`, in the order of `rows`, without storing it: rows are told apart by position, so
// they need not be stored yet (ids are copied from the rows). `summary` counts these rows.
std::vector<RecordLink> ProposeLinks(Store& store, const RegionScope& region_scope,
                                     const std::vector<SourceRecord>& rows,
                                     const linkage::LinkageConfig& config, LinkSummary& summary);

// Links stored `rows` (all of one region) against the children in `region_scope` and saves the
// outcome.
LinkSummary LinkRows(Store& store, const RegionScope& region_scope,
                     const std::vector<SourceRecord>& rows, const linkage::LinkageConfig& config,
                     const Actor& actor);

}  // namespace tongan
