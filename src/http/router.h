// The API route table: method + path pattern -> handler. Patterns use {name} segments.
// The table is data so that tests can walk every route (authorisation matrix).
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/child_service.h"
#include "core/role.h"

namespace tongan {

struct ApiRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> params;  // from {name} segments
  std::map<std::string, std::string> query;   // decoded query string
  nlohmann::json body;                        // null when there is none
  std::string raw_body;                       // the body as sent, for routes with raw_body
  std::string bearer_token;
  std::string remote;
  std::optional<RequestContext> ctx;          // set for authenticated routes
};

// A file to download instead of a JSON answer (rejected rows as .xlsx, …).
struct FileBody {
  std::string content_type;
  std::string file_name;  // UTF-8; sent as Content-Disposition filename*
  std::string bytes;
};

struct ApiResponse {
  int status = 200;
  nlohmann::json body;
  std::optional<FileBody> file;
};

using ApiHandler = std::function<ApiResponse(ApiRequest&)>;

// Who may call a route, declared beside it in the route table. The services make the real checks;
// the authorisation matrix test holds every service to its route's declaration, and fails for a
// signed-in route that declares nothing.
struct Access {
  bool declared = false;
  bool any_user = false;                         // every signed-in user: own account, reference data
  std::vector<bool RolePermissions::*> permits;  // a role holding any one of these
  std::vector<Role> roles;                       // or one of these roles (services that check the role itself)

  bool Allows(Role role) const {
    if (any_user) return true;
    const RolePermissions held = PermissionsOf(role);
    for (bool RolePermissions::*permission : permits)
      if (held.*permission) return true;
    for (Role allowed : roles)
      if (allowed == role) return true;
    return false;
  }
};

struct Route {
  std::string method;
  std::string pattern;
  bool needs_login = true;
  ApiHandler handler;
  bool raw_body = false;  // the body is a file (not JSON): handed over as raw_body
  size_t max_body = 0;    // 0: the server's default request body limit
  // Open to a user who must first change the password an administrator set (their own account).
  bool before_password_change = false;
  Access access;  // set with Permit / PermitRoles / AnyUser where the route is added

  // router.Add({...}).Permit({&RolePermissions::read_children}): any one of these permissions.
  Route& Permit(std::initializer_list<bool RolePermissions::*> permissions) {
    access.declared = true;
    access.permits.insert(access.permits.end(), permissions);
    return *this;
  }
  Route& PermitRoles(std::initializer_list<Role> roles) {
    access.declared = true;
    access.roles.insert(access.roles.end(), roles);
    return *this;
  }
  Route& AnyUser() {
    access.declared = true;
    access.any_user = true;
    return *this;
  }
};

class Router {
 public:
  // The added route, for declaring its access; valid until the next Add.
  Route& Add(Route route) { return routes_.emplace_back(std::move(route)); }
  // Finds the route for method and path, filling params; sets *path_known when some route
  // matches the path with another method.
  const Route* Match(const std::string& method, const std::string& path,
                     std::map<std::string, std::string>* params, bool* path_known) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Percent-decoding and query-string splitting ('+' is a space in queries).
std::string PercentDecode(std::string_view text, bool plus_is_space);
std::map<std::string, std::string> ParseQuery(std::string_view query);

}  // namespace tongan
