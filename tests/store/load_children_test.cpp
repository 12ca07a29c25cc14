// Store::LoadChildren, the first load of a registry: every batch in one transaction, the children's
// indexes built after the rows, and all or nothing.
#include <gtest/gtest.h>

#include <algorithm>

#include "demo/synthetic.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

// The children's index definitions as the catalogue holds them.
std::vector<std::string> ChildIndexes(const TestDatabase& database) {
  auto db = database.Connect();
  auto list = db->Prepare(database.postgres()
                              ? "SELECT indexdef FROM pg_indexes WHERE tablename = 'children' ORDER BY indexname"
                              : "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'children' "
                                "AND sql IS NOT NULL ORDER BY name");
  std::vector<std::string> definitions;
  while (list.Step()) definitions.push_back(list.Text(0));
  return definitions;
}

// Hands out `batches` one per call.
Store::ChildBatchSource Batches(std::vector<std::vector<Child>> batches, const ClassificationConfig& config) {
  auto next = std::make_shared<size_t>(0);
  return [batches = std::move(batches), next, &config](std::vector<Child>& children, std::vector<uint32_t>& basis) {
    children.clear();
    basis.clear();
    if (*next == batches.size()) return false;
    children = batches[(*next)++];
    for (const Child& c : children) basis.push_back(ClassBasisOf(c, config));
    return true;
  };
}

TEST(LoadChildren, AnEmptyRegistryGetsEveryBatchAndItsIndexesBack) {
  TestDeployment env;
  const std::vector<std::string> indexes = ChildIndexes(env.db);
  ASSERT_GE(indexes.size(), 4u);
  SyntheticOptions options;
  options.county_codes = {"410402"};
  options.children = 1200;
  options.today = TodayInChina();
  SyntheticStream stream(env.d.regions, options);
  for (const auto& v : stream.villages()) env.d.regions.Add(v.code, v.name);
  std::vector<Child> loaded;
  const int64_t stored = env.d.store->LoadChildren(
      [&](std::vector<Child>& children, std::vector<uint32_t>& basis) {
        const bool more = stream.Next(children, 500);
        basis.clear();
        for (const Child& c : children) basis.push_back(ClassBasisOf(c, env.d.config));
        loaded.insert(loaded.end(), children.begin(), children.end());
        return more;
      },
      {0, "test"});
  EXPECT_EQ(stored, 1200);
  EXPECT_EQ(env.d.store->CountChildren(), 1200);
  EXPECT_EQ(ChildIndexes(env.db), indexes);

  const auto with_id = std::find_if(loaded.begin(), loaded.end(), [](const Child& c) { return !c.id_number.empty(); });
  ASSERT_NE(with_id, loaded.end());
  ChildQuery by_id;
  by_id.id_number = with_id->id_number;
  const ChildPage found = env.d.store->SearchChildren(RegionScope{"41"}, by_id);
  ASSERT_EQ(found.total, 1);
  EXPECT_EQ(found.items[0].name, with_id->name);
  EXPECT_EQ(found.items[0].birth_date, with_id->birth_date);
}

TEST(LoadChildren, ADuplicateIdNumberStoresNothingAndKeepsTheUniqueIndex) {
  TestDeployment env;
  const std::vector<std::string> indexes = ChildIndexes(env.db);
  const Child first = MakeChild("王小明", kVillageA, 1);
  Child twin = MakeChild("李小红", kVillageB, 2);
  twin.id_number = first.id_number;  // in a later batch, so only the rebuilt index can see it
  EXPECT_THROW(env.d.store->LoadChildren(Batches({{first, MakeChild("张三", kVillageA, 3)}, {twin}}, env.d.config),
                                         {0, "test"}),
               StoreConflict);
  EXPECT_EQ(env.d.store->CountChildren(), 0);
  EXPECT_EQ(ChildIndexes(env.db), indexes);
  env.AddChild(first);
  EXPECT_THROW(env.AddChild(twin), StoreConflict);
}

TEST(LoadChildren, ASourceMayHandOverItsLastChildrenWithFalse) {
  TestDeployment env;
  int calls = 0;
  const int64_t stored = env.d.store->LoadChildren(
      [&](std::vector<Child>& children, std::vector<uint32_t>& basis) {
        ++calls;
        children = {MakeChild("张三", kVillageA, calls * 2), MakeChild("李四", kVillageB, calls * 2 + 1)};
        basis.assign(2, 0);
        return calls < 2;  // the second batch comes with "no more"
      },
      {0, "test"});
  EXPECT_EQ(stored, 4);
  EXPECT_EQ(env.d.store->CountChildren(), 4);
  EXPECT_EQ(calls, 2) << "asked no more after false";
}

TEST(LoadChildren, ANonEmptyRegistryKeepsItsIndexesThroughTheLoad) {
  TestDeployment env;
  const std::vector<std::string> indexes = ChildIndexes(env.db);
  const Child existing = MakeChild("王小明", kVillageA, 1);
  env.AddChild(existing);
  Child twin = MakeChild("李小红", kVillageB, 2);
  twin.id_number = existing.id_number;
  EXPECT_THROW(env.d.store->LoadChildren(Batches({{MakeChild("张三", kVillageA, 3), twin}}, env.d.config), {0, "test"}),
               StoreConflict);
  EXPECT_EQ(env.d.store->CountChildren(), 1);
  EXPECT_EQ(env.d.store->LoadChildren(
                Batches({{MakeChild("张三", kVillageA, 3)}, {MakeChild("赵四", kVillageB, 4)}}, env.d.config),
                {0, "test"}),
            2);
  EXPECT_EQ(env.d.store->CountChildren(), 3);
  EXPECT_EQ(ChildIndexes(env.db), indexes);
}

}  // namespace
}  // namespace tongan::testing
