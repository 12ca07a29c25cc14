#include "core/role.h"

#include <array>

namespace tongan {
namespace {

struct RoleInfo {
  Role role;
  std::string_view code;
  std::string_view name_zh;
  RolePermissions permissions;
};

// Columns: read, create, update, see identifiers, manage users, import, review links, record
// visits, manage cases, receive referrals, manage rules, record deliveries, manage supply, manage
// security, read audit.
// Identifiers are unmasked only for the roles that contact families or own case decisions:
// the village child director and the county civil-affairs bureau. Department liaisons may send
// their department's files but read no child's file; the county decides uncertain matches.
// The three administrators (三员) hold disjoint powers and none reads a child's file.
constexpr std::array<RoleInfo, 11> kRoles{{
    {Role::kChildDirector, "child_director", "儿童主任", {true, true, true, true, false, false, false, true, true, false, false, true, true, false, false}},
    {Role::kGridWorker, "grid_worker", "网格员", {true, true, false, false, false, false, false, true, false, false, false, false, false, false, false}},
    {Role::kSupervisor, "supervisor", "儿童督导员", {true, false, false, false, false, false, false, false, false, false, false, false, true, false, false}},
    {Role::kCountyCivilAffairs, "county_civil_affairs", "县级民政", {true, true, true, true, false, true, true, true, true, false, false, true, true, false, false}},
    {Role::kCityCivilAffairs, "city_civil_affairs", "市级民政", {true, false, false, false, false, false, false, false, false, false, false, false, false, false, false}},
    {Role::kProvinceCivilAffairs, "province_civil_affairs", "省级民政", {true, false, false, false, false, false, false, false, false, false, false, false, false, false, false}},
    {Role::kDepartmentLiaison, "department_liaison", "部门联络员", {false, false, false, false, false, true, false, false, false, true, false, true, false, false, false}},
    {Role::kSocialWorker, "social_worker", "社工/志愿者", {false, false, false, false, false, false, false, false, false, false, false, false, false, false, false}},
    {Role::kAdmin, "admin", "系统管理员", {false, false, false, false, true, false, false, false, false, false, true, false, false, false, false}},
    {Role::kSecurityAdmin, "security_admin", "安全管理员", {false, false, false, false, false, false, false, false, false, false, false, false, false, true, false}},
    {Role::kAuditAdmin, "audit_admin", "审计管理员", {false, false, false, false, false, false, false, false, false, false, false, false, false, false, true}},
}};

const RoleInfo& InfoOf(Role role) {
  for (const auto& info : kRoles)
    if (info.role == role) return info;
  return kRoles.back();
}

}  // namespace

std::string_view RoleCode(Role role) { return InfoOf(role).code; }
std::string_view RoleNameZh(Role role) { return InfoOf(role).name_zh; }
RolePermissions PermissionsOf(Role role) { return InfoOf(role).permissions; }

std::optional<Role> ParseRole(std::string_view code) {
  for (const auto& info : kRoles)
    if (info.code == code) return info.role;
  return std::nullopt;
}

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> out;
    for (const auto& info : kRoles) out.push_back(info.role);
    return out;
  }();
  return roles;
}

}  // namespace tongan
