// Statistics through the API on a real loopback server, checked against counts computed here
// from the raw child records and against the child list's own SQL filters: every level of the
// region tree, the children behind a figure, totals kept right through edits (and equal to a
// rebuild from scratch), scope, the .xlsx table, supervision ranking and the dispatch report.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/child_json.h"
#include "core/classification.h"
#include "http/api_stack.h"
#include "http/client.h"
#include "http/server.h"
#include "ingest/table.h"
#include "store/stats_store.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

using nlohmann::json;

class StatsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.AddUser("county", Role::kCountyCivilAffairs, "410402");
    env_.AddUser("city", Role::kCityCivilAffairs, "4104");
    env_.AddUser("director_a", Role::kChildDirector, kVillageA);
    env_.AddUser("supervisor", Role::kSupervisor, "410402100");
    const Date today = TodayInChina();
    // 60 children with every combination the figures split on: ages 0–17, both sexes, hukou in
    // this county, another county of the city, another province; records kept or not.
    for (int i = 0; i < 60; ++i) {
      const char* village = i % 3 == 0 ? kVillageA : i % 3 == 1 ? kVillageB : kOtherCountyVillage;
      Child c = MakeChild("儿童" + std::to_string(i), village, i + 1);
      c.birth_date = AddYears(today, -(i % 18));
      c.birth_date = Date{std::chrono::sys_days{c.birth_date} - std::chrono::days{10}};
      c.id_number.clear();
      c.sex = i % 2 ? Sex::kFemale : Sex::kMale;
      c.hukou_region_code = i % 4 == 0 ? "410402" : i % 4 == 1 ? "410422" : "330106";
      c.health.has_health_record = i % 5 < 2;
      c.health.vaccinated = i % 5 < 4;
      c.schooling.status = i % 7 == 0 ? "" : (i % 18 < 6 ? "在园" : "在读");
      if (i % 6 == 5) {  // left behind: both parents away
        c.father.status = ParentStatus::kWorkingAway;
        c.mother.status = ParentStatus::kWorkingAway;
        c.living_with = LivingWith::kOtherGuardian;
        c.hukou_region_code = "410402";
      }
      children_.push_back(c);
      children_.back().id = env_.AddChild(c);
    }
    api_ = std::make_unique<ApiStack>(env_.d);
    for (const Child& c : children_) api_->care.Recompute(c.id);
    ServerOptions options;
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, api_->router, api_->auth);
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->Start());
  }
  void TearDown() override { server_->Stop(); }

  std::string Login(const std::string& username) {
    const auto res = client_->Post("/api/login", {{"username", username}, {"password", kPassword}});
    EXPECT_EQ(res.status, 200) << res.body;
    return res.Json()["token"];
  }
  json Dashboard(const std::string& region, const std::string& token) {
    const auto res = client_->Get("/api/stats/dashboard?region=" + region, token);
    EXPECT_EQ(res.status, 200) << res.body;
    return res.Json();
  }
  static int64_t Figure(const json& dashboard, const std::string& key) { return dashboard["figures"].value(key, 0); }

  // Counts from the records themselves, for the children under `region`.
  std::map<std::string, int64_t> Expected(const std::string& region) const {
    const Date today = TodayInChina();
    std::map<std::string, int64_t> e;
    for (const Child& c : children_) {
      if (!c.region_code.starts_with(region)) continue;
      const int age = AgeInYears(c.birth_date, today);
      e["children"] += 1;
      e[std::string("sex:") + (c.sex == Sex::kFemale ? "F" : "M")] += 1;
      for (const AgeGroup& g : AgeGroups())
        if (age >= g.from_years && age < g.to_years) e["age:" + std::string(g.code)] += 1;
      if (age < 7) {
        e["health_record:eligible"] += 1;
        e[c.health.has_health_record ? "health_record:yes" : "health_record:no"] += 1;
        e[c.health.vaccinated ? "vaccination:yes" : "vaccination:no"] += 1;
      }
      if (age >= 6 && age < 15) e[c.schooling.status == "在读" ? "compulsory:yes" : "compulsory:no"] += 1;
      if (age >= 3 && age < 6)
        e[c.schooling.status == "在园" || c.schooling.status == "在读" ? "preschool:yes" : "preschool:no"] += 1;
    }
    return e;
  }

  // The child list's count for a class: the registry's SQL class filter, not the figures.
  int64_t ListCount(const std::string& region, const std::string& child_class, const std::string& token) {
    return client_->Get("/api/children?region=" + region + "&class=" + child_class + "&page_size=1", token)
        .Json()["total"];
  }

  void ExpectFiguresMatch(const std::string& region, const std::string& token) {
    const json d = Dashboard(region, token);
    for (const auto& [key, value] : Expected(region)) EXPECT_EQ(Figure(d, key), value) << region << " " << key;
    for (const char* cls : {"migrant", "left_behind", "in_difficulty", "key_care"})
      EXPECT_EQ(Figure(d, std::string("class:") + cls), ListCount(region, cls, token)) << region << " " << cls;
  }

  TestDeployment env_;
  std::vector<Child> children_;
  std::unique_ptr<ApiStack> api_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(StatsApiTest, FiguresAtEveryLevelEqualCountsFromTheRecords) {
  const std::string city = Login("city");
  for (const std::string& region : {std::string("4104"), std::string("410402"), std::string("410402100"), std::string(kVillageA), std::string(kVillageB)})
    ExpectFiguresMatch(region, city);
  // Sub-regions of the township are its villages, with their own counts.
  const json township = Dashboard("410402100", city);
  std::map<std::string, int64_t> children;
  for (const auto& sub : township["sub_regions"]) children[sub["region_code"]] = sub["children"];
  EXPECT_EQ(children[kVillageA], Expected(kVillageA)["children"]);
  EXPECT_EQ(children[kVillageB], Expected(kVillageB)["children"]);
  // A rate is its numerator over its denominator.
  for (const auto& i : township["indicators"])
    if (i["id"] == "rate:health_record") {
      auto e = Expected("410402100");
      EXPECT_EQ(i["numerator"], e["health_record:yes"]);
      EXPECT_EQ(i["denominator"], e["health_record:eligible"]);
      EXPECT_DOUBLE_EQ(i["value"].get<double>(), double(e["health_record:yes"]) / double(e["health_record:eligible"]));
    }
}

TEST_F(StatsApiTest, TheChildrenBehindAFigureAreTheChildListsOwn) {
  const std::string county = Login("county");
  const json d = Dashboard("410402", county);
  const auto behind = client_->Get("/api/stats/children?region=410402&key=class:migrant&page_size=100", county).Json();
  EXPECT_EQ(behind["total"], Figure(d, "class:migrant"));
  std::set<int64_t> from_figures, from_list;
  for (const auto& c : behind["items"]) from_figures.insert(c["id"].get<int64_t>());
  const json list = client_->Get("/api/children?region=410402&class=migrant&page_size=100", county).Json();
  for (const auto& c : list["items"]) from_list.insert(c["id"].get<int64_t>());
  EXPECT_EQ(from_figures, from_list);
  // A key that is a prefix of another lists nothing of the other.
  EXPECT_EQ(client_->Get("/api/stats/children?region=410402&key=class:m", county).Json()["total"], 0);
  // Scope: a village director reads only their village.
  const std::string director = Login("director_a");
  EXPECT_EQ(client_->Get("/api/stats/dashboard?region=410402", director).status, 403);
  EXPECT_EQ(client_->Get("/api/stats/children?region=410402&key=children", director).status, 403);
  EXPECT_EQ(Dashboard("", director)["region_code"], kVillageA);
  EXPECT_EQ(Figure(Dashboard("", director), "children"), Expected(kVillageA)["children"]);
}

TEST_F(StatsApiTest, EditsMoveTheTotalsAndTheyEqualARebuild) {
  const std::string county = Login("county");
  // Child 0 (village A) gets a health record and moves to village B.
  Child& moved = children_[0];
  moved.region_code = kVillageB;
  moved.health.has_health_record = true;
  json input = ChildToJson(moved);
  input["version"] = client_->Get("/api/children/" + std::to_string(moved.id), county).Json()["version"];
  const auto put = client_->Put("/api/children/" + std::to_string(moved.id), input, county);
  ASSERT_EQ(put.status, 200) << put.body;
  for (const std::string& region : {std::string("410402"), std::string("410402100"), std::string(kVillageA), std::string(kVillageB)})
    ExpectFiguresMatch(region, county);

  const stats::Figures maintained = env_.d.store->stats().Totals("410402");
  const auto villages = env_.d.store->stats().SubRegionTotals("410402100");
  env_.d.store->stats().RebuildTotals("41");
  EXPECT_EQ(env_.d.store->stats().Totals("410402"), maintained);
  EXPECT_EQ(env_.d.store->stats().SubRegionTotals("410402100"), villages);
}

TEST_F(StatsApiTest, TheExportedTableHasTheSubRegionsAndATotalRow) {
  const std::string county = Login("county");
  const auto res = client_->Get("/api/stats/export.xlsx?region=410402100", county);
  ASSERT_EQ(res.status, 200);
  ASSERT_EQ(res.body.substr(0, 2), "PK");
  const ingest::ReadResult read = ingest::ReadTable(res.body);
  ASSERT_TRUE(read.table.has_value()) << read.error.message_zh;
  const auto& rows = read.table->rows;
  ASSERT_GE(rows.size(), 5u);
  EXPECT_NE(rows[0].cells[0].find("统计表"), std::string::npos);
  const auto& header = rows[2].cells;
  ASSERT_EQ(header[1], "登记儿童");
  std::map<std::string, std::string> first_column;
  for (size_t r = 3; r < rows.size(); ++r) first_column[rows[r].cells[0]] = rows[r].cells[1];
  EXPECT_EQ(first_column["合计"], std::to_string(Expected("410402100")["children"]));
  EXPECT_EQ(first_column["测试甲村"], std::to_string(Expected(kVillageA)["children"]));
}

TEST_F(StatsApiTest, SupervisionRanksByScoreAndTheDispatchReportIsForAMonth) {
  const std::string city = Login("city");
  const json s = client_->Get("/api/stats/supervision?region=410402100", city).Json();
  ASSERT_EQ(s["regions"].size(), 2u);
  double previous = 101;
  int rank = 0;
  for (const auto& r : s["regions"]) {
    ASSERT_FALSE(r["score"].is_null());
    const double score = r["score"];
    EXPECT_GE(score, 0);
    EXPECT_LE(score, 100);
    EXPECT_LE(score, previous);
    previous = score;
    EXPECT_EQ(r["rank"], ++rank);
    double sum = 0;
    for (const auto& p : r["parts"]) sum += p["points"].get<double>();
    EXPECT_NEAR(sum, score, 1e-9);
  }
  const auto dispatch = client_->Get("/api/stats/dispatch?region=410402", city);
  ASSERT_EQ(dispatch.status, 200) << dispatch.body;
  EXPECT_EQ(dispatch.Json()["month"], FormatIsoDate(TodayInChina()).substr(0, 7));
  EXPECT_EQ(client_->Get("/api/stats/dispatch?region=410402&month=2999-01", city).status, 400);
  EXPECT_EQ(client_->Get("/api/stats/dispatch?region=410402&month=13", city).status, 400);
}

TEST_F(StatsApiTest, EveryRouteIsRegisteredOnce) {
  std::set<std::string> seen;
  for (const Route& r : api_->router.routes())
    EXPECT_TRUE(seen.insert(r.method + " " + r.pattern).second) << r.method << " " << r.pattern;
  const auto history = client_->Get("/api/stats/history?region=410402", Login("county"));
  ASSERT_EQ(history.status, 200);
  ASSERT_FALSE(history.Json()["periods"].empty());
  EXPECT_EQ(history.Json()["periods"].back()["figures"]["children"], Expected("410402")["children"]);
}

}  // namespace
}  // namespace tongan::testing
