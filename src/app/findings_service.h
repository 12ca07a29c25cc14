// What the comparison of department data with the registry finds: children not in the registry
// (未纳入), 人户分离, and unmet needs by rules in data/findings.json.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/audit_log.h"
#include "app/child_service.h"
#include "app/department_view.h"
#include "store/store.h"

namespace tongan {

struct NeedRule {
  std::string id, label_zh, department, subject, record_kind;
  std::string field;                // subject "records"
  std::vector<std::string> values;  // subject "records"
  int min_age = 0, max_age = 17;    // subject "children", completed years, inclusive
};

// Parses data/findings.json; throws std::invalid_argument with a Chinese message.
std::vector<NeedRule> NeedRulesFromJson(const nlohmann::json& json);

class FindingsService {
 public:
  FindingsService(Store& store, AuditLog& audit, ChildService& children,
                  const ProfileCatalog& profiles, std::vector<NeedRule> rules,
                  std::function<Date()> today = TodayInChina)
      : store_(store), audit_(audit), children_(children), profiles_(profiles),
        rules_(std::move(rules)), today_(std::move(today)) {}

  nlohmann::json Summary(const RequestContext& ctx);
  nlohmann::json Unregistered(const RequestContext& ctx, int64_t page, int64_t page_size);
  nlohmann::json Separated(const RequestContext& ctx, int64_t page, int64_t page_size);
  nlohmann::json Needs(const RequestContext& ctx, const std::string& rule, int64_t page,
                       int64_t page_size);

 private:
  nlohmann::json RulePage(const RequestContext& ctx, const NeedRule& rule, int64_t offset,
                          int64_t limit);

  Store& store_;
  AuditLog& audit_;
  ChildService& children_;
  const ProfileCatalog& profiles_;
  std::vector<NeedRule> rules_;
  std::function<Date()> today_;
};

}  // namespace tongan
