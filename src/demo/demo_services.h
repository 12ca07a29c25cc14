// Services in the demo county: providers, activities with sign-ups and attendance, pairings and
// delivery records, so coverage, matching and the supply/demand mismatches have something to show.
#pragma once

#include "app/deployment.h"
#include "app/entitlement_service.h"
#include "app/supply_service.h"

namespace tongan {

// Once per demo database (when the county has no provider yet); after the care statuses exist.
void LoadDemoServices(Deployment& deployment, EntitlementService& entitlements, SupplyService& supply, Date today);

}  // namespace tongan
