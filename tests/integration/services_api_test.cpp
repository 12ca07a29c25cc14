// Services through the API on a real loopback server: entitlements that follow the child's file,
// deliveries by hand and by import (voided when the link is undone), the refusals, a liaison
// limited to their department, the catalogue replaced by another city's and refused when
// invalid, supply seen by the regions it serves, pairings and activities meeting needs, and
// coverage and supply/demand figures checked against the children's own rows.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "core/child_json.h"
#include "http/api_stack.h"
#include "http/client.h"
#include "http/server.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

using nlohmann::json;

std::string DaysAgo(int days) {
  return FormatIsoDate(Date{std::chrono::sys_days{TodayInChina()} - std::chrono::days{days}});
}

class ServicesApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.AddUser("county", Role::kCountyCivilAffairs, "410402");
    env_.AddUser("director_a", Role::kChildDirector, kVillageA);
    env_.AddUser("director_b", Role::kChildDirector, kVillageB);
    env_.AddUser("supervisor", Role::kSupervisor, "410402100");
    env_.AddUser("edu", Role::kDepartmentLiaison, "410402", "教育");
    env_.AddUser("health", Role::kDepartmentLiaison, "410402", "卫健");
    env_.AddUser("admin", Role::kAdmin, "410402");
    // Migrant children of 10 (born 2016, registered in 叶县) in two villages, and a 2-year-old.
    const char* names[] = {"王小明", "李小红", "张子涵", "刘梓萱"};
    for (int i = 0; i < 4; ++i) {
      Child c = MakeChild(names[i], i % 2 ? kVillageB : kVillageA, i + 1);
      if (i == 0) c.needs = {"学业辅导"};
      children_.push_back(c);
      children_.back().id = env_.AddChild(c);
    }
    Child toddler = MakeChild("陈果果", kVillageA, 9);
    toddler.birth_date = Date{std::chrono::sys_days{TodayInChina()} - std::chrono::days{800}};
    toddler.id_number = "";
    children_.push_back(toddler);
    children_.back().id = env_.AddChild(toddler);

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
  static std::string Code(const ClientResponse& res) { return res.Json()["error"]["code"]; }
  std::string ChildPath(size_t i) const { return "/api/children/" + std::to_string(children_[i].id); }

  json Services(size_t i, const std::string& token) {
    const auto res = client_->Get(ChildPath(i) + "/services", token);
    EXPECT_EQ(res.status, 200) << res.body;
    return res.Json();
  }
  static const json* Entitlement(const json& services, const std::string& item) {
    for (const auto& e : services["entitlements"])
      if (e["item_id"] == item) return &e;
    return nullptr;
  }
  static const json* Need(const json& services, const std::string& code) {
    for (const auto& n : services["needs"])
      if (n["need_code"] == code) return &n;
    return nullptr;
  }

  TestDeployment env_;
  std::vector<Child> children_;
  std::unique_ptr<ApiStack> api_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ServicesApiTest, EntitlementsFollowTheFileAndADeliveryFillsTheGap) {
  const std::string token = Login("director_a");
  json s = Services(0, token);
  // A 10-year-old migrant: compulsory education and after-school service, not the 0–6 items.
  ASSERT_NE(Entitlement(s, "PDS-05"), nullptr) << s.dump();
  ASSERT_NE(Entitlement(s, "PDS-06"), nullptr);
  EXPECT_EQ(Entitlement(s, "PDS-01"), nullptr);
  EXPECT_FALSE((*Entitlement(s, "PDS-05"))["received"].get<bool>());
  EXPECT_EQ(s["missing"].get<int>(), s["entitled"].get<int>() - s["received"].get<int>());

  // Enrolled in school: the facts show compulsory education received.
  json edit = ChildToJson(children_[0]);
  edit["version"] = client_->Get(ChildPath(0), token).Json()["version"];
  edit["schooling"] = {{"status", "在读"}, {"school", "李屯小学"}, {"grade", "四年级"}};
  const auto put = client_->Put(ChildPath(0), edit, token);
  ASSERT_EQ(put.status, 200) << put.body;
  s = Services(0, token);
  EXPECT_TRUE((*Entitlement(s, "PDS-05"))["received"].get<bool>());
  EXPECT_EQ((*Entitlement(s, "PDS-05"))["received_via"], "fact");

  // A delivery of 课后服务 fills that gap.
  const auto res = client_->Post(ChildPath(0) + "/deliveries",
                                 {{"item_id", "PDS-06"}, {"delivered_on", DaysAgo(3)},
                                  {"provider_name", "李屯小学"}, {"content", "校内课后服务"}},
                                 token);
  ASSERT_EQ(res.status, 201) << res.body;
  s = Services(0, token);
  EXPECT_TRUE((*Entitlement(s, "PDS-06"))["received"].get<bool>());
  EXPECT_EQ((*Entitlement(s, "PDS-06"))["received_via"], "delivery");
  EXPECT_EQ((*Entitlement(s, "PDS-06"))["last_delivered"], DaysAgo(3));
  ASSERT_EQ(s["deliveries"].size(), 1u);
  EXPECT_EQ(s["deliveries"][0]["provider_name"], "李屯小学");

  // Voided with a reason: the gap is back, the record kept; a second void is refused.
  const std::string void_path = "/api/deliveries/" + std::to_string(s["deliveries"][0]["id"].get<int>()) + "/void";
  EXPECT_EQ(client_->Post(void_path, json::object(), token).status, 400);  // a reason is required
  ASSERT_EQ(client_->Post(void_path, {{"reason", "录错儿童"}}, token).status, 200);
  EXPECT_EQ(Code(client_->Post(void_path, {{"reason", "再次"}}, token)), "already_voided");
  s = Services(0, token);
  EXPECT_FALSE((*Entitlement(s, "PDS-06"))["received"].get<bool>());
  ASSERT_EQ(s["deliveries"].size(), 1u);
  EXPECT_EQ(s["deliveries"][0]["void_reason"], "录错儿童");
}

TEST_F(ServicesApiTest, BadDeliveriesAreRefusedAndLiaisonsKeepToTheirDepartment) {
  const std::string director = Login("director_a");
  const auto post = [&](size_t child, json body, const std::string& token) {
    return client_->Post(ChildPath(child) + "/deliveries", body, token);
  };
  json ok = {{"item_id", "PDS-06"}, {"delivered_on", DaysAgo(1)}, {"provider_name", "学校"}};
  json bad = ok;
  bad["item_id"] = "PDS-99";
  EXPECT_EQ(Code(post(0, bad, director)), "unknown_item");
  bad = ok;
  bad["item_id"] = "PDS-01";  // 0–6 health file: not for a 10-year-old
  EXPECT_EQ(Code(post(0, bad, director)), "not_entitled");
  bad = ok;
  bad["delivered_on"] = "2999-01-01";
  EXPECT_EQ(post(0, bad, director).status, 400);
  bad = ok;
  bad.erase("provider_name");
  EXPECT_EQ(Code(post(0, bad, director)), "missing_field");
  bad = ok;
  bad["colour"] = "red";
  EXPECT_EQ(post(0, bad, director).status, 400);
  EXPECT_EQ(post(1, ok, director).status, 404);  // another village's child

  // The health liaison may not record an education item; the education liaison may.
  EXPECT_EQ(post(0, ok, Login("health")).status, 403);
  const std::string edu = Login("edu");
  EXPECT_EQ(post(1, ok, edu).status, 201);
  // A liaison reads no child file, and their open items are their department's only.
  EXPECT_EQ(client_->Get(ChildPath(1) + "/services", edu).status, 403);
  const json open = client_->Get("/api/services/open-items?department=卫健&page_size=100", edu).Json();
  ASSERT_FALSE(open["items"].empty());
  for (const auto& item : open["items"]) EXPECT_EQ(item["department"], "教育");
  for (const auto& item : open["items"]) EXPECT_FALSE(item["child_id"] == children_[1].id && item["item_id"] == "PDS-06");
  EXPECT_FALSE(open["items"][0].contains("id_number"));
  // A supervisor reads but records nothing.
  EXPECT_EQ(post(0, ok, Login("supervisor")).status, 403);
}

TEST_F(ServicesApiTest, CoverageEqualsTheChildrensOwnRows) {
  const std::string county = Login("county");
  ASSERT_EQ(client_->Post(ChildPath(0) + "/deliveries",
                          {{"item_id", "PDS-06"}, {"delivered_on", DaysAgo(2)}, {"provider_name", "学校"}}, county)
                .status,
            201);
  // Independently: each child's entitlements from its own page, summed per village and item.
  std::map<std::string, std::map<std::string, std::pair<int, int>>> expected;  // village → item → (entitled, received)
  for (size_t i = 0; i < children_.size(); ++i) {
    const json own = Services(i, county);
    for (const auto& e : own["entitlements"]) {
      auto& cell = expected[children_[i].region_code][e["item_id"]];
      cell.first += 1;
      cell.second += e["received"].get<bool>();
    }
  }
  const json township = client_->Get("/api/services/coverage?region=410402100", county).Json();
  for (const auto& region : township["regions"]) {
    const std::string code = region["region_code"];
    int entitled = 0, received = 0;
    for (const auto& [item, cell] : expected[code]) {
      entitled += cell.first;
      received += cell.second;
      EXPECT_EQ(region["items"][item]["entitled"], cell.first) << code << " " << item;
      EXPECT_EQ(region["items"][item]["received"], cell.second) << code << " " << item;
    }
    EXPECT_EQ(region["entitled"], entitled) << code;
    EXPECT_EQ(region["received"], received) << code;
  }
  for (const auto& item : township["items"]) {
    int entitled = 0;
    for (auto& [village, items] : expected) entitled += items[item["item_id"]].first;
    EXPECT_EQ(item["entitled"], entitled) << item["item_id"];
  }
  // The county's open items for 教育 are the entitlements not received, child by child.
  int open_edu = 0;
  for (size_t i = 0; i < children_.size(); ++i) {
    const json own = Services(i, county);
    for (const auto& e : own["entitlements"]) open_edu += e["department"] == "教育" && !e["received"];
  }
  EXPECT_EQ(client_->Get("/api/services/open-items?department=教育", county).Json()["total"], open_edu);
  // A village user may not ask for the county's figures.
  EXPECT_EQ(client_->Get("/api/services/coverage?region=410402", Login("director_a")).status, 403);
}

TEST_F(ServicesApiTest, TheCatalogueIsReplacedByAnotherCitysAndRefusedWhenInvalid) {
  const std::string admin = Login("admin");
  const json before = client_->Get("/api/services/catalogue", admin).Json()["catalogue"];
  json broken = before;
  broken["items"][2]["when"] = {{"fact", "agee"}, {"op", "lt"}, {"value", 3}};
  const auto refused = client_->Put("/api/services/catalogue", broken, admin);
  ASSERT_EQ(refused.status, 400);
  EXPECT_EQ(Code(refused), "catalogue_invalid");
  const std::string message = refused.Json()["error"]["message"];
  EXPECT_NE(message.find(before["items"][2]["id"].get<std::string>()), std::string::npos) << message;
  EXPECT_NE(message.find("agee"), std::string::npos) << message;
  EXPECT_EQ(client_->Get("/api/services/catalogue", admin).Json()["catalogue"], before);
  EXPECT_EQ(client_->Put("/api/services/catalogue", before, Login("county")).status, 403);

  // The national catalogue, as a city would load its own: no code, only the file.
  std::ifstream file(std::string(TONGAN_SOURCE_DIR) + "/data/catalogues/national_basic.json");
  std::stringstream text;
  text << file.rdbuf();
  const auto saved = client_->Put("/api/services/catalogue", json::parse(text.str()), admin);
  ASSERT_EQ(saved.status, 200) << saved.body;
  api_->care.WaitForRecompute();
  const json s = Services(0, Login("director_a"));
  ASSERT_FALSE(s["entitlements"].empty());
  for (const auto& e : s["entitlements"]) EXPECT_EQ(e["item_id"].get<std::string>().rfind("CN-", 0), 0u) << e.dump();
}

TEST_F(ServicesApiTest, SupplyIsSeenWhereItServesAndAPairingMeetsTheNeed) {
  const std::string director = Login("director_a");
  const std::string county = Login("county");
  json volunteer = {{"region_code", kVillageA}, {"kind", "volunteer"}, {"volunteer_type", "爱心妈妈"},
                    {"name", "张淑华"}, {"contact_phone", "13837512345"}, {"services", {"homework", "companionship"}},
                    {"capacity", 1}};
  const auto created = client_->Post("/api/providers", volunteer, director);
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t provider = created.Json()["id"];
  // Refusals: another village, an unknown service, a volunteer type on a school.
  json bad = volunteer;
  bad["region_code"] = kVillageB;
  EXPECT_EQ(client_->Post("/api/providers", bad, director).status, 400);
  bad = volunteer;
  bad["services"] = {"calligraphy"};
  EXPECT_EQ(client_->Post("/api/providers", bad, director).status, 400);
  bad = volunteer;
  bad["kind"] = "school";
  EXPECT_EQ(client_->Post("/api/providers", bad, director).status, 400);
  // A township 儿童之家 by the county serves both villages.
  const auto home = client_->Post("/api/providers", {{"region_code", "410402100"}, {"kind", "children_home"},
                                                     {"name", "焦店镇儿童之家"}, {"services", {"companionship"}}},
                                  county);
  ASSERT_EQ(home.status, 201) << home.body;
  const auto names = [&](const std::string& token) {
    std::set<std::string> out;
    for (const auto& p : client_->Get("/api/providers", token).Json()) out.insert(p["name"]);
    return out;
  };
  EXPECT_EQ(names(director), (std::set<std::string>{"张淑华", "焦店镇儿童之家"}));
  EXPECT_EQ(names(Login("director_b")), (std::set<std::string>{"焦店镇儿童之家"}));
  EXPECT_EQ(names(county), (std::set<std::string>{"张淑华", "焦店镇儿童之家"}));
  EXPECT_EQ(client_->Get("/api/providers/" + std::to_string(provider), Login("director_b")).status, 404);
  // The county sees the phone; the supervisor, masked.
  EXPECT_EQ(client_->Get("/api/providers/" + std::to_string(provider), county).Json()["contact_phone"], "13837512345");
  EXPECT_NE(client_->Get("/api/providers/" + std::to_string(provider), Login("supervisor")).Json()["contact_phone"],
            "13837512345");

  // Child 0's file needs 学业辅导 (= homework): unmet, with the volunteer offered in the village.
  json s = Services(0, director);
  const json* need = Need(s, "homework");
  ASSERT_NE(need, nullptr) << s.dump();
  EXPECT_EQ((*need)["met_by"], "");
  ASSERT_FALSE((*need)["offers"].empty());
  EXPECT_EQ((*need)["offers"][0]["id"], provider);
  EXPECT_EQ((*need)["offers"][0]["reach"], "village");
  EXPECT_EQ(client_->Get("/api/services/unmet?need=homework", director).Json()["total"], 1);

  const auto paired = client_->Post("/api/pairings", {{"provider_id", provider}, {"child_id", children_[0].id},
                                                      {"need_code", "homework"}, {"started_on", DaysAgo(1)}},
                                    director);
  ASSERT_EQ(paired.status, 201) << paired.body;
  EXPECT_EQ(Code(client_->Post("/api/pairings", {{"provider_id", provider}, {"child_id", children_[0].id},
                                                 {"need_code", "companionship"}, {"started_on", DaysAgo(1)}},
                               director)),
            "pairing_exists");
  EXPECT_EQ(Code(client_->Post("/api/pairings", {{"provider_id", provider}, {"child_id", children_[2].id},
                                                 {"need_code", "homework"}, {"started_on", DaysAgo(1)}},
                               director)),
            "provider_full");
  s = Services(0, director);
  EXPECT_EQ((*Need(s, "homework"))["met_by"], "pairing:" + std::to_string(paired.Json()["id"].get<int>()));
  EXPECT_EQ(client_->Get("/api/services/unmet?need=homework", director).Json()["total"], 0);

  const std::string end = "/api/pairings/" + std::to_string(paired.Json()["id"].get<int>()) + "/end";
  ASSERT_EQ(client_->Post(end, {{"ended_on", DaysAgo(0)}, {"reason", "志愿者搬离"}}, director).status, 200);
  EXPECT_EQ(Code(client_->Post(end, {{"ended_on", DaysAgo(0)}, {"reason", "再次"}}, director)), "pairing_ended");
  EXPECT_EQ((*Need(Services(0, director), "homework"))["met_by"], "");
}

TEST_F(ServicesApiTest, ActivitiesTakeSignUpsUpToCapacityAndAttendanceOfParticipants) {
  const std::string director = Login("director_a");
  const int64_t provider = client_->Post("/api/providers", {{"region_code", kVillageA}, {"kind", "volunteer"},
                                                            {"volunteer_type", "五老"}, {"name", "刘德明"},
                                                            {"services", {"homework"}}},
                                         director)
                               .Json()["id"];
  const auto created = client_->Post("/api/activities", {{"provider_id", provider}, {"title", "周末课业辅导"},
                                                         {"services", {"homework"}}, {"starts_on", DaysAgo(14)},
                                                         {"ends_on", DaysAgo(-30)}, {"capacity", 1}},
                                     director);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/api/activities/" + std::to_string(created.Json()["id"].get<int>());
  ASSERT_EQ(client_->Post(path + "/participants", {{"child_id", children_[0].id}}, director).status, 200);
  EXPECT_EQ(Code(client_->Post(path + "/participants", {{"child_id", children_[2].id}}, director)), "activity_full");
  EXPECT_EQ((*Need(Services(0, director), "homework"))["met_by"],
            "activity:" + std::to_string(created.Json()["id"].get<int>()));

  const auto attendance = client_->Post(
      path + "/attendance", {{"session_date", DaysAgo(7)}, {"child_ids", {children_[0].id, children_[2].id}}}, director);
  ASSERT_EQ(attendance.status, 200) << attendance.body;
  EXPECT_EQ(attendance.Json()["recorded"], 1);
  ASSERT_EQ(attendance.Json()["skipped"].size(), 1u);
  EXPECT_EQ(attendance.Json()["skipped"][0]["child_id"], children_[2].id);
  EXPECT_EQ(client_->Post(path + "/attendance", {{"session_date", DaysAgo(7)}, {"child_ids", {children_[0].id}}}, director)
                .Json()["recorded"],
            0);  // already recorded for that day
  EXPECT_EQ(client_->Post(path + "/attendance", {{"session_date", DaysAgo(-1)}, {"child_ids", {children_[0].id}}}, director)
                .status,
            400);
  const json activity = client_->Get(path, director).Json();
  ASSERT_EQ(activity["participant_list"].size(), 1u);
  EXPECT_EQ(activity["participant_list"][0]["attended"], json::array({DaysAgo(7)}));

  const std::string withdraw = path + "/participants/" + std::to_string(children_[0].id) + "/withdraw";
  ASSERT_EQ(client_->Post(withdraw, json::object(), director).status, 200);
  EXPECT_EQ(Code(client_->Post(withdraw, json::object(), director)), "not_signed_up");
  EXPECT_EQ((*Need(Services(0, director), "homework"))["met_by"], "");
  // The freed place can be taken; another village's director cannot sign up this village's child.
  EXPECT_EQ(client_->Post(path + "/participants", {{"child_id", children_[2].id}}, director).status, 200);
  EXPECT_EQ(client_->Post(path + "/participants", {{"child_id", children_[0].id}}, Login("director_b")).status, 404);
}

TEST_F(ServicesApiTest, SupplyAndDemandShowWhereTheyDoNotMeet) {
  const std::string county = Login("county");
  // Demand: child 0 needs homework help (file); child 2 (same village) needs it by a visit.
  const auto visit = client_->Post(ChildPath(2) + "/visits",
                                   {{"visit_date", DaysAgo(0)}, {"seen", {"儿童本人"}}, {"guardianship", "good"},
                                    {"needs", {"作业辅导"}}},
                                   Login("director_a"));
  ASSERT_EQ(visit.status, 201) << visit.body;
  // Supply: a calligraphy class in village B, nothing for homework.
  const int64_t provider = client_->Post("/api/providers", {{"region_code", kVillageB}, {"kind", "children_home"},
                                                            {"name", "乙村儿童之家"}, {"services", {"interest"}}},
                                         county)
                               .Json()["id"];
  ASSERT_EQ(client_->Post("/api/activities", {{"provider_id", provider}, {"title", "书法兴趣班"}, {"services", {"interest"}},
                                              {"starts_on", DaysAgo(1)}, {"ends_on", DaysAgo(-60)}},
                          county)
                .status,
            201);
  const json needs = client_->Get("/api/services/needs?region=410402100", county).Json();
  bool homework_gap = false, calligraphy_idle = false;
  for (const auto& m : needs["mismatches"]) {
    if (m["region_code"] == kVillageA && m["kind"] == "demand_without_supply" && m["need_code"] == "homework") {
      homework_gap = true;
      EXPECT_EQ(m["children"], 2);
    }
    if (m["region_code"] == kVillageB && m["kind"] == "supply_without_demand" && m["need_code"] == "interest") {
      calligraphy_idle = true;
      EXPECT_EQ(m["supply"], 2);  // the 儿童之家 and its class
    }
  }
  EXPECT_TRUE(homework_gap) << needs["mismatches"].dump();
  EXPECT_TRUE(calligraphy_idle) << needs["mismatches"].dump();
  EXPECT_EQ(needs["totals"]["homework"]["children"], 2);
  EXPECT_EQ(needs["totals"]["homework"]["unmet"], 2);
  const json unmet = client_->Get("/api/services/unmet?region=410402100&need=homework", county).Json();
  ASSERT_EQ(unmet["total"], 2);
  EXPECT_EQ(unmet["items"][0]["nearest"], "none");
}

TEST_F(ServicesApiTest, ImportedDeliveriesBecomeRecordsAndAreVoidedWhenTheLinkIsUndone) {
  const std::string edu = Login("edu");
  const Child& c = children_[0];
  const std::string csv =
      "服务项目,服务日期,服务单位,服务内容,姓名,身份证号\n"
      "课后服务," + DaysAgo(5) + ",李屯小学,课后托管," + c.name + "," + c.id_number + "\n"
      ",2026-01-01,李屯小学,缺项目," + children_[2].name + "," + children_[2].id_number + "\n"
      "课后服务,不是日期,李屯小学,坏日期," + children_[2].name + "," + children_[2].id_number + "\n";
  const auto res = client_->Request("POST", "/api/imports?profile=service_delivery&file_name=" + UrlEncode("服务记录.csv"),
                                    csv, edu);
  ASSERT_EQ(res.status, 201) << res.body;
  const json batch = res.Json()["batch"];
  EXPECT_EQ(batch["rows_loaded"], 1);
  EXPECT_EQ(batch["rows_rejected"], 2);
  api_->care.WaitForRecompute();

  const std::string county = Login("county");
  json s = Services(0, county);
  ASSERT_EQ(s["deliveries"].size(), 1u) << s.dump();
  EXPECT_EQ(s["deliveries"][0]["source"], "import");
  EXPECT_EQ(s["deliveries"][0]["item_id"], "PDS-06");
  EXPECT_TRUE((*Entitlement(s, "PDS-06"))["received"].get<bool>());

  const auto rows = client_->Get("/api/imports/" + std::to_string(batch["id"].get<int>()) + "/rows?status=loaded", county).Json();
  ASSERT_EQ(rows["items"].size(), 1u);
  const std::string link = "/api/links/" + std::to_string(rows["items"][0]["id"].get<int>());
  ASSERT_EQ(client_->Post(link + "/undo", {{"note", "不是同一人"}}, county).status, 200);
  s = Services(0, county);
  ASSERT_EQ(s["deliveries"].size(), 1u);
  EXPECT_EQ(s["deliveries"][0]["void_reason"], "数据比对已撤销");
  EXPECT_FALSE((*Entitlement(s, "PDS-06"))["received"].get<bool>());
}

}  // namespace
}  // namespace tongan::testing
