#include "app/audit_service.h"

#include "app/api_error.h"
#include "app/scope.h"
#include "core/date.h"

namespace tongan {

using nlohmann::json;

namespace {

std::string Param(const std::map<std::string, std::string>& query, const std::string& key) {
  const auto it = query.find(key);
  if (it == query.end()) return "";
  if (it->second.size() > 200) throw ApiError(400, "invalid_field", "查询条件过长", key);
  return it->second;
}

std::string DateParam(const std::map<std::string, std::string>& query, const std::string& key) {
  const std::string text = Param(query, key);
  if (!text.empty() && !ParseIsoDate(text))
    throw ApiError(400, "invalid_field", "日期应为 YYYY-MM-DD", key);
  return text;
}

int64_t IntParam(const std::map<std::string, std::string>& query, const std::string& key,
                 int64_t fallback, int64_t low, int64_t high) {
  const std::string text = Param(query, key);
  if (text.empty()) return fallback;
  try {
    size_t used = 0;
    const int64_t value = std::stoll(text, &used);
    if (used == text.size() && value >= low && value <= high) return value;
  } catch (const std::exception&) {
  }
  throw ApiError(400, "invalid_field", "参数 " + key + " 应为 " + std::to_string(low) + " 至 " +
                                           std::to_string(high) + " 的整数", key);
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

json AuditService::Search(const RequestContext& ctx, const std::map<std::string, std::string>& query) {
  Require(PermissionsOf(ctx.user.role).read_audit, "查看审计日志");
  AuditQuery q;
  q.username = Param(query, "user");
  q.action = Param(query, "action");
  q.target = Param(query, "target");
  q.result = Param(query, "result");
  q.from = DateParam(query, "from");
  q.to = DateParam(query, "to");
  q.before_id = IntParam(query, "before", 0, 0, INT64_MAX);
  q.limit = IntParam(query, "limit", 50, 1, 200);
  // One more than asked tells whether there is a next page.
  ++q.limit;
  std::vector<AuditEvent> rows = store_.SearchAudit(q);
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
  std::string filters;
  for (const auto& [key, value] : query) filters += (filters.empty() ? "" : "&") + key + "=" + value;
  audit_.Record({"", ctx.user.id, ctx.user.username, "audit.search", "audit_log", filters, "ok",
                 ctx.remote});
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
