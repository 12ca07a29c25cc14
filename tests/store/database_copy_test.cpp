#include "store/database_copy.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "demo/demo_care.h"
#include "demo/demo_county.h"
#include "demo/department_files.h"
#include "store/care_store.h"
#include "store/sql_db.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

std::map<std::string, TableCopy> ByTable(const CopyReport& report) {
  std::map<std::string, TableCopy> out;
  for (const TableCopy& t : report.tables) out[t.table] = t;
  return out;
}

int64_t CountRows(sql::Connection& db, const std::string& table) {
  auto s = db.Prepare("SELECT count(*) FROM " + table);
  s.Step();
  return s.Int(0);
}

void ExpectAllVerified(const CopyReport& report) {
  EXPECT_TRUE(report.verified);
  for (const TableCopy& t : report.tables) {
    EXPECT_EQ(t.source_rows, t.target_rows) << t.table;
    EXPECT_TRUE(t.checksum_equal) << t.table;
  }
}

// A small deployment built through the store: users, villages, children with history, audit.
struct SmallSource {
  TestDeployment env;
  std::vector<int64_t> children;
  SmallSource() {
    env.AddUser("director_a", Role::kChildDirector, kVillageA);
    env.AddUser("county_staff", Role::kCountyCivilAffairs, "410402");
    children.push_back(env.AddChild(MakeChild("王小明", kVillageA, 1)));
    children.push_back(env.AddChild(MakeChild("李小红", kVillageA, 2)));
    children.push_back(env.AddChild(MakeChild("张小刚", kVillageB, 3)));
    children.push_back(env.AddChild(MakeChild("赵小丽", kOtherCountyVillage, 4)));
    const RegionScope scope{kVillageA};
    Child edited = *env.d.store->GetChild(scope, children[0]);
    edited.address = "新地址1号 'quoted' \"double\"";
    edited.needs = {"课业辅导"};
    env.d.store->UpdateChild(scope, edited, edited.version, ClassBasisOf(edited, env.d.config), {1, "director_a"});
    env.d.store->AppendAudit({{"", 1, "director_a", "child.read", "child:1", "", "ok", "127.0.0.1"},
                              {"", 1, "director_a", "child.update", "child:1", "地址", "ok", "127.0.0.1"}});
  }
};

TEST(DatabaseCopy, CopiesADeploymentAndVerifiesIt) {
  SmallSource source;
  TempDir dir;
  TestDatabase target(dir.path(), "copy.db");

  std::vector<std::string> progressed;
  const CopyReport report = CopyDatabase(source.env.db.location(), target.location(),
                                         [&](const TableCopy& t) { progressed.push_back(t.table); });
  ExpectAllVerified(report);
  ASSERT_EQ(progressed.size(), report.tables.size());
  const auto tables = ByTable(report);
  EXPECT_FALSE(tables.count("schema_migrations"));
  // Referenced tables come first.
  const auto position = [&](const std::string& t) {
    return std::find(progressed.begin(), progressed.end(), t) - progressed.begin();
  };
  EXPECT_LT(position("users"), position("sessions"));
  EXPECT_LT(position("children"), position("child_history"));
  EXPECT_EQ(tables.at("users").target_rows, 2);
  EXPECT_EQ(tables.at("villages").target_rows, 3);
  EXPECT_EQ(tables.at("children").target_rows, 4);
  EXPECT_EQ(tables.at("child_history").target_rows, 4 + 2);  // registrations + two changed fields
  EXPECT_EQ(tables.at("audit_log").target_rows, 2);

  // The copied store answers as the source does.
  auto copied = OpenStore(target.location());
  const RegionScope everything{"41"};
  for (int64_t id : source.children) {
    const auto a = source.env.d.store->GetChild(everything, id);
    const auto b = copied->GetChild(everything, id);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->name, b->name);
    EXPECT_EQ(a->id_number, b->id_number);
    EXPECT_EQ(a->address, b->address);
    EXPECT_EQ(a->needs, b->needs);
    EXPECT_EQ(a->version, b->version);
    EXPECT_EQ(a->created_at, b->created_at);
    EXPECT_EQ(a->updated_at, b->updated_at);
  }
  ChildQuery query;
  query.limit = 50;
  const ChildPage before = source.env.d.store->SearchChildren(RegionScope{kVillageA}, query);
  const ChildPage after = copied->SearchChildren(RegionScope{kVillageA}, query);
  EXPECT_EQ(after.total, 2);
  ASSERT_EQ(before.items.size(), after.items.size());
  for (size_t i = 0; i < before.items.size(); ++i) EXPECT_EQ(before.items[i].id, after.items[i].id);
  EXPECT_EQ(copied->ChildHistory(everything, source.children[0]).size(), 3u);
  EXPECT_EQ(copied->FindUserByName("director_a")->password_hash,
            source.env.d.store->FindUserByName("director_a")->password_hash);
  EXPECT_EQ(copied->RecentAudit(10, "child:1").size(), 2u);

  // Ids go on after the copied ones (PostgreSQL identity sequences were moved).
  Child fresh = MakeChild("新来的", kVillageB, 9);
  copied->InsertChild(fresh, 0, {0, "test"});
  const int64_t max_id = *std::max_element(source.children.begin(), source.children.end());
  EXPECT_GT(fresh.id, max_id);
  User user;
  user.username = "after_copy";
  user.display_name = "after_copy";
  user.region_code = kVillageA;
  user.password_hash = "x";
  EXPECT_EQ(copied->CreateUser(user), 3);
}

TEST(DatabaseCopy, RefusesANonEmptyTargetAndLeavesItAsItWas) {
  SmallSource source;
  TempDir dir;
  TestDatabase target(dir.path(), "copy.db");
  {
    auto store = OpenStore(target.location());
    store->UpsertVillage(kVillageA, "已有的村");
  }
  EXPECT_THROW(CopyDatabase(source.env.db.location(), target.location()), std::runtime_error);
  auto db = target.Connect();
  EXPECT_EQ(CountRows(*db, "villages"), 1);
  EXPECT_EQ(CountRows(*db, "users"), 0);
  EXPECT_EQ(CountRows(*db, "children"), 0);

  // A copy into the target refuses a second copy on top of it.
  TestDatabase second(dir.path(), "second.db");
  ASSERT_TRUE(CopyDatabase(source.env.db.location(), second.location()).verified);
  EXPECT_THROW(CopyDatabase(source.env.db.location(), second.location()), std::runtime_error);
  auto db2 = second.Connect();
  EXPECT_EQ(CountRows(*db2, "children"), 4);
}

TEST(DatabaseCopy, RefusesDifferentSchemaVersions) {
  SmallSource source;
  TempDir dir;
  TestDatabase target(dir.path(), "copy.db");
  OpenStore(target.location());
  target.Connect()->Exec("INSERT INTO schema_migrations VALUES ('9999_future', 'x', '2026-01-01T00:00:00Z')");
  try {
    CopyDatabase(source.env.db.location(), target.location());
    FAIL() << "copy into a newer schema was not refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("版本"), std::string::npos) << e.what();
  }
  EXPECT_EQ(CountRows(*target.Connect(), "children"), 0);
}

TEST(DatabaseCopy, RefusesAMissingSourceFile) {
  TempDir dir;
  TestDatabase target(dir.path(), "copy.db");
  EXPECT_THROW(CopyDatabase((dir.path() / "nothing.db").string(), target.location()), std::runtime_error);
}

// The demo county fills nearly every table, including the floating-point link probabilities. The
// source is always a SQLite file, as in a real move; the target is PostgreSQL when the tests run on
// it, and is then copied back into a SQLite file.
TEST(DatabaseCopy, CopiesTheDemoCountyExactlyBothWays) {
  TempDir dir;
  const std::string source = (dir.path() / "demo.db").string();
  const Date today = TodayInChina();
  {
    Deployment d = OpenDeployment(source, std::string(TONGAN_SOURCE_DIR) + "/data");
    LoadDemoCounty(d, 400, 7, today);
    LoadDemoDepartmentData(d, 7, today);
    LoadDemoCare(d, today);
  }
  TestDatabase target(dir.path(), "copy.db");
  const CopyReport report = CopyDatabase(source, target.location());
  ExpectAllVerified(report);
  const auto tables = ByTable(report);
  for (const char* t : {"users", "villages", "children", "audit_log", "import_batches", "source_records",
                        "record_links", "link_events", "care_status"})
    EXPECT_GT(tables.at(t).source_rows, 0) << t;

  const std::string back = (dir.path() / "back.db").string();
  const CopyReport back_report = CopyDatabase(target.location(), back);
  ExpectAllVerified(back_report);
  EXPECT_EQ(back_report.tables.size(), report.tables.size());

  // Doubles arrive bit for bit, there and back.
  auto a = sql::OpenSqlite(source);
  auto b = target.Connect();
  auto c = sql::OpenSqlite(back);
  const std::string query = "SELECT source_record_id, probability FROM record_links ORDER BY source_record_id";
  auto sa = a->Prepare(query);
  auto sb = b->Prepare(query);
  auto sc = c->Prepare(query);
  int64_t rows = 0;
  while (sa.Step()) {
    ASSERT_TRUE(sb.Step());
    ASSERT_TRUE(sc.Step());
    EXPECT_EQ(sa.Int(0), sb.Int(0));
    EXPECT_EQ(sa.Real(1), sb.Real(1));
    EXPECT_EQ(sa.Int(0), sc.Int(0));
    EXPECT_EQ(sa.Real(1), sc.Real(1));
    ++rows;
  }
  EXPECT_FALSE(sb.Step());
  EXPECT_FALSE(sc.Step());
  EXPECT_EQ(rows, tables.at("record_links").source_rows);
}

}  // namespace
}  // namespace tongan::testing
