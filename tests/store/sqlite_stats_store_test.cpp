#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <random>
#include <set>

#include "store/stats_store.h"
#include "store/store.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

// Two counties of one city; the first has two townships.
constexpr const char* kCounty = "410402";
constexpr const char* kOtherCounty = "410403";
constexpr const char* kTownship = "410402100";       // villages A and B
constexpr const char* kSiblingTownship = "410402101";  // village C
constexpr const char* kOtherTownship = "410403001";    // village D
constexpr const char* kVillageC = "410402101001";
constexpr const char* kVillageD = "410403001001";

constexpr size_t kLevels[] = {2, 4, 6, 9, 12};

std::vector<std::string> Ancestors(const std::string& code) {
  std::vector<std::string> out;
  for (size_t level : kLevels) {
    if (level <= code.size()) out.push_back(code.substr(0, level));
  }
  return out;
}

Figures WithoutZeros(Figures f) {
  std::erase_if(f, [](const auto& kv) { return kv.second == 0; });
  return f;
}

class SqliteStatsStore : public ::testing::Test {
 protected:
  SqliteStatsStore() : store(OpenStore(database.location())) {}

  StatsStore& stats() { return store->stats(); }

  int64_t AddChild(const std::string& village) {
    Child child = MakeChild("测试儿童", village, ++sequence);
    child.id_number.clear();  // many children: no ID numbers to keep unique
    store->InsertChild(child, 0, {0, "test"});
    return child.id;
  }

  std::vector<int64_t> AddChildren(const std::vector<std::string>& villages) {
    std::vector<Child> children;
    for (const std::string& v : villages) {
      children.push_back(MakeChild("测试儿童", v, ++sequence));
      children.back().id_number.clear();
    }
    store->InsertChildrenBulk(children, std::vector<uint32_t>(children.size(), 0), {0, "test"});
    std::vector<int64_t> ids;
    for (const Child& c : children) ids.push_back(c.id);
    return ids;
  }

  // Puts through the store and into the model the expected totals are computed from.
  void Put(int64_t child, const std::string& region, const Figures& figures) {
    stats().PutChildFigures(child, region, figures);
    model[child] = {region, WithoutZeros(figures)};
    seen_regions.insert(region);
  }

  Figures Expected(const std::string& region) const {
    Figures sum;
    for (const auto& [child, entry] : model) {
      if (!entry.first.starts_with(region)) continue;
      for (const auto& [key, value] : entry.second) sum[key] += value;
    }
    return WithoutZeros(sum);
  }

  // Every level of every region a child is or was in matches the sums from scratch.
  void ExpectAllTotals() {
    std::set<std::string> codes;
    for (const std::string& r : seen_regions) {
      for (const std::string& a : Ancestors(r)) codes.insert(a);
    }
    for (const std::string& code : codes) EXPECT_EQ(stats().Totals(code), Expected(code)) << code;
  }

  TempDir dir;
  TestDatabase database{dir.path()};
  std::unique_ptr<Store> store;
  int sequence = 0;
  std::map<int64_t, std::pair<std::string, Figures>> model;
  std::set<std::string> seen_regions;
};

TEST_F(SqliteStatsStore, TotalsAtEveryLevelAreTheChildrensSums) {
  const std::vector<std::string> villages = {kVillageA, kVillageA, kVillageB, kVillageC, kVillageD, kVillageD};
  for (size_t i = 0; i < villages.size(); ++i) {
    const int64_t id = AddChild(villages[i]);
    Figures f{{"class:migrant", 1}, {"age:0-3", i % 2 ? 1 : 0}, {"entitlements:entitled", static_cast<int64_t>(i + 2)}};
    if (i % 3 == 0) f["m:health_record:yes"] = 1;
    Put(id, villages[i], f);
  }
  ExpectAllTotals();
  EXPECT_EQ(stats().Totals("41").at("class:migrant"), 6);
  EXPECT_EQ(stats().Totals(kTownship).at("class:migrant"), 3);
  EXPECT_EQ(stats().Totals(kOtherCounty).at("entitlements:entitled"), 6 + 7);
  EXPECT_TRUE(stats().Totals("410404").empty());
  EXPECT_TRUE(stats().Totals("42").empty());
}

TEST_F(SqliteStatsStore, ChildFiguresRoundTripWithoutZeros) {
  const int64_t id = AddChild(kVillageA);
  EXPECT_FALSE(stats().ChildFigures(id));
  stats().PutChildFigures(id, kVillageA, {{"class:migrant", 1}, {"age:0-3", 0}, {"x", -2}});
  EXPECT_EQ(stats().ChildFigures(id), (Figures{{"class:migrant", 1}, {"x", -2}}));
  stats().PutChildFigures(id, kVillageA, {});
  EXPECT_EQ(stats().ChildFigures(id), Figures{});
  EXPECT_TRUE(stats().Totals(kVillageA).empty());
  EXPECT_THROW(stats().PutChildFigures(id, kVillageA, {{"bad key", 1}}), std::invalid_argument);
  EXPECT_THROW(stats().PutChildFigures(id, kVillageA, {{"a=b", 1}}), std::invalid_argument);
}

TEST_F(SqliteStatsStore, MovingChildLeavesOldRegionsAndEntersNewOnes) {
  const int64_t stays = AddChild(kVillageA);
  const int64_t moves = AddChild(kVillageA);
  Put(stays, kVillageA, {{"class:migrant", 1}});
  Put(moves, kVillageA, {{"class:migrant", 1}, {"class:left_behind", 1}});
  ExpectAllTotals();

  // Same township, other village: the township and above do not change.
  Put(moves, kVillageB, {{"class:migrant", 1}, {"class:left_behind", 1}});
  EXPECT_EQ(stats().Totals(kVillageA), (Figures{{"class:migrant", 1}}));
  EXPECT_EQ(stats().Totals(kVillageB), (Figures{{"class:migrant", 1}, {"class:left_behind", 1}}));
  EXPECT_EQ(stats().Totals(kTownship), (Figures{{"class:migrant", 2}, {"class:left_behind", 1}}));
  ExpectAllTotals();

  // Another county, figures changed on the way.
  Put(moves, kVillageD, {{"class:left_behind", 1}, {"age:0-3", 1}});
  EXPECT_TRUE(stats().Totals(kVillageB).empty());
  EXPECT_EQ(stats().Totals(kTownship), (Figures{{"class:migrant", 1}}));
  EXPECT_EQ(stats().Totals(kCounty), (Figures{{"class:migrant", 1}}));
  EXPECT_EQ(stats().Totals(kOtherTownship), (Figures{{"class:left_behind", 1}, {"age:0-3", 1}}));
  EXPECT_EQ(stats().Totals("4104"), (Figures{{"class:migrant", 1}, {"class:left_behind", 1}, {"age:0-3", 1}}));
  ExpectAllTotals();
}

TEST_F(SqliteStatsStore, ChangingOneKeyChangesOnlyItAndZeroTotalsDisappear) {
  const int64_t a = AddChild(kVillageA);
  const int64_t b = AddChild(kVillageB);
  Put(a, kVillageA, {{"class:migrant", 1}, {"entitlements:entitled", 5}, {"age:0-3", 1}});
  Put(b, kVillageB, {{"class:migrant", 1}, {"entitlements:entitled", 3}});
  const Figures township_before = stats().Totals(kTownship);

  Put(a, kVillageA, {{"class:migrant", 1}, {"entitlements:entitled", 6}, {"age:0-3", 1}});
  Figures township_after = township_before;
  township_after["entitlements:entitled"] += 1;
  EXPECT_EQ(stats().Totals(kTownship), township_after);
  ExpectAllTotals();

  // The only child with age:0-3 loses it: the key is gone at every level, not kept as 0.
  Put(a, kVillageA, {{"class:migrant", 1}, {"entitlements:entitled", 6}, {"age:0-3", 0}});
  for (const std::string& code : Ancestors(kVillageA)) {
    EXPECT_EQ(stats().Totals(code).count("age:0-3"), 0u) << code;
  }
  EXPECT_TRUE(stats().SubRegionTotals(kTownship).at(kVillageA).count("age:0-3") == 0);
  ExpectAllTotals();
}

TEST_F(SqliteStatsStore, AddTotalsAddsToTheVillageAndEveryAncestor) {
  stats().AddTotals({{kVillageA, {{"class:migrant", 3}, {"zero", 0}}},
                     {kVillageC, {{"class:migrant", 2}, {"age:0-3", 1}}},
                     {kVillageA, {{"class:migrant", 1}}}});
  EXPECT_EQ(stats().Totals(kVillageA), (Figures{{"class:migrant", 4}}));
  EXPECT_EQ(stats().Totals(kTownship), (Figures{{"class:migrant", 4}}));
  EXPECT_EQ(stats().Totals(kCounty), (Figures{{"class:migrant", 6}, {"age:0-3", 1}}));
  EXPECT_EQ(stats().Totals("41"), (Figures{{"class:migrant", 6}, {"age:0-3", 1}}));
  // Negative figures take totals back to zero, which removes them.
  stats().AddTotals({{kVillageC, {{"age:0-3", -1}}}});
  EXPECT_EQ(stats().Totals(kCounty), (Figures{{"class:migrant", 6}}));
  EXPECT_TRUE(stats().SubRegionTotals(kSiblingTownship).at(kVillageC).count("age:0-3") == 0);
  // Below zero and back: a zero total is never reported.
  stats().AddTotals({{kVillageC, {{"age:0-3", -1}}}});
  EXPECT_EQ(stats().Totals(kVillageC).at("age:0-3"), -1);
  stats().AddTotals({{kVillageC, {{"age:0-3", 1}}}});
  EXPECT_EQ(stats().Totals(kVillageC), (Figures{{"class:migrant", 2}}));
  EXPECT_EQ(stats().Totals("41"), (Figures{{"class:migrant", 6}}));
  EXPECT_EQ(stats().SubRegionTotals(kCounty).at(kSiblingTownship), (Figures{{"class:migrant", 2}}));
  stats().SaveHistory("2026-01", "41", 12);
  EXPECT_EQ(stats().History(kVillageC).at(0).second, (Figures{{"class:migrant", 2}}));
}

TEST_F(SqliteStatsStore, RebuildTotalsRestoresTheSubtreeAndMovesAncestors) {
  const std::vector<std::string> villages = {kVillageA, kVillageB, kVillageC, kVillageD};
  for (size_t i = 0; i < 12; ++i) {
    const std::string& v = villages[i % villages.size()];
    Put(AddChild(v), v, {{"class:migrant", 1}, {"entitlements:entitled", static_cast<int64_t>(i)}});
  }
  ExpectAllTotals();

  // Totals that no child explains, under the county and in its villages.
  stats().AddTotals({{kVillageA, {{"class:migrant", 7}, {"junk", 3}}}, {kVillageC, {{"junk", 1}}}});
  EXPECT_NE(stats().Totals(kCounty), Expected(kCounty));
  EXPECT_NE(stats().Totals("41"), Expected("41"));

  stats().RebuildTotals(kCounty);
  ExpectAllTotals();
  EXPECT_EQ(stats().Totals("41").count("junk"), 0u);

  // A village, then the whole tree, from an already-right state: nothing changes.
  stats().AddTotals({{kVillageD, {{"junk", 2}}}});
  stats().RebuildTotals(kVillageD);
  ExpectAllTotals();
  stats().AddTotals({{kVillageB, {{"junk", 2}}}, {kVillageD, {{"class:migrant", -1}}}});
  stats().RebuildTotals("");
  ExpectAllTotals();
  stats().RebuildTotals(kTownship);
  ExpectAllTotals();
}

TEST_F(SqliteStatsStore, RebuildTotalsOfASubtreeWithoutChildrenClearsIt) {
  stats().AddTotals({{kVillageD, {{"junk", 2}}}});
  Put(AddChild(kVillageA), kVillageA, {{"class:migrant", 1}});
  stats().RebuildTotals(kOtherCounty);
  EXPECT_TRUE(stats().Totals(kOtherCounty).empty());
  EXPECT_TRUE(stats().Totals(kVillageD).empty());
  EXPECT_EQ(stats().Totals("41"), (Figures{{"class:migrant", 1}}));
}

TEST_F(SqliteStatsStore, SubRegionTotalsReturnsTheNextLevelOnly) {
  Put(AddChild(kVillageA), kVillageA, {{"class:migrant", 1}});
  Put(AddChild(kVillageB), kVillageB, {{"class:migrant", 2}});
  Put(AddChild(kVillageC), kVillageC, {{"class:migrant", 4}});
  Put(AddChild(kVillageD), kVillageD, {{"class:migrant", 8}});

  EXPECT_EQ(stats().SubRegionTotals(""), (std::map<std::string, Figures>{{"41", {{"class:migrant", 15}}}}));
  EXPECT_EQ(stats().SubRegionTotals("41"), (std::map<std::string, Figures>{{"4104", {{"class:migrant", 15}}}}));
  EXPECT_EQ(stats().SubRegionTotals("4104"), (std::map<std::string, Figures>{{kCounty, {{"class:migrant", 7}}},
                                                                           {kOtherCounty, {{"class:migrant", 8}}}}));
  EXPECT_EQ(stats().SubRegionTotals(kCounty),
            (std::map<std::string, Figures>{{kTownship, {{"class:migrant", 3}}},
                                            {kSiblingTownship, {{"class:migrant", 4}}}}));
  EXPECT_EQ(stats().SubRegionTotals(kTownship), (std::map<std::string, Figures>{{kVillageA, {{"class:migrant", 1}}},
                                                                              {kVillageB, {{"class:migrant", 2}}}}));
  EXPECT_TRUE(stats().SubRegionTotals(kVillageA).empty());
  EXPECT_TRUE(stats().SubRegionTotals("410405").empty());
}

TEST_F(SqliteStatsStore, SaveHistoryCopiesTheSubtreeUpToALengthAndReplacesThePeriod) {
  const int64_t a = AddChild(kVillageA);
  const int64_t d = AddChild(kVillageD);
  Put(a, kVillageA, {{"class:migrant", 1}, {"age:0-3", 1}});
  Put(d, kVillageD, {{"class:migrant", 1}});
  stats().SaveHistory("2026-02", "41", 6);
  EXPECT_EQ(stats().History(kCounty),
            (std::vector<std::pair<std::string, Figures>>{{"2026-02", {{"class:migrant", 1}, {"age:0-3", 1}}}}));
  EXPECT_TRUE(stats().History(kTownship).empty());  // 9 digits: longer than asked
  EXPECT_EQ(stats().History("41").size(), 1u);

  // An earlier period saved later comes first; codes up to 12 digits this time.
  Put(a, kVillageA, {{"class:migrant", 1}});
  stats().SaveHistory("2026-01", kCounty, 12);
  EXPECT_EQ(stats().History(kVillageA),
            (std::vector<std::pair<std::string, Figures>>{{"2026-01", {{"class:migrant", 1}}}}));
  EXPECT_EQ(stats().History(kCounty),
            (std::vector<std::pair<std::string, Figures>>{{"2026-01", {{"class:migrant", 1}}},
                                                          {"2026-02", {{"class:migrant", 1}, {"age:0-3", 1}}}}));
  EXPECT_TRUE(stats().History(kOtherCounty).size() == 1);  // outside the subtree saved: 2026-02 only

  // Saving 2026-02 again for the county replaces its rows (age:0-3 is gone) and leaves the
  // other county's and the province's rows of that period alone.
  stats().SaveHistory("2026-02", kCounty, 6);
  EXPECT_EQ(stats().History(kCounty).back(), (std::pair<std::string, Figures>{"2026-02", {{"class:migrant", 1}}}));
  EXPECT_EQ(stats().History(kOtherCounty),
            (std::vector<std::pair<std::string, Figures>>{{"2026-02", {{"class:migrant", 1}}}}));
  EXPECT_EQ(stats().History("41"),
            (std::vector<std::pair<std::string, Figures>>{{"2026-02", {{"class:migrant", 2}, {"age:0-3", 1}}}}));
}

TEST_F(SqliteStatsStore, ChildrenWithMatchesWholeKeysInTheRegionWithPaging) {
  std::vector<int64_t> migrants;
  for (int i = 0; i < 5; ++i) {
    const std::string& v = i % 2 ? kVillageA : kVillageC;
    const int64_t id = AddChild(v);
    Put(id, v, {{"class:migrant", 1}, {"xzy", 1}});
    migrants.push_back(id);
  }
  const int64_t short_key = AddChild(kVillageB);
  Put(short_key, kVillageB, {{"class:m", 1}, {"x_y", 1}, {"CLASS:MIGRANT", 1}});
  const int64_t elsewhere = AddChild(kVillageD);
  Put(elsewhere, kVillageD, {{"class:migrant", 1}});
  const int64_t zero = AddChild(kVillageA);
  Put(zero, kVillageA, {{"class:migrant", 0}, {"age:0-3", 1}});

  int64_t total = -1;
  EXPECT_EQ(stats().ChildrenWith(kCounty, "class:m", 0, 10, &total), std::vector<int64_t>{short_key});
  EXPECT_EQ(total, 1);
  EXPECT_EQ(stats().ChildrenWith(kCounty, "class:migrant", 0, 10, &total), migrants);
  EXPECT_EQ(total, 5);
  EXPECT_EQ(stats().ChildrenWith(kCounty, "class:migrant", 1, 2, &total),
            (std::vector<int64_t>{migrants[1], migrants[2]}));
  EXPECT_EQ(total, 5);
  EXPECT_EQ(stats().ChildrenWith(kCounty, "class:migrant", 4, 10, &total), std::vector<int64_t>{migrants[4]});
  EXPECT_EQ(stats().ChildrenWith(kTownship, "class:migrant", 0, 10, &total),
            (std::vector<int64_t>{migrants[1], migrants[3]}));
  EXPECT_EQ(total, 2);
  EXPECT_EQ(stats().ChildrenWith("41", "class:migrant", 0, 10, &total).size(), 6u);
  EXPECT_EQ(total, 6);
  // '_' and '%' are ordinary characters; case matters.
  EXPECT_EQ(stats().ChildrenWith(kCounty, "x_y", 0, 10, &total), std::vector<int64_t>{short_key});
  EXPECT_TRUE(stats().ChildrenWith(kCounty, "x%", 0, 10, &total).empty());
  EXPECT_EQ(total, 0);
  EXPECT_EQ(stats().ChildrenWith(kCounty, "CLASS:MIGRANT", 0, 10, &total), std::vector<int64_t>{short_key});
  EXPECT_EQ(stats().ChildrenWith(kCounty, "age:0-3", 0, 10, &total), std::vector<int64_t>{zero});
}

TEST_F(SqliteStatsStore, RandomPutsKeepEveryLevelEqualToTheSumFromScratch) {
  const std::vector<std::string> villages = {kVillageA,      kVillageB,      "410402100003", kVillageC,
                                             "410402101002", kVillageD,      "410403002001", "410502001001"};
  std::vector<std::string> placed;
  std::mt19937 rng(20260301);
  for (int i = 0; i < 200; ++i) placed.push_back(villages[rng() % villages.size()]);
  const std::vector<int64_t> ids = AddChildren(placed);
  const std::vector<std::string> keys = {"class:m",   "class:migrant", "class:left_behind", "age:0-3",
                                         "age:4-6",   "m:health_record:yes", "m:health_record:no",
                                         "entitlements:entitled", "entitlements:received", "a"};
  std::map<int64_t, std::string> region;
  for (size_t i = 0; i < ids.size(); ++i) region[ids[i]] = placed[i];
  for (int op = 0; op < 2000; ++op) {
    const int64_t id = ids[rng() % ids.size()];
    if (rng() % 5 == 0) region[id] = villages[rng() % villages.size()];
    Figures f;
    if (auto current = model.find(id); current != model.end() && rng() % 2 == 0) {
      f = current->second.second;  // mostly the same figures with a few changed
      for (int k = 0; k < 2; ++k) f[keys[rng() % keys.size()]] = static_cast<int64_t>(rng() % 4);
    } else {
      for (const std::string& key : keys) {
        if (rng() % 2) f[key] = static_cast<int64_t>(rng() % 4);
      }
    }
    Put(id, region[id], f);
    if (op % 500 == 499) ExpectAllTotals();
  }
  ExpectAllTotals();
  for (const int64_t id : ids) {
    if (model.count(id)) {
      EXPECT_EQ(stats().ChildFigures(id), model[id].second);
    }
  }
  // A rebuild from the children's rows agrees with what the differences maintained.
  stats().RebuildTotals("");
  ExpectAllTotals();
}

}  // namespace
}  // namespace tongan::testing
