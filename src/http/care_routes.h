#pragma once

#include "app/care_service.h"
#include "app/case_service.h"
#include "app/referral_service.h"
#include "app/transfer_service.h"
#include "http/router.h"

namespace tongan {

// Registers the care-work routes: ledger and visits, warning rules, cases, referrals.
void AddCareRoutes(Router& router, CareService& care, CaseService& cases, ReferralService& referrals,
                   TransferService& transfers);

}  // namespace tongan
