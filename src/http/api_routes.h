#pragma once

#include "app/child_service.h"
#include "http/router.h"

namespace tongan {

// Registers the registry's /api routes (children, places, regions, summary). Handlers only
// translate HTTP to the services' use cases; scoping, masking and audit live in the services.
void AddApiRoutes(Router& router, ChildService& children);

}  // namespace tongan
