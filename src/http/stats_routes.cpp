#include "http/stats_routes.h"

#include "http/params.h"

namespace tongan {

void AddStatsRoutes(Router& router, StatsService& stats) {
  StatsService& s = stats;
  const auto q = [](ApiRequest& req, const char* key) { return TextParam(req.query, key); };
  router.Add({"GET", "/api/stats/dashboard", true, [&s, q](ApiRequest& req) {
                return ApiResponse{200, s.Dashboard(*req.ctx, q(req, "region"))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/stats/history", true, [&s, q](ApiRequest& req) {
                return ApiResponse{200, s.Trend(*req.ctx, q(req, "region"))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/stats/supervision", true, [&s, q](ApiRequest& req) {
                return ApiResponse{200, s.Supervision(*req.ctx, q(req, "region"))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/stats/dispatch", true, [&s, q](ApiRequest& req) {
                return ApiResponse{200, s.Dispatch(*req.ctx, q(req, "region"), q(req, "month"))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/stats/children", true, [&s, q](ApiRequest& req) {
                return ApiResponse{200, s.Children(*req.ctx, q(req, "region"), q(req, "key"),
                                                   IntParam(req.query, "page", 1), IntParam(req.query, "page_size", 20))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/stats/export.xlsx", true, [&s, q](ApiRequest& req) {
                DownloadFile f = s.Export(*req.ctx, q(req, "region"));
                ApiResponse r;
                r.file = FileBody{std::move(f.content_type), std::move(f.file_name), std::move(f.bytes)};
                return r;
              }}).Permit({&RolePermissions::read_children});
}

}  // namespace tongan
