// Reading and validating linkage configurations.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "linkage/linkage.h"

namespace tongan::linkage {
namespace {

nlohmann::json Minimal() {
  return nlohmann::json::parse(R"({
    "fields": [{"name": "name", "kind": "name", "label_zh": "姓名", "term_frequency": true},
               {"name": "birth_date", "kind": "date", "label_zh": "出生日期"}],
    "blocking": [["name:pinyin", "birth_date:year"]]
  })");
}

std::string ErrorOf(const nlohmann::json& json) {
  try {
    LinkageConfig::FromJson(json);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(LinkageConfig, ReadsFieldsRulesAndThresholds) {
  nlohmann::json j = Minimal();
  j["upper"] = 0.9;
  j["lower"] = 0.4;
  const LinkageConfig c = LinkageConfig::FromJson(j);
  ASSERT_EQ(c.fields.size(), 2u);
  EXPECT_EQ(c.fields[0].kind, FieldKind::kName);
  EXPECT_TRUE(c.fields[0].term_frequency);
  EXPECT_EQ(c.fields[1].label_zh, "出生日期");
  ASSERT_EQ(c.blocking.size(), 1u);
  EXPECT_EQ(c.blocking[0].keys[1], "birth_date:year");
  EXPECT_DOUBLE_EQ(c.upper, 0.9);
  EXPECT_DOUBLE_EQ(c.lower, 0.4);
}

TEST(LinkageConfig, RejectsBadEntriesInChinese) {
  nlohmann::json j = Minimal();
  j["fields"][1]["kind"] = "datetime";
  EXPECT_NE(ErrorOf(j).find("类型未知：datetime"), std::string::npos);

  j = Minimal();
  j["blocking"] = {{"guardian:pinyin"}};
  EXPECT_NE(ErrorOf(j).find("字段未知：guardian:pinyin"), std::string::npos);

  j = Minimal();
  j["blocking"] = {{"name:soundex"}};
  EXPECT_NE(ErrorOf(j).find("转换未知：name:soundex"), std::string::npos);

  j = Minimal();
  j["blocking"] = {{"name:year"}};
  EXPECT_NE(ErrorOf(j).find("不适用"), std::string::npos);

  j = Minimal();
  j["upper"] = 1.2;
  EXPECT_NE(ErrorOf(j).find("阈值"), std::string::npos);

  j = Minimal();
  j["upper"] = 0.6;
  j["lower"] = 0.8;
  EXPECT_NE(ErrorOf(j).find("下阈值"), std::string::npos);

  j = Minimal();
  j["fields"].push_back(j["fields"][0]);
  EXPECT_NE(ErrorOf(j).find("字段名重复"), std::string::npos);

  EXPECT_NE(ErrorOf(nlohmann::json::parse(R"({"blocking": []})")).find("fields"), std::string::npos);
}

TEST(LinkageConfig, ShippedConfigurationIsValid) {
  std::ifstream in(std::string(TONGAN_SOURCE_DIR) + "/data/linkage.json");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  const LinkageConfig c = LinkageConfig::FromJson(nlohmann::json::parse(text.str()));
  EXPECT_EQ(c.fields.size(), 7u);
  EXPECT_GE(c.blocking.size(), 4u);
  EXPECT_LT(c.lower, c.upper);
}

}  // namespace
}  // namespace tongan::linkage
