#include "http/department_routes.h"

#include "http/params.h"

namespace tongan {
namespace {

ApiResponse FileResponse(DownloadFile file) {
  ApiResponse r;
  r.file = FileBody{std::move(file.content_type), std::move(file.file_name), std::move(file.bytes)};
  return r;
}

int64_t Id(ApiRequest& req) { return IntParam(req.params, "id", 0); }
int64_t Page(ApiRequest& req) { return IntParam(req.query, "page", 1); }
int64_t PageSize(ApiRequest& req) { return IntParam(req.query, "page_size", 20); }

}  // namespace

void AddDepartmentRoutes(Router& router, ImportService& imports, LinkService& links,
                         FindingsService& findings) {
  router.Add({"GET", "/api/import-profiles", true, [&imports](ApiRequest& req) {
                return ApiResponse{200, imports.Profiles(*req.ctx)};
              }}).Permit({&RolePermissions::import_data, &RolePermissions::review_links});
  Route upload{"POST", "/api/imports", true, [&imports](ApiRequest& req) {
                 auto result = imports.Import(*req.ctx, TextParam(req.query, "profile"),
                                              TextParam(req.query, "file_name"), req.raw_body);
                 const int status = result["duplicate_file"].get<bool>() ? 200 : 201;
                 return ApiResponse{status, std::move(result)};
               }};
  upload.raw_body = true;
  upload.max_body = ImportService::kMaxUploadBytes;
  router.Add(std::move(upload)).Permit({&RolePermissions::import_data});
  router.Add({"GET", "/api/imports", true, [&imports](ApiRequest& req) {
                return ApiResponse{200, imports.Batches(*req.ctx)};
              }}).Permit({&RolePermissions::import_data, &RolePermissions::review_links});
  router.Add({"GET", "/api/imports/{id}", true, [&imports](ApiRequest& req) {
                return ApiResponse{200, imports.Batch(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::import_data, &RolePermissions::review_links});
  router.Add({"GET", "/api/imports/{id}/rows", true, [&imports](ApiRequest& req) {
                return ApiResponse{200, imports.Rows(*req.ctx, Id(req), TextParam(req.query, "status"),
                                                     Page(req), PageSize(req))};
              }}).Permit({&RolePermissions::import_data, &RolePermissions::review_links});
  router.Add({"GET", "/api/imports/{id}/rejected.xlsx", true, [&imports](ApiRequest& req) {
                return FileResponse(imports.Rejected(*req.ctx, Id(req), "xlsx"));
              }}).Permit({&RolePermissions::import_data, &RolePermissions::review_links});
  router.Add({"GET", "/api/imports/{id}/rejected.csv", true, [&imports](ApiRequest& req) {
                return FileResponse(imports.Rejected(*req.ctx, Id(req), "csv"));
              }}).Permit({&RolePermissions::import_data, &RolePermissions::review_links});
  router.Add({"POST", "/api/imports/{id}/relink", true, [&imports](ApiRequest& req) {
                return ApiResponse{200, imports.Relink(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::review_links});

  router.Add({"GET", "/api/links", true, [&links](ApiRequest& req) {
                return ApiResponse{200, links.List(*req.ctx, TextParam(req.query, "state"),
                                                   IntParam(req.query, "batch", 0),
                                                   TextParam(req.query, "kind"), Page(req), PageSize(req))};
              }}).Permit({&RolePermissions::review_links});
  router.Add({"GET", "/api/links/{id}", true, [&links](ApiRequest& req) {
                return ApiResponse{200, links.Get(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::review_links});
  router.Add({"POST", "/api/links/{id}/accept", true, [&links](ApiRequest& req) {
                return ApiResponse{200, links.Accept(*req.ctx, Id(req), req.body)};
              }}).Permit({&RolePermissions::review_links});
  router.Add({"POST", "/api/links/{id}/reject", true, [&links](ApiRequest& req) {
                return ApiResponse{200, links.Reject(*req.ctx, Id(req), req.body)};
              }}).Permit({&RolePermissions::review_links});
  router.Add({"POST", "/api/links/{id}/undo", true, [&links](ApiRequest& req) {
                return ApiResponse{200, links.Undo(*req.ctx, Id(req), req.body)};
              }}).Permit({&RolePermissions::review_links});
  router.Add({"GET", "/api/children/{id}/sources", true, [&links](ApiRequest& req) {
                return ApiResponse{200, links.ChildSources(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::read_children});

  router.Add({"GET", "/api/findings", true, [&findings](ApiRequest& req) {
                return ApiResponse{200, findings.Summary(*req.ctx)};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/findings/unregistered", true, [&findings](ApiRequest& req) {
                return ApiResponse{200, findings.Unregistered(*req.ctx, Page(req), PageSize(req))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/findings/separated", true, [&findings](ApiRequest& req) {
                return ApiResponse{200, findings.Separated(*req.ctx, Page(req), PageSize(req))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/findings/needs/{rule}", true, [&findings](ApiRequest& req) {
                return ApiResponse{200, findings.Needs(*req.ctx, req.params["rule"], Page(req), PageSize(req))};
              }}).Permit({&RolePermissions::read_children});
}

}  // namespace tongan
