// Account administration within the administrator's own subtree: the system administrator
// creates accounts (manage_users), the security administrator unlocks and resets them
// (manage_security).
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
  // The security administrator's (安全管理员) work on accounts in their subtree.
  nlohmann::json Unlock(const RequestContext& ctx, int64_t user_id);
  // Body {"password"}: a new initial password the user must change at the next login.
  nlohmann::json ResetPassword(const RequestContext& ctx, int64_t user_id, const nlohmann::json& body);
  nlohmann::json ResetTotp(const RequestContext& ctx, int64_t user_id);

  // Account JSON as /api/me and /api/login show it.
  nlohmann::json UserJson(const User& user) const;

 private:
  Store& store_;
  AuditLog& audit_;
  const RegionTree& regions_;
};

}  // namespace tongan
