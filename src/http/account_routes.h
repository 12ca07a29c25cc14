#pragma once

#include "app/audit_service.h"
#include "app/auth.h"
#include "app/user_service.h"
#include "http/router.h"

namespace tongan {

// Login and the user's own account (password, second factor), account administration by the
// system and security administrators, and the audit administrator's audit log.
void AddAccountRoutes(Router& router, AuthService& auth, UserService& users, AuditService& audit);

}  // namespace tongan
