// Care work in the demo county: every child's care status computed, and some history so the
// pages have something to show: visits by the village child directors (some overdue), a
// mandatory report, a case in intervention with a referral to the education bureau.
#pragma once

#include "app/deployment.h"

namespace tongan {

// Once per demo database (when no child has a care status yet).
void LoadDemoCare(Deployment& deployment, Date today);

}  // namespace tongan
