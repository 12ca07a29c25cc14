#pragma once

#include "app/stats_service.h"
#include "http/router.h"

namespace tongan {

// Registers the statistics routes: dashboard, trend, supervision, dispatch report, export, and
// the children behind a figure.
void AddStatsRoutes(Router& router, StatsService& stats);

}  // namespace tongan
