// The case loop: every allowed move and every refusal, where cases start, stage deadlines, and the
// shipped data/care.json.
#include "care/case_flow.h"

#include <gtest/gtest.h>

#include <fstream>

namespace tongan::care {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

nlohmann::json ReadDataFile(const std::string& name) {
  std::ifstream in(std::string(TONGAN_SOURCE_DIR) + "/data/" + name);
  return nlohmann::json::parse(in);
}

const CaseFlowConfig& Config() {
  static const CaseFlowConfig config = CaseFlowConfig::FromJson(ReadDataFile("care.json")["case_flow"]);
  return config;
}

// A case on which every condition is met; each test row takes one away.
CaseFacts Ready(CaseStage stage, CaseSource source = CaseSource::kScreening) {
  CaseFacts f;
  f.stage = stage;
  f.source = source;
  f.has_assignee = true;
  f.has_consultation = true;
  f.measures = 1;
  f.guardianship_measures = 1;
  f.has_assessment = true;
  f.has_help_plan = true;
  f.has_feedback = true;
  f.days_in_stage = 30;
  f.open_referrals = 0;
  return f;
}

TEST(CareCaseFlow, CodesAndNamesRoundTrip) {
  ASSERT_EQ(AllStages().size(), 7u);
  for (CaseStage s : AllStages()) EXPECT_EQ(ParseStage(StageCode(s)), s);
  EXPECT_EQ(StageNameZh(CaseStage::kConsultation), "会商");
  EXPECT_EQ(StageNameZh(CaseStage::kClosed), "结案");
  EXPECT_FALSE(ParseStage("done"));
  ASSERT_EQ(AllSources().size(), 6u);
  for (CaseSource s : AllSources()) EXPECT_EQ(ParseSource(SourceCode(s)), s);
  EXPECT_EQ(SourceCode(CaseSource::kGuardianshipIntervention), "guardianship_intervention");
  EXPECT_EQ(SourceNameZh(CaseSource::kMandatoryReport), "强制报告");
  EXPECT_FALSE(ParseSource("phone"));
}

TEST(CareCaseFlow, WhereCasesStart) {
  EXPECT_EQ(InitialStage(CaseSource::kEmergency), CaseStage::kIntervention);
  EXPECT_EQ(InitialStage(CaseSource::kWarning), CaseStage::kWarning);
  EXPECT_EQ(InitialStage(CaseSource::kScreening), CaseStage::kScreening);
  EXPECT_EQ(InitialStage(CaseSource::kMandatoryReport), CaseStage::kScreening);
  EXPECT_EQ(InitialStage(CaseSource::kAssessment), CaseStage::kScreening);
  EXPECT_EQ(InitialStage(CaseSource::kGuardianshipIntervention), CaseStage::kScreening);
}

struct Move {
  const char* name;
  CaseFacts facts;
  CaseStage to;
  bool close_without_risk;
};

TEST(CareCaseFlow, AllowedMoves) {
  CaseFacts unassigned_screening = Ready(CaseStage::kScreening);
  unassigned_screening.has_assignee = false;
  CaseFacts unassigned_warning = Ready(CaseStage::kWarning);
  unassigned_warning.has_assignee = false;
  CaseFacts guardianship = Ready(CaseStage::kIntervention, CaseSource::kGuardianshipIntervention);
  guardianship.measures = 1;  // the guardianship measure counts among the measures
  const std::vector<Move> moves = {
      {"screening→warning", Ready(CaseStage::kScreening), CaseStage::kWarning, false},
      {"warning→consultation", Ready(CaseStage::kWarning), CaseStage::kConsultation, false},
      {"consultation→intervention", Ready(CaseStage::kConsultation), CaseStage::kIntervention, false},
      {"intervention→feedback", Ready(CaseStage::kIntervention), CaseStage::kFeedback, false},
      {"guardianship intervention→feedback", guardianship, CaseStage::kFeedback, false},
      {"feedback→monitoring", Ready(CaseStage::kFeedback), CaseStage::kMonitoring, false},
      {"monitoring→closed", Ready(CaseStage::kMonitoring), CaseStage::kClosed, false},
      {"monitoring→closed ignores the no-risk flag", Ready(CaseStage::kMonitoring), CaseStage::kClosed, true},
      {"feedback→intervention", Ready(CaseStage::kFeedback), CaseStage::kIntervention, false},
      {"monitoring→intervention", Ready(CaseStage::kMonitoring), CaseStage::kIntervention, false},
      {"screening→closed without risk", Ready(CaseStage::kScreening), CaseStage::kClosed, true},
      {"warning→closed without risk", Ready(CaseStage::kWarning), CaseStage::kClosed, true},
      {"no-risk close needs no assignee", unassigned_screening, CaseStage::kClosed, true},
      {"no-risk close from warning needs no assignee", unassigned_warning, CaseStage::kClosed, true},
      {"assessment consultation→intervention",
       Ready(CaseStage::kConsultation, CaseSource::kAssessment), CaseStage::kIntervention, false},
  };
  for (const Move& m : moves) {
    const TransitionCheck check = CheckTransition(m.facts, m.to, Config(), m.close_without_risk);
    EXPECT_TRUE(check.allowed) << m.name << ": " << check.code << " " << check.reason_zh;
    EXPECT_EQ(check.code, "") << m.name;
  }
}

struct Refusal {
  const char* name;
  CaseFacts facts;
  CaseStage to;
  bool close_without_risk;
  const char* code;
  const char* reason_part;
};

TEST(CareCaseFlow, RefusedMoves) {
  const auto with = [](CaseFacts f, auto change) {
    change(f);
    return f;
  };
  const std::vector<Refusal> refusals = {
      {"closed is final", Ready(CaseStage::kClosed), CaseStage::kMonitoring, false, "case_closed", "已结案"},
      {"closed cannot reopen to intervention", Ready(CaseStage::kClosed), CaseStage::kIntervention, false,
       "case_closed", "已结案"},
      {"skip a stage", Ready(CaseStage::kConsultation), CaseStage::kFeedback, false, "invalid_transition",
       "不能从「会商」直接转到「反馈」"},
      {"backwards", Ready(CaseStage::kIntervention), CaseStage::kConsultation, false, "invalid_transition",
       "不能从「介入」直接转到「会商」"},
      {"monitoring back to feedback", Ready(CaseStage::kMonitoring), CaseStage::kFeedback, false,
       "invalid_transition", "不能从「监测」直接转到「反馈」"},
      {"screening→closed needs the no-risk flag", Ready(CaseStage::kScreening), CaseStage::kClosed, false,
       "invalid_transition", "排查确认无风险"},
      {"consultation→closed even without risk", Ready(CaseStage::kConsultation), CaseStage::kClosed, true,
       "invalid_transition", "不能从「会商」直接转到「结案」"},
      {"same stage", Ready(CaseStage::kFeedback), CaseStage::kFeedback, false, "invalid_transition",
       "已处于「反馈」"},
      {"warning→intervention skips consultation", Ready(CaseStage::kWarning), CaseStage::kIntervention, false,
       "invalid_transition", "不能从「预警」直接转到「介入」"},
      {"no assignee", with(Ready(CaseStage::kScreening), [](CaseFacts& f) { f.has_assignee = false; }),
       CaseStage::kWarning, false, "no_assignee", "请先指定负责人"},
      {"no assignee to go back to intervention",
       with(Ready(CaseStage::kMonitoring), [](CaseFacts& f) { f.has_assignee = false; }),
       CaseStage::kIntervention, false, "no_assignee", "请先指定负责人"},
      {"no consultation", with(Ready(CaseStage::kConsultation), [](CaseFacts& f) { f.has_consultation = false; }),
       CaseStage::kIntervention, false, "no_consultation", "会商意见"},
      {"assessment case without assessment",
       with(Ready(CaseStage::kConsultation, CaseSource::kAssessment), [](CaseFacts& f) { f.has_assessment = false; }),
       CaseStage::kIntervention, false, "no_assessment", "风险评估"},
      {"assessment case without help plan",
       with(Ready(CaseStage::kConsultation, CaseSource::kAssessment), [](CaseFacts& f) { f.has_help_plan = false; }),
       CaseStage::kIntervention, false, "no_help_plan", "帮扶计划"},
      {"assessment case back to intervention without plan",
       with(Ready(CaseStage::kFeedback, CaseSource::kAssessment), [](CaseFacts& f) { f.has_help_plan = false; }),
       CaseStage::kIntervention, false, "no_help_plan", "帮扶计划"},
      {"guardianship case with other measures only",
       with(Ready(CaseStage::kIntervention, CaseSource::kGuardianshipIntervention),
            [](CaseFacts& f) { f.measures = 2; f.guardianship_measures = 0; }),
       CaseStage::kFeedback, false, "no_guardianship_measure", "训诫"},
      {"no measure", with(Ready(CaseStage::kIntervention), [](CaseFacts& f) { f.measures = 0; }),
       CaseStage::kFeedback, false, "no_measure", "介入措施"},
      {"emergency case needs a measure too",
       with(Ready(CaseStage::kIntervention, CaseSource::kEmergency), [](CaseFacts& f) { f.measures = 0; }),
       CaseStage::kFeedback, false, "no_measure", "介入措施"},
      {"no feedback", with(Ready(CaseStage::kFeedback), [](CaseFacts& f) { f.has_feedback = false; }),
       CaseStage::kMonitoring, false, "no_feedback", "反馈"},
      {"monitoring too short", with(Ready(CaseStage::kMonitoring), [](CaseFacts& f) { f.days_in_stage = 20; }),
       CaseStage::kClosed, false, "monitoring_too_short", "还需 10 天"},
      {"open referrals", with(Ready(CaseStage::kMonitoring), [](CaseFacts& f) { f.open_referrals = 2; }),
       CaseStage::kClosed, false, "open_referrals", "2 项转介"},
  };
  for (const Refusal& r : refusals) {
    const TransitionCheck check = CheckTransition(r.facts, r.to, Config(), r.close_without_risk);
    EXPECT_FALSE(check.allowed) << r.name;
    EXPECT_EQ(check.code, r.code) << r.name;
    EXPECT_NE(check.reason_zh.find(r.reason_part), std::string::npos) << r.name << ": " << check.reason_zh;
  }
}

TEST(CareCaseFlow, EverySourceCanWalkTheLoopToTheEnd) {
  for (CaseSource source : AllSources()) {
    CaseFacts f = Ready(InitialStage(source), source);
    int steps = 0;
    while (f.stage != CaseStage::kClosed) {
      const auto next = static_cast<CaseStage>(static_cast<int>(f.stage) + 1);
      const TransitionCheck check = CheckTransition(f, next, Config());
      ASSERT_TRUE(check.allowed) << SourceCode(source) << " at " << StageCode(f.stage) << ": " << check.reason_zh;
      f.stage = next;
      ++steps;
    }
    EXPECT_EQ(steps, source == CaseSource::kEmergency ? 3 : source == CaseSource::kWarning ? 5 : 6);
  }
}

TEST(CareCaseFlow, Deadlines) {
  const Date jan1{year(2026), month(1), day(1)};
  EXPECT_EQ(StageDeadline(CaseStage::kScreening, CaseSource::kScreening, jan1, Config()),
            (Date{year(2026), month(1), day(8)}));
  EXPECT_EQ(StageDeadline(CaseStage::kWarning, CaseSource::kWarning, jan1, Config()),
            (Date{year(2026), month(1), day(4)}));
  EXPECT_EQ(StageDeadline(CaseStage::kIntervention, CaseSource::kEmergency, jan1, Config()),
            (Date{year(2026), month(1), day(31)}));
  EXPECT_EQ(StageDeadline(CaseStage::kMonitoring, CaseSource::kScreening, jan1, Config()),
            (Date{year(2026), month(4), day(1)}));
  // A mandatory report is screened within 24 hours: the next day.
  EXPECT_EQ(StageDeadline(CaseStage::kScreening, CaseSource::kMandatoryReport, jan1, Config()),
            (Date{year(2026), month(1), day(2)}));
  // Later stages of a mandatory report have the ordinary deadlines.
  EXPECT_EQ(StageDeadline(CaseStage::kWarning, CaseSource::kMandatoryReport, jan1, Config()),
            (Date{year(2026), month(1), day(4)}));
  CaseFlowConfig slow = Config();
  slow.mandatory_report_response_hours = 30;  // rounds up to two days
  EXPECT_EQ(StageDeadline(CaseStage::kScreening, CaseSource::kMandatoryReport, jan1, slow),
            (Date{year(2026), month(1), day(3)}));
  EXPECT_EQ(StageDeadline(CaseStage::kClosed, CaseSource::kScreening, jan1, Config()), jan1);
  // Across a month and a leap day.
  EXPECT_EQ(StageDeadline(CaseStage::kConsultation, CaseSource::kScreening, Date{year(2028), month(2), day(25)},
                          Config()),
            (Date{year(2028), month(3), day(3)}));
}

TEST(CareCaseFlow, ShippedConfig) {
  const CaseFlowConfig& c = Config();
  EXPECT_EQ(c.deadline_days.at(CaseStage::kScreening), 7);
  EXPECT_EQ(c.deadline_days.at(CaseStage::kWarning), 3);
  EXPECT_EQ(c.deadline_days.at(CaseStage::kMonitoring), 90);
  EXPECT_EQ(c.mandatory_report_response_hours, 24);
  EXPECT_EQ(c.min_monitoring_days, 30);
  ASSERT_EQ(c.measures.size(), 10u);
  EXPECT_EQ(c.measures.front(), (std::pair<std::string, std::string>{"admonish", "劝诫"}));
  EXPECT_EQ(c.MeasureNameZh("family_education_order"), "责令接受家庭教育指导");
  EXPECT_FALSE(c.MeasureNameZh("jail"));
  EXPECT_EQ(c.guardianship_measures.size(), 5u);
  EXPECT_TRUE(c.IsGuardianshipMeasure("temporary_guardianship"));
  EXPECT_FALSE(c.IsGuardianshipMeasure("counselling"));
  // ToJson reads back to the same configuration.
  const CaseFlowConfig again = CaseFlowConfig::FromJson(c.ToJson());
  EXPECT_EQ(again.deadline_days, c.deadline_days);
  EXPECT_EQ(again.measures, c.measures);
  EXPECT_EQ(again.guardianship_measures, c.guardianship_measures);
}

TEST(CareCaseFlow, ConfigErrorsNameTheKey) {
  const nlohmann::json good = ReadDataFile("care.json")["case_flow"];
  const auto error_of = [](const nlohmann::json& j) -> std::string {
    try {
      CaseFlowConfig::FromJson(j);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  nlohmann::json j = good;
  j["deadline_days"].erase("feedback");
  EXPECT_NE(error_of(j).find("feedback"), std::string::npos);
  j = good;
  j["deadline_days"]["warning"] = 0;
  EXPECT_NE(error_of(j).find("deadline_days.warning"), std::string::npos);
  j = good;
  j["deadline_days"]["closed"] = 3;
  EXPECT_NE(error_of(j).find("closed"), std::string::npos);
  j = good;
  j["guardianship_measures"].push_back("jail");
  EXPECT_NE(error_of(j).find("jail"), std::string::npos);
  j = good;
  j["measures"].push_back({{"code", "admonish"}, {"name_zh", "重复"}});
  EXPECT_NE(error_of(j).find("admonish"), std::string::npos);
  j = good;
  j["min_monitoring_days"] = "thirty";
  EXPECT_NE(error_of(j).find("min_monitoring_days"), std::string::npos);
  j = good;
  j["deadline"] = 1;
  EXPECT_NE(error_of(j).find("deadline"), std::string::npos);
  EXPECT_NE(error_of(nlohmann::json::array()), "");
}

}  // namespace
}  // namespace tongan::care
