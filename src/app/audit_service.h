// The audit administrator's (审计管理员) view of the audit log: search and chain verification.
// Their own searches are audited too.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/audit_log.h"
#include "app/child_service.h"
#include "store/store.h"

namespace tongan {

class AuditService {
 public:
  AuditService(Store& store, AuditLog& audit) : store_(store), audit_(audit) {}

  // Filters as the route read them from the query; refuses (400) over-long text, dates that are
  // not YYYY-MM-DD, a negative `before_id` and a `limit` outside 1–200.
  nlohmann::json Search(const RequestContext& ctx, AuditQuery query);
  nlohmann::json Verify(const RequestContext& ctx);

 private:
  Store& store_;
  AuditLog& audit_;
};

nlohmann::json AuditChainJson(const AuditChainCheck& check);

}  // namespace tongan
