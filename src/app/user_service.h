// User administration for the manage_users permission, within the administrator's own subtree.
#pragma once

#include <nlohmann/json.hpp>

#include "app/audit_log.h"
#include "app/child_service.h"
#include "core/region.h"
#include "store/store.h"

namespace tongan {

class UserService {
 public:
  UserService(Store& store, AuditLog& audit, const RegionTree& regions)
      : store_(store), audit_(audit), regions_(regions) {}

  nlohmann::json List(const RequestContext& ctx);
  // Body: {"username","display_name","role","region_code","password"}. 201 with the user.
  nlohmann::json Create(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json SetDisabled(const RequestContext& ctx, int64_t user_id, bool disabled);

  // Account JSON as /api/me and /api/login show it.
  nlohmann::json UserJson(const User& user) const;

 private:
  Store& store_;
  AuditLog& audit_;
  const RegionTree& regions_;
};

// Minimum password rule: at least 8 characters with letters and digits. Returns the reason in
// Chinese when the password is refused, empty when it is accepted.
std::string PasswordProblem(const std::string& password);

}  // namespace tongan
