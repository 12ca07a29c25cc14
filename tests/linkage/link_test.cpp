// Linking department records to a small registry built here, with known truth: exact-ID links,
// probabilistic links through the usual errors, children not in the registry, twins, a mistyped
// ID that is another child's; Explain agrees with Link; EM on synthetic data.
#include "linkage/linkage.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/region.h"
#include "core/resident_id.h"
#include "demo/synthetic_linkage.h"

namespace tongan::linkage {
namespace {

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(TONGAN_SOURCE_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in) << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const LinkageConfig& ShippedConfig() {
  static const LinkageConfig config = LinkageConfig::FromJson(nlohmann::json::parse(ReadSource("data/linkage.json")));
  return config;
}

// Field order of data/linkage.json.
enum Field { kName, kId, kBirth, kSex, kGuardian, kPhone, kAddress };

struct Kid {
  std::string name, birth, sex, father, mother, phone, address, id;
};

std::string MakeId(const std::string& birth, int sequence) {
  const std::string first17 = "410402" + birth.substr(0, 4) + birth.substr(5, 2) + birth.substr(8, 2) +
                              std::to_string(100 + sequence);
  return first17 + ResidentIdCheckChar(first17);
}

// 30 registry children. 20 and 21 are twins (same birth date, parents, phone and address).
std::vector<Kid> RegistryKids() {
  static const char* kNames[] = {"王浩宇", "李欣怡", "张子轩", "刘梓涵", "陈一诺", "杨宇航", "赵雨桐", "黄俊杰",
                                 "周思彤", "吴浩然", "徐梦瑶", "孙佳怡", "胡博文", "朱雨萱", "高子豪", "林可馨",
                                 "何天佑", "郭诗涵", "马明轩", "罗若汐", "梁皓轩", "梁雨桐", "宋梓睿", "郑欣妍",
                                 "谢晨曦", "韩宇泽", "唐一鸣", "冯语桐", "于子墨", "董佳琪"};
  static const bool kBoy[] = {1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0};
  static const char* kFathers[] = {"建军", "国强", "志刚", "海涛", "永强", "建伟", "晓东", "俊峰", "卫东", "振华"};
  static const char* kMothers[] = {"丽娟", "秀英", "海燕", "红霞", "春梅", "玉梅", "晓燕", "美玲", "丽娜", "彩霞"};
  static const char* kMotherSurnames[] = {"孟", "蔡", "潘", "田", "姜", "方", "石", "姚", "邹", "熊"};
  std::vector<Kid> kids;
  for (int i = 0; i < 30; ++i) {
    const int family = i == 21 ? 20 : i;
    Kid k;
    k.name = kNames[i];
    char birth[16];
    std::snprintf(birth, sizeof birth, "%04d-%02d-%02d", 2011 + family % 8, 1 + family % 12, 1 + (family * 7) % 28);
    k.birth = birth;
    k.sex = kBoy[i] ? "男" : "女";
    k.father = k.name.substr(0, 3) + kFathers[family % 10];
    k.mother = std::string(kMotherSurnames[family % 10]) + kMothers[(family * 3) % 10];
    k.phone = "1380375" + std::to_string(1000 + family * 37);
    k.address = "李庄村" + std::to_string(family % 5 + 1) + "组" + std::to_string(family + 10) + "号";
    k.id = MakeId(k.birth, i * 2 + (kBoy[i] ? 1 : 0));
    kids.push_back(k);
  }
  return kids;
}

Record RegistryRecord(const Kid& k, int64_t key) {
  return {key, {k.name, k.id, k.birth, k.sex, k.father + "|" + k.mother, k.phone, k.address}};
}

Record DepartmentRecord(const Kid& k, int64_t key) {
  return {key, {k.name, k.id, k.birth, k.sex, k.mother, k.phone, k.address}};
}

struct Golden {
  std::vector<Record> registry, department;
  std::vector<int64_t> truth;  // registry index, or -1
  LinkResult result;
};

const Golden& GoldenCase() {
  static const Golden golden = [] {
    Golden g;
    const std::vector<Kid> kids = RegistryKids();
    for (size_t i = 0; i < kids.size(); ++i) g.registry.push_back(RegistryRecord(kids[i], static_cast<int64_t>(i)));
    auto add = [&](Record r, int64_t truth) {
      r.key = static_cast<int64_t>(g.department.size());
      g.department.push_back(std::move(r));
      g.truth.push_back(truth);
    };
    for (int i = 0; i < 10; ++i) add(DepartmentRecord(kids[i], 0), i);  // 0–9: valid IDs
    Record r = DepartmentRecord(kids[10], 0);  // 10: no ID, homophone 梦瑶 -> 梦遥
    r.values[kId] = "";
    r.values[kName] = "徐梦遥";
    add(r, 10);
    r = DepartmentRecord(kids[11], 0);  // 11: no ID, traditional 孫
    r.values[kId] = "";
    r.values[kName] = "孫佳怡";
    add(r, 11);
    r = DepartmentRecord(kids[12], 0);  // 12: no ID, no guardian, no phone
    r.values[kId] = r.values[kGuardian] = r.values[kPhone] = "";
    add(r, 12);
    r = DepartmentRecord(kids[13], 0);  // 13: no ID, day and month swapped (2016-02-08)
    r.values[kId] = "";
    r.values[kBirth] = r.values[kBirth].substr(0, 5) + r.values[kBirth].substr(8, 2) + "-" + r.values[kBirth].substr(5, 2);
    add(r, 13);
    r = DepartmentRecord(kids[14], 0);  // 14: ID mistyped (check digit no longer fits)
    r.values[kId][10] = r.values[kId][10] == '9' ? '0' : static_cast<char>(r.values[kId][10] + 1);
    add(r, 14);
    // 15: another child, not in the registry, whose ID was typed as kid 15's.
    add({0, {"曹雅琴", kids[15].id, "2012-09-09", "女", "蒋秀兰", "13937512345", "光明社区8号楼"}}, -1);
    // 16–19: children not in the registry.
    add({0, {"袁嘉懿", "", "2014-06-18", "男", "袁立新", "15836601234", "建设路5号院2单元"}}, -1);
    add({0, {"邓芷若", "", "2016-02-11", "女", "吕秀芳", "", "阳光花园3号楼"}}, -1);
    add({0, {"许逸飞", "", "2013-10-30", "男", "", "18637523456", "王营村2组6号"}}, -1);
    add({0, {"傅婉清", "", "2017-12-05", "女", "沈丽", "", ""}}, -1);
    r = DepartmentRecord(kids[21], 0);  // 20: twin 21 without ID (twin 20 is in the registry too)
    r.values[kId] = "";
    add(r, 21);
    r = DepartmentRecord(kids[20], 0);  // 21: twin 20 without ID
    r.values[kId] = "";
    add(r, 20);
    // 22: the twin of kid 22, not in the registry: same birth date, parents, phone, address.
    Kid twin = kids[22];
    twin.name = "宋思琪";
    twin.sex = "女";
    twin.id = "";
    add(DepartmentRecord(twin, 0), -1);
    for (int i = 23; i < 30; ++i) {  // 23–29: as the registry has them, odd ones without ID
      r = DepartmentRecord(kids[i], 0);
      if (i % 2 == 1) r.values[kId] = "";
      add(r, i);
    }
    LinkageConfig config = ShippedConfig();
    config.threads = 2;
    g.result = Link(g.department, g.registry, config);
    return g;
  }();
  return golden;
}

std::optional<int64_t> LinkedTo(const LeftResult& r) {
  if (r.decision != Decision::kLink || !r.right) return std::nullopt;
  return static_cast<int64_t>(*r.right);
}

TEST(LinkageLink, GoldenCaseDecisions) {
  const Golden& g = GoldenCase();
  ASSERT_EQ(g.result.left.size(), g.department.size());
  for (size_t i = 0; i < g.department.size(); ++i) {
    const LeftResult& r = g.result.left[i];
    SCOPED_TRACE("department record " + std::to_string(i) + " " + g.department[i].values[kName] + " p=" +
                 std::to_string(r.explanation.probability));
    if (g.truth[i] >= 0) {
      ASSERT_TRUE(LinkedTo(r).has_value());
      EXPECT_EQ(*LinkedTo(r), g.truth[i]);
    } else {
      EXPECT_NE(r.decision, Decision::kLink);
    }
  }
  for (int i = 0; i < 10; ++i) EXPECT_EQ(g.result.left[i].method, Method::kExactId);
  EXPECT_EQ(g.result.left[10].method, Method::kProbabilistic);
  EXPECT_EQ(g.result.left[10].explanation.fields[kName].level, "homophone");
  EXPECT_EQ(g.result.left[10].explanation.fields[kName].level_zh, "同音字");
  EXPECT_EQ(g.result.left[11].explanation.fields[kName].level, "variant");
  EXPECT_EQ(g.result.left[12].explanation.fields[kPhone].level, "missing");
  EXPECT_EQ(g.result.left[12].explanation.fields[kPhone].weight, 0.0);
  EXPECT_EQ(g.result.left[13].explanation.fields[kBirth].level_zh, "日月颠倒");
  EXPECT_EQ(g.department[13].values[kBirth], "2016-08-02");
  EXPECT_EQ(g.result.left[14].explanation.fields[kId].level, "edit");
  EXPECT_EQ(g.result.stats.exact_id_links, 13u);  // 0–9, and 24, 26, 28
  EXPECT_EQ(g.result.stats.links, 24u);
  EXPECT_EQ(g.result.stats.news, 6u);  // 15–19 and the twin missing from the registry
}

TEST(LinkageLink, ExactIdWithDifferentNameDoesNotExactLink) {
  const Golden& g = GoldenCase();
  const LeftResult& r = g.result.left[15];
  EXPECT_NE(r.method, Method::kExactId);
  EXPECT_NE(r.decision, Decision::kLink);
  if (r.right) {
    EXPECT_EQ(r.explanation.fields[kId].level, "exact");
    EXPECT_EQ(r.explanation.fields[kName].level, "differ");
  }
}

TEST(LinkageLink, TwinsDoNotLinkToEachOthersSibling) {
  const Golden& g = GoldenCase();
  EXPECT_EQ(LinkedTo(g.result.left[20]), std::optional<int64_t>(21));
  EXPECT_EQ(LinkedTo(g.result.left[21]), std::optional<int64_t>(20));
  // The twin missing from the registry agrees with kid 22 on everything but name and sex.
  const LeftResult& missing = g.result.left[22];
  EXPECT_NE(missing.decision, Decision::kLink);
  ASSERT_TRUE(missing.right.has_value());
  EXPECT_EQ(*missing.right, 22u);
  EXPECT_EQ(missing.explanation.fields[kGuardian].level, "exact");
  EXPECT_EQ(missing.explanation.fields[kName].level, "differ");
}

TEST(LinkageLink, ExplainReproducesLinkProbability) {
  const Golden& g = GoldenCase();
  const LinkageConfig& config = ShippedConfig();
  const Model reloaded = Model::FromJson(nlohmann::json::parse(g.result.model.ToJson().dump()));
  int explained = 0;
  for (size_t i = 0; i < g.department.size(); ++i) {
    const LeftResult& r = g.result.left[i];
    if (!r.right) continue;
    const PairExplanation e = Explain(g.department[i], g.registry[*r.right], config, g.result.model);
    EXPECT_EQ(e.probability, r.explanation.probability);
    EXPECT_EQ(e.weight, r.explanation.weight);
    ASSERT_EQ(e.fields.size(), r.explanation.fields.size());
    for (size_t f = 0; f < e.fields.size(); ++f) EXPECT_EQ(e.fields[f].weight, r.explanation.fields[f].weight);
    EXPECT_EQ(Explain(g.department[i], g.registry[*r.right], config, reloaded).weight, r.explanation.weight);
    ++explained;
  }
  EXPECT_GT(explained, 20);
  const nlohmann::json j = g.result.left[10].explanation.ToJson();
  EXPECT_EQ(j["fields"][0]["level_zh"], "同音字");
  EXPECT_EQ(j["fields"][0]["left"], "徐梦遥");
  EXPECT_EQ(j["fields"][0]["right"], "徐梦瑶");
  EXPECT_EQ(j["fields"][4]["right"], RegistryKids()[10].mother);  // the agreeing alternative
}

TEST(LinkageLink, OneThreadDecidesAsTwo) {
  const Golden& g = GoldenCase();
  LinkageConfig config = ShippedConfig();
  config.threads = 1;
  const LinkResult one = Link(g.department, g.registry, config);
  EXPECT_EQ(one.model.ToJson(), g.result.model.ToJson());
  for (size_t i = 0; i < g.department.size(); ++i) {
    EXPECT_EQ(one.left[i].decision, g.result.left[i].decision) << i;
    EXPECT_EQ(one.left[i].right, g.result.left[i].right) << i;
    EXPECT_EQ(one.left[i].explanation.weight, g.result.left[i].explanation.weight) << i;
  }
}

TEST(LinkageLink, EmKeepsExactAgreementMoreLikelyForMatchesOnSyntheticData) {
  RegionTree regions;
  regions.LoadProvincesCsv(ReadSource("data/regions/provinces.csv"));
  regions.LoadCitiesCsv(ReadSource("data/regions/cities.csv"));
  regions.LoadCountiesCsv(ReadSource("data/regions/areas.csv"));
  regions.LoadTownshipsCsv(ReadSource("data/regions/streets.csv"));
  SyntheticLinkageOptions options;
  options.county_codes = {"410402"};
  options.villages_per_township = 6;
  options.registry = 4000;
  options.records = 3000;
  options.today = Date{std::chrono::year(2026), std::chrono::month(11), std::chrono::day(22)};
  LinkageConfig config = ShippedConfig();
  config.u_sample_pairs = 300000;  // enough here, and the test stays fast
  const SyntheticLinkageData data = GenerateSyntheticLinkage(regions, config.fields, options);
  ASSERT_EQ(data.registry.size(), 4000u);
  ASSERT_EQ(data.department.size(), 3000u);
  const LinkResult result = Link(data.department, data.registry, config);
  for (const auto& field : result.model.detail["fields"]) {
    const auto& exact = field["levels"][0];
    EXPECT_GT(exact["m"].get<double>(), exact["u"].get<double>()) << field["field"];
    EXPECT_GT(exact["weight"].get<double>(), 0) << field["field"];
  }
  EXPECT_LT(result.model.prior_log2_odds, 0);
  size_t correct = 0, wrong = 0, matches = 0;
  for (size_t i = 0; i < data.department.size(); ++i) {
    const LeftResult& r = result.left[i];
    if (data.truth[i] >= 0) ++matches;
    if (r.decision != Decision::kLink) continue;
    (data.registry[*r.right].key == data.truth[i] ? correct : wrong)++;
  }
  EXPECT_GT(static_cast<double>(correct) / matches, 0.97);
  EXPECT_LT(wrong, matches / 100);
}

}  // namespace
}  // namespace tongan::linkage
