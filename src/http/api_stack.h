// The services of one deployment wired to the API route table: what `serve`, the benchmark and
// the API tests all run.
#pragma once

#include "app/audit_log.h"
#include "app/auth.h"
#include "app/child_service.h"
#include "app/deployment.h"
#include "app/user_service.h"
#include "http/api_routes.h"

namespace tongan {

struct ApiStack {
  explicit ApiStack(Deployment& d)
      : audit(*d.store),
        auth(*d.store, audit),
        children(*d.store, audit, d.regions, d.config),
        users(*d.store, audit, d.regions) {
    AddApiRoutes(router, auth, children, users);
  }

  AuditLog audit;
  AuthService auth;
  ChildService children;
  UserService users;
  Router router;
};

}  // namespace tongan
