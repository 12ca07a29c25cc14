#include "http/round_routes.h"

#include "http/params.h"

namespace tongan {
namespace {

int64_t Id(ApiRequest& req) { return IntParam(req.params, "id", 0); }
// An empty body is an empty object: confirming and closing need no fields.
const nlohmann::json& Body(ApiRequest& req) {
  if (req.body.is_null()) req.body = nlohmann::json::object();
  if (!req.body.is_object()) throw ApiError(400, "bad_json", "请求体应为 JSON 对象");
  return req.body;
}

}  // namespace

void AddRoundRoutes(Router& router, RoundService& rounds) {
  RoundService& r = rounds;
  router.Add({"GET", "/api/rounds", true, [&r](ApiRequest& req) { return ApiResponse{200, r.List(*req.ctx)}; }})
      .Permit({&RolePermissions::read_children});
  // Opening, confirming and closing are checked by role, not permission (RoundService).
  router.Add({"POST", "/api/rounds", true, [&r](ApiRequest& req) {
                return ApiResponse{201, r.Open(*req.ctx, Body(req))};
              }}).PermitRoles({Role::kCountyCivilAffairs});
  router.Add({"GET", "/api/rounds/{id}", true, [&r](ApiRequest& req) {
                return ApiResponse{200, r.Get(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"POST", "/api/rounds/{id}/confirm", true, [&r](ApiRequest& req) {
                return ApiResponse{200, r.Confirm(*req.ctx, Id(req), Body(req))};
              }}).PermitRoles({Role::kChildDirector, Role::kCountyCivilAffairs});
  router.Add({"POST", "/api/rounds/{id}/close", true, [&r](ApiRequest& req) {
                Body(req);  // refuses a body that is not an object
                return ApiResponse{200, r.Close(*req.ctx, Id(req))};
              }}).PermitRoles({Role::kCountyCivilAffairs});
  router.Add({"GET", "/api/rounds/{id}/changes", true, [&r](ApiRequest& req) {
                return ApiResponse{200, r.Changes(*req.ctx, Id(req), TextParam(req.query, "kind"),
                                                  IntParam(req.query, "page", 1), IntParam(req.query, "page_size", 20))};
              }}).Permit({&RolePermissions::read_children});
}

}  // namespace tongan
