#include "app/user_service.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "app/api_error.h"
#include "app/auth.h"
#include "app/scope.h"

namespace tongan {

using nlohmann::json;

json UserService::UserJson(const User& user) const {
  const RolePermissions p = PermissionsOf(user.role);
  const Region* region = regions_.Find(user.region_code);
  return {{"id", user.id},
          {"username", user.username},
          {"display_name", user.display_name},
          {"role", RoleCode(user.role)},
          {"role_name", RoleNameZh(user.role)},
          {"region_code", user.region_code},
          {"region_name", region ? region->name : ""},
          {"region_full_name", regions_.FullName(user.region_code)},
          {"disabled", user.disabled},
          {"permissions",
           {{"read_children", p.read_children},
            {"create_children", p.create_children},
            {"update_children", p.update_children},
            {"see_identifiers", p.see_identifiers},
            {"manage_users", p.manage_users},
            {"import_data", p.import_data},
            {"review_links", p.review_links},
            {"record_visits", p.record_visits},
            {"manage_cases", p.manage_cases},
            {"receive_referrals", p.receive_referrals},
            {"manage_rules", p.manage_rules},
            {"record_deliveries", p.record_deliveries},
            {"manage_supply", p.manage_supply},
            {"manage_security", p.manage_security},
            {"read_audit", p.read_audit}}},
          {"department", user.department},
          {"must_change_password", user.must_change_password},
          {"totp_enabled", user.totp_enabled},
          {"locked", user.locked_until > static_cast<int64_t>(std::time(nullptr))}};
}

json UserService::List(const RequestContext& ctx) {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.manage_users || p.manage_security, "管理用户");
  json out = json::array();
  for (const User& u : store_.ListUsers(ScopeOf(ctx.user))) out.push_back(UserJson(u));
  return out;
}

json UserService::Create(const RequestContext& ctx, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_users, "管理用户");
  static const std::vector<std::string> kFields = {"username", "display_name", "role", "region_code", "password",
                                                    "department"};
  for (const auto& [key, value] : body.items()) {
    if (std::find(kFields.begin(), kFields.end(), key) == kFields.end())
      throw ApiError(400, "unknown_field", "字段 " + key + " 不是可识别的字段", key);
    if (!value.is_string()) throw ApiError(400, "invalid_field", "字段 " + key + " 应为文本", key);
  }
  const auto text = [&](const char* key) { return body.value(key, std::string()); };
  User user;
  user.username = text("username");
  user.display_name = text("display_name").empty() ? user.username : text("display_name");
  user.region_code = text("region_code");
  user.department = text("department");
  if (user.department.size() > 100) throw ApiError(400, "invalid_field", "部门名称过长", "department");
  if (user.username.size() < 3 || user.username.size() > 32 ||
      !std::all_of(user.username.begin(), user.username.end(),
                   [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.'; }))
    throw ApiError(400, "invalid_field", "用户名应为3至32位字母、数字、下划线或点", "username");
  const auto role = ParseRole(text("role"));
  if (!role) throw ApiError(400, "invalid_field", "角色取值无效", "role");
  user.role = *role;
  if (user.role == Role::kDepartmentLiaison && user.department.empty())
    throw ApiError(400, "missing_field", "部门联络员须填写所属部门（如 教育、卫健、公安）", "department");
  if (!regions_.Contains(user.region_code))
    throw ApiError(400, "invalid_field", "所属区划不存在", "region_code");
  if (!RegionWithin(user.region_code, ScopeOf(ctx.user).root_code))
    throw ApiError(403, "forbidden", "所属区划不在您的管辖范围内", "region_code");
  if (const std::string problem = PasswordProblem(text("password"), user.username); !problem.empty())
    throw ApiError(400, "weak_password", problem, "password");
  user.password_hash = HashPassword(text("password"));
  user.must_change_password = true;  // the administrator knows it: the user chooses their own
  try {
    user.id = store_.CreateUser(user);
  } catch (const StoreConflict&) {
    throw ApiError(409, "duplicate_username", "用户名已存在", "username");
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "user.create", "user:" + user.username,
                 std::string(RoleCode(user.role)) + "@" + user.region_code, "ok", ctx.remote});
  return UserJson(user);
}

json UserService::SetDisabled(const RequestContext& ctx, int64_t user_id, bool disabled) {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.manage_users || p.manage_security, "停用或启用账号");
  if (user_id == ctx.user.id) throw ApiError(400, "invalid_field", "不能停用自己的账号");
  if (!store_.SetUserDisabled(ScopeOf(ctx.user), user_id, disabled))
    throw ApiError(404, "not_found", "未找到该用户，或不在您的管辖范围内");
  audit_.Record({"", ctx.user.id, ctx.user.username, disabled ? "user.disable" : "user.enable",
                 "user:" + std::to_string(user_id), "", "ok", ctx.remote});
  return {{"ok", true}};
}

json UserService::Unlock(const RequestContext& ctx, int64_t user_id) {
  Require(PermissionsOf(ctx.user.role).manage_security, "解锁账号");
  if (!store_.UnlockUser(ScopeOf(ctx.user), user_id))
    throw ApiError(404, "not_found", "未找到该用户，或不在您的管辖范围内");
  audit_.Record({"", ctx.user.id, ctx.user.username, "user.unlock", "user:" + std::to_string(user_id),
                 "", "ok", ctx.remote});
  return {{"ok", true}};
}

json UserService::ResetPassword(const RequestContext& ctx, int64_t user_id, const json& body) {
  Require(PermissionsOf(ctx.user.role).manage_security, "重置密码");
  if (user_id == ctx.user.id) throw ApiError(400, "invalid_field", "请在“账号安全”中修改自己的密码");
  const auto user = store_.FindUserById(user_id);
  if (!user || !RegionWithin(user->region_code, ScopeOf(ctx.user).root_code))
    throw ApiError(404, "not_found", "未找到该用户，或不在您的管辖范围内");
  const json& password = body.is_object() && body.contains("password") ? body["password"] : json();
  if (!password.is_string()) throw ApiError(400, "missing_field", "请输入新的初始密码", "password");
  if (const std::string problem = PasswordProblem(password, user->username); !problem.empty())
    throw ApiError(400, "weak_password", problem, "password");
  // The user must choose their own at the next login; their open sessions end now.
  store_.SetPassword(user_id, HashPassword(password), true, "");
  audit_.Record({"", ctx.user.id, ctx.user.username, "user.reset_password",
                 "user:" + std::to_string(user_id), "", "ok", ctx.remote});
  return {{"ok", true}};
}

json UserService::ResetTotp(const RequestContext& ctx, int64_t user_id) {
  Require(PermissionsOf(ctx.user.role).manage_security, "重置动态验证码");
  if (!store_.SetTotp(ScopeOf(ctx.user), user_id, "", false))
    throw ApiError(404, "not_found", "未找到该用户，或不在您的管辖范围内");
  audit_.Record({"", ctx.user.id, ctx.user.username, "user.reset_totp",
                 "user:" + std::to_string(user_id), "", "ok", ctx.remote});
  return {{"ok", true}};
}

}  // namespace tongan
