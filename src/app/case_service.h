// The case loop (个案闭环, DOMAIN.md §6): 排查 → 预警 → 会商 → 介入 → 反馈 → 监测 → 结案, opened by
// screening, a warning, a mandatory report (reporter kept confidential), an emergency (temporary
// guardianship by a 未成年人救助保护机构), an assessment or a guardianship intervention. Every step
// has an assignee and a deadline; every action is an event in the case history; moves the loop
// does not allow are refused with the reason.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "app/audit_log.h"
#include "app/care_service.h"
#include "app/child_service.h"
#include "store/store.h"

namespace tongan {

class CaseService {
 public:
  CaseService(Store& store, AuditLog& audit, CareService& care, std::function<Date()> today = TodayInChina)
      : store_(store), audit_(audit), care_(care), today_(std::move(today)) {}

  nlohmann::json Meta(const RequestContext& ctx) const;  // stages, sources, measures, assessment form
  nlohmann::json Create(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json Get(const RequestContext& ctx, int64_t id);
  nlohmann::json List(const RequestContext& ctx, const std::string& stage, bool overdue, bool mine,
                      int64_t page, int64_t page_size);
  nlohmann::json ChildCases(const RequestContext& ctx, int64_t child_id);
  // One action on a case: assign, consultation, measure, assessment, help_plan, feedback, note,
  // transition. `version` must match (409 version_conflict otherwise).
  nlohmann::json Act(const RequestContext& ctx, int64_t id, const nlohmann::json& body);

 private:
  nlohmann::json View(const RequestContext& ctx, const CaseRecord& record, bool with_events);
  care::CaseFacts FactsOf(const CaseRecord& record, const std::vector<CaseEvent>& events);

  Store& store_;
  AuditLog& audit_;
  CareService& care_;
  std::function<Date()> today_;
};

}  // namespace tongan
