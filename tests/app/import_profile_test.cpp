// Import profiles and the mapping of department rows: header detection, normalisation, and the
// reasons a row is rejected.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "app/deployment.h"
#include "app/import_profile.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

using nlohmann::json;

const Date kToday{std::chrono::year(2026), std::chrono::month(11), std::chrono::day(23)};

ImportProfile Enrolment() {
  return ImportProfile::FromJson(json::parse(
      ReadFileText(std::string(TONGAN_SOURCE_DIR) + "/data/import_profiles/jiaoyu_suiqian.json")));
}

ingest::Table TableOf(std::vector<std::vector<std::string>> rows) {
  ingest::Table t;
  t.format = "csv";
  int64_t line = 1;
  for (auto& r : rows) t.rows.push_back({line++, std::move(r)});
  return t;
}

class ImportProfileTest : public ::testing::Test {
 protected:
  TestDeployment env_;
};

TEST_F(ImportProfileTest, EveryShippedProfileLoadsAndNamesTheNameColumn) {
  EXPECT_GE(env_.d.import_profiles.size(), 6u);
  std::set<std::string> departments;
  for (const auto& p : env_.d.import_profiles) departments.insert(p.department);
  for (const char* d : {"公安", "教育", "卫健", "疾控", "医保", "残联"}) EXPECT_TRUE(departments.count(d)) << d;
}

TEST_F(ImportProfileTest, BadProfilesAreRefusedWithTheReason) {
  EXPECT_THROW(ImportProfile::FromJson(json::parse(R"({"id":"x","department":"教育","name_zh":"x","record_kind":"k","columns":{}})")),
               std::invalid_argument);
  try {
    ImportProfile::FromJson(json::parse(
        R"({"id":"x","department":"教育","name_zh":"x","record_kind":"k","columns":{"school":["学校"]}})"));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("name"), std::string::npos);
  }
}

TEST_F(ImportProfileTest, HeaderIsFoundBelowTitleRowsWithMarkedHeadings) {
  const auto result = MapTable(TableOf({{"某县学籍名单"}, {"", ""},
                                        {"*学生姓名", " 身份证件号 ", "出生日期：", "备注"},
                                        {"张三", "", "2015/3/7", "转入"}}),
                               Enrolment(), env_.d.regions, kToday);
  ASSERT_TRUE(result.table) << result.error.message;
  EXPECT_EQ(result.table->header_line, 3);
  EXPECT_EQ(result.table->unmapped_columns, std::vector<std::string>{"备注"});
  ASSERT_EQ(result.table->rows.size(), 1u);
  const MappedRow& row = result.table->rows[0];
  EXPECT_TRUE(row.loaded);
  EXPECT_EQ(row.fields["birth_date"], "2015-03-07");
  EXPECT_EQ(row.raw["备注"], "转入");
}

TEST_F(ImportProfileTest, IdGivesBirthDateSexAndRegistrationCounty) {
  const std::string id = MakeId("410422", "20160301", 131);
  const auto result = MapTable(TableOf({{"学生姓名", "身份证件号"}, {"李 四", id + " "}}), Enrolment(),
                               env_.d.regions, kToday);
  ASSERT_TRUE(result.table);
  const MappedRow& row = result.table->rows[0];
  EXPECT_TRUE(row.loaded);
  EXPECT_EQ(row.name, "李四");
  EXPECT_EQ(row.birth_date, "2016-03-01");
  EXPECT_EQ(row.fields["sex"], "男");
  EXPECT_EQ(row.hukou_code, "410422");
}

TEST_F(ImportProfileTest, MistypedIdIsAWarningAndStillGivesTheBirthDate) {
  std::string id = MakeId("410422", "20160301", 131);
  id[17] = id[17] == '0' ? '1' : '0';
  const auto result = MapTable(TableOf({{"学生姓名", "身份证件号"}, {"李四", id}}), Enrolment(), env_.d.regions, kToday);
  const MappedRow& row = result.table->rows[0];
  EXPECT_TRUE(row.loaded);
  EXPECT_EQ(row.birth_date, "2016-03-01");
  ASSERT_EQ(row.problems.size(), 1u);
  EXPECT_EQ(row.problems[0].code, "id_invalid");
  EXPECT_FALSE(row.problems[0].rejects);
  EXPECT_EQ(row.hukou_code, "");  // an invalid ID does not vouch for a registration place
}

TEST_F(ImportProfileTest, RowsAreRejectedWithEveryReason) {
  const auto result = MapTable(TableOf({{"学生姓名", "出生日期", "性别"},
                                        {"", "2016-01-01", "男"},
                                        {"王五", "", "男"},
                                        {"赵六", "1999-01-01", "男"},
                                        {"钱七", "2030-01-01", "x"},
                                        {"孙八", "42070", "女"}}),
                               Enrolment(), env_.d.regions, kToday);
  const auto& rows = result.table->rows;
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].problems[0].code, "name_missing");
  EXPECT_EQ(rows[1].problems[0].code, "birth_date_missing");
  EXPECT_EQ(rows[2].problems[0].code, "not_a_minor");
  EXPECT_EQ(rows[3].problems.back().code, "birth_date_future");
  EXPECT_EQ(rows[3].problems.front().code, "sex_invalid");
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(rows[i].loaded) << i;
  EXPECT_TRUE(rows[4].loaded);
  EXPECT_EQ(rows[4].birth_date, "2015-03-07");  // an Excel serial date
  EXPECT_EQ(rows[2].line, 4);
}

TEST_F(ImportProfileTest, SameRowHashesAlikeOnAnyLine) {
  const auto result = MapTable(TableOf({{"学生姓名", "出生日期"}, {"王五", "2016-01-01"}, {"王五", "2016-01-01"},
                                        {"王五", "2016-01-02"}}),
                               Enrolment(), env_.d.regions, kToday);
  const auto& rows = result.table->rows;
  EXPECT_EQ(rows[0].row_sha256, rows[1].row_sha256);
  EXPECT_NE(rows[0].row_sha256, rows[2].row_sha256);
}

TEST_F(ImportProfileTest, FileWithoutTheProfilesColumnsIsRefused) {
  const auto result = MapTable(TableOf({{"a", "b"}, {"1", "2"}}), Enrolment(), env_.d.regions, kToday);
  EXPECT_FALSE(result.table);
  EXPECT_EQ(result.error.code, "header_not_found");
}

}  // namespace
}  // namespace tongan::testing
