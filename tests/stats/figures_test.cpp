// A child's figures from its facts, indicator values on totals, and the supervision score.
#include "stats/figures.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace tongan::stats {
namespace {

using nlohmann::json;

json Facts(int age, json classes) {
  return {{"age", age}, {"sex", "F"}, {"classes", classes}, {"flow_type", "cross_city"},
          {"has_health_record", false}, {"vaccinated", true}, {"schooling_status", ""},
          {"department_records", json::array()}, {"days_since_update", 10}};
}

TEST(StatsFigures, AMigrantInfantCountsInItsClassesAgeFlowAndRates) {
  ChildCare care;
  care.in_ledger = true;
  care.visit_overdue = true;
  care.colour = "orange";
  care.entitled = 4;
  care.received = 1;
  const Figures f = ChildFigures(Facts(2, {"migrant", "key_care"}), care, 183);
  const Figures expected = {
      {"children", 1}, {"class:migrant", 1}, {"class:key_care", 1}, {"age:0-3", 1}, {"sex:F", 1},
      {"flow:cross_city", 1},
      {"health_record:eligible", 1}, {"health_record:no", 1}, {"m:health_record:eligible", 1}, {"m:health_record:no", 1},
      {"vaccination:eligible", 1}, {"vaccination:yes", 1}, {"m:vaccination:eligible", 1}, {"m:vaccination:yes", 1},
      {"update:on_time", 1}, {"ledger", 1}, {"visit:overdue", 1}, {"colour:orange", 1},
      {"entitlements:entitled", 4}, {"entitlements:received", 1}, {"entitlements:missing", 3},
  };
  EXPECT_EQ(f, expected);
}

TEST(StatsFigures, ALocalSchoolChildHasNoFlowAndCountsEnrolmentFromDepartmentRecords) {
  json facts = Facts(10, json::array());
  facts["flow_type"] = "local";
  facts["department_records"] = {"enrolment"};
  facts["days_since_update"] = 200;
  const Figures f = ChildFigures(facts, ChildCare{}, 183);
  EXPECT_EQ(f.count("flow:local"), 0u);
  EXPECT_EQ(f.at("compulsory:yes"), 1);
  EXPECT_EQ(f.count("m:compulsory:eligible"), 0u);  // not a migrant
  EXPECT_EQ(f.at("update:late"), 1);
  EXPECT_EQ(f.at("age:6-15"), 1);
  EXPECT_EQ(f.count("age:12-16"), 0u);
  EXPECT_EQ(f.count("ledger"), 0u);
}

TEST(StatsFigures, RatesUseTheirDenominatorAndAreUnknownWithoutOne) {
  const Indicator* rate = FindIndicator("rate:visit_on_time");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(ValueOf(*rate, {{"ledger", 4}, {"visit:on_time", 3}}), 0.75);
  EXPECT_FALSE(ValueOf(*rate, {{"children", 9}}).has_value());
  const Indicator* count = FindIndicator("count:class:migrant");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(ValueOf(*count, {}), 0.0);
  for (const Indicator& i : Indicators()) EXPECT_FALSE(i.label_zh.empty()) << i.id;
}

TEST(StatsFigures, ScoresShareOutTheWeightOfIndicatorsThatDoNotApply) {
  const SupervisionConfig config = SupervisionConfig::FromJson(
      {{"weights", {{{"indicator", "rate:visit_on_time"}, {"weight", 30}, {"target", 0.9}},
                    {{"indicator", "rate:health_record"}, {"weight", 10}, {"target", 1}}}}});
  // Visits 0.45 of 0.9 → half of its weight; no infants → health records do not count.
  const Score s = ScoreOf(config, {{"ledger", 20}, {"visit:on_time", 9}});
  EXPECT_DOUBLE_EQ(s.total, 50.0);
  ASSERT_EQ(s.parts.size(), 2u);
  EXPECT_FALSE(s.parts[1].rate.has_value());
  // Above target earns no more than full marks.
  EXPECT_DOUBLE_EQ(ScoreOf(config, {{"ledger", 20}, {"visit:on_time", 20}, {"health_record:eligible", 2},
                                    {"health_record:yes", 2}}).total,
                   100.0);
}

TEST(StatsFigures, InvalidSupervisionConfigsAreRefusedInChinese) {
  const auto refused = [](json j) {
    try {
      SupervisionConfig::FromJson(j);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(refused({{"weights", {{{"indicator", "rate:nothing"}, {"weight", 1}}}}}).find("未知指标"), std::string::npos);
  EXPECT_NE(refused({{"weights", {{{"indicator", "count:children"}, {"weight", 1}}}}}).find("比率"), std::string::npos);
  EXPECT_NE(refused({{"weights", {{{"indicator", "rate:visit_on_time"}, {"weight", 0}}}}}).find("权重"), std::string::npos);
  EXPECT_NE(refused({{"weights", json::array()}}).find("weights"), std::string::npos);
  EXPECT_NE(refused({{"weights", {{{"indicator", "rate:visit_on_time"}, {"weight", 1}, {"target", 1.5}}}}}).find("目标"),
            std::string::npos);
  // The shipped file loads.
  std::ifstream file(std::string(TONGAN_SOURCE_DIR) + "/data/supervision.json");
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_FALSE(SupervisionConfig::FromJson(json::parse(text.str())).weights.empty());
}

}  // namespace
}  // namespace tongan::stats
