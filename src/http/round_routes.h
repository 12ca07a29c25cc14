#pragma once

#include "app/round_service.h"
#include "http/router.h"

namespace tongan {

// Registers the monitoring-round routes (监测摸排): list, open, read, confirm, close, changes.
void AddRoundRoutes(Router& router, RoundService& rounds);

}  // namespace tongan
