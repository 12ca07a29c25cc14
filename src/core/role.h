// Users' roles and what each may do with children's data (least privilege, DOMAIN.md §12).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace tongan {

enum class Role {
  kChildDirector,       // 儿童主任, village
  kGridWorker,          // 网格员, village/community grid
  kSupervisor,          // 儿童督导员, township
  kCountyCivilAffairs,  // 县级民政
  kCityCivilAffairs,    // 市级民政
  kProvinceCivilAffairs,// 省级民政
  kDepartmentLiaison,   // 部门联络员 (教育 公安 卫健 …)
  kSocialWorker,        // 社工/志愿者, assigned cases only
  kAdmin,               // 系统管理员: accounts and rules (三员 separation: no security or audit work)
  kSecurityAdmin,       // 安全管理员: unlocks accounts, resets second factors, enables/disables
  kAuditAdmin,          // 审计管理员: reads and verifies the audit log, nothing else
};

std::string_view RoleCode(Role role);    // "child_director", …
std::string_view RoleNameZh(Role role);  // "儿童主任", …
std::optional<Role> ParseRole(std::string_view code);
const std::vector<Role>& AllRoles();

// What a role may do with child records inside its region subtree.
struct RolePermissions {
  bool read_children = false;     // list, search, open a child's file
  bool create_children = false;   // register a child
  bool update_children = false;   // edit a child's file
  bool see_identifiers = false;   // unmasked ID numbers and phones
  bool manage_users = false;
  bool import_data = false;       // upload department files (数据导入)
  bool review_links = false;      // decide uncertain matches, undo merges (数据比对核对)
  bool record_visits = false;     // record visits (访察), put a child in or out of the ledger
  bool manage_cases = false;      // open cases and move them through the loop, send referrals
  bool receive_referrals = false; // answer referrals addressed to the user's department
  bool manage_rules = false;      // edit warning rules and the service catalogue
  bool record_deliveries = false; // record services delivered (a liaison: their department's items only)
  bool manage_supply = false;     // providers, activities with sign-up and attendance, pairings
  bool manage_security = false;   // unlock accounts, reset second factors, enable/disable accounts
  bool read_audit = false;        // search and verify the audit log
};
RolePermissions PermissionsOf(Role role);

}  // namespace tongan
