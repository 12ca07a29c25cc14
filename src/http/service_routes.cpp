#include "http/service_routes.h"

#include "http/params.h"

namespace tongan {
namespace {

int64_t Id(ApiRequest& req) { return IntParam(req.params, "id", 0); }
int64_t Page(ApiRequest& req) { return IntParam(req.query, "page", 1); }
int64_t PageSize(ApiRequest& req) { return IntParam(req.query, "page_size", 20); }
std::string Q(ApiRequest& req, const char* key) { return TextParam(req.query, key); }
const nlohmann::json& Body(ApiRequest& req) {
  if (!req.body.is_object()) throw ApiError(400, "bad_json", "请求体应为 JSON 对象");
  return req.body;
}

}  // namespace

void AddServiceRoutes(Router& router, EntitlementService& entitlements, SupplyService& supply) {
  EntitlementService& e = entitlements;
  SupplyService& s = supply;
  router.Add({"GET", "/api/services/catalogue", true, [&e](ApiRequest& req) {
                return ApiResponse{200, e.Catalogue(*req.ctx)};
              }}).Permit({&RolePermissions::read_children, &RolePermissions::record_deliveries,
                          &RolePermissions::manage_rules});
  router.Add({"PUT", "/api/services/catalogue", true, [&e](ApiRequest& req) {
                return ApiResponse{200, e.SaveCatalogue(*req.ctx, Body(req))};
              }}).Permit({&RolePermissions::manage_rules});
  router.Add({"GET", "/api/children/{id}/services", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.ChildServices(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"POST", "/api/children/{id}/deliveries", true, [&e](ApiRequest& req) {
                return ApiResponse{201, e.RecordDelivery(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::record_deliveries});
  router.Add({"POST", "/api/deliveries/{id}/void", true, [&e](ApiRequest& req) {
                return ApiResponse{200, e.VoidDelivery(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::record_deliveries});
  router.Add({"GET", "/api/deliveries", true, [&e](ApiRequest& req) {
                return ApiResponse{200, e.Deliveries(*req.ctx, Q(req, "region"), Q(req, "department"), Page(req),
                                                     PageSize(req))};
              }}).Permit({&RolePermissions::read_children, &RolePermissions::record_deliveries});
  router.Add({"GET", "/api/services/coverage", true, [&e](ApiRequest& req) {
                return ApiResponse{200, e.Coverage(*req.ctx, Q(req, "region"))};
              }}).Permit({&RolePermissions::read_children, &RolePermissions::record_deliveries});
  router.Add({"GET", "/api/services/open-items", true, [&e](ApiRequest& req) {
                return ApiResponse{200, e.OpenItems(*req.ctx, Q(req, "region"), Q(req, "department"), Q(req, "item"),
                                                    Page(req), PageSize(req))};
              }}).Permit({&RolePermissions::read_children, &RolePermissions::record_deliveries});
  router.Add({"GET", "/api/services/needs", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.Needs(*req.ctx, Q(req, "region"))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/services/unmet", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.Unmet(*req.ctx, Q(req, "region"), Q(req, "need"), Page(req), PageSize(req))};
              }}).Permit({&RolePermissions::read_children});

  router.Add({"GET", "/api/providers", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.Providers(*req.ctx, Q(req, "region"), Q(req, "kind"), Q(req, "service"),
                                                    Q(req, "active") == "0")};
              }}).Permit({&RolePermissions::read_children, &RolePermissions::manage_supply,
                          &RolePermissions::record_deliveries});
  router.Add({"POST", "/api/providers", true, [&s](ApiRequest& req) {
                return ApiResponse{201, s.CreateProvider(*req.ctx, Body(req))};
              }}).Permit({&RolePermissions::manage_supply});
  router.Add({"GET", "/api/providers/{id}", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.GetProvider(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::read_children, &RolePermissions::manage_supply,
                          &RolePermissions::record_deliveries});
  router.Add({"PUT", "/api/providers/{id}", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.UpdateProvider(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::manage_supply});
  router.Add({"GET", "/api/activities", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.Activities(*req.ctx, Q(req, "region"), Q(req, "service"), Q(req, "open") == "1")};
              }}).Permit({&RolePermissions::read_children, &RolePermissions::manage_supply,
                          &RolePermissions::record_deliveries});
  router.Add({"POST", "/api/activities", true, [&s](ApiRequest& req) {
                return ApiResponse{201, s.CreateActivity(*req.ctx, Body(req))};
              }}).Permit({&RolePermissions::manage_supply});
  router.Add({"GET", "/api/activities/{id}", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.GetActivity(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::read_children, &RolePermissions::manage_supply,
                          &RolePermissions::record_deliveries});
  router.Add({"POST", "/api/activities/{id}/status", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.SetActivityStatus(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::manage_supply});
  router.Add({"POST", "/api/activities/{id}/participants", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.SignUp(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::manage_supply});
  router.Add({"POST", "/api/activities/{id}/participants/{child_id}/withdraw", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.Withdraw(*req.ctx, Id(req), IntParam(req.params, "child_id", 0))};
              }}).Permit({&RolePermissions::manage_supply});
  router.Add({"POST", "/api/activities/{id}/attendance", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.Attendance(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::manage_supply});
  router.Add({"POST", "/api/pairings", true, [&s](ApiRequest& req) {
                return ApiResponse{201, s.CreatePairing(*req.ctx, Body(req))};
              }}).Permit({&RolePermissions::manage_supply});
  router.Add({"POST", "/api/pairings/{id}/end", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.EndPairing(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::manage_supply});
  router.Add({"GET", "/api/pairings", true, [&s](ApiRequest& req) {
                return ApiResponse{200, s.Pairings(*req.ctx, IntParam(req.query, "provider", 0), Q(req, "active") == "1")};
              }}).Permit({&RolePermissions::read_children});
}

}  // namespace tongan
