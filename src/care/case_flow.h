// The case loop (个案闭环, DOMAIN.md §6): stages, where a case starts, which moves between stages
// are allowed and on what conditions, and the deadline of each stage. No I/O: the caller gathers
// the case's facts from its records and stores the outcome.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/date.h"

namespace tongan::care {

enum class CaseStage {
  kScreening,     // 排查
  kWarning,       // 预警
  kConsultation,  // 会商
  kIntervention,  // 介入
  kFeedback,      // 反馈
  kMonitoring,    // 监测
  kClosed,        // 结案
};

std::string_view StageCode(CaseStage stage);    // "screening", …
std::string_view StageNameZh(CaseStage stage);  // "排查", …
std::optional<CaseStage> ParseStage(std::string_view code);
const std::vector<CaseStage>& AllStages();      // in loop order, closed last

// How the case came to the system.
enum class CaseSource {
  kScreening,                 // 日常排查
  kWarning,                   // 预警触发
  kMandatoryReport,           // 强制报告
  kEmergency,                 // 应急处置
  kAssessment,                // 评估帮扶
  kGuardianshipIntervention,  // 监护干预
};

std::string_view SourceCode(CaseSource source);    // "screening", …
std::string_view SourceNameZh(CaseSource source);  // "日常排查", …
std::optional<CaseSource> ParseSource(std::string_view code);
const std::vector<CaseSource>& AllSources();

// Where a new case starts: an emergency goes straight to intervention (a 未成年人救助保护机构
// takes temporary guardianship at once); a warning starts at the warning stage; everything else is
// screened first.
CaseStage InitialStage(CaseSource source);

// Deadlines and measures of the case loop; data/care.json "case_flow".
struct CaseFlowConfig {
  std::map<CaseStage, int> deadline_days;   // days allowed in each open stage
  int mandatory_report_response_hours = 24; // a mandatory report must be screened within this
  int min_monitoring_days = 30;             // monitoring lasts at least this long before closing
  // Intervention measures, code → 中文, in display order.
  std::vector<std::pair<std::string, std::string>> measures;
  // The codes among `measures` that are 监护干预 (guardianship intervention).
  std::vector<std::string> guardianship_measures;

  // Reads {"deadline_days": {"screening": 7, …}, "mandatory_report_response_hours": 24,
  // "min_monitoring_days": 30, "measures": [{"code": "admonish", "name_zh": "劝诫"}, …],
  // "guardianship_measures": ["admonish", …]}. Every open stage needs a deadline. Keys starting
  // with "_" are comments. Throws std::invalid_argument with a Chinese message naming the key.
  static CaseFlowConfig FromJson(const nlohmann::json& json);
  nlohmann::json ToJson() const;

  // Chinese name of a measure code, or nullopt when the code is not configured.
  std::optional<std::string> MeasureNameZh(std::string_view code) const;
  bool IsGuardianshipMeasure(std::string_view code) const;
};

// What the flow needs to know about a case to allow a move.
struct CaseFacts {
  CaseStage stage = CaseStage::kScreening;
  CaseSource source = CaseSource::kScreening;
  bool has_assignee = false;
  bool has_consultation = false;  // 会商意见 recorded
  int measures = 0;               // intervention measures recorded
  int guardianship_measures = 0;  // of which 监护干预
  bool has_assessment = false;    // a scored assessment exists
  bool has_help_plan = false;     // 帮扶计划 recorded
  bool has_feedback = false;      // 反馈 recorded
  int days_in_stage = 0;
  int open_referrals = 0;         // referrals not yet done/rejected
};

// The verdict on one move. When allowed, code and reason are empty; otherwise code is one of
// case_closed invalid_transition no_assignee no_consultation no_assessment no_help_plan
// no_guardianship_measure no_measure no_feedback monitoring_too_short open_referrals.
struct TransitionCheck {
  bool allowed = false;
  std::string code;
  std::string reason_zh;
};

// Allowed moves: one stage forward in loop order; feedback → intervention and monitoring →
// intervention (more help needed); screening → closed and warning → closed only when the caller
// states the screening found no risk (close_without_risk). Every move except that closing needs an
// assignee. Stage conditions: see the codes above and case_flow.cpp.
TransitionCheck CheckTransition(const CaseFacts& facts, CaseStage to, const CaseFlowConfig& config,
                                bool close_without_risk = false);

// Deadline of a stage entered on `entered`: entered + the stage's days. The first stage of a
// mandatory report gets the response hours instead, rounded up to whole days (at least one).
// A closed case, or a stage without a configured deadline, has none: returns `entered`.
Date StageDeadline(CaseStage stage, CaseSource source, Date entered, const CaseFlowConfig& config);

}  // namespace tongan::care
