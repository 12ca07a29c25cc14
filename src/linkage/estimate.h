// Estimating the model from the two sides: u from random pairs; m by EM, one session per
// training rule over that rule's candidate pairs, each session estimating only the fields the rule
// does not block on (as Splink does); then λ, the share of matches among all candidate pairs, by
// EM with m and u fixed. Internal to the linkage library.
#pragma once

#include <vector>

#include "linkage/blocking.h"
#include "linkage/features.h"

namespace tongan::linkage::internal {

// `left_order`: the left records in the order of the first rule's key (see OrderByKey).
// `term_frequencies`: per field, the values common enough to adjust for (for the model's JSON).
Model EstimateModel(const Features& left, const Features& right, const BlockIndex& index,
                    const std::vector<uint32_t>& left_order, const LinkageConfig& config,
                    const std::vector<nlohmann::json>& term_frequencies);

}  // namespace tongan::linkage::internal
