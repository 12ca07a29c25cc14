// Service catalogue: the shipped catalogues load, validation names the item and the problem, need
// names map to codes, and golden children over the shipped Pingdingshan catalogue get exactly the
// entitlements its rules give them.
#include "care/service_catalogue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>

#include "care/condition.h"

namespace tongan::care {
namespace {

using nlohmann::json;

json ReadJson(const std::string& relative) {
  std::ifstream in(std::string(TONGAN_SOURCE_DIR) + "/" + relative);
  return json::parse(in);
}

const ServiceCatalogue& Pingdingshan() {
  static const ServiceCatalogue catalogue = ServiceCatalogue::FromJson(ReadJson("data/service_catalogue.json"));
  return catalogue;
}

const Date kToday = *ParseIsoDate("2025-06-30");

Date DaysAgo(int days) { return Date{std::chrono::sys_days{kToday} - std::chrono::days{days}}; }

// A minimal catalogue around one item.
json FileWith(const json& item) {
  return {{"name_zh", "测试清单"},
          {"region_code", "4104"},
          {"areas", json::array({{{"code", "health"}, {"name_zh", "病有所医"}}})},
          {"need_types", json::array({{{"code", "medical"}, {"name_zh", "医疗康复"}, {"aliases", {"医疗救助"}}}})},
          {"items", json::array({item})}};
}

json Item(const std::string& id) {
  return {{"id", id},
          {"area", "health"},
          {"name_zh", "项目" + id},
          {"target_zh", "流动儿童"},
          {"content_zh", "内容"},
          {"department", "卫健"},
          {"when", {{"fact", "classes"}, {"op", "contains"}, {"value", "migrant"}}}};
}

std::string LoadError(const json& file) {
  try {
    ServiceCatalogue::FromJson(file);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// A child with nothing special; cases override what matters.
json Child(const json& overrides = json::object()) {
  json facts = {{"age", 10},
                {"sex", "F"},
                {"classes", json::array({"migrant"})},
                {"living_with", "both_parents"},
                {"father_status", "at_home"},
                {"mother_status", "at_home"},
                {"guardian_capable", true},
                {"family_economy", "none"},
                {"disability", "none"},
                {"serious_illness", false},
                {"vagrant", false},
                {"psych_abnormal", false},
                {"asked_for_help", false},
                {"schooling_status", "在读"},
                {"has_health_record", true},
                {"vaccinated", true},
                {"last_visit_guardianship", "good"},
                {"benefits", json::array()},
                {"needs", json::array()},
                {"flow_type", "cross_province"},
                {"residence_months", 24}};
  if (!overrides.is_null()) facts.merge_patch(overrides);  // `{}` arrives as null
  return facts;
}

std::vector<std::string> Ids(const std::vector<Entitlement>& list) {
  std::vector<std::string> ids;
  for (const auto& e : list) ids.push_back(e.item->id);
  return ids;
}

// "PDS-05:fact", "PDS-14:delivery" for the received ones.
std::vector<std::string> Received(const std::vector<Entitlement>& list) {
  std::vector<std::string> out;
  for (const auto& e : list)
    if (e.received) out.push_back(e.item->id + ":" + e.received_via);
  return out;
}

const Entitlement& Find(const std::vector<Entitlement>& list, const std::string& id) {
  for (const auto& e : list)
    if (e.item->id == id) return e;
  throw std::out_of_range(id);
}

using Strings = std::vector<std::string>;

TEST(CareServiceCatalogue, ShippedCataloguesLoad) {
  const ServiceCatalogue& pds = Pingdingshan();
  EXPECT_EQ(pds.name_zh, "平顶山市流动儿童在居住地享有关爱服务基础清单");
  EXPECT_EQ(pds.region_code, "4104");
  EXPECT_EQ(pds.areas.size(), 6u);
  EXPECT_EQ(pds.items.size(), 25u);
  const ServiceCatalogue national = ServiceCatalogue::FromJson(ReadJson("data/catalogues/national_basic.json"));
  EXPECT_EQ(national.areas.size(), 6u);
  EXPECT_EQ(national.items.size(), 19u);

  for (const ServiceCatalogue* c : {&pds, &national}) {
    Strings areas;
    for (const auto& a : c->areas) areas.push_back(a.code);
    EXPECT_EQ(areas, (Strings{"early_years", "schooling", "health", "housing", "welfare", "development"}));
    std::set<std::string> used_areas;
    for (const auto& item : c->items) {
      EXPECT_FALSE(item.department.empty()) << item.id;
      EXPECT_FALSE(item.target_zh.empty()) << item.id;
      used_areas.insert(item.area);
    }
    EXPECT_EQ(used_areas.size(), 6u) << c->name_zh;  // every area has an item
    EXPECT_EQ(c->need_types.size(), 14u);
    // What ToJson writes loads back to the same catalogue.
    EXPECT_EQ(ServiceCatalogue::FromJson(c->ToJson()).ToJson(), c->ToJson());
  }
  for (int i = 1; i <= 25; ++i) {
    const std::string id = std::string(i < 10 ? "PDS-0" : "PDS-") + std::to_string(i);
    EXPECT_NE(pds.FindItem(id), nullptr) << id;
  }
  for (int i = 1; i <= 19; ++i) {
    const std::string id = std::string(i < 10 ? "CN-0" : "CN-") + std::to_string(i);
    EXPECT_NE(national.FindItem(id), nullptr) << id;
  }
}

TEST(CareServiceCatalogue, FindsItemsAndNeeds) {
  const ServiceCatalogue& pds = Pingdingshan();
  ASSERT_NE(pds.FindItem("PDS-05"), nullptr);
  EXPECT_EQ(pds.FindItem("PDS-05")->name_zh, "义务教育");
  EXPECT_EQ(pds.FindItem("PDS-99"), nullptr);
  EXPECT_EQ(pds.FindItemByIdOrName("义务教育"), pds.FindItem("PDS-05"));
  EXPECT_EQ(pds.FindItemByIdOrName("PDS-14"), pds.FindItem("PDS-14"));
  EXPECT_EQ(pds.FindItemByIdOrName(" 残疾儿童康复救助 "), pds.FindItem("PDS-14"));
  EXPECT_EQ(pds.FindItemByIdOrName("义务"), nullptr);
  EXPECT_EQ(pds.FindItemByIdOrName(""), nullptr);
  ASSERT_NE(pds.FindNeed("homework"), nullptr);
  EXPECT_EQ(pds.FindNeed("homework")->name_zh, "课业辅导");
  EXPECT_EQ(pds.FindNeed("课业辅导"), nullptr);  // codes only
}

TEST(CareServiceCatalogue, NeedCodeOfMapsNamesAliasesAndCodes) {
  const ServiceCatalogue& pds = Pingdingshan();
  // The names the demo data, the child form and the visit form write.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"亲情陪伴", "companionship"}, {"学业辅导", "homework"},   {"安全教育", "safety"},
      {"课后托管", "after_school"},  {"入学协助", "enrolment"},  {"医疗康复", "medical"},
      {"生活照料", "daily_care"},    {"心理疏导", "counselling"}, {"法律援助", "legal"},
      {"户籍办理", "hukou"},         {"课业辅导", "homework"},   {"心理陪伴", "counselling"},
      {"医疗救助", "medical"},       {"作业辅导", "homework"},   {"放学后看护", "after_school"},
      {"陪伴", "companionship"},     {"心理辅导", "counselling"}, {"心理健康", "counselling"},
      {"生活救助", "material_aid"},  {"物质帮扶", "material_aid"}, {"康复训练", "medical"},
      {"就学帮扶", "enrolment"},     {"入学", "enrolment"},      {"落户", "hukou"},
      {"兴趣培养", "interest"},      {"书法", "interest"},       {"兴趣班", "interest"},
      {"家庭教育指导", "parenting"}, {"亲子教育", "parenting"},  {"托育服务", "childcare"},
      {"托育", "childcare"},
      // codes, and surrounding spaces (ASCII and full-width)
      {"homework", "homework"},      {"childcare", "childcare"}, {"  课业辅导 ", "homework"},
      {"\xE3\x80\x80心理陪伴\t", "counselling"},
      // unknown text
      {"", ""},                      {"   ", ""},                {"课业", ""},
      {"Homework", ""},              {"跳舞", ""},
  };
  for (const auto& [text, code] : cases) EXPECT_EQ(pds.NeedCodeOf(text), code) << text;
  // Both shipped catalogues share the need types.
  const ServiceCatalogue national = ServiceCatalogue::FromJson(ReadJson("data/catalogues/national_basic.json"));
  for (const auto& [text, code] : cases) EXPECT_EQ(national.NeedCodeOf(text), code) << text;
}

struct BadFile {
  const char* name;
  json file;
  const char* message_part;
};

TEST(CareServiceCatalogue, InvalidCataloguesAreRefusedNamingTheItem) {
  json unknown_fact = FileWith(Item("PDS-03"));
  unknown_fact["items"][0]["when"] = {{"all", {{{"fact", "agee"}, {"op", "lt"}, {"value", 3}}}}};
  json unknown_received_fact = FileWith(Item("PDS-04"));
  unknown_received_fact["items"][0]["received_when"] = {{"fact", "enrolled"}, {"op", "is_true"}};
  json bad_code = FileWith(Item("PDS-05"));
  bad_code["items"][0]["when"] = {{"fact", "classes"}, {"op", "contains"}, {"value", "migrnat"}};
  json duplicate = FileWith(Item("PDS-06"));
  duplicate["items"].push_back(Item("PDS-06"));
  duplicate["items"][1]["name_zh"] = "另一个名称";
  json same_name = FileWith(Item("PDS-07"));
  same_name["items"].push_back(Item("PDS-08"));
  same_name["items"][1]["name_zh"] = "项目PDS-07";
  json unknown_area = FileWith(Item("PDS-09"));
  unknown_area["items"][0]["area"] = "leisure";
  json unknown_need = FileWith(Item("PDS-10"));
  unknown_need["items"][0]["needs"] = {"medical", "calligraphy"};
  json unknown_key = FileWith(Item("PDS-11"));
  unknown_key["items"][0]["deparment"] = "卫健";
  json empty_department = FileWith(Item("PDS-12"));
  empty_department["items"][0]["department"] = "";
  json empty_content = FileWith(Item("PDS-13"));
  empty_content["items"][0].erase("content_zh");
  json negative_days = FileWith(Item("PDS-14"));
  negative_days["items"][0]["valid_days"] = -1;
  json no_when = FileWith(Item("PDS-15"));
  no_when["items"][0].erase("when");
  json op_for_type = FileWith(Item("PDS-16"));
  op_for_type["items"][0]["when"] = {{"fact", "disability"}, {"op", "gt"}, {"value", "none"}};
  json comment_ok = FileWith(Item("PDS-17"));
  comment_ok["items"][0]["_note"] = "注释";
  ASSERT_EQ(LoadError(comment_ok), "");

  const std::vector<BadFile> bad = {
      {"unknown fact", unknown_fact, "服务项目 PDS-03：适用条件 when：条件引用了未知事实 agee"},
      {"unknown fact in received_when", unknown_received_fact, "未知事实 enrolled"},
      {"unknown class code", bad_code, "没有取值 migrnat"},
      {"duplicate id", duplicate, "id 重复"},
      {"duplicate name", same_name, "与服务项目 PDS-07 重复"},
      {"unknown area", unknown_area, "服务领域 leisure 未定义"},
      {"unknown need code", unknown_need, "需求类型 calligraphy 未定义"},
      {"unknown key", unknown_key, "未知配置项：deparment"},
      {"empty department", empty_department, "department 不能为空"},
      {"no content", empty_content, "缺少 content_zh"},
      {"negative valid_days", negative_days, "valid_days"},
      {"no condition", no_when, "缺少适用条件 when"},
      {"op not for the type", op_for_type, "不适用"},
  };
  for (const BadFile& b : bad) {
    const std::string error = LoadError(b.file);
    EXPECT_NE(error.find(b.message_part), std::string::npos) << b.name << ": " << error;
    const std::string id = b.file["items"].back()["id"].get<std::string>();
    EXPECT_NE(error.find("服务项目 " + id + "："), std::string::npos) << b.name << ": " << error;
  }
}

TEST(CareServiceCatalogue, InvalidFilesAreRefused) {
  EXPECT_NE(LoadError(json::array()).find("服务清单"), std::string::npos);
  json no_items = FileWith(Item("A"));
  no_items["items"] = json::array();
  EXPECT_NE(LoadError(no_items).find("服务项目 items 不能为空"), std::string::npos);
  json missing_items = FileWith(Item("A"));
  missing_items.erase("items");
  EXPECT_NE(LoadError(missing_items).find("缺少 items"), std::string::npos);
  json top_key = FileWith(Item("A"));
  top_key["version"] = 2;
  EXPECT_NE(LoadError(top_key).find("未知配置项：version"), std::string::npos);
  json no_name = FileWith(Item("A"));
  no_name.erase("name_zh");
  EXPECT_NE(LoadError(no_name).find("name_zh"), std::string::npos);
  json bad_region = FileWith(Item("A"));
  bad_region["region_code"] = "41040";
  EXPECT_NE(LoadError(bad_region).find("region_code"), std::string::npos);
  json no_id = FileWith(Item(""));
  EXPECT_NE(LoadError(no_id).find("服务清单第1个服务项目"), std::string::npos);
  json area_twice = FileWith(Item("A"));
  area_twice["areas"].push_back({{"code", "health"}, {"name_zh", "健康"}});
  EXPECT_NE(LoadError(area_twice).find("服务领域 health 重复"), std::string::npos);
  json alias_twice = FileWith(Item("A"));
  alias_twice["need_types"].push_back({{"code", "aid"}, {"name_zh", "生活救助"}, {"aliases", {"医疗救助"}}});
  EXPECT_NE(LoadError(alias_twice).find("医疗救助”已用于需求类型 medical"), std::string::npos);
  json need_twice = FileWith(Item("A"));
  need_twice["need_types"].push_back({{"code", "medical"}, {"name_zh", "看病"}});
  EXPECT_NE(LoadError(need_twice).find("需求类型 medical：代码重复"), std::string::npos);
  json need_key = FileWith(Item("A"));
  need_key["need_types"][0]["alias"] = json::array();
  EXPECT_NE(LoadError(need_key).find("未知配置项：alias"), std::string::npos);
}

struct GoldenChild {
  const char* name;
  json facts;
  Strings entitled;
  Strings received;  // id:via
};

TEST(CareServiceCatalogue, GoldenChildrenOverThePingdingshanCatalogue) {
  const std::vector<GoldenChild> cases = {
      {"2-year-old migrant without a health record, vaccinated",
       Child({{"age", 2}, {"schooling_status", "未入学"}, {"has_health_record", false}}),
       // health file, check-up, 托育, vaccination, insurance, family guidance, city integration, legal
       {"PDS-01", "PDS-02", "PDS-03", "PDS-11", "PDS-12", "PDS-21", "PDS-22", "PDS-24"},
       {"PDS-11:fact"}},
      {"10-year-old migrant in school",
       Child(),
       {"PDS-05", "PDS-06", "PDS-12", "PDS-21", "PDS-22", "PDS-23", "PDS-24", "PDS-25"},
       {"PDS-05:fact"}},
      {"16-year-old who moved across provinces, in school (no longer in the migrant class)",
       Child({{"age", 16}, {"classes", json::array()}, {"residence_months", 30}}),
       {"PDS-09", "PDS-10"},
       {"PDS-09:fact"}},
      {"16-year-old who moved only three months ago",
       Child({{"age", 16}, {"classes", json::array()}, {"residence_months", 3}}),
       {},
       {}},
      {"9-year-old local child",
       Child({{"age", 9}, {"classes", json::array()}, {"flow_type", "local"}, {"residence_months", 108}}),
       {},
       {}},
      {"8-year-old migrant in a 低保 family receiving 低保",
       Child({{"age", 8}, {"family_economy", "dibao"}, {"benefits", {"低保"}}}),
       {"PDS-05", "PDS-06", "PDS-07", "PDS-12", "PDS-13", "PDS-16", "PDS-17", "PDS-21", "PDS-22", "PDS-23",
        "PDS-24", "PDS-25"},
       {"PDS-05:fact", "PDS-17:fact"}},
      {"5-year-old migrant with a level-2 disability, in kindergarten",
       Child({{"age", 5},
              {"classes", {"migrant", "in_difficulty", "key_care"}},
              {"disability", "level2"},
              {"schooling_status", "在园"}}),
       {"PDS-01", "PDS-02", "PDS-04", "PDS-07", "PDS-11", "PDS-12", "PDS-13", "PDS-14", "PDS-15", "PDS-18",
        "PDS-21", "PDS-22", "PDS-23", "PDS-24"},
       {"PDS-01:fact", "PDS-04:fact", "PDS-11:fact"}},
      {"11-year-old left-behind child with a capable grandmother",
       Child({{"age", 11},
              {"classes", {"left_behind"}},
              {"living_with", "other_guardian"},
              {"father_status", "working_away"},
              {"mother_status", "working_away"},
              {"flow_type", "local"}}),
       {"PDS-21"},
       {}},
      {"11-year-old left-behind child, grandmother unable to care, psychological problems",
       Child({{"age", 11},
              {"classes", {"left_behind"}},
              {"living_with", "other_guardian"},
              {"father_status", "working_away"},
              {"mother_status", "working_away"},
              {"guardian_capable", false},
              {"psych_abnormal", true},
              {"flow_type", "local"}}),
       {"PDS-15", "PDS-20", "PDS-21"},
       {}},
      {"14-year-old migrant key-care child, vagrant, living alone, dropped out",
       Child({{"age", 14},
              {"classes", {"migrant", "key_care"}},
              {"vagrant", true},
              {"living_with", "alone"},
              {"guardian_capable", false},
              {"schooling_status", "辍学"},
              {"family_economy", "low_income"}}),
       {"PDS-05", "PDS-06", "PDS-07", "PDS-08", "PDS-12", "PDS-15", "PDS-16", "PDS-19", "PDS-20", "PDS-21",
        "PDS-22", "PDS-23", "PDS-24", "PDS-25"},
       {}},
      {"orphan in a welfare institution needs no guardianship support",
       Child({{"age", 7},
              {"classes", {"migrant", "in_difficulty", "orphan"}},
              {"living_with", "institution"},
              {"father_status", "deceased"},
              {"mother_status", "deceased"},
              {"guardian_capable", false},
              {"benefits", {"孤儿基本生活费", "医疗救助"}}}),
       {"PDS-05", "PDS-06", "PDS-07", "PDS-12", "PDS-13", "PDS-17", "PDS-21", "PDS-22", "PDS-23", "PDS-24",
        "PDS-25"},
       {"PDS-05:fact", "PDS-13:fact", "PDS-17:fact"}},
  };
  for (const GoldenChild& c : cases) {
    const auto list = EntitlementsOf(Pingdingshan(), c.facts, {}, kToday);
    EXPECT_EQ(Ids(list), c.entitled) << c.name;
    EXPECT_EQ(Received(list), c.received) << c.name;
    for (const auto& e : list) EXPECT_FALSE(e.last_delivered.has_value()) << c.name;
  }
}

TEST(CareServiceCatalogue, DeliveriesShowItemsReceivedWithinTheirValidDays) {
  const json disabled = Child({{"age", 5},
                               {"classes", {"migrant", "in_difficulty", "key_care"}},
                               {"disability", "level2"},
                               {"schooling_status", "在园"}});
  const auto rehab = [&](const std::vector<ItemDelivery>& deliveries, const json& facts) {
    return Find(EntitlementsOf(Pingdingshan(), facts, deliveries, kToday), "PDS-14");
  };
  // PDS-14 残疾儿童康复救助: valid_days 365, received by fact only with the benefit.
  const Entitlement none = rehab({}, disabled);
  EXPECT_FALSE(none.received);
  EXPECT_EQ(none.received_via, "");

  const Entitlement recent = rehab({{"PDS-14", DaysAgo(30)}}, disabled);
  EXPECT_TRUE(recent.received);
  EXPECT_EQ(recent.received_via, "delivery");
  EXPECT_EQ(recent.last_delivered, DaysAgo(30));

  const Entitlement old = rehab({{"PDS-14", DaysAgo(400)}}, disabled);
  EXPECT_FALSE(old.received);
  EXPECT_EQ(old.received_via, "");
  EXPECT_EQ(old.last_delivered, DaysAgo(400));

  EXPECT_TRUE(rehab({{"PDS-14", DaysAgo(365)}}, disabled).received);
  EXPECT_FALSE(rehab({{"PDS-14", DaysAgo(366)}}, disabled).received);

  // The latest delivery counts, in whatever order they come.
  const Entitlement latest = rehab({{"PDS-14", DaysAgo(30)}, {"PDS-14", DaysAgo(400)}}, disabled);
  EXPECT_TRUE(latest.received);
  EXPECT_EQ(latest.last_delivered, DaysAgo(30));

  // A future-dated delivery and deliveries of other items do not count.
  const Entitlement future = rehab({{"PDS-14", DaysAgo(-3)}, {"PDS-12", DaysAgo(10)}}, disabled);
  EXPECT_FALSE(future.received);
  EXPECT_FALSE(future.last_delivered.has_value());

  // A fact wins over a delivery; the delivery date is still reported.
  json with_benefit = disabled;
  with_benefit["benefits"] = {"残疾儿童康复救助"};
  const Entitlement both = rehab({{"PDS-14", DaysAgo(30)}}, with_benefit);
  EXPECT_TRUE(both.received);
  EXPECT_EQ(both.received_via, "fact");
  EXPECT_EQ(both.last_delivered, DaysAgo(30));

  // valid_days 0: a delivery counts for good (PDS-18 残疾人两项补贴).
  const auto list = EntitlementsOf(Pingdingshan(), disabled, {{"PDS-18", DaysAgo(2000)}}, kToday);
  EXPECT_TRUE(Find(list, "PDS-18").received);
  EXPECT_EQ(Find(list, "PDS-18").received_via, "delivery");

  // A delivery of an item the child is not entitled to adds nothing.
  const auto with_other = EntitlementsOf(Pingdingshan(), disabled, {{"PDS-05", DaysAgo(10)}}, kToday);
  EXPECT_EQ(Ids(with_other), Ids(EntitlementsOf(Pingdingshan(), disabled, {}, kToday)));
}

TEST(CareServiceCatalogue, FactsForServicesAreKnown) {
  const std::vector<std::pair<std::string, std::string>> facts = {
      {"benefits", "string_list"}, {"needs", "string_list"}, {"flow_type", "string"}, {"residence_months", "int"}};
  for (const auto& [name, type] : facts) {
    const FactInfo* fact = FindFact(name);
    ASSERT_NE(fact, nullptr) << name;
    EXPECT_EQ(fact->type, type) << name;
  }
  EXPECT_EQ(FindFact("flow_type")->values.size(), 5u);
  EXPECT_TRUE(FindFact("benefits")->values.empty());  // free text
  EXPECT_EQ(FindFact("flow_type")->label_zh, "流动范围");
}

TEST(CareServiceCatalogue, ACityCatalogueIsDataOnly) {
  // A catalogue of a different city with its own items and need types loads and evaluates.
  json file = FileWith(Item("GZ-01"));
  file["region_code"] = "4401";
  file["items"][0]["when"] = {{"all",
                               {{{"fact", "classes"}, {"op", "contains"}, {"value", "migrant"}},
                                {{"fact", "needs"}, {"op", "contains"}, {"value", "medical"}},
                                {{"fact", "residence_months"}, {"op", "gte"}, {"value", 12}},
                                {{"fact", "flow_type"}, {"op", "in"}, {"value", {"cross_province", "cross_city"}}}}}};
  file["items"][0]["needs"] = {"medical"};
  const ServiceCatalogue c = ServiceCatalogue::FromJson(file);
  EXPECT_EQ(Ids(EntitlementsOf(c, Child({{"needs", {"medical"}}}), {}, kToday)), (Strings{"GZ-01"}));
  EXPECT_EQ(Ids(EntitlementsOf(c, Child({{"needs", {"medical"}}, {"residence_months", 8}}), {}, kToday)), Strings{});
  EXPECT_EQ(Ids(EntitlementsOf(c, Child(), {}, kToday)), Strings{});
  EXPECT_EQ(Ids(EntitlementsOf(c, json::object(), {}, kToday)), Strings{});  // nothing known: nothing holds
}

}  // namespace
}  // namespace tongan::care
