// Use cases on children for an authenticated user: every one scoped, permission-checked, masked
// and audited here, so the HTTP layer cannot forget any of them.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "app/audit_log.h"
#include "core/classification.h"
#include "core/region.h"
#include "store/store.h"

namespace tongan {

struct RequestContext {
  User user;
  std::string remote;  // client address, for the audit log
};

struct ChildSearchParams {
  std::string region;
  std::string q;
  std::string child_class;
  std::string age_group;
  int64_t page = 1;
  int64_t page_size = 20;
  std::string reason;  // an export's purpose, required above ChildService::kExportReasonAbove
};

class ChildService {
 public:
  ChildService(Store& store, AuditLog& audit, const RegionTree& regions,
               ClassificationConfig config, std::function<Date()> today = TodayInChina)
      : store_(store),
        audit_(audit),
        regions_(regions),
        config_(std::move(config)),
        today_(std::move(today)) {}

  nlohmann::json Get(const RequestContext& ctx, int64_t id);
  nlohmann::json Search(const RequestContext& ctx, const ChildSearchParams& params);
  // The whole filtered list for an .xlsx export (up to kMaxExportRows), audited as an export.
  nlohmann::json Export(const RequestContext& ctx, ChildSearchParams params);
  nlohmann::json Create(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json Update(const RequestContext& ctx, int64_t id, const nlohmann::json& body);
  nlohmann::json History(const RequestContext& ctx, int64_t id);
  nlohmann::json CheckId(const std::string& raw) const;
  nlohmann::json Summary(const RequestContext& ctx, const std::string& region);
  nlohmann::json Trend(const RequestContext& ctx, const std::string& region);
  nlohmann::json Region(const RequestContext& ctx, const std::string& code) const;
  // Any region's name and sub-regions, for choosing a hukou place anywhere in China (public
  // administrative data, not scoped). Empty code: the provinces.
  nlohmann::json Place(const std::string& code) const;

  static constexpr int64_t kMaxExportRows = 20000;
  // A bulk export of minors' records states its purpose (PIPL art. 31, 等保 audit), kept in the log.
  static constexpr int64_t kExportReasonAbove = 200;

  // The record with computed fields, identifiers masked unless `see_identifiers`.
  nlohmann::json View(const Child& child, bool see_identifiers) const;
  // Validates and normalises a record from the API (ID numbers, region codes, phones);
  // throws ApiError with the field at fault.
  void Validate(Child& child, const User& user) const;
  uint32_t BasisOf(const Child& child) const { return ClassBasisOf(child, config_); }
  const ClassificationConfig& config() const { return config_; }
  // Called after a child is registered or changed (the care status follows the record).
  void OnChange(std::function<void(int64_t)> hook) { on_change_ = std::move(hook); }

 private:
  std::string RegionOrScope(const User& user, const std::string& region) const;
  // The store query for a search, validated (throws ApiError) and within the user's scope.
  ChildQuery QueryFor(const RequestContext& ctx, const ChildSearchParams& params,
                      int64_t max_page_size) const;
  nlohmann::json SearchAudited(const RequestContext& ctx, const ChildSearchParams& params,
                               int64_t max_page_size, const char* action);

  Store& store_;
  AuditLog& audit_;
  const RegionTree& regions_;
  ClassificationConfig config_;
  std::function<Date()> today_;
  std::function<void(int64_t)> on_change_;
};

}  // namespace tongan
