#pragma once

#include "app/auth.h"
#include "app/child_service.h"
#include "app/user_service.h"
#include "http/router.h"

namespace tongan {

// Registers every /api route. Handlers only translate HTTP to the services' use cases; scoping,
// masking and audit live in the services.
void AddApiRoutes(Router& router, AuthService& auth, ChildService& children, UserService& users);

}  // namespace tongan
