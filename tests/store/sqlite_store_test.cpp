#include <gtest/gtest.h>

#include <set>

#include "demo/synthetic.h"
#include "store/sql_db.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

TEST(SqliteStore, ReopeningAppliesNoMigrationTwice) {
  TempDir dir;
  TestDatabase database(dir.path());
  const std::string path = database.location();
  OpenStore(path);
  OpenStore(path);
  auto db = database.Connect();
  auto s = db->Prepare("SELECT count(*) FROM schema_migrations");
  ASSERT_TRUE(s.Step());
  EXPECT_GE(s.Int(0), 1);
}

TEST(SqlLocation, APostgresPasswordIsNotPrinted) {
  EXPECT_EQ(sql::RedactedLocation("postgresql://tongan:s3cret@db:5432/tongan"), "postgresql://tongan:***@db:5432/tongan");
  EXPECT_EQ(sql::RedactedLocation("postgresql://tongan@db:5432/tongan"), "postgresql://tongan@db:5432/tongan");
  EXPECT_EQ(sql::RedactedLocation("data/tongan.db"), "data/tongan.db");
}

TEST(SqliteStore, ChangedMigrationIsDetected) {
  TempDir dir;
  TestDatabase database(dir.path());
  const std::string path = database.location();
  OpenStore(path);
  {
    auto db = database.Connect();
    db->Exec("UPDATE schema_migrations SET checksum = 'tampered'");
  }
  EXPECT_THROW(OpenStore(path), std::runtime_error);
}

TEST(SqliteStore, AuditAndHistoryAreAppendOnly) {
  TestDeployment env;
  const int64_t id = env.AddChild(MakeChild("王小明", kVillageA, 1));
  env.d.store->AppendAudit({{"", 1, "u", "child.read", "child:1", "", "ok", "127.0.0.1"}});
  auto db = env.db.Connect();
  EXPECT_THROW(db->Exec("UPDATE audit_log SET result = 'x'"), sql::Error);
  EXPECT_THROW(db->Exec("DELETE FROM audit_log"), sql::Error);
  EXPECT_THROW(db->Exec("DELETE FROM child_history WHERE child_id = " + std::to_string(id)), sql::Error);
}

TEST(SqliteStore, UpdateWritesOneHistoryRowPerChangedField) {
  TestDeployment env;
  Child child = MakeChild("王小明", kVillageA, 1);
  const int64_t id = env.AddChild(child);
  const RegionScope scope{kVillageA};
  Child edited = *env.d.store->GetChild(scope, id);
  edited.address = "新地址1号";
  edited.needs = {"课业辅导", "心理疏导"};
  const auto changes = env.d.store->UpdateChild(scope, edited, 1, ClassBasisOf(edited, env.d.config), {7, "editor"});
  ASSERT_TRUE(changes.has_value());
  ASSERT_EQ(changes->size(), 2u);
  const auto history = env.d.store->ChildHistory(scope, id);
  ASSERT_EQ(history.size(), 3u);  // two fields + the registration
  std::set<std::string> fields{history[0].field, history[1].field};
  EXPECT_EQ(fields, (std::set<std::string>{"address", "needs"}));
  EXPECT_EQ(history[0].username, "editor");
  EXPECT_EQ(env.d.store->GetChild(scope, id)->version, 2);
  // Out of scope: no update, no history.
  Child again = edited;
  EXPECT_FALSE(env.d.store->UpdateChild(RegionScope{kVillageB}, again, 2, 0, {7, "editor"}).has_value());
  EXPECT_TRUE(env.d.store->ChildHistory(RegionScope{kVillageB}, id).empty());
}

TEST(SqliteStore, ScopeIsAPrefixOfWholeCodes) {
  TestDeployment env;
  const int64_t id = env.AddChild(MakeChild("王小明", kVillageA, 1));
  EXPECT_TRUE(env.d.store->GetChild(RegionScope{"410402"}, id));
  EXPECT_TRUE(env.d.store->GetChild(RegionScope{kVillageA}, id));
  EXPECT_FALSE(env.d.store->GetChild(RegionScope{kVillageB}, id));
  EXPECT_FALSE(env.d.store->GetChild(RegionScope{"410403"}, id));
  EXPECT_FALSE(env.d.store->GetChild(RegionScope{"\xf4\x8f\xbf\xbf"}, id));
}

// The SQL class filters must find exactly the children Classify() puts in each class.
TEST(SqliteStore, ClassFiltersAgreeWithClassifyOnSyntheticCounty) {
  TestDeployment env;
  const Date today = TodayInChina();
  SyntheticOptions options;
  options.county_codes = {"410402"};
  options.children = 3000;
  options.today = today;
  SyntheticData data = GenerateSynthetic(env.d.regions, options);
  for (const auto& v : data.villages) env.d.regions.Add(v.code, v.name);
  std::vector<uint32_t> basis;
  for (const Child& c : data.children) basis.push_back(ClassBasisOf(c, env.d.config));
  env.d.store->InsertChildrenBulk(data.children, basis, {0, "test"});

  const RegionScope scope{"410402"};
  for (ChildClass cls : AllChildClasses()) {
    std::set<int64_t> expected;
    for (const Child& c : data.children)
      if (Classify(c, today, env.d.config).Has(cls)) expected.insert(c.id);
    ChildQuery query;
    query.child_class = cls;
    query.cutoffs = CutoffsFor(today);
    query.limit = 10000;
    const ChildPage page = env.d.store->SearchChildren(scope, query);
    std::set<int64_t> found;
    for (const Child& c : page.items) found.insert(c.id);
    EXPECT_EQ(found, expected) << ChildClassCode(cls);
    EXPECT_EQ(page.total, static_cast<int64_t>(expected.size()));
    if (cls == ChildClass::kMigrant) {
      EXPECT_GT(expected.size(), 100u) << "the demo county has migrant children";
    }
  }
}

}  // namespace
}  // namespace tongan::testing
