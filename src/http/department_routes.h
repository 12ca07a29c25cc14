#pragma once

#include "app/findings_service.h"
#include "app/import_service.h"
#include "app/link_service.h"
#include "http/router.h"

namespace tongan {

// Registers the department-data routes: imports, links (review) and findings.
void AddDepartmentRoutes(Router& router, ImportService& imports, LinkService& links,
                         FindingsService& findings);

}  // namespace tongan
