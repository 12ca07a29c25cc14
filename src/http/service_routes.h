#pragma once

#include "app/entitlement_service.h"
#include "app/supply_service.h"
#include "http/router.h"

namespace tongan {

// Registers the services routes: catalogue, entitlements and deliveries, supply and needs.
void AddServiceRoutes(Router& router, EntitlementService& entitlements, SupplyService& supply);

}  // namespace tongan
