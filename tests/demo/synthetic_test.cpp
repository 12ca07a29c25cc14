// The synthetic demo county on the real region tree: deterministic, valid and unique IDs, villages
// under the real townships, and the shares a county register shows.
#include "demo/synthetic.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/classification.h"
#include "core/resident_id.h"
#include "demo/synthetic_names.h"
#include "demo/synthetic_places.h"

namespace tongan {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

const Date kToday{year(2026), month(11), day(22)};
constexpr const char* kCounty = "410402";  // 平顶山市新华区
constexpr int64_t kChildren = 20000;

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(TONGAN_SOURCE_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in) << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const RegionTree& RealRegions() {
  static const RegionTree tree = [] {
    RegionTree t;
    EXPECT_EQ(t.LoadProvincesCsv(ReadSourceFile("data/regions/provinces.csv")), 0);
    EXPECT_EQ(t.LoadCitiesCsv(ReadSourceFile("data/regions/cities.csv")), 0);
    EXPECT_EQ(t.LoadCountiesCsv(ReadSourceFile("data/regions/areas.csv")), 0);
    EXPECT_EQ(t.LoadTownshipsCsv(ReadSourceFile("data/regions/streets.csv")), 0);
    return t;
  }();
  return tree;
}

SyntheticOptions DemoOptions(uint64_t seed = 20261122) {
  SyntheticOptions options;
  options.county_codes = {kCounty};
  options.children = kChildren;
  options.seed = seed;
  options.today = kToday;
  return options;
}

const SyntheticData& DemoData() {
  static const SyntheticData data = GenerateSynthetic(RealRegions(), DemoOptions());
  return data;
}

double Share(int64_t count, size_t total) {
  return static_cast<double>(count) / static_cast<double>(total);
}

// The fields a reader of the register sees, in one string, to compare two runs.
std::string Fingerprint(const Child& c) {
  std::string s = c.name + "|" + c.id_number + "|" + FormatIsoDate(c.birth_date) + "|" +
                  std::string(SexCode(c.sex)) + "|" + c.region_code + "|" + c.address + "|" +
                  c.hukou_region_code + "|" + c.hukou_address + "|" + c.father.name + "|" +
                  c.father.id_number + "|" + c.father.phone + "|" + c.mother.name + "|" +
                  c.mother.id_number + "|" + c.guardian.name + "|" + c.schooling.school + "|" +
                  c.schooling.grade + "|" + c.notes + "|" +
                  (c.residence_since ? FormatIsoDate(*c.residence_since) : "-");
  for (const std::string& b : c.benefits) s += "|" + b;
  for (const std::string& n : c.needs) s += "|" + n;
  return s;
}

ClassificationConfig PingdingshanConfig() {
  ClassificationConfig config;
  std::string error;
  EXPECT_TRUE(
      ClassificationConfig::FromJson(ReadSourceFile("data/classification.json"), &config, &error))
      << error;
  return config;
}

TEST(Synthetic, GeneratesTheRequestedNumberOfChildren) {
  EXPECT_EQ(static_cast<int64_t>(DemoData().children.size()), kChildren);
  for (const Child& c : DemoData().children) {
    EXPECT_EQ(c.id, 0);
    EXPECT_FALSE(c.name.empty());
  }
}

TEST(Synthetic, SameSeedGivesTheSameData) {
  const SyntheticData again = GenerateSynthetic(RealRegions(), DemoOptions());
  ASSERT_EQ(again.villages.size(), DemoData().villages.size());
  for (size_t i = 0; i < again.villages.size(); ++i) {
    EXPECT_EQ(again.villages[i].code, DemoData().villages[i].code);
    EXPECT_EQ(again.villages[i].name, DemoData().villages[i].name);
  }
  ASSERT_EQ(again.children.size(), DemoData().children.size());
  for (size_t i = 0; i < again.children.size(); ++i)
    ASSERT_EQ(Fingerprint(again.children[i]), Fingerprint(DemoData().children[i])) << i;

  SyntheticOptions other = DemoOptions(7);
  other.children = 200;
  const SyntheticData different = GenerateSynthetic(RealRegions(), other);
  int same = 0;
  for (size_t i = 0; i < different.children.size(); ++i)
    same += Fingerprint(different.children[i]) == Fingerprint(DemoData().children[i]);
  EXPECT_LT(same, 5);
}

TEST(Synthetic, TheStreamGivesTheSameChildrenInBatchesAndStopsAtTheCount) {
  SyntheticStream stream(RealRegions(), DemoOptions());
  ASSERT_EQ(stream.villages().size(), DemoData().villages.size());
  std::vector<Child> batch, all;
  while (stream.Next(batch, 777)) {
    EXPECT_LE(batch.size(), 777u + 12u) << "a household is never split, but never much more";
    all.insert(all.end(), batch.begin(), batch.end());
  }
  EXPECT_TRUE(batch.empty());
  ASSERT_EQ(all.size(), DemoData().children.size());
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(Fingerprint(all[i]), Fingerprint(DemoData().children[i])) << i;
  EXPECT_FALSE(stream.Next(batch, 777));
}

TEST(Synthetic, AStreamAskedForNoChildrenStillGivesOneHousehold) {
  SyntheticStream stream(RealRegions(), DemoOptions());
  std::vector<Child> batch;
  ASSERT_TRUE(stream.Next(batch, 0));
  ASSERT_FALSE(batch.empty());
  EXPECT_LE(batch.size(), 12u);
  EXPECT_EQ(Fingerprint(batch.front()), Fingerprint(DemoData().children.front()));
}

TEST(Synthetic, VillagesLieUnderTheRealTownshipsOfTheCounty) {
  const RegionTree& regions = RealRegions();
  const std::vector<const Region*> townships = regions.ChildrenOf(kCounty);
  ASSERT_EQ(townships.size(), 11u);  // 10 streets and 焦店镇 (NBS 2022)
  const auto& villages = DemoData().villages;
  EXPECT_EQ(villages.size(), townships.size() * 6);
  std::set<std::string> codes, names;
  for (const SyntheticVillage& v : villages) {
    ASSERT_EQ(v.code.size(), 12u) << v.code;
    EXPECT_EQ(v.code.find_first_not_of("0123456789"), std::string::npos) << v.code;
    const Region* township = regions.Find(v.code.substr(0, 9));
    ASSERT_NE(township, nullptr) << v.code;
    EXPECT_EQ(township->level, RegionLevel::kTownship);
    EXPECT_EQ(township->parent_code, kCounty);
    const int sequence = std::stoi(v.code.substr(9));
    EXPECT_GE(sequence, 1);
    EXPECT_LE(sequence, 6);
    EXPECT_TRUE(codes.insert(v.code).second) << v.code;
    EXPECT_TRUE(names.insert(v.code.substr(0, 9) + v.name).second)
        << "duplicate name in township: " << v.name;
    if (township->name.find("街道") != std::string::npos) {
      EXPECT_TRUE(v.name.ends_with("社区")) << v.name;
    }
    if (township->name.ends_with("镇")) {
      EXPECT_TRUE(v.name.ends_with("村")) << v.name;
    }
  }
  // The demo users of 焦店镇 are placed in its first two villages.
  EXPECT_TRUE(codes.count("410402100001"));
  EXPECT_TRUE(codes.count("410402100002"));
}

TEST(Synthetic, ChildrenLiveInGeneratedVillagesAndAreUnder18) {
  std::set<std::string> villages;
  for (const SyntheticVillage& v : DemoData().villages) villages.insert(v.code);
  for (const Child& c : DemoData().children) {
    EXPECT_TRUE(villages.count(c.region_code)) << c.region_code;
    const int age = AgeInYears(c.birth_date, kToday);
    EXPECT_GE(age, 0);
    EXPECT_LT(age, 18);
    if (c.residence_since) {
      EXPECT_GE(*c.residence_since, c.birth_date);
      EXPECT_LE(*c.residence_since, kToday);
    }
  }
}

TEST(Synthetic, ChildIdsAreValidUniqueAndAgreeWithTheRecord) {
  std::set<std::string> seen;
  int64_t without_id = 0;
  for (const Child& c : DemoData().children) {
    if (c.id_number.empty()) {
      ++without_id;
      continue;
    }
    const ResidentIdCheck check = CheckResidentId(c.id_number, &RealRegions(), kToday);
    ASSERT_TRUE(check.valid) << c.id_number;
    EXPECT_TRUE(check.warnings.empty()) << c.id_number;
    EXPECT_EQ(check.normalized, c.id_number);
    EXPECT_EQ(check.birth_date, c.birth_date) << c.id_number;
    EXPECT_EQ(check.sex, c.sex) << c.id_number;
    EXPECT_EQ(c.id_number.substr(0, 6), c.hukou_region_code.substr(0, 6))
        << "issued where registered";
    EXPECT_TRUE(seen.insert(c.id_number).second) << "duplicate " << c.id_number;
  }
  const double share = Share(without_id, DemoData().children.size());
  EXPECT_GT(share, 0.003);  // newborns not yet registered
  EXPECT_LT(share, 0.05);
}

TEST(Synthetic, AdultIdsAreValidAndSomeAreLegacy15Digit) {
  int64_t legacy = 0, adults = 0;
  for (const Child& c : DemoData().children) {
    for (const std::string* id :
         {&c.father.id_number, &c.mother.id_number, &c.guardian.id_number}) {
      if (id->empty()) continue;
      ++adults;
      const ResidentIdCheck check = CheckResidentId(*id, &RealRegions(), kToday);
      ASSERT_TRUE(check.valid) << *id;
      legacy += check.converted_from_15;
    }
  }
  EXPECT_GT(legacy, 0);
  EXPECT_LT(Share(legacy, adults), 0.05);
}

TEST(Synthetic, HukouPlacesFollowAnUrbanDistrict) {
  const auto& children = DemoData().children;
  int64_t outside = 0, central = 0, other_province = 0;
  for (const Child& c : children) {
    const std::string county = c.hukou_region_code.substr(0, 6);
    ASSERT_GE(c.hukou_region_code.size(), 6u);
    const Region* region = RealRegions().Find(county);
    ASSERT_NE(region, nullptr) << c.hukou_region_code;
    EXPECT_EQ(region->level, RegionLevel::kCounty);
    if (county == kCounty) continue;
    ++outside;
    central += county == "410403" || county == "410411";
    other_province += county.substr(0, 2) != "41";
  }
  EXPECT_GT(Share(outside, children.size()), 0.40);
  EXPECT_LT(Share(outside, children.size()), 0.65);
  EXPECT_GT(Share(central, children.size()), 0.08);
  EXPECT_LT(Share(central, children.size()), 0.20);
  EXPECT_GT(Share(other_province, children.size()), 0.08);
  EXPECT_LT(Share(other_province, children.size()), 0.22);
}

TEST(Synthetic, TheClassesOfTheDefinitionsAllOccur) {
  const ClassificationConfig config = PingdingshanConfig();
  std::map<ChildClass, int64_t> counts;
  for (const Child& c : DemoData().children) {
    const Classification result = Classify(c, kToday, config);
    for (ChildClass k : AllChildClasses())
      if (result.Has(k)) ++counts[k];
  }
  const size_t total = DemoData().children.size();
  EXPECT_GT(Share(counts[ChildClass::kMigrant], total), 0.20);
  EXPECT_LT(Share(counts[ChildClass::kMigrant], total), 0.50);
  EXPECT_GT(counts[ChildClass::kLeftBehind], 50);
  EXPECT_GT(counts[ChildClass::kKeyCare], 50);
  EXPECT_GT(counts[ChildClass::kInDifficulty], 100);
  EXPECT_GT(counts[ChildClass::kOrphan] + counts[ChildClass::kDeFactoUnsupported], 0);
  // Rare, as in a real county.
  EXPECT_LT(Share(counts[ChildClass::kOrphan] + counts[ChildClass::kDeFactoUnsupported], total),
            0.01);
  EXPECT_LT(Share(counts[ChildClass::kKeyCare], total), 0.08);
}

TEST(Synthetic, SiblingsShareParentsAndAddress) {
  std::map<std::string, std::vector<const Child*>> families;
  for (const Child& c : DemoData().children)
    if (!c.father.id_number.empty()) families[c.father.id_number].push_back(&c);
  int64_t in_multi_child_family = 0, same_address = 0, compared = 0;
  for (const auto& [father_id, children] : families) {
    if (children.size() < 2) continue;
    in_multi_child_family += children.size();
    const Child& first = *children.front();
    for (const Child* sibling : children) {
      EXPECT_EQ(sibling->father.name, first.father.name);
      EXPECT_EQ(sibling->mother.name, first.mother.name);
      EXPECT_EQ(sibling->mother.id_number, first.mother.id_number);
      EXPECT_EQ(sibling->region_code, first.region_code);
      EXPECT_EQ(sibling->hukou_region_code, first.hukou_region_code);
      EXPECT_TRUE(sibling->name.starts_with(first.father.name.substr(0, 3)) ||
                  sibling->name.starts_with(first.mother.name.substr(0, 3)) ||
                  sibling->name.starts_with(first.father.name.substr(0, 6)))
          << sibling->name << " / " << first.father.name;
      if (sibling != &first) {
        ++compared;
        same_address += sibling->address == first.address;
      }
    }
  }
  EXPECT_GT(Share(in_multi_child_family, DemoData().children.size()), 0.30);
  // Mostly written the same way; a few written differently (建设路12号 / 建设路12号院).
  EXPECT_GT(Share(same_address, compared), 0.85);
  EXPECT_LT(Share(same_address, compared), 1.0);
}

TEST(Synthetic, LeftBehindChildrenLiveWithAGrandparent) {
  int64_t with_grandparent = 0, left_behind = 0;
  for (const Child& c : DemoData().children) {
    if (c.father.status != ParentStatus::kWorkingAway ||
        c.mother.status != ParentStatus::kWorkingAway)
      continue;
    ++left_behind;
    EXPECT_TRUE(c.living_with == LivingWith::kOtherGuardian || c.living_with == LivingWith::kAlone);
    EXPECT_FALSE(c.guardian.name.empty());
    with_grandparent += c.guardian.relation.find("祖") != std::string::npos;
  }
  EXPECT_GT(left_behind, 0);
  EXPECT_GT(Share(with_grandparent, left_behind), 0.8);
}

TEST(Synthetic, SchoolingAgreesWithAge) {
  std::map<std::string, int64_t> statuses;
  for (const Child& c : DemoData().children) {
    const int age = AgeInYears(c.birth_date, kToday);
    const std::string& status = c.schooling.status;
    ++statuses[status];
    if (status == "未到入学年龄") {
      EXPECT_LE(age, 3);
    }
    if (status == "在园") {
      EXPECT_GE(age, 2);
      EXPECT_LE(age, 6);
      EXPECT_NE(c.schooling.school.find("幼儿园"), std::string::npos);
    }
    if (status == "在读") {
      EXPECT_GE(age, 5);
      EXPECT_FALSE(c.schooling.school.empty());
      EXPECT_FALSE(c.schooling.grade.empty());
      if (c.schooling.grade == "一年级") {
        EXPECT_LE(age, 8);
      }
      if (c.schooling.grade == "九年级") {
        EXPECT_GE(age, 13);
      }
    }
    if (age >= 7 && age <= 14) {
      EXPECT_TRUE(status == "在读" || status == "辍学" || status == "休学" || status == "送教上门")
          << status;
    }
  }
  EXPECT_GT(statuses["在园"], 0);
  EXPECT_GT(statuses["在读"], static_cast<int64_t>(kChildren / 2));
  EXPECT_GT(statuses["辍学"], 0);
  EXPECT_LT(statuses["辍学"], kChildren / 50);
}

TEST(Synthetic, BenefitsFollowTheFacts) {
  int64_t dibao = 0, dibao_benefit = 0;
  for (const Child& c : DemoData().children) {
    const auto has = [&c](const std::string& b) {
      return std::find(c.benefits.begin(), c.benefits.end(), b) != c.benefits.end();
    };
    if (has("孤儿基本生活费")) {
      EXPECT_EQ(c.father.status, ParentStatus::kDeceased);
      EXPECT_EQ(c.mother.status, ParentStatus::kDeceased);
    }
    if (has("残疾儿童康复救助")) {
      EXPECT_NE(c.disability, Disability::kNone);
    }
    if (has("低保")) {
      EXPECT_EQ(c.family_economy, FamilyEconomy::kDibao);
    }
    if (c.family_economy == FamilyEconomy::kDibao) {
      ++dibao;
      dibao_benefit += has("低保");
    }
  }
  EXPECT_GT(dibao, 0);
  EXPECT_GT(Share(dibao_benefit, dibao), 0.85);
}

TEST(Synthetic, DataQualityFaultsArePresentButRare) {
  const auto& children = DemoData().children;
  int64_t phone_missing = 0, since_missing = 0, ethnicity_missing = 0, unknown_status = 0,
          parents = 0;
  for (const Child& c : children) {
    for (const Parent* p : {&c.father, &c.mother}) {
      ++parents;
      phone_missing += p->phone.empty();
      unknown_status += p->status == ParentStatus::kUnknown;
    }
    since_missing += !c.residence_since;
    ethnicity_missing += c.ethnicity.empty();
  }
  EXPECT_GT(Share(phone_missing, parents), 0.02);
  EXPECT_LT(Share(phone_missing, parents), 0.15);
  EXPECT_GT(Share(since_missing, children.size()), 0.01);
  EXPECT_LT(Share(since_missing, children.size()), 0.06);
  EXPECT_GT(Share(ethnicity_missing, children.size()), 0.01);
  EXPECT_LT(Share(ethnicity_missing, children.size()), 0.06);
  EXPECT_GT(Share(unknown_status, parents), 0.005);
  EXPECT_LT(Share(unknown_status, parents), 0.06);
}

TEST(Synthetic, NamesSexAndAgesLookReal) {
  EXPECT_GE(synthetic::SurnameCount(), 100u);
  std::map<std::string, int64_t> surnames;
  int64_t boys = 0, girls = 0;
  std::map<int, int64_t> by_age;
  for (const Child& c : DemoData().children) {
    EXPECT_GE(c.name.size(), 6u) << c.name;  // two to four Chinese characters (3 bytes each)
    EXPECT_LE(c.name.size(), 12u) << c.name;
    ++surnames[c.father.name.substr(0, 3)];
    (c.sex == Sex::kMale ? boys : girls)++;
    ++by_age[AgeInYears(c.birth_date, kToday)];
  }
  EXPECT_GE(surnames.size(), 100u);
  int64_t wang_li_zhang = surnames["王"] + surnames["李"] + surnames["张"];
  EXPECT_GT(Share(wang_li_zhang, DemoData().children.size()), 0.15);
  const double ratio = static_cast<double>(boys) / static_cast<double>(girls);
  EXPECT_GT(ratio, 1.02);
  EXPECT_LT(ratio, 1.20);
  EXPECT_GT(by_age[9] + by_age[10], by_age[0] + by_age[1]);  // 2016–17 cohorts are the largest
}

TEST(Synthetic, WorksWithATreeThatKnowsOnlyTheCounty) {
  RegionTree small;
  ASSERT_TRUE(small.Add("41", "河南省"));
  ASSERT_TRUE(small.Add("4104", "平顶山市"));
  ASSERT_TRUE(small.Add("410402", "新华区"));
  ASSERT_TRUE(small.Add("410402100", "焦店镇"));
  ASSERT_TRUE(small.Add("410402001", "曙光街街道"));
  SyntheticOptions options = DemoOptions();
  options.children = 500;
  options.villages_per_township = 3;
  const SyntheticData data = GenerateSynthetic(small, options);
  EXPECT_EQ(data.villages.size(), 6u);
  ASSERT_EQ(data.children.size(), 500u);
  for (const Child& c : data.children) EXPECT_EQ(c.hukou_region_code.substr(0, 6), "410402");

  options.county_codes = {"999999"};  // unknown county: nothing to place children in
  EXPECT_TRUE(GenerateSynthetic(small, options).children.empty());
}

TEST(Synthetic, ManyVillagesPerTownshipKeepUniqueNames) {
  RegionTree small;
  ASSERT_TRUE(small.Add("41", "河南省"));
  ASSERT_TRUE(small.Add("4104", "平顶山市"));
  ASSERT_TRUE(small.Add("410402", "新华区"));
  ASSERT_TRUE(small.Add("410402100", "焦店镇"));
  ASSERT_TRUE(small.Add("410402001", "曙光街街道"));
  SyntheticOptions options = DemoOptions();
  options.children = 10;
  options.villages_per_township = 150;  // more than there are community names
  const SyntheticData data = GenerateSynthetic(small, options);
  ASSERT_EQ(data.villages.size(), 300u);
  std::set<std::string> names;
  for (const SyntheticVillage& v : data.villages)
    EXPECT_TRUE(names.insert(v.code.substr(0, 9) + v.name).second) << v.name;
}

TEST(Synthetic, ChineseNumbers) {
  EXPECT_EQ(synthetic::ChineseNumber(3), "三");
  EXPECT_EQ(synthetic::ChineseNumber(10), "十");
  EXPECT_EQ(synthetic::ChineseNumber(16), "十六");
  EXPECT_EQ(synthetic::ChineseNumber(21), "二十一");
  EXPECT_EQ(synthetic::ChineseNumber(105), "一百零五");
  EXPECT_EQ(synthetic::ChineseNumber(110), "一百一十");
  EXPECT_EQ(synthetic::ChineseNumber(300), "三百");
}

}  // namespace
}  // namespace tongan
