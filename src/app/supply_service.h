// Supply of services and its matching to needs (DOMAIN.md §9): providers (schools, 儿童之家,
// 课后托管, social organisations with government-purchased projects, volunteers such as 爱心妈妈
// and 五老), activities with sign-up and attendance, pairings (结对帮扶) of volunteers with
// children; each child's needs matched to supply within reach, same village and township first;
// and where demand and supply do not meet, by region and need type.
#pragma once

#include <nlohmann/json.hpp>

#include "app/audit_log.h"
#include "app/care_service.h"
#include "app/child_service.h"
#include "app/entitlement_service.h"
#include "core/region.h"
#include "store/service_store.h"
#include "store/store.h"

namespace tongan {

class SupplyService {
 public:
  // Registers itself with `entitlements` as the matcher that marks a need met by a pairing or an
  // activity the child takes part in.
  SupplyService(Store& store, AuditLog& audit, CareService& care, EntitlementService& entitlements,
                const RegionTree& regions, std::function<Date()> today = TodayInChina);

  // The child's entitlements and deliveries, and its needs with the supply within reach.
  nlohmann::json ChildServices(const RequestContext& ctx, int64_t child_id);

  nlohmann::json Providers(const RequestContext& ctx, const std::string& region, const std::string& kind,
                           const std::string& service, bool include_inactive);
  nlohmann::json CreateProvider(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json GetProvider(const RequestContext& ctx, int64_t id);
  nlohmann::json UpdateProvider(const RequestContext& ctx, int64_t id, const nlohmann::json& body);

  nlohmann::json Activities(const RequestContext& ctx, const std::string& region, const std::string& service,
                            bool open_only);
  nlohmann::json CreateActivity(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json GetActivity(const RequestContext& ctx, int64_t id);
  nlohmann::json SetActivityStatus(const RequestContext& ctx, int64_t id, const nlohmann::json& body);
  nlohmann::json SignUp(const RequestContext& ctx, int64_t activity_id, const nlohmann::json& body);
  nlohmann::json Withdraw(const RequestContext& ctx, int64_t activity_id, int64_t child_id);
  nlohmann::json Attendance(const RequestContext& ctx, int64_t activity_id, const nlohmann::json& body);

  nlohmann::json CreatePairing(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json EndPairing(const RequestContext& ctx, int64_t id, const nlohmann::json& body);
  nlohmann::json Pairings(const RequestContext& ctx, int64_t provider_id, bool active_only);

  // Supply and demand per sub-region and need type, with the mismatches in words.
  nlohmann::json Needs(const RequestContext& ctx, const std::string& region);
  // Children with unmet needs and the nearest supply for each.
  nlohmann::json Unmet(const RequestContext& ctx, const std::string& region, const std::string& need,
                       int64_t page, int64_t page_size);

 private:
  struct Supply {
    std::vector<Provider> providers;
    std::vector<Activity> activities;
  };
  // Active providers and open activities serving the county of `region` (or the region itself
  // when above county level).
  Supply SupplyAround(const std::string& region);
  nlohmann::json OffersFor(const std::string& child_region, const std::string& need_code, const Supply& supply) const;
  std::string MetBy(const Child& child, const std::string& need_code);
  std::string MetLabel(const RegionScope& scope, const std::string& met_by) const;

  nlohmann::json ProviderJson(const Provider& p, bool see_identifiers) const;
  nlohmann::json ActivityJson(const Activity& a) const;
  nlohmann::json PairingJson(const Pairing& p) const;
  std::string NeedName(const std::string& code) const;
  std::vector<std::string> NeedCodes(const nlohmann::json& body, const char* field) const;
  std::string RegionName(const std::string& code) const;
  void RequireRead(const RequestContext& ctx) const;

  Store& store_;
  AuditLog& audit_;
  CareService& care_;
  EntitlementService& entitlements_;
  const RegionTree& regions_;
  std::function<Date()> today_;
};

}  // namespace tongan
