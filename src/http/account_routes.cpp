#include "http/account_routes.h"

#include "app/api_error.h"
#include "app/request_body.h"
#include "http/params.h"

namespace tongan {
namespace {

using nlohmann::json;

// The body's string fields, refusing unknown fields; a missing field reads as "".
std::map<std::string, std::string> StringFields(const ApiRequest& req,
                                                std::initializer_list<const char*> allowed) {
  RejectUnknownFields(req.body, allowed);
  std::map<std::string, std::string> out;
  for (const char* key : allowed) out[key] = "";
  for (const auto& [key, value] : req.body.items()) {
    if (!value.is_string()) throw ApiError(400, "invalid_field", "字段 " + key + " 应为文本", key);
    out[key] = value.get<std::string>();
  }
  return out;
}

// A route of the user's own account, open while they must still change their password.
Route OwnAccount(std::string method, std::string pattern, ApiHandler handler) {
  Route route{std::move(method), std::move(pattern), true, std::move(handler)};
  route.before_password_change = true;
  return route;
}

}  // namespace

void AddAccountRoutes(Router& router, AuthService& auth, UserService& users, AuditService& audit) {
  router.Add({"POST", "/api/login", false, [&auth, &users](ApiRequest& req) {
                auto f = StringFields(req, {"username", "password", "otp"});
                if (f["username"].empty() || f["password"].empty())
                  throw ApiError(400, "missing_field", "请输入用户名和密码");
                const LoginResult result = auth.Login(f["username"], f["password"], f["otp"], req.remote);
                return ApiResponse{200,
                                   {{"token", result.token},
                                    {"expires_at", result.expires_at},
                                    {"user", users.UserJson(result.user)}}};
              }});
  router.Add(OwnAccount("POST", "/api/logout", [&auth](ApiRequest& req) {
    auth.Logout(req.bearer_token, req.ctx->user, req.remote);
    return ApiResponse{200, {{"ok", true}}};
  })).AnyUser();
  router.Add(OwnAccount("GET", "/api/me", [&users](ApiRequest& req) {
    return ApiResponse{200, users.UserJson(req.ctx->user)};
  })).AnyUser();
  router.Add(OwnAccount("POST", "/api/me/password", [&auth](ApiRequest& req) {
    auto f = StringFields(req, {"old_password", "new_password"});
    auth.ChangePassword(req.ctx->user, req.bearer_token, f["old_password"], f["new_password"], req.remote);
    return ApiResponse{200, {{"ok", true}}};
  })).AnyUser();
  router.Add({"POST", "/api/me/totp", true, [&auth](ApiRequest& req) {
                const auto [secret, uri] = auth.BeginTotp(req.ctx->user, req.remote);
                return ApiResponse{200, {{"secret", secret}, {"uri", uri}}};
              }}).AnyUser();
  router.Add({"POST", "/api/me/totp/enable", true, [&auth](ApiRequest& req) {
                auth.EnableTotp(req.ctx->user, StringFields(req, {"code"})["code"], req.remote);
                return ApiResponse{200, {{"ok", true}}};
              }}).AnyUser();
  router.Add({"POST", "/api/me/totp/disable", true, [&auth](ApiRequest& req) {
                auth.DisableTotp(req.ctx->user, StringFields(req, {"password"})["password"], req.remote);
                return ApiResponse{200, {{"ok", true}}};
              }}).AnyUser();

  router.Add({"GET", "/api/users", true, [&users](ApiRequest& req) {
                return ApiResponse{200, users.List(*req.ctx)};
              }}).Permit({&RolePermissions::manage_users, &RolePermissions::manage_security});
  router.Add({"POST", "/api/users", true, [&users](ApiRequest& req) {
                if (!req.body.is_object()) throw ApiError(400, "bad_json", "请求体应为 JSON 对象");
                return ApiResponse{201, users.Create(*req.ctx, req.body)};
              }}).Permit({&RolePermissions::manage_users});
  router.Add({"POST", "/api/users/{id}/disable", true, [&users](ApiRequest& req) {
                return ApiResponse{200, users.SetDisabled(*req.ctx, IntParam(req.params, "id", 0), true)};
              }}).Permit({&RolePermissions::manage_users, &RolePermissions::manage_security});
  router.Add({"POST", "/api/users/{id}/enable", true, [&users](ApiRequest& req) {
                return ApiResponse{200, users.SetDisabled(*req.ctx, IntParam(req.params, "id", 0), false)};
              }}).Permit({&RolePermissions::manage_users, &RolePermissions::manage_security});
  router.Add({"POST", "/api/users/{id}/unlock", true, [&users](ApiRequest& req) {
                return ApiResponse{200, users.Unlock(*req.ctx, IntParam(req.params, "id", 0))};
              }}).Permit({&RolePermissions::manage_security});
  router.Add({"POST", "/api/users/{id}/reset-password", true, [&users](ApiRequest& req) {
                return ApiResponse{200, users.ResetPassword(*req.ctx, IntParam(req.params, "id", 0), req.body)};
              }}).Permit({&RolePermissions::manage_security});
  router.Add({"POST", "/api/users/{id}/reset-totp", true, [&users](ApiRequest& req) {
                return ApiResponse{200, users.ResetTotp(*req.ctx, IntParam(req.params, "id", 0))};
              }}).Permit({&RolePermissions::manage_security});

  router.Add({"GET", "/api/audit", true, [&audit](ApiRequest& req) {
                AuditQuery query;
                query.username = TextParam(req.query, "user");
                query.action = TextParam(req.query, "action");
                query.target = TextParam(req.query, "target");
                query.result = TextParam(req.query, "result");
                query.from = TextParam(req.query, "from");
                query.to = TextParam(req.query, "to");
                query.before_id = IntParam(req.query, "before", 0);
                query.limit = IntParam(req.query, "limit", 50);
                return ApiResponse{200, audit.Search(*req.ctx, query)};
              }}).Permit({&RolePermissions::read_audit});
  router.Add({"GET", "/api/audit/verify", true, [&audit](ApiRequest& req) {
                return ApiResponse{200, audit.Verify(*req.ctx)};
              }}).Permit({&RolePermissions::read_audit});
}

}  // namespace tongan
