// Warning rules: the shipped file, validation with messages naming the rule, evaluation with filled
// reasons, missing facts, and golden fact sets for the shipped rules.
#include "care/warning_rules.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

namespace tongan::care {
namespace {

using nlohmann::json;

json ReadJson(const std::string& relative) {
  std::ifstream in(std::string(TONGAN_SOURCE_DIR) + "/" + relative);
  return json::parse(in);
}

const RuleSet& Shipped() {
  static const RuleSet rules = RuleSet::FromJson(ReadJson("data/warning_rules.json"));
  return rules;
}

// A minimal rule file around one rule.
json FileWith(const json& rule) {
  return {{"colours", json::array({{{"code", "red"}, {"name_zh", "红色"}}, {{"code", "green"}, {"name_zh", "绿色"}}})},
          {"rules", json::array({rule})}};
}

json Rule(const std::string& id, const json& when, const std::string& reason = "原因") {
  return {{"id", id}, {"colour", "red"}, {"title_zh", "标题"}, {"reason_zh", reason}, {"when", when}};
}

std::string LoadError(const json& file) {
  try {
    RuleSet::FromJson(file);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> Ids(const Evaluation& e) {
  std::vector<std::string> ids;
  for (const auto& w : e.warnings) ids.push_back(w.rule_id);
  return ids;
}

TEST(CareWarningRules, ShippedFileLoads) {
  const RuleSet& rules = Shipped();
  EXPECT_EQ(rules.colours, (std::vector<std::string>{"red", "orange", "yellow", "green"}));
  EXPECT_EQ(rules.colour_names.at("orange"), "橙色");
  EXPECT_GE(rules.rules.size(), 12u);
  std::set<std::string> colours_used;
  for (const auto& r : rules.rules) colours_used.insert(r.colour);
  EXPECT_EQ(colours_used, (std::set<std::string>{"red", "orange", "yellow"}));
  // What ToJson writes loads back to the same rules.
  EXPECT_EQ(RuleSet::FromJson(rules.ToJson()).ToJson(), rules.ToJson());
  EXPECT_EQ(rules.Severity("red"), 0);
  EXPECT_EQ(rules.Severity("green"), 3);
  EXPECT_EQ(rules.Severity("blue"), -1);
}

TEST(CareWarningRules, KnownFactsHaveTypesAndLabels) {
  std::set<std::string> names;
  for (const auto& f : KnownFacts()) {
    EXPECT_TRUE(f.type == "int" || f.type == "bool" || f.type == "string" || f.type == "string_list") << f.name;
    EXPECT_FALSE(f.label_zh.empty()) << f.name;
    names.insert(f.name);
  }
  for (const char* name :
       {"age", "sex", "classes", "living_with", "father_status", "mother_status", "guardian_capable",
        "family_economy", "disability", "serious_illness", "vagrant", "psych_abnormal", "asked_for_help",
        "schooling_status", "has_health_record", "vaccinated", "in_ledger", "days_since_visit",
        "visit_overdue_days", "last_visit_guardianship", "last_visit_safety_concern", "open_cases",
        "open_referrals", "unmet_needs", "days_since_update"})
    EXPECT_TRUE(names.count(name)) << name;
  EXPECT_EQ(names.size(), KnownFacts().size());
}

struct BadRule {
  const char* name;
  json file;
  const char* message_part;
};

TEST(CareWarningRules, InvalidRulesAreRefusedNamingTheRule) {
  const json age16 = {{"fact", "age"}, {"op", "gte"}, {"value", 16}};
  json duplicate = FileWith(Rule("twice", age16));
  duplicate["rules"].push_back(Rule("twice", age16));
  json empty_title = FileWith(Rule("untitled", age16));
  empty_title["rules"][0]["title_zh"] = "";
  json unknown_colour = FileWith(Rule("purple_rule", age16));
  unknown_colour["rules"][0]["colour"] = "purple";
  json no_when = FileWith(Rule("no_when", age16));
  no_when["rules"][0].erase("when");
  json extra_key = FileWith(Rule("extra", age16));
  extra_key["rules"][0]["severity"] = 3;

  const std::vector<BadRule> bad = {
      {"unknown fact", FileWith(Rule("r_fact", {{"fact", "height"}, {"op", "gt"}, {"value", 150}})), "未知事实 height"},
      {"unknown fact deep inside",
       FileWith(Rule("r_deep", {{"all", {age16, {{"not", {{"fact", "heigth"}, {"op", "exists"}}}}}}})), "heigth"},
      {"unknown op", FileWith(Rule("r_op", {{"fact", "age"}, {"op", "between"}, {"value", 16}})), "between"},
      {"op not for the type", FileWith(Rule("r_type_op", {{"fact", "sex"}, {"op", "gt"}, {"value", "M"}})),
       "不适用"},
      {"wrong value type", FileWith(Rule("r_value", {{"fact", "age"}, {"op", "gte"}, {"value", "16"}})), "整数"},
      {"wrong bool value", FileWith(Rule("r_bool", {{"fact", "vagrant"}, {"op", "eq"}, {"value", 1}})), "是/否"},
      {"unknown code", FileWith(Rule("r_code", {{"fact", "living_with"}, {"op", "eq"}, {"value", "alon"}})),
       "没有取值 alon"},
      {"unknown code in a list",
       FileWith(Rule("r_list", {{"fact", "father_status"}, {"op", "in"}, {"value", {"deceased", "jailed"}}})),
       "jailed"},
      {"unknown class", FileWith(Rule("r_class", {{"fact", "classes"}, {"op", "contains"}, {"value", "leftbehind"}})),
       "leftbehind"},
      {"in needs a list", FileWith(Rule("r_in", {{"fact", "age"}, {"op", "in"}, {"value", 3}})), "非空列表"},
      {"missing value", FileWith(Rule("r_novalue", {{"fact", "age"}, {"op", "lt"}})), "需要 value"},
      {"needless value", FileWith(Rule("r_needless", {{"fact", "vagrant"}, {"op", "is_true"}, {"value", true}})),
       "不需要 value"},
      {"empty all", FileWith(Rule("r_empty", {{"all", json::array()}})), "非空"},
      {"not a condition", FileWith(Rule("r_shape", {{"age", 16}})), "未知配置项"},
      {"unknown colour", unknown_colour, "purple"},
      {"duplicate id", duplicate, "重复"},
      {"empty title", empty_title, "title_zh"},
      {"no condition", no_when, "when"},
      {"unknown rule key", extra_key, "severity"},
      {"bad placeholder", FileWith(Rule("r_placeholder", age16, "已 {days_since_vist} 天未走访")),
       "{days_since_vist}"},
      {"unclosed placeholder", FileWith(Rule("r_brace", age16, "已 {age 岁")), "未闭合"},
  };
  for (const BadRule& b : bad) {
    const std::string error = LoadError(b.file);
    EXPECT_NE(error, "") << b.name;
    EXPECT_NE(error.find(b.message_part), std::string::npos) << b.name << ": " << error;
    // Every rule-level error names the rule by its id.
    const std::string id = b.file["rules"].back()["id"].get<std::string>();
    EXPECT_NE(error.find("预警规则 " + id), std::string::npos) << b.name << ": " << error;
  }
}

TEST(CareWarningRules, InvalidFilesAreRefused) {
  EXPECT_NE(LoadError(json::array()), "");
  EXPECT_NE(LoadError({{"rules", json::array()}}).find("colours"), std::string::npos);
  json twice = FileWith(Rule("a", {{"fact", "vagrant"}, {"op", "is_true"}}));
  twice["colours"].push_back({{"code", "red"}, {"name_zh", "红"}});
  EXPECT_NE(LoadError(twice).find("颜色重复"), std::string::npos);
  json no_id = FileWith(Rule("", {{"fact", "vagrant"}, {"op", "is_true"}}));
  EXPECT_NE(LoadError(no_id).find("第1条预警规则"), std::string::npos);
}

TEST(CareWarningRules, MostSevereColourWinsAndReasonsAreFilled) {
  json file = {{"colours", json::array({{{"code", "red"}, {"name_zh", "红色"}},
                                        {{"code", "yellow"}, {"name_zh", "黄色"}},
                                        {{"code", "green"}, {"name_zh", "绿色"}}})},
               {"rules", json::array()}};
  json late = Rule("late", {{"fact", "days_since_visit"}, {"op", "gt"}, {"value", 30}}, "已 {days_since_visit} 天未走访");
  late["colour"] = "yellow";
  file["rules"].push_back(late);
  file["rules"].push_back(Rule("alone", {{"fact", "living_with"}, {"op", "eq"}, {"value", "alone"}},
                               "{living_with}，{age} 岁，求助：{asked_for_help}，类别：{classes}，学籍：{schooling_status}，{open_cases}"));
  const RuleSet rules = RuleSet::FromJson(file);

  const Evaluation both = Evaluate(rules, {{"days_since_visit", 45},
                                           {"living_with", "alone"},
                                           {"age", 12},
                                           {"asked_for_help", false},
                                           {"classes", {"migrant", "key_care"}},
                                           {"schooling_status", ""}});
  EXPECT_EQ(both.colour, "red");
  ASSERT_EQ(Ids(both), (std::vector<std::string>{"alone", "late"}));  // most severe first
  EXPECT_EQ(both.warnings[0].reason_zh, "独自生活，12 岁，求助：否，类别：流动儿童、重点关爱服务对象，学籍：未填写，未知");
  EXPECT_EQ(both.warnings[0].title_zh, "标题");
  EXPECT_EQ(both.warnings[0].colour, "red");
  EXPECT_EQ(both.warnings[1].reason_zh, "已 45 天未走访");

  const Evaluation late_only = Evaluate(rules, {{"days_since_visit", 45}});
  EXPECT_EQ(late_only.colour, "yellow");
  EXPECT_EQ(Ids(late_only), (std::vector<std::string>{"late"}));

  const Evaluation none = Evaluate(rules, {{"days_since_visit", 30}});
  EXPECT_EQ(none.colour, "green");  // the default is the last colour
  EXPECT_TRUE(none.warnings.empty());
}

TEST(CareWarningRules, MissingFactsDoNotFireComparisons) {
  const auto fires = [](const json& when, const json& facts) {
    const RuleSet rules = RuleSet::FromJson(FileWith(Rule("r", when)));
    return !Evaluate(rules, facts).warnings.empty();
  };
  const json nothing = json::object();
  EXPECT_FALSE(fires({{"fact", "age"}, {"op", "lt"}, {"value", 16}}, nothing));
  EXPECT_FALSE(fires({{"fact", "age"}, {"op", "ne"}, {"value", 16}}, nothing));
  EXPECT_FALSE(fires({{"fact", "living_with"}, {"op", "not_in"}, {"value", {"alone"}}}, nothing));
  EXPECT_FALSE(fires({{"fact", "guardian_capable"}, {"op", "is_false"}}, nothing));
  EXPECT_FALSE(fires({{"fact", "unmet_needs"}, {"op", "contains"}, {"value", "x"}}, nothing));
  EXPECT_FALSE(fires({{"fact", "age"}, {"op", "exists"}}, nothing));
  EXPECT_TRUE(fires({{"fact", "days_since_visit"}, {"op", "missing"}}, nothing));
  EXPECT_TRUE(fires({{"fact", "days_since_visit"}, {"op", "missing"}}, {{"days_since_visit", nullptr}}));
  EXPECT_FALSE(fires({{"fact", "days_since_visit"}, {"op", "missing"}}, {{"days_since_visit", 3}}));
  // "not" is plain negation: not(age < 16) holds when the age is unknown.
  EXPECT_TRUE(fires({{"not", {{"fact", "age"}, {"op", "lt"}, {"value", 16}}}}, nothing));
  // A fact of the wrong type counts as missing.
  EXPECT_FALSE(fires({{"fact", "age"}, {"op", "lt"}, {"value", 16}}, {{"age", "10"}}));
  EXPECT_TRUE(fires({{"fact", "age"}, {"op", "missing"}}, {{"age", "10"}}));
}

TEST(CareWarningRules, Operators) {
  const auto fires = [](const json& when, const json& facts) {
    const RuleSet rules = RuleSet::FromJson(FileWith(Rule("r", when)));
    return !Evaluate(rules, facts).warnings.empty();
  };
  const json f = {{"age", 12},
                  {"sex", "M"},
                  {"vagrant", false},
                  {"classes", {"left_behind"}},
                  {"living_with", "one_parent"}};
  EXPECT_TRUE(fires({{"fact", "age"}, {"op", "eq"}, {"value", 12}}, f));
  EXPECT_TRUE(fires({{"fact", "age"}, {"op", "ne"}, {"value", 11}}, f));
  EXPECT_TRUE(fires({{"fact", "age"}, {"op", "gt"}, {"value", 11}}, f));
  EXPECT_FALSE(fires({{"fact", "age"}, {"op", "gt"}, {"value", 12}}, f));
  EXPECT_TRUE(fires({{"fact", "age"}, {"op", "gte"}, {"value", 12}}, f));
  EXPECT_TRUE(fires({{"fact", "age"}, {"op", "lt"}, {"value", 13}}, f));
  EXPECT_TRUE(fires({{"fact", "age"}, {"op", "lte"}, {"value", 12}}, f));
  EXPECT_TRUE(fires({{"fact", "age"}, {"op", "in"}, {"value", {6, 12}}}, f));
  EXPECT_TRUE(fires({{"fact", "age"}, {"op", "not_in"}, {"value", {6, 15}}}, f));
  EXPECT_TRUE(fires({{"fact", "sex"}, {"op", "eq"}, {"value", "M"}}, f));
  EXPECT_TRUE(fires({{"fact", "vagrant"}, {"op", "is_false"}}, f));
  EXPECT_FALSE(fires({{"fact", "vagrant"}, {"op", "is_true"}}, f));
  EXPECT_TRUE(fires({{"fact", "vagrant"}, {"op", "eq"}, {"value", false}}, f));
  EXPECT_TRUE(fires({{"fact", "classes"}, {"op", "contains"}, {"value", "left_behind"}}, f));
  EXPECT_TRUE(fires({{"fact", "classes"}, {"op", "contains"}, {"value", {"orphan", "left_behind"}}}, f));
  EXPECT_FALSE(fires({{"fact", "classes"}, {"op", "contains"}, {"value", {"orphan", "migrant"}}}, f));
  EXPECT_TRUE(fires({{"any", {{{"fact", "vagrant"}, {"op", "is_true"}}, {{"fact", "age"}, {"op", "exists"}}}}}, f));
  EXPECT_FALSE(fires({{"all", {{{"fact", "vagrant"}, {"op", "is_true"}}, {{"fact", "age"}, {"op", "exists"}}}}}, f));
  EXPECT_TRUE(fires({{"not", {{"fact", "living_with"}, {"op", "in"}, {"value", {"alone", "institution"}}}}}, f));
}

TEST(CareWarningRules, GoldenCasesForTheShippedRules) {
  const json golden = ReadJson("tests/care/golden/warning_cases.json");
  for (const auto& c : golden["cases"]) {
    json facts = golden["base"];
    facts.merge_patch(c["facts"]);
    const std::string name = c["name"].get<std::string>();
    const Evaluation e = Evaluate(Shipped(), facts);
    EXPECT_EQ(e.colour, c["colour"].get<std::string>()) << name;
    EXPECT_EQ(Ids(e), c["warnings"].get<std::vector<std::string>>()) << name;
    if (!c.contains("reasons")) continue;
    for (const auto& [rule_id, reason] : c["reasons"].items()) {
      bool found = false;
      for (const auto& w : e.warnings) {
        if (w.rule_id != rule_id) continue;
        found = true;
        EXPECT_EQ(w.reason_zh, reason.get<std::string>()) << name;
      }
      EXPECT_TRUE(found) << name << ": " << rule_id;
    }
  }
}

}  // namespace
}  // namespace tongan::care
