// The unified definitions of DOMAIN.md applied to hand-built children on a fixed day.
#include "core/classification.h"

#include <gtest/gtest.h>

namespace tongan {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

const Date kToday{year(2026), month(11), day(22)};

ClassificationConfig PingdingshanConfig() {
  ClassificationConfig config;
  std::string error;
  EXPECT_TRUE(ClassificationConfig::FromJson(
      R"({"migrant_exclusion_groups":[{"counties":["410402","410403","410411","410471","410472"]}]})",
      &config, &error))
      << error;
  return config;
}

// A 10-year-old from 叶县 living in 新华区 with both parents for two years: a migrant child.
Child MigrantChild() {
  Child c;
  c.name = "测试";
  c.birth_date = Date{year(2016), month(5), day(10)};
  c.region_code = "410402100001";
  c.hukou_region_code = "410422";
  c.residence_since = Date{year(2024), month(9), day(1)};
  c.living_with = LivingWith::kBothParents;
  c.father.status = ParentStatus::kAtHome;
  c.mother.status = ParentStatus::kAtHome;
  return c;
}

TEST(Classification, CrossCountyForSixMonthsUnderSixteenIsMigrant) {
  const Classification result = Classify(MigrantChild(), kToday, PingdingshanConfig());
  EXPECT_TRUE(result.Has(ChildClass::kMigrant));
  EXPECT_FALSE(result.Has(ChildClass::kLeftBehind));
  EXPECT_FALSE(result.Has(ChildClass::kKeyCare));
  ASSERT_FALSE(result.reasons.empty());
  EXPECT_NE(result.reasons[0].find("流动儿童"), std::string::npos);
}

TEST(Classification, SixMonthsIsCountedFromTheDate) {
  Child c = MigrantChild();
  c.residence_since = Date{year(2026), month(5), day(22)};  // exactly six months
  EXPECT_TRUE(Classify(c, kToday, PingdingshanConfig()).Has(ChildClass::kMigrant));
  c.residence_since = Date{year(2026), month(5), day(23)};  // one day short
  const Classification short_stay = Classify(c, kToday, PingdingshanConfig());
  EXPECT_FALSE(short_stay.Has(ChildClass::kMigrant));
  EXPECT_NE(short_stay.reasons[0].find("未满6个月"), std::string::npos);
  c.residence_since.reset();
  EXPECT_FALSE(Classify(c, kToday, PingdingshanConfig()).Has(ChildClass::kMigrant));
}

TEST(Classification, SixteenthBirthdayEndsMigrantStatus) {
  Child c = MigrantChild();
  c.birth_date = Date{year(2010), month(11), day(23)};  // 16 tomorrow
  EXPECT_TRUE(Classify(c, kToday, PingdingshanConfig()).Has(ChildClass::kMigrant));
  c.birth_date = Date{year(2010), month(11), day(22)};  // 16 today
  EXPECT_FALSE(Classify(c, kToday, PingdingshanConfig()).Has(ChildClass::kMigrant));
}

TEST(Classification, MovesWithinAnExclusionGroupAreNotMigration) {
  Child c = MigrantChild();
  c.hukou_region_code = "410403";  // 卫东区 -> 新华区: both central districts of 平顶山
  EXPECT_FALSE(Classify(c, kToday, PingdingshanConfig()).Has(ChildClass::kMigrant));
  // Without the city's exclusion the same move counts.
  EXPECT_TRUE(Classify(c, kToday, ClassificationConfig{}).Has(ChildClass::kMigrant));
}

TEST(Classification, SameCountyIsNotMigration) {
  Child c = MigrantChild();
  c.hukou_region_code = "410402100";
  EXPECT_FALSE(Classify(c, kToday, PingdingshanConfig()).Has(ChildClass::kMigrant));
}

TEST(Classification, LeftBehindWhenBothParentsWorkAway) {
  Child c = MigrantChild();
  c.hukou_region_code = "410402";
  c.living_with = LivingWith::kOtherGuardian;
  c.father.status = ParentStatus::kWorkingAway;
  c.mother.status = ParentStatus::kWorkingAway;
  EXPECT_TRUE(Classify(c, kToday, PingdingshanConfig()).Has(ChildClass::kLeftBehind));
  // One away and the other capable at home: not left-behind.
  c.mother.status = ParentStatus::kAtHome;
  EXPECT_FALSE(Classify(c, kToday, PingdingshanConfig()).Has(ChildClass::kLeftBehind));
  // One away and the other seriously ill: left-behind.
  c.mother.status = ParentStatus::kSeriouslyIll;
  const Classification r = Classify(c, kToday, PingdingshanConfig());
  EXPECT_TRUE(r.Has(ChildClass::kLeftBehind));
  EXPECT_NE(r.reasons.back().find("父亲外出务工，母亲无监护能力（重病）"), std::string::npos) << r.reasons.back();
}

TEST(Classification, OrphanAndDeFactoUnsupportedAreInDifficulty) {
  Child orphan = MigrantChild();
  orphan.father.status = ParentStatus::kDeceased;
  orphan.mother.status = ParentStatus::kDeceased;
  const Classification o = Classify(orphan, kToday, PingdingshanConfig());
  EXPECT_TRUE(o.Has(ChildClass::kOrphan));
  EXPECT_TRUE(o.Has(ChildClass::kInDifficulty));
  EXPECT_FALSE(o.Has(ChildClass::kDeFactoUnsupported));

  Child de_facto = MigrantChild();
  de_facto.father.status = ParentStatus::kImprisoned;
  de_facto.mother.status = ParentStatus::kMissing;
  const Classification d = Classify(de_facto, kToday, PingdingshanConfig());
  EXPECT_TRUE(d.Has(ChildClass::kDeFactoUnsupported));
  EXPECT_TRUE(d.Has(ChildClass::kInDifficulty));

  Child one_deceased = MigrantChild();
  one_deceased.father.status = ParentStatus::kDeceased;
  one_deceased.mother.status = ParentStatus::kSeverelyDisabled;
  EXPECT_TRUE(Classify(one_deceased, kToday, PingdingshanConfig()).Has(ChildClass::kDeFactoUnsupported));

  Child one_at_home = MigrantChild();
  one_at_home.father.status = ParentStatus::kImprisoned;
  EXPECT_FALSE(Classify(one_at_home, kToday, PingdingshanConfig()).Has(ChildClass::kDeFactoUnsupported));
}

TEST(Classification, DifficultyLastsToEighteen) {
  Child c = MigrantChild();
  c.family_economy = FamilyEconomy::kDibao;
  c.birth_date = Date{year(2009), month(1), day(1)};  // 17
  const Classification r = Classify(c, kToday, PingdingshanConfig());
  EXPECT_TRUE(r.Has(ChildClass::kInDifficulty));
  EXPECT_FALSE(r.Has(ChildClass::kMigrant));
  c.family_economy = FamilyEconomy::kLowIncome;  // low income alone is hardship, not difficulty
  EXPECT_FALSE(Classify(c, kToday, PingdingshanConfig()).Has(ChildClass::kInDifficulty));
}

TEST(Classification, KeyCareIsAMigrantChildWithAFactor) {
  for (auto factor : {+[](Child& c) { c.family_economy = FamilyEconomy::kLowIncome; },
                      +[](Child& c) { c.disability = Disability::kLevel2; },
                      +[](Child& c) { c.vagrant = true; },
                      +[](Child& c) { c.psych_abnormal = true; },
                      +[](Child& c) { c.asked_for_help = true; },
                      +[](Child& c) { c.living_with = LivingWith::kOneParent; c.father.status = ParentStatus::kDeceased; c.mother.status = ParentStatus::kDeceased; }}) {
    Child c = MigrantChild();
    factor(c);
    const Classification r = Classify(c, kToday, PingdingshanConfig());
    EXPECT_TRUE(r.Has(ChildClass::kKeyCare)) << r.reasons.back();
  }
  Child local = MigrantChild();
  local.hukou_region_code = "410402";
  local.asked_for_help = true;
  EXPECT_FALSE(Classify(local, kToday, PingdingshanConfig()).Has(ChildClass::kKeyCare));
}

TEST(Classification, PredicatesAgreeWithClassify) {
  // The store filters by PredicateFor(); check the predicate against Classify over a grid of cases.
  const ClassificationConfig config = PingdingshanConfig();
  const ClassCutoffs cutoffs = CutoffsFor(kToday);
  int checked = 0;
  for (int birth_year : {2008, 2010, 2011, 2016, 2025}) {
    for (int since_month : {1, 5, 6, 11}) {
      for (ParentStatus f : {ParentStatus::kAtHome, ParentStatus::kWorkingAway, ParentStatus::kDeceased, ParentStatus::kImprisoned}) {
        for (ParentStatus m : {ParentStatus::kAtHome, ParentStatus::kWorkingAway, ParentStatus::kDeceased, ParentStatus::kMissing}) {
          for (bool help : {false, true}) {
            Child c = MigrantChild();
            c.birth_date = Date{year(birth_year), month(11), day(22)};
            c.residence_since = Date{year(2026), month(since_month), day(22)};
            c.father.status = f;
            c.mother.status = m;
            c.asked_for_help = help;
            const uint32_t basis = ClassBasisOf(c, config);
            const Classification r = Classify(c, kToday, config);
            for (ChildClass cls : AllChildClasses()) {
              const ClassPredicate p = PredicateFor(cls);
              bool predicted = (basis & p.basis_bits) == p.basis_bits;
              if (p.under16) predicted = predicted && c.birth_date > cutoffs.born_after_for_under16;
              if (p.under18) predicted = predicted && c.birth_date > cutoffs.born_after_for_under18;
              if (p.resident_6_months)
                predicted = predicted && *c.residence_since <= cutoffs.resident_since_on_or_before;
              EXPECT_EQ(predicted, r.Has(cls)) << ChildClassCode(cls) << " born " << birth_year;
              ++checked;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 5 * 4 * 4 * 4 * 2 * 6);
}

TEST(Classification, InvalidConfigIsRefusedWithAReason) {
  ClassificationConfig config;
  std::string error;
  EXPECT_FALSE(ClassificationConfig::FromJson("{", &config, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(ClassificationConfig::FromJson(R"({"migrant_exclusion_groups":[{"counties":["4104"]}]})", &config, &error));
  EXPECT_NE(error.find("6位"), std::string::npos);
}

TEST(AgeGroups, OverlapAsDefined) {
  const auto groups = AgeGroupsOf(Date{year(2013), month(6), day(1)}, kToday);  // 13
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], "6-15");
  EXPECT_EQ(groups[1], "12-16");
  EXPECT_EQ(AgeGroupsOf(Date{year(2026), month(1), day(1)}, kToday).front(), "0-3");
  EXPECT_TRUE(AgeGroupsOf(Date{year(2008), month(1), day(1)}, kToday).empty());  // 18
}

}  // namespace
}  // namespace tongan
