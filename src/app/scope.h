// The one place where a user's region and role become what they may see.
#pragma once

#include "app/api_error.h"
#include "core/role.h"
#include "store/store.h"

namespace tongan {

// The subtree a user may see: their own region and everything below it. A user without a region
// (misconfigured) sees nothing, never everything.
inline RegionScope ScopeOf(const User& user) {
  // U+10FFFF begins no region code (and, unlike a stray byte, is valid UTF-8 for PostgreSQL).
  if (user.region_code.empty()) return RegionScope{"\xf4\x8f\xbf\xbf"};
  return RegionScope{user.region_code};
}

// Every region: only for the system's own work on a record a user already reached through their
// scope (recomputing a child's derived care status), never for answering a user.
inline RegionScope SystemScope() { return RegionScope{""}; }

// Throws 403 forbidden unless the role has the permission.
inline void Require(bool allowed, const char* what_zh) {
  if (!allowed) throw ApiError(403, "forbidden", std::string("当前角色无权") + what_zh);
}

}  // namespace tongan
