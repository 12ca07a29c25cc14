#include "app/audit_service.h"

#include "app/api_error.h"
#include "app/scope.h"
#include "core/date.h"

namespace tongan {

using nlohmann::json;

namespace {

void CheckText(const std::string& value, const char* field) {
  if (value.size() > 200) throw ApiError(400, "invalid_field", "查询条件过长", field);
}

void CheckDate(const std::string& value, const char* field) {
  CheckText(value, field);
  if (!value.empty() && !ParseIsoDate(value))
    throw ApiError(400, "invalid_field", "日期应为 YYYY-MM-DD", field);
}

}  // namespace

json AuditChainJson(const AuditChainCheck& check) {
  return {{"intact", check.broken_at == 0},
          {"rows", check.rows},
          {"legacy_rows", check.legacy_rows},
          {"broken_at", check.broken_at},
          {"problem", check.problem},
          {"head_id", check.head_id},
          {"head_hash", check.head_hash}};
}

json AuditService::Search(const RequestContext& ctx, AuditQuery q) {
  Require(PermissionsOf(ctx.user.role).read_audit, "查看审计日志");
  CheckText(q.username, "user");
  CheckText(q.action, "action");
  CheckText(q.target, "target");
  CheckText(q.result, "result");
  CheckDate(q.from, "from");
  CheckDate(q.to, "to");
  if (q.before_id < 0) throw ApiError(400, "invalid_field", "参数 before 应为非负整数", "before");
  if (q.limit < 1 || q.limit > 200)
    throw ApiError(400, "invalid_field", "参数 limit 应为 1 至 200 的整数", "limit");
  // One more than asked tells whether there is a next page.
  ++q.limit;
  std::vector<AuditEvent> rows = store_.SearchAudit(ScopeOf(ctx.user), q);
  const bool more = static_cast<int64_t>(rows.size()) == q.limit;
  if (more) rows.pop_back();
  json items = json::array();
  for (const AuditEvent& e : rows)
    items.push_back({{"id", e.id},
                     {"at", e.at},
                     {"user_id", e.user_id},
                     {"username", e.username},
                     {"action", e.action},
                     {"target", e.target},
                     {"detail", e.detail},
                     {"result", e.result},
                     {"remote", e.remote}});
  const json filters = {{"user", q.username}, {"action", q.action}, {"target", q.target},
                       {"result", q.result}, {"from", q.from}, {"to", q.to}, {"before", q.before_id}};
  audit_.Record({"", ctx.user.id, ctx.user.username, "audit.search", "audit_log", filters.dump(),
                 "ok", ctx.remote});
  return {{"items", items}, {"next_before", more ? json(rows.back().id) : json(nullptr)}};
}

json AuditService::Verify(const RequestContext& ctx) {
  Require(PermissionsOf(ctx.user.role).read_audit, "校验审计日志");
  const AuditChainCheck check = store_.VerifyAuditChain();
  audit_.Record({"", ctx.user.id, ctx.user.username, "audit.verify", "audit_log",
                 check.broken_at == 0 ? "intact" : "broken at " + std::to_string(check.broken_at),
                 "ok", ctx.remote});
  return AuditChainJson(check);
}

}  // namespace tongan
