#include "http/api_routes.h"

#include <charconv>

#include "app/api_error.h"
#include "core/child_json.h"
#include "core/resident_id.h"
#include "http/params.h"

namespace tongan {
namespace {

using nlohmann::json;

const json& RequireObject(const ApiRequest& req) {
  if (!req.body.is_object()) throw ApiError(400, "bad_json", "请求体应为 JSON 对象");
  return req.body;
}

json EnumJson(const std::vector<EnumValue>& values) {
  json out = json::array();
  for (const auto& v : values) out.push_back({{"code", v.code}, {"name", v.name_zh}});
  return out;
}

json MetaJson() {
  json classes = json::array(), groups = json::array(), roles = json::array();
  for (ChildClass c : AllChildClasses())
    classes.push_back({{"code", ChildClassCode(c)}, {"name", ChildClassNameZh(c)}});
  for (const AgeGroup& g : AgeGroups()) groups.push_back({{"code", g.code}, {"name", g.name_zh}});
  for (Role r : AllRoles()) roles.push_back({{"code", RoleCode(r)}, {"name", RoleNameZh(r)}});
  return {{"classes", classes},
          {"age_groups", groups},
          {"roles", roles},
          {"parent_status", EnumJson(ParentStatusValues())},
          {"living_with", EnumJson(LivingWithValues())},
          {"family_economy", EnumJson(FamilyEconomyValues())},
          {"disability", EnumJson(DisabilityValues())}};
}

ChildSearchParams SearchParams(const ApiRequest& req) {
  ChildSearchParams p;
  p.region = TextParam(req.query, "region");
  p.q = TextParam(req.query, "q");
  p.child_class = TextParam(req.query, "class");
  p.age_group = TextParam(req.query, "age_group");
  p.page = IntParam(req.query, "page", 1);
  p.page_size = IntParam(req.query, "page_size", 20);
  return p;
}

}  // namespace

void AddApiRoutes(Router& router, ChildService& children) {
  // Reference data for every signed-in user: the public region tree (no villages) and code lists.
  router.Add({"GET", "/api/places", true, [&children](ApiRequest&) {
                return ApiResponse{200, children.Place("")};
              }}).AnyUser();
  router.Add({"GET", "/api/places/{code}", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Place(req.params["code"])};
              }}).AnyUser();
  router.Add({"GET", "/api/meta", true, [](ApiRequest&) { return ApiResponse{200, MetaJson()}; }}).AnyUser();
  // Any user, within their own subtree: the service refuses a region outside it.
  router.Add({"GET", "/api/regions/{code}", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Region(*req.ctx, req.params["code"])};
              }}).AnyUser();
  router.Add({"GET", "/api/children", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Search(*req.ctx, SearchParams(req))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/children/export", true, [&children](ApiRequest& req) {
                ChildSearchParams params = SearchParams(req);
                params.reason = TextParam(req.query, "reason");
                return ApiResponse{200, children.Export(*req.ctx, params)};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"POST", "/api/children", true, [&children](ApiRequest& req) {
                return ApiResponse{201, children.Create(*req.ctx, RequireObject(req))};
              }}).Permit({&RolePermissions::create_children});
  router.Add({"GET", "/api/children/{id}", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Get(*req.ctx, IntParam(req.params, "id", 0))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"PUT", "/api/children/{id}", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Update(*req.ctx, IntParam(req.params, "id", 0),
                                                        RequireObject(req))};
              }}).Permit({&RolePermissions::update_children});
  router.Add({"GET", "/api/children/{id}/history", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.History(*req.ctx, IntParam(req.params, "id", 0))};
              }}).Permit({&RolePermissions::read_children});
  // Checks a typed ID number's form and check digit; reads no record.
  router.Add({"POST", "/api/id-check", true, [&children](ApiRequest& req) {
                const json& body = RequireObject(req);
                for (const auto& [key, value] : body.items())
                  if (key != "id_number")
                    throw ApiError(400, "unknown_field", "字段 " + key + " 不是可识别的字段", key);
                if (!body.contains("id_number") || !body["id_number"].is_string())
                  throw ApiError(400, "missing_field", "缺少 id_number", "id_number");
                return ApiResponse{200, children.CheckId(body["id_number"])};
              }}).AnyUser();
  router.Add({"GET", "/api/stats/summary", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Summary(*req.ctx, TextParam(req.query, "region"))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/stats/trend", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Trend(*req.ctx, TextParam(req.query, "region"))};
              }}).Permit({&RolePermissions::read_children});
}

}  // namespace tongan
