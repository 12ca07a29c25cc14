// The scored risk assessment: the shipped form, scoring into levels, refused answers and forms.
#include "care/assessment.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>

namespace tongan::care {
namespace {

using nlohmann::json;

json ShippedJson() {
  std::ifstream in(std::string(TONGAN_SOURCE_DIR) + "/data/assessment.json");
  return json::parse(in);
}

const AssessmentForm& Form() {
  static const AssessmentForm form = AssessmentForm::FromJson(ShippedJson());
  return form;
}

// Every item answered with the same option index.
std::map<std::string, int> AllAnswered(int index) {
  std::map<std::string, int> answers;
  for (const auto& item : Form().items) answers[item.id] = index;
  return answers;
}

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(CareAssessment, ShippedForm) {
  EXPECT_EQ(Form().id, "child_risk");
  EXPECT_EQ(Form().title_zh, "儿童风险评估表");
  ASSERT_EQ(Form().items.size(), 8u);
  EXPECT_EQ(Form().items[0].label_zh, "监护状况");
  EXPECT_EQ(Form().items[7].label_zh, "受侵害风险");
  for (const auto& item : Form().items) {
    ASSERT_EQ(item.options.size(), 4u) << item.id;
    for (int i = 0; i < 4; ++i) EXPECT_EQ(item.options[i].score, i) << item.id;
  }
  ASSERT_EQ(Form().levels.size(), 4u);
  EXPECT_EQ(Form().levels[1].min_score, 8);
  EXPECT_EQ(Form().levels[3].level_zh, "极高风险");
  EXPECT_EQ(AssessmentForm::FromJson(Form().ToJson()).ToJson(), Form().ToJson());
}

TEST(CareAssessment, ScoresIntoLevels) {
  AssessmentResult r = Score(Form(), AllAnswered(0));
  EXPECT_EQ(r.total, 0);
  EXPECT_EQ(r.level, "low");
  EXPECT_EQ(r.level_zh, "低风险");

  auto answers = AllAnswered(1);  // 8
  r = Score(Form(), answers);
  EXPECT_EQ(r.total, 8);
  EXPECT_EQ(r.level, "medium");
  answers["guardianship"] = 0;  // 7
  EXPECT_EQ(Score(Form(), answers).level, "low");

  answers = AllAnswered(2);  // 16
  r = Score(Form(), answers);
  EXPECT_EQ(r.total, 16);
  EXPECT_EQ(r.level, "high");
  EXPECT_EQ(r.level_zh, "高风险");

  answers = AllAnswered(3);  // 24
  r = Score(Form(), answers);
  EXPECT_EQ(r.total, 24);
  EXPECT_EQ(r.level, "critical");
  answers = AllAnswered(2);
  answers["harm_risk"] = 3;
  answers["guardianship"] = 3;
  answers["schooling"] = 3;
  answers["social_support"] = 3;  // 20
  EXPECT_EQ(Score(Form(), answers).total, 20);
  EXPECT_EQ(Score(Form(), answers).level, "critical");
}

TEST(CareAssessment, RefusedAnswersNameTheItem) {
  auto answers = AllAnswered(0);
  answers.erase("schooling");
  EXPECT_NE(ErrorOf([&] { Score(Form(), answers); }).find("就学情况"), std::string::npos);
  answers = AllAnswered(0);
  answers["harm_risk"] = 4;
  const std::string out_of_range = ErrorOf([&] { Score(Form(), answers); });
  EXPECT_NE(out_of_range.find("受侵害风险"), std::string::npos);
  EXPECT_NE(out_of_range.find("不存在"), std::string::npos);
  answers["harm_risk"] = -1;
  EXPECT_NE(ErrorOf([&] { Score(Form(), answers); }).find("harm_risk"), std::string::npos);
  answers = AllAnswered(0);
  answers["hobbies"] = 1;
  EXPECT_NE(ErrorOf([&] { Score(Form(), answers); }).find("hobbies"), std::string::npos);
}

TEST(CareAssessment, RefusedForms) {
  const json good = ShippedJson();
  json j = good;
  j["items"][1]["id"] = "guardianship";
  EXPECT_NE(ErrorOf([&] { AssessmentForm::FromJson(j); }).find("重复：guardianship"), std::string::npos);
  j = good;
  j["items"][2]["options"][1]["score"] = "one";
  EXPECT_NE(ErrorOf([&] { AssessmentForm::FromJson(j); }).find("physical_health"), std::string::npos);
  j = good;
  j["items"][2]["options"] = json::array({{{"label_zh", "只有一项"}, {"score", 0}}});
  EXPECT_NE(ErrorOf([&] { AssessmentForm::FromJson(j); }).find("physical_health"), std::string::npos);
  j = good;
  j["levels"][0]["min_score"] = 1;  // a total of 0 would have no level
  EXPECT_NE(ErrorOf([&] { AssessmentForm::FromJson(j); }).find("最低可能总分"), std::string::npos);
  j = good;
  j["levels"][2]["min_score"] = 8;
  EXPECT_NE(ErrorOf([&] { AssessmentForm::FromJson(j); }).find("起始分相同"), std::string::npos);
  j = good;
  j.erase("levels");
  EXPECT_NE(ErrorOf([&] { AssessmentForm::FromJson(j); }).find("levels"), std::string::npos);
  j = good;
  j["items"][0].erase("label_zh");
  EXPECT_NE(ErrorOf([&] { AssessmentForm::FromJson(j); }).find("guardianship"), std::string::npos);
  // Levels given out of order are sorted.
  j = good;
  std::swap(j["levels"][0], j["levels"][3]);
  const AssessmentForm sorted = AssessmentForm::FromJson(j);
  EXPECT_EQ(sorted.levels.front().level, "low");
  EXPECT_EQ(sorted.levels.back().level, "critical");
}

}  // namespace
}  // namespace tongan::care
