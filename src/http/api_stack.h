// The services of one deployment wired to the API route table: what `serve`, the benchmark and
// the API tests all run.
#pragma once

#include "app/audit_log.h"
#include "app/audit_service.h"
#include "app/care_service.h"
#include "app/entitlement_service.h"
#include "app/supply_service.h"
#include "app/round_service.h"
#include "app/stats_service.h"
#include "app/case_service.h"
#include "app/referral_service.h"
#include "app/transfer_service.h"
#include "app/auth.h"
#include "app/child_service.h"
#include "app/deployment.h"
#include "app/user_service.h"
#include "app/findings_service.h"
#include "app/import_service.h"
#include "app/link_service.h"
#include "http/account_routes.h"
#include "http/api_routes.h"
#include "http/care_routes.h"
#include "http/department_routes.h"
#include "http/service_routes.h"
#include "http/round_routes.h"
#include "http/stats_routes.h"

namespace tongan {

struct ApiStack {
  explicit ApiStack(Deployment& d)
      : audit(*d.store),
        auth(*d.store, audit, AuthPolicy{.allow_demo_accounts = d.demo_mode}),
        audit_search(*d.store, audit),
        children(*d.store, audit, d.regions, d.config),
        users(*d.store, audit, d.regions),
        profiles(d.import_profiles),
        imports(*d.store, audit, d.regions, profiles, d.linkage),
        links(*d.store, audit, children, profiles),
        findings(*d.store, audit, children, profiles, d.need_rules),
        care(*d.store, audit, children, d.care, d.need_rules),
        cases(*d.store, audit, care),
        referrals(*d.store, audit, care, children),
        transfers(*d.store, audit, children, care, d.regions),
        entitlements(*d.store, audit, children, care, d.regions, d.catalogue),
        supply(*d.store, audit, care, entitlements, d.regions),
        rounds(*d.store, audit, children, d.regions),
        stats(*d.store, audit, children, care, d.regions, d.supervision,
              [this] {
                std::vector<int> days;
                for (const auto& item : entitlements.catalogue()->items) days.push_back(item.valid_days);
                return days;
              }) {
    children.OnChange([this](int64_t id) { care.Recompute(id); });
    links.OnChildChanged([this](int64_t id) { care.Recompute(id); });
    imports.OnLinked([this](const std::string& region) { care.RecomputeLater(region); });
    AddAccountRoutes(router, auth, users, audit_search);
    AddApiRoutes(router, children);
    AddDepartmentRoutes(router, imports, links, findings);
    AddCareRoutes(router, care, cases, referrals, transfers);
    AddServiceRoutes(router, entitlements, supply);
    AddRoundRoutes(router, rounds);
    AddStatsRoutes(router, stats);
  }

  // The background recomputation calls the entitlement and statistics hooks: it stops before
  // they are destroyed.
  ~ApiStack() { care.Stop(); }
  ApiStack(const ApiStack&) = delete;
  ApiStack& operator=(const ApiStack&) = delete;

  AuditLog audit;
  AuthService auth;
  AuditService audit_search;
  ChildService children;
  UserService users;
  ProfileCatalog profiles;
  ImportService imports;
  LinkService links;
  FindingsService findings;
  CareService care;
  CaseService cases;
  ReferralService referrals;
  TransferService transfers;
  EntitlementService entitlements;
  SupplyService supply;
  RoundService rounds;
  StatsService stats;
  Router router;
};

}  // namespace tongan
