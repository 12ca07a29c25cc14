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

void AddApiRoutes(Router& router, AuthService& auth, ChildService& children, UserService& users) {

  router.Add({"POST", "/api/login", false, [&auth, &users](ApiRequest& req) {
                const json& body = RequireObject(req);
                for (const auto& [key, value] : body.items())
                  if (key != "username" && key != "password")
                    throw ApiError(400, "unknown_field", "字段 " + key + " 不是可识别的字段", key);
                if (!body.contains("username") || !body["username"].is_string() ||
                    !body.contains("password") || !body["password"].is_string())
                  throw ApiError(400, "missing_field", "请输入用户名和密码");
                const LoginResult result = auth.Login(body["username"], body["password"], req.remote);
                return ApiResponse{200,
                                   {{"token", result.token},
                                    {"expires_at", result.expires_at},
                                    {"user", users.UserJson(result.user)}}};
              }});
  router.Add({"POST", "/api/logout", true, [&auth](ApiRequest& req) {
                auth.Logout(req.bearer_token, req.ctx->user, req.remote);
                return ApiResponse{200, {{"ok", true}}};
              }});
  router.Add({"GET", "/api/me", true, [&users](ApiRequest& req) {
                return ApiResponse{200, users.UserJson(req.ctx->user)};
              }});
  router.Add({"GET", "/api/users", true, [&users](ApiRequest& req) {
                return ApiResponse{200, users.List(*req.ctx)};
              }});
  router.Add({"POST", "/api/users", true, [&users](ApiRequest& req) {
                return ApiResponse{201, users.Create(*req.ctx, RequireObject(req))};
              }});
  router.Add({"POST", "/api/users/{id}/disable", true, [&users](ApiRequest& req) {
                return ApiResponse{200, users.SetDisabled(*req.ctx, IntParam(req.params, "id", 0), true)};
              }});
  router.Add({"POST", "/api/users/{id}/enable", true, [&users](ApiRequest& req) {
                return ApiResponse{200, users.SetDisabled(*req.ctx, IntParam(req.params, "id", 0), false)};
              }});
  router.Add({"GET", "/api/places", true, [&children](ApiRequest&) {
                return ApiResponse{200, children.Place("")};
              }});
  router.Add({"GET", "/api/places/{code}", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Place(req.params["code"])};
              }});
  router.Add({"GET", "/api/meta", true, [](ApiRequest&) { return ApiResponse{200, MetaJson()}; }});
  router.Add({"GET", "/api/regions/{code}", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Region(*req.ctx, req.params["code"])};
              }});
  router.Add({"GET", "/api/children", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Search(*req.ctx, SearchParams(req))};
              }});
  router.Add({"GET", "/api/children/export", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Export(*req.ctx, SearchParams(req))};
              }});
  router.Add({"POST", "/api/children", true, [&children](ApiRequest& req) {
                return ApiResponse{201, children.Create(*req.ctx, RequireObject(req))};
              }});
  router.Add({"GET", "/api/children/{id}", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Get(*req.ctx, IntParam(req.params, "id", 0))};
              }});
  router.Add({"PUT", "/api/children/{id}", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Update(*req.ctx, IntParam(req.params, "id", 0),
                                                        RequireObject(req))};
              }});
  router.Add({"GET", "/api/children/{id}/history", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.History(*req.ctx, IntParam(req.params, "id", 0))};
              }});
  router.Add({"POST", "/api/id-check", true, [&children](ApiRequest& req) {
                const json& body = RequireObject(req);
                for (const auto& [key, value] : body.items())
                  if (key != "id_number")
                    throw ApiError(400, "unknown_field", "字段 " + key + " 不是可识别的字段", key);
                if (!body.contains("id_number") || !body["id_number"].is_string())
                  throw ApiError(400, "missing_field", "缺少 id_number", "id_number");
                return ApiResponse{200, children.CheckId(body["id_number"])};
              }});
  router.Add({"GET", "/api/stats/summary", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Summary(*req.ctx, TextParam(req.query, "region"))};
              }});
  router.Add({"GET", "/api/stats/trend", true, [&children](ApiRequest& req) {
                return ApiResponse{200, children.Trend(*req.ctx, TextParam(req.query, "region"))};
              }});
}

}  // namespace tongan
