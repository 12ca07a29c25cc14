// The service catalogue at work (DOMAIN.md §8): which items each child is entitled to, which it
// receives and which are missing, delivery records (entered by hand or imported), coverage by
// region and item, and each department's open items. Entitlements and needs are derived on every
// recomputation of the child's care status, so they follow the record, visits and deliveries.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/audit_log.h"
#include "app/care_service.h"
#include "app/child_service.h"
#include "care/service_catalogue.h"
#include "care/supply.h"
#include "core/region.h"
#include "store/service_store.h"
#include "store/store.h"

namespace tongan {

class EntitlementService {
 public:
  // Registers itself with `care` (need facts, entitlement rows on every recomputation).
  EntitlementService(Store& store, AuditLog& audit, ChildService& children, CareService& care,
                     const RegionTree& regions, const care::ServiceCatalogue& shipped,
                     std::function<Date()> today = TodayInChina);

  std::shared_ptr<const care::ServiceCatalogue> catalogue() const;

  nlohmann::json Catalogue(const RequestContext& ctx) const;
  // Validates and saves a new catalogue (manage_rules); invalid → 400 catalogue_invalid, old kept.
  nlohmann::json SaveCatalogue(const RequestContext& ctx, const nlohmann::json& body);

  nlohmann::json ChildServices(const RequestContext& ctx, int64_t child_id);
  nlohmann::json RecordDelivery(const RequestContext& ctx, int64_t child_id, const nlohmann::json& body);
  nlohmann::json VoidDelivery(const RequestContext& ctx, int64_t delivery_id, const nlohmann::json& body);
  nlohmann::json Deliveries(const RequestContext& ctx, const std::string& region, const std::string& department,
                            int64_t page, int64_t page_size);
  nlohmann::json Coverage(const RequestContext& ctx, const std::string& region);
  nlohmann::json OpenItems(const RequestContext& ctx, const std::string& region, const std::string& department,
                           const std::string& item, int64_t page, int64_t page_size);

  // The record kind of imported delivery files (data/import_profiles/service_delivery.json).
  static constexpr const char* kDeliveryRecordKind = "service_delivery";

  // Filled by SupplyService: the need rows' met_by for a child (pairing:ID / activity:ID).
  using NeedMatcher = std::function<std::string(const Child&, const std::string& need_code)>;
  void SetNeedMatcher(NeedMatcher matcher) { need_matcher_ = std::move(matcher); }

  // JSON of a delivery, with the item's name.
  nlohmann::json DeliveryJson(const Delivery& d, const std::string& child_name) const;
  // The child's current needs as need codes: its file's needs and those of its latest visit.
  std::vector<std::pair<std::string, std::string>> NeedsOf(const Child& child, const std::vector<Visit>& visits) const;

 private:
  void Refresh(const Child& child, const nlohmann::json& facts);
  // Makes the deliveries of the child's linked `service_delivery` rows match its links.
  std::vector<Delivery> SyncImportedDeliveries(const Child& child);
  // The user's region or a region inside it; 403 outside.
  std::string RegionWithin(const RequestContext& ctx, const std::string& region) const;
  // A liaison's department, forced; others' optional filter.
  std::string DepartmentFor(const RequestContext& ctx, const std::string& requested) const;

  Store& store_;
  AuditLog& audit_;
  ChildService& children_;
  CareService& care_;
  const RegionTree& regions_;
  std::function<Date()> today_;
  NeedMatcher need_matcher_;
  mutable std::mutex mutex_;
  std::shared_ptr<const care::ServiceCatalogue> catalogue_;
};

}  // namespace tongan
