// The audit administrator's (审计管理员) view of the audit log: search and chain verification.
// Their own searches are audited too.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "app/audit_log.h"
#include "app/child_service.h"
#include "store/store.h"

namespace tongan {

class AuditService {
 public:
  AuditService(Store& store, AuditLog& audit) : store_(store), audit_(audit) {}

  // Query: user, action (exact, or "child." for a family), target, result, from, to
  // (YYYY-MM-DD), before (id, for the next page), limit (1–200).
  nlohmann::json Search(const RequestContext& ctx, const std::map<std::string, std::string>& query);
  nlohmann::json Verify(const RequestContext& ctx);

 private:
  Store& store_;
  AuditLog& audit_;
};

nlohmann::json AuditChainJson(const AuditChainCheck& check);

}  // namespace tongan
