#include "http/care_routes.h"

#include "http/params.h"

namespace tongan {
namespace {

int64_t Id(ApiRequest& req) { return IntParam(req.params, "id", 0); }
int64_t Page(ApiRequest& req) { return IntParam(req.query, "page", 1); }
int64_t PageSize(ApiRequest& req) { return IntParam(req.query, "page_size", 20); }
const nlohmann::json& Body(ApiRequest& req) {
  if (!req.body.is_object()) throw ApiError(400, "bad_json", "请求体应为 JSON 对象");
  return req.body;
}

}  // namespace

void AddCareRoutes(Router& router, CareService& care, CaseService& cases, ReferralService& referrals,
                   TransferService& transfers) {
  router.Add({"GET", "/api/care", true, [&care](ApiRequest& req) {
                return ApiResponse{200, care.List(*req.ctx, TextParam(req.query, "view").empty() ? "ledger" : TextParam(req.query, "view"),
                                                  TextParam(req.query, "region"), TextParam(req.query, "colour"),
                                                  Page(req), PageSize(req))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/care/summary", true, [&care](ApiRequest& req) {
                return ApiResponse{200, care.Summary(*req.ctx, TextParam(req.query, "region"))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/care/rules", true, [&care](ApiRequest& req) {
                return ApiResponse{200, care.Rules(*req.ctx)};
              }}).Permit({&RolePermissions::manage_rules, &RolePermissions::read_children});
  router.Add({"PUT", "/api/care/rules", true, [&care](ApiRequest& req) {
                return ApiResponse{200, care.SaveRules(*req.ctx, req.body)};
              }}).Permit({&RolePermissions::manage_rules});
  router.Add({"GET", "/api/children/{id}/care", true, [&care](ApiRequest& req) {
                return ApiResponse{200, care.ChildCare(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"POST", "/api/children/{id}/ledger/enter", true, [&care](ApiRequest& req) {
                return ApiResponse{200, care.LedgerDecision(*req.ctx, Id(req), true, Body(req))};
              }}).Permit({&RolePermissions::record_visits});
  router.Add({"POST", "/api/children/{id}/ledger/leave", true, [&care](ApiRequest& req) {
                return ApiResponse{200, care.LedgerDecision(*req.ctx, Id(req), false, Body(req))};
              }}).Permit({&RolePermissions::record_visits});
  router.Add({"POST", "/api/children/{id}/visits", true, [&care](ApiRequest& req) {
                return ApiResponse{201, care.RecordVisit(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::record_visits});
  router.Add({"GET", "/api/children/{id}/cases", true, [&cases](ApiRequest& req) {
                return ApiResponse{200, cases.ChildCases(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/children/{id}/referrals", true, [&referrals](ApiRequest& req) {
                return ApiResponse{200, referrals.ChildReferrals(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::read_children});

  router.Add({"GET", "/api/case-meta", true, [&cases](ApiRequest& req) {
                return ApiResponse{200, cases.Meta(*req.ctx)};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"GET", "/api/cases", true, [&cases](ApiRequest& req) {
                return ApiResponse{200, cases.List(*req.ctx, TextParam(req.query, "stage"),
                                                   TextParam(req.query, "overdue") == "1",
                                                   TextParam(req.query, "mine") == "1", Page(req), PageSize(req))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"POST", "/api/cases", true, [&cases](ApiRequest& req) {
                return ApiResponse{201, cases.Create(*req.ctx, Body(req))};
              }}).Permit({&RolePermissions::manage_cases});
  router.Add({"GET", "/api/cases/{id}", true, [&cases](ApiRequest& req) {
                return ApiResponse{200, cases.Get(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"POST", "/api/cases/{id}/actions", true, [&cases](ApiRequest& req) {
                return ApiResponse{200, cases.Act(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::manage_cases});

  router.Add({"GET", "/api/referrals", true, [&referrals](ApiRequest& req) {
                return ApiResponse{200, referrals.List(*req.ctx, TextParam(req.query, "status"))};
              }}).Permit({&RolePermissions::read_children, &RolePermissions::receive_referrals});
  router.Add({"POST", "/api/referrals", true, [&referrals](ApiRequest& req) {
                return ApiResponse{201, referrals.Create(*req.ctx, Body(req))};
              }}).Permit({&RolePermissions::manage_cases});
  router.Add({"GET", "/api/referrals/{id}", true, [&referrals](ApiRequest& req) {
                return ApiResponse{200, referrals.Get(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::read_children, &RolePermissions::receive_referrals});
  router.Add({"POST", "/api/referrals/{id}/actions", true, [&referrals](ApiRequest& req) {
                return ApiResponse{200, referrals.Act(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::receive_referrals});

  router.Add({"GET", "/api/children/{id}/moves", true, [&transfers](ApiRequest& req) {
                return ApiResponse{200, transfers.ChildMoves(*req.ctx, Id(req))};
              }}).Permit({&RolePermissions::read_children});
  router.Add({"POST", "/api/children/{id}/transfers", true, [&transfers](ApiRequest& req) {
                return ApiResponse{201, transfers.RequestTransfer(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::manage_cases});
  router.Add({"GET", "/api/transfers", true, [&transfers](ApiRequest& req) {
                return ApiResponse{200, transfers.Transfers(*req.ctx, TextParam(req.query, "direction"))};
              }}).Permit({&RolePermissions::manage_cases});
  router.Add({"POST", "/api/transfers/{id}/accept", true, [&transfers](ApiRequest& req) {
                return ApiResponse{200, transfers.AcceptTransfer(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::manage_cases});
  router.Add({"POST", "/api/transfers/{id}/reject", true, [&transfers](ApiRequest& req) {
                return ApiResponse{200, transfers.RejectTransfer(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::manage_cases});
  router.Add({"POST", "/api/children/{id}/pushes", true, [&transfers](ApiRequest& req) {
                return ApiResponse{201, transfers.Push(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::manage_cases});
  router.Add({"GET", "/api/pushes", true, [&transfers](ApiRequest& req) {
                return ApiResponse{200, transfers.Pushes(*req.ctx, TextParam(req.query, "direction"))};
              }}).Permit({&RolePermissions::manage_cases});
  router.Add({"POST", "/api/pushes/{id}/reply", true, [&transfers](ApiRequest& req) {
                return ApiResponse{200, transfers.ReplyPush(*req.ctx, Id(req), Body(req))};
              }}).Permit({&RolePermissions::manage_cases});
}

}  // namespace tongan
