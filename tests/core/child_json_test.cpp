#include "core/child_json.h"

#include <gtest/gtest.h>

namespace tongan {
namespace {

using nlohmann::json;

json MinimalInput() {
  return {{"name", "张小明"}, {"sex", "M"}, {"birth_date", "2015-03-02"}, {"region_code", "410402100001"}};
}

TEST(ChildJson, RoundTripKeepsEveryField) {
  Child c;
  c.name = "张小明";
  c.id_number = "41040220150302123X";
  c.sex = Sex::kFemale;
  c.birth_date = Date{std::chrono::year(2015), std::chrono::month(3), std::chrono::day(2)};
  c.region_code = "410402100001";
  c.residence_since = Date{std::chrono::year(2023), std::chrono::month(9), std::chrono::day(1)};
  c.hukou_region_code = "410422";
  c.living_with = LivingWith::kOtherGuardian;
  c.father = {"张三", "", "13800000000", ParentStatus::kImprisoned};
  c.mother.status = ParentStatus::kWorkingAway;
  c.guardian = {"张奶奶", "祖父母", "", "", false};
  c.family_economy = FamilyEconomy::kTekun;
  c.disability = Disability::kLevel3;
  c.vagrant = true;
  c.schooling = {"在读", "新华区第三小学", "五年级"};
  c.health = {true, false, "哮喘"};
  c.benefits = {"特困供养"};
  c.needs = {"课业辅导"};
  Child back;
  InputError error;
  ASSERT_TRUE(ChildFromJson(ChildToJson(c), &back, &error)) << error.message_zh;
  EXPECT_EQ(ChildToJson(back), ChildToJson(c));
  EXPECT_TRUE(DiffChildren(c, back).empty());
}

TEST(ChildJson, UnknownFieldsAreRefusedWithTheirPath) {
  Child c;
  InputError error;
  json input = MinimalInput();
  input["guardian"] = {{"name", "李"}, {"mobile", "138"}};
  EXPECT_FALSE(ChildFromJson(input, &c, &error));
  EXPECT_EQ(error.code, "unknown_field");
  EXPECT_EQ(error.field, "guardian.mobile");
}

TEST(ChildJson, WrongTypesAndValuesAreRefused) {
  Child c;
  InputError error;
  json input = MinimalInput();
  input["birth_date"] = "2015-02-30";
  EXPECT_FALSE(ChildFromJson(input, &c, &error));
  EXPECT_EQ(error.field, "birth_date");
  input = MinimalInput();
  input["living_with"] = "with_aliens";
  EXPECT_FALSE(ChildFromJson(input, &c, &error));
  EXPECT_EQ(error.field, "living_with");
  EXPECT_NE(error.message_zh.find("与父母双方共同生活"), std::string::npos) << "lists allowed values";
  input = MinimalInput();
  input["needs"] = {"课业辅导", 3};
  EXPECT_FALSE(ChildFromJson(input, &c, &error));
  input = MinimalInput();
  input.erase("name");
  EXPECT_FALSE(ChildFromJson(input, &c, &error));
  EXPECT_EQ(error.code, "missing_field");
  EXPECT_FALSE(ChildFromJson(json::array(), &c, &error));
}

TEST(ChildJson, ChineseEnumNamesAreAccepted) {
  Child c;
  InputError error;
  json input = MinimalInput();
  input["sex"] = "女";
  input["family_economy"] = "低保家庭";
  ASSERT_TRUE(ChildFromJson(input, &c, &error)) << error.message_zh;
  EXPECT_EQ(c.sex, Sex::kFemale);
  EXPECT_EQ(c.family_economy, FamilyEconomy::kDibao);
}

TEST(ChildJson, DiffNamesChangedFields) {
  Child a;
  a.name = "甲";
  Child b = a;
  b.guardian.phone = "13700000000";
  b.needs = {"心理疏导"};
  const auto diffs = DiffChildren(a, b);
  ASSERT_EQ(diffs.size(), 2u);
  EXPECT_EQ(diffs[0].field, "guardian.phone");
  EXPECT_EQ(diffs[0].new_value, "13700000000");
  EXPECT_EQ(diffs[1].field, "needs");
  EXPECT_EQ(diffs[1].new_value, "心理疏导");
}

}  // namespace
}  // namespace tongan
