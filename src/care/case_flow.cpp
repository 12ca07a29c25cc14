#include "care/case_flow.h"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>

#include "care/json_read.h"

namespace tongan::care {
namespace {

struct StageInfo {
  CaseStage value;
  std::string_view code;
  std::string_view name_zh;
};

constexpr std::array<StageInfo, 7> kStages{{
    {CaseStage::kScreening, "screening", "排查"},
    {CaseStage::kWarning, "warning", "预警"},
    {CaseStage::kConsultation, "consultation", "会商"},
    {CaseStage::kIntervention, "intervention", "介入"},
    {CaseStage::kFeedback, "feedback", "反馈"},
    {CaseStage::kMonitoring, "monitoring", "监测"},
    {CaseStage::kClosed, "closed", "结案"},
}};

struct SourceInfo {
  CaseSource value;
  std::string_view code;
  std::string_view name_zh;
};

constexpr std::array<SourceInfo, 6> kSources{{
    {CaseSource::kScreening, "screening", "日常排查"},
    {CaseSource::kWarning, "warning", "预警触发"},
    {CaseSource::kMandatoryReport, "mandatory_report", "强制报告"},
    {CaseSource::kEmergency, "emergency", "应急处置"},
    {CaseSource::kAssessment, "assessment", "评估帮扶"},
    {CaseSource::kGuardianshipIntervention, "guardianship_intervention", "监护干预"},
}};

const std::string kWhere = "个案流程配置 case_flow：";

int Order(CaseStage stage) { return static_cast<int>(stage); }

std::string Quoted(CaseStage stage) { return "「" + std::string(StageNameZh(stage)) + "」"; }

TransitionCheck Refuse(std::string code, std::string reason) {
  return TransitionCheck{false, std::move(code), std::move(reason)};
}

// The shape of the move, before any condition: which moves exist at all.
enum class MoveKind { kForward, kBackToIntervention, kCloseWithoutRisk, kInvalid };

MoveKind KindOf(CaseStage from, CaseStage to, bool close_without_risk) {
  if (to == CaseStage::kClosed && close_without_risk &&
      (from == CaseStage::kScreening || from == CaseStage::kWarning))
    return MoveKind::kCloseWithoutRisk;
  if (Order(to) == Order(from) + 1) return MoveKind::kForward;
  if (to == CaseStage::kIntervention &&
      (from == CaseStage::kFeedback || from == CaseStage::kMonitoring))
    return MoveKind::kBackToIntervention;
  return MoveKind::kInvalid;
}

std::string GuardianshipMeasureNames(const CaseFlowConfig& config) {
  std::string names;
  for (const auto& code : config.guardianship_measures) {
    if (!names.empty()) names += "、";
    names += config.MeasureNameZh(code).value_or(code);
  }
  return names;
}

}  // namespace

std::string_view StageCode(CaseStage stage) {
  for (const auto& info : kStages)
    if (info.value == stage) return info.code;
  return "";
}

std::string_view StageNameZh(CaseStage stage) {
  for (const auto& info : kStages)
    if (info.value == stage) return info.name_zh;
  return "";
}

std::optional<CaseStage> ParseStage(std::string_view code) {
  for (const auto& info : kStages)
    if (info.code == code) return info.value;
  return std::nullopt;
}

const std::vector<CaseStage>& AllStages() {
  static const std::vector<CaseStage> all = [] {
    std::vector<CaseStage> out;
    for (const auto& info : kStages) out.push_back(info.value);
    return out;
  }();
  return all;
}

std::string_view SourceCode(CaseSource source) {
  for (const auto& info : kSources)
    if (info.value == source) return info.code;
  return "";
}

std::string_view SourceNameZh(CaseSource source) {
  for (const auto& info : kSources)
    if (info.value == source) return info.name_zh;
  return "";
}

std::optional<CaseSource> ParseSource(std::string_view code) {
  for (const auto& info : kSources)
    if (info.code == code) return info.value;
  return std::nullopt;
}

const std::vector<CaseSource>& AllSources() {
  static const std::vector<CaseSource> all = [] {
    std::vector<CaseSource> out;
    for (const auto& info : kSources) out.push_back(info.value);
    return out;
  }();
  return all;
}

CaseStage InitialStage(CaseSource source) {
  switch (source) {
    case CaseSource::kEmergency: return CaseStage::kIntervention;
    case CaseSource::kWarning: return CaseStage::kWarning;
    default: return CaseStage::kScreening;
  }
}

CaseFlowConfig CaseFlowConfig::FromJson(const nlohmann::json& json) {
  using internal::ReadInt;
  if (!json.is_object()) throw std::invalid_argument(kWhere + "应为 JSON 对象");
  internal::CheckKeys(json,
                      {"deadline_days", "mandatory_report_response_hours", "min_monitoring_days",
                       "measures", "guardianship_measures"},
                      kWhere);
  CaseFlowConfig config;

  const auto deadlines = json.find("deadline_days");
  if (deadlines == json.end() || !deadlines->is_object())
    throw std::invalid_argument(kWhere + "缺少各阶段时限 deadline_days（对象，如 {\"screening\": 7}）");
  for (const auto& [key, value] : deadlines->items()) {
    if (key.starts_with("_")) continue;
    const auto stage = ParseStage(key);
    if (!stage || *stage == CaseStage::kClosed)
      throw std::invalid_argument(kWhere + "deadline_days 含未知阶段：" + key);
    config.deadline_days[*stage] = ReadInt(*deadlines, key, 1, 0, kWhere + "deadline_days.");
  }
  for (CaseStage stage : AllStages()) {
    if (stage != CaseStage::kClosed && !config.deadline_days.count(stage))
      throw std::invalid_argument(kWhere + "deadline_days 缺少阶段 " + std::string(StageCode(stage)) +
                                  "（" + std::string(StageNameZh(stage)) + "）的时限");
  }

  config.mandatory_report_response_hours = ReadInt(json, "mandatory_report_response_hours", 1,
                                                   config.mandatory_report_response_hours, kWhere);
  config.min_monitoring_days =
      ReadInt(json, "min_monitoring_days", 0, config.min_monitoring_days, kWhere);

  const auto measures = json.find("measures");
  if (measures == json.end() || !measures->is_array() || measures->empty())
    throw std::invalid_argument(kWhere + "缺少介入措施列表 measures");
  std::set<std::string> codes;
  for (size_t i = 0; i < measures->size(); ++i) {
    const auto& m = (*measures)[i];
    const std::string where = kWhere + "measures 第" + std::to_string(i + 1) + "项";
    if (!m.is_object()) throw std::invalid_argument(where + "应为对象 {\"code\", \"name_zh\"}");
    internal::CheckKeys(m, {"code", "name_zh"}, where);
    std::string code = internal::ReadString(m, "code", true, where + " ");
    std::string name = internal::ReadString(m, "name_zh", true, where + " ");
    if (!codes.insert(code).second) throw std::invalid_argument(kWhere + "measures 措施代码重复：" + code);
    config.measures.emplace_back(std::move(code), std::move(name));
  }

  const auto guardianship = json.find("guardianship_measures");
  if (guardianship == json.end() || !guardianship->is_array() || guardianship->empty())
    throw std::invalid_argument(kWhere + "缺少监护干预措施列表 guardianship_measures");
  for (const auto& code : *guardianship) {
    if (!code.is_string())
      throw std::invalid_argument(kWhere + "guardianship_measures 应为措施代码列表");
    if (!codes.count(code.get<std::string>()))
      throw std::invalid_argument(kWhere + "guardianship_measures 含 measures 中没有的措施：" +
                                  code.get<std::string>());
    config.guardianship_measures.push_back(code.get<std::string>());
  }
  return config;
}

nlohmann::json CaseFlowConfig::ToJson() const {
  nlohmann::json deadlines = nlohmann::json::object();
  for (const auto& [stage, days] : deadline_days) deadlines[std::string(StageCode(stage))] = days;
  nlohmann::json measure_list = nlohmann::json::array();
  for (const auto& [code, name] : measures) measure_list.push_back({{"code", code}, {"name_zh", name}});
  return {{"deadline_days", deadlines},
          {"mandatory_report_response_hours", mandatory_report_response_hours},
          {"min_monitoring_days", min_monitoring_days},
          {"measures", measure_list},
          {"guardianship_measures", guardianship_measures}};
}

std::optional<std::string> CaseFlowConfig::MeasureNameZh(std::string_view code) const {
  for (const auto& [c, name] : measures)
    if (c == code) return name;
  return std::nullopt;
}

bool CaseFlowConfig::IsGuardianshipMeasure(std::string_view code) const {
  for (const auto& c : guardianship_measures)
    if (c == code) return true;
  return false;
}

TransitionCheck CheckTransition(const CaseFacts& facts, CaseStage to, const CaseFlowConfig& config,
                                bool close_without_risk) {
  const CaseStage from = facts.stage;
  if (from == CaseStage::kClosed) return Refuse("case_closed", "个案已结案，不能再流转");
  if (from == to) return Refuse("invalid_transition", "个案已处于" + Quoted(from) + "阶段");

  const MoveKind kind = KindOf(from, to, close_without_risk);
  if (kind == MoveKind::kInvalid) {
    std::string reason = "不能从" + Quoted(from) + "直接转到" + Quoted(to);
    if (to == CaseStage::kClosed && (from == CaseStage::kScreening || from == CaseStage::kWarning))
      reason += "（排查确认无风险时可直接结案）";
    return Refuse("invalid_transition", reason);
  }
  // Closing a screening that found nothing is the one step anyone on the case may take at once:
  // requiring an assignee would leave false alarms open.
  if (kind == MoveKind::kCloseWithoutRisk) return TransitionCheck{true, "", ""};
  if (!facts.has_assignee) return Refuse("no_assignee", "请先指定负责人");

  if (to == CaseStage::kIntervention) {
    if (from == CaseStage::kConsultation && !facts.has_consultation)
      return Refuse("no_consultation", "请先记录会商意见，再转入介入");
    // 评估帮扶: help follows a scored assessment and a written plan, never the other way round.
    if (facts.source == CaseSource::kAssessment) {
      if (!facts.has_assessment) return Refuse("no_assessment", "评估帮扶个案须先完成风险评估，再转入介入");
      if (!facts.has_help_plan) return Refuse("no_help_plan", "评估帮扶个案须先制定帮扶计划，再转入介入");
    }
  }
  if (from == CaseStage::kIntervention && to == CaseStage::kFeedback) {
    if (facts.source == CaseSource::kGuardianshipIntervention) {
      if (facts.guardianship_measures <= 0)
        return Refuse("no_guardianship_measure", "监护干预个案须至少记录一项监护干预措施（" +
                                                     GuardianshipMeasureNames(config) + "）");
    } else if (facts.measures <= 0) {
      return Refuse("no_measure", "请先记录至少一项介入措施");
    }
  }
  if (from == CaseStage::kFeedback && to == CaseStage::kMonitoring && !facts.has_feedback)
    return Refuse("no_feedback", "请先记录反馈情况，再转入监测");
  if (from == CaseStage::kMonitoring && to == CaseStage::kClosed) {
    if (facts.days_in_stage < config.min_monitoring_days)
      return Refuse("monitoring_too_short",
                    "监测期至少 " + std::to_string(config.min_monitoring_days) + " 天，还需 " +
                        std::to_string(config.min_monitoring_days - facts.days_in_stage) + " 天");
    if (facts.open_referrals > 0)
      return Refuse("open_referrals",
                    "尚有 " + std::to_string(facts.open_referrals) + " 项转介未办结，不能结案");
  }
  return TransitionCheck{true, "", ""};
}

Date StageDeadline(CaseStage stage, CaseSource source, Date entered, const CaseFlowConfig& config) {
  using std::chrono::days;
  using std::chrono::sys_days;
  if (stage == CaseStage::kClosed) return entered;
  if (source == CaseSource::kMandatoryReport && stage == InitialStage(source)) {
    const int hours = std::max(1, config.mandatory_report_response_hours);
    return Date{sys_days{entered} + days{(hours + 23) / 24}};
  }
  const auto it = config.deadline_days.find(stage);
  if (it == config.deadline_days.end()) return entered;
  return Date{sys_days{entered} + days{it->second}};
}

}  // namespace tongan::care
