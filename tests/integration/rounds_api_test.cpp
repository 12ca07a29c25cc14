// Monitoring rounds (监测摸排) through the API on a real loopback server: who may open, confirm
// and close; the six-month rule; confirmation progress as the county, a township and a village
// see it; and two rounds half a year apart whose changes (new, moved in from a village and from
// another county, moved away, aged out, class changed, unconfirmed) are counted exactly and listed
// by name, each user seeing only their own villages' rows. The rounds run on an injected date so
// that a child can turn 16 between them; the children change through the ordinary API.
#include <gtest/gtest.h>

#include <set>

#include "core/child_json.h"
#include "http/api_stack.h"
#include "http/client.h"
#include "http/round_routes.h"
#include "http/server.h"
#include "store/store.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

using nlohmann::json;

Date AddDays(Date d, int days) { return Date{std::chrono::sys_days{d} + std::chrono::days{days}}; }

// The child with another birth date (and an ID number that agrees with it).
Child BornOn(Child c, Date birth, int sequence) {
  c.birth_date = birth;
  const std::string b = FormatIsoDate(birth);
  c.id_number = MakeId("410422", b.substr(0, 4) + b.substr(5, 2) + b.substr(8, 2), 101 + 2 * sequence);
  return c;
}

class RoundsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.AddUser("county", Role::kCountyCivilAffairs, "410402");
    env_.AddUser("county_b", Role::kCountyCivilAffairs, "410403");
    env_.AddUser("city", Role::kCityCivilAffairs, "4104");
    env_.AddUser("supervisor", Role::kSupervisor, "410402100");
    env_.AddUser("director_a", Role::kChildDirector, kVillageA);
    env_.AddUser("director_b", Role::kChildDirector, kVillageB);

    // 王小明 stays; 李小红 will move from village A to B; 张子涵 will move to another county;
    // 刘梓萱 is left behind until her parents come home; 赵一鸣 turns 16 between the rounds;
    // 陈思远 lives in the other county and will be transferred in.
    stays_ = env_.AddChild(MakeChild("王小明", kVillageA, 1));
    moves_ = env_.AddChild(MakeChild("李小红", kVillageA, 2));
    leaves_ = env_.AddChild(MakeChild("张子涵", kVillageB, 3));
    Child left_behind = MakeChild("刘梓萱", kVillageA, 4);
    left_behind.hukou_region_code = "410402";
    left_behind.living_with = LivingWith::kOtherGuardian;
    left_behind.father.status = ParentStatus::kWorkingAway;
    left_behind.mother.status = ParentStatus::kWorkingAway;
    left_behind_ = env_.AddChild(left_behind);
    // Sixteen five days ago: fifteen when the first round closed, 200 days earlier.
    ages_ = env_.AddChild(BornOn(MakeChild("赵一鸣", kVillageA, 5), AddDays(AddYears(real_today_, -16), -5), 5));
    arrives_ = env_.AddChild(MakeChild("陈思远", kOtherCountyVillage, 6));

    api_ = std::make_unique<ApiStack>(env_.d);
    // The stack's own round service runs on today's date; these tests need to choose the date.
    rounds_ = std::make_unique<RoundService>(*env_.d.store, api_->audit, api_->children, env_.d.regions,
                                             [this] { return clock_; });
    AddAccountRoutes(router_, api_->auth, api_->users, api_->audit_search);
    AddApiRoutes(router_, api_->children);
    AddCareRoutes(router_, api_->care, api_->cases, api_->referrals, api_->transfers);
    AddRoundRoutes(router_, *rounds_);
    ServerOptions options;
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, router_, api_->auth);
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->Start());
  }
  void TearDown() override { server_->Stop(); }

  std::string Login(const std::string& username) {
    const auto res = client_->Post("/api/login", {{"username", username}, {"password", kPassword}});
    EXPECT_EQ(res.status, 200) << res.body;
    return res.Json()["token"];
  }
  static std::string Code(const ClientResponse& res) { return res.Json()["error"]["code"]; }
  static std::string RoundPath(int64_t id) { return "/api/rounds/" + std::to_string(id); }

  int64_t OpenRound(const std::string& token, Date due) {
    const auto res = client_->Post("/api/rounds", {{"title", "监测摸排"}, {"due_on", FormatIsoDate(due)}}, token);
    EXPECT_EQ(res.status, 201) << res.body;
    return res.Json()["id"];
  }

  // Names in one change list, every page read with the given page size.
  std::multiset<std::string> ChangeNames(int64_t round, const std::string& kind, const std::string& token,
                                         json* items = nullptr) {
    std::multiset<std::string> names;
    for (int page = 1;; ++page) {
      const auto res = client_->Get(RoundPath(round) + "/changes?kind=" + kind + "&page=" + std::to_string(page) +
                                        "&page_size=2",
                                    token);
      EXPECT_EQ(res.status, 200) << res.body;
      const json body = res.Json();
      for (const auto& item : body["items"]) {
        names.insert(item["name"].get<std::string>());
        if (items) items->push_back(item);
      }
      if (body["items"].size() < 2 || page * 2 >= body["total"].get<int>()) break;
    }
    return names;
  }

  // A child's file changed through PUT /api/children/{id}, as the county.
  void Edit(int64_t id, const std::string& token, const std::function<void(json&)>& change) {
    const std::string path = "/api/children/" + std::to_string(id);
    const auto current = client_->Get(path, token);
    ASSERT_EQ(current.status, 200) << current.body;
    const std::optional<Child> stored = env_.d.store->GetChild(RegionScope{""}, id);
    ASSERT_TRUE(stored);
    json input = ChildToJson(*stored);
    input["version"] = current.Json()["version"];
    change(input);
    const auto saved = client_->Put(path, input, token);
    ASSERT_EQ(saved.status, 200) << saved.body;
  }

  void Transfer(int64_t id, const std::string& to_county, const std::string& village, const std::string& sender,
                const std::string& receiver) {
    const auto sent = client_->Post("/api/children/" + std::to_string(id) + "/transfers",
                                    {{"to_county", to_county}, {"reason", "随父母迁居"}}, sender);
    ASSERT_EQ(sent.status, 201) << sent.body;
    const auto accepted =
        client_->Post("/api/transfers/" + std::to_string(sent.Json()["id"].get<int64_t>()) + "/accept",
                      {{"region_code", village}, {"address", "新址1号"}}, receiver);
    ASSERT_EQ(accepted.status, 200) << accepted.body;
  }

  const Date real_today_ = TodayInChina();
  Date clock_ = real_today_;
  TestDeployment env_;
  int64_t stays_ = 0, moves_ = 0, leaves_ = 0, left_behind_ = 0, ages_ = 0, arrives_ = 0;
  std::unique_ptr<ApiStack> api_;
  std::unique_ptr<RoundService> rounds_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(RoundsApiTest, OnlyTheCountyOpensAndClosesWithinSixMonthsAndVillagesConfirmTheirOwn) {
  const std::string county = Login("county"), director_a = Login("director_a"), director_b = Login("director_b");
  const std::string supervisor = Login("supervisor");
  const Date today = clock_;

  // Before any round the county is overdue.
  json list = client_->Get("/api/rounds", county).Json();
  EXPECT_TRUE(list["overdue"].get<bool>());
  EXPECT_TRUE(list["days_since_last"].is_null());
  EXPECT_TRUE(list["can_open"].get<bool>());

  EXPECT_EQ(client_->Post("/api/rounds", {{"due_on", FormatIsoDate(AddDays(today, 30))}}, director_a).status, 403);
  EXPECT_EQ(client_->Post("/api/rounds", {{"due_on", FormatIsoDate(AddDays(today, 30))}}, supervisor).status, 403);
  const auto too_late = client_->Post("/api/rounds", {{"due_on", FormatIsoDate(AddDays(today, 184))}}, county);
  ASSERT_EQ(too_late.status, 400) << too_late.body;
  EXPECT_EQ(too_late.Json()["error"]["field"], "due_on");
  EXPECT_NE(too_late.Json()["error"]["message"].get<std::string>().find("六个月"), std::string::npos);
  EXPECT_EQ(client_->Post("/api/rounds", {{"due_on", FormatIsoDate(AddDays(today, -1))}}, county).status, 400);
  EXPECT_EQ(client_->Post("/api/rounds", {{"due_on", "2026-13-01"}}, county).status, 400);
  EXPECT_EQ(client_->Post("/api/rounds", {{"due_on", FormatIsoDate(today)}, {"colour", "red"}}, county).status, 400);

  const int64_t id = OpenRound(county, AddDays(today, 183));
  EXPECT_EQ(Code(client_->Post("/api/rounds", {{"due_on", FormatIsoDate(AddDays(today, 30))}}, county)), "round_open");
  list = client_->Get("/api/rounds", county).Json();
  EXPECT_FALSE(list["overdue"].get<bool>());
  EXPECT_EQ(list["days_since_last"], 0);
  ASSERT_EQ(list["rounds"].size(), 1u);
  EXPECT_EQ(list["rounds"][0]["status"], "open");
  EXPECT_EQ(list["rounds"][0]["progress"]["villages"], 2);
  EXPECT_EQ(list["rounds"][0]["progress"]["confirmed"], 0);

  // Village A's director confirms A; B's director cannot confirm A; nobody confirms twice.
  const std::string confirm = RoundPath(id) + "/confirm";
  EXPECT_EQ(client_->Post(confirm, {{"village_code", kVillageA}}, director_b).status, 403);
  EXPECT_EQ(client_->Post(confirm, {{"note", "x"}}, supervisor).status, 403);
  const auto confirmed = client_->Post(confirm, {{"note", "已逐户核实"}}, director_a);
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(Code(client_->Post(confirm, json::object(), director_a)), "already_confirmed");
  EXPECT_EQ(Code(client_->Post(confirm, {{"village_code", kVillageA}}, county)), "already_confirmed");
  EXPECT_EQ(client_->Post(confirm, json::object(), county).Json()["error"]["field"], "village_code");
  EXPECT_EQ(client_->Post(confirm, {{"village_code", kOtherCountyVillage}}, county).status, 400);

  // Progress as the county, the township and each village see it.
  EXPECT_EQ(client_->Get("/api/rounds", county).Json()["rounds"][0]["progress"]["confirmed"], 1);
  const json township = client_->Get("/api/rounds", supervisor).Json()["rounds"][0]["progress"];
  EXPECT_EQ(township["villages"], 2);
  EXPECT_EQ(township["confirmed"], 1);
  const json village_b = client_->Get("/api/rounds", director_b).Json()["rounds"][0]["progress"];
  EXPECT_EQ(village_b["villages"], 1);
  EXPECT_EQ(village_b["confirmed"], 0);
  const json round = client_->Get(RoundPath(id), supervisor).Json();
  ASSERT_EQ(round["villages"].size(), 2u);
  EXPECT_EQ(round["villages"][0]["code"], kVillageA);
  EXPECT_TRUE(round["villages"][0]["confirmed"].get<bool>());
  EXPECT_EQ(round["villages"][0]["confirmed_by_name"], "director_a");
  EXPECT_EQ(round["villages"][0]["note"], "已逐户核实");
  EXPECT_EQ(round["villages"][0]["children"], 4);
  EXPECT_EQ(round["villages"][0]["township"], round["townships"][0]["name"]);
  EXPECT_FALSE(round["villages"][1]["confirmed"].get<bool>());
  EXPECT_EQ(round["villages"][1]["children"], 1);
  EXPECT_EQ(round["townships"][0]["confirmed"], 1);
  EXPECT_FALSE(round["can_close"].get<bool>());
  const json seen_by_b = client_->Get(RoundPath(id), director_b).Json();
  ASSERT_EQ(seen_by_b["villages"].size(), 1u);
  EXPECT_EQ(seen_by_b["villages"][0]["code"], kVillageB);
  EXPECT_TRUE(seen_by_b["can_confirm"].get<bool>());

  // Another county sees none of it; the city sees it with its counties' standing.
  const std::string county_b = Login("county_b");
  EXPECT_EQ(client_->Get(RoundPath(id), county_b).status, 404);
  EXPECT_EQ(client_->Post(confirm, {{"village_code", kVillageB}}, county_b).status, 404);
  EXPECT_EQ(client_->Post(RoundPath(id) + "/close", json::object(), county_b).status, 404);
  EXPECT_EQ(client_->Get("/api/rounds", county_b).Json()["rounds"].size(), 0u);
  const json city = client_->Get("/api/rounds", Login("city")).Json();
  ASSERT_EQ(city["rounds"].size(), 1u);
  bool found_a = false, found_b = false;
  for (const auto& c : city["counties"]) {
    if (c["code"] == "410402") found_a = !c["overdue"].get<bool>() && c["open_round_id"] == id;
    if (c["code"] == "410403") found_b = c["overdue"].get<bool>();
  }
  EXPECT_TRUE(found_a && found_b) << city["counties"].dump();

  // No change list before the close; only the county closes, once.
  EXPECT_EQ(Code(client_->Get(RoundPath(id) + "/changes?kind=new", county)), "round_not_closed");
  EXPECT_EQ(client_->Post(RoundPath(id) + "/close", json::object(), director_a).status, 403);
  const auto closed = client_->Post(RoundPath(id) + "/close", json::object(), county);
  ASSERT_EQ(closed.status, 200) << closed.body;
  const json summary = closed.Json()["summary"];
  EXPECT_TRUE(summary["baseline"].get<bool>());
  EXPECT_EQ(summary["children"], 5);
  EXPECT_EQ(summary["new"], 0);
  EXPECT_EQ(summary["unconfirmed_villages"], 1);
  EXPECT_EQ(summary["unconfirmed_children"], 1);
  EXPECT_FALSE(summary.contains("by_village"));
  EXPECT_EQ(Code(client_->Post(RoundPath(id) + "/close", json::object(), county)), "round_closed");
  EXPECT_EQ(Code(client_->Post(confirm, json::object(), director_b)), "round_closed");
  const json unconfirmed = client_->Get(RoundPath(id) + "/changes?kind=unconfirmed", county).Json();
  ASSERT_EQ(unconfirmed["total"], 1);
  EXPECT_EQ(unconfirmed["items"][0]["name"], "张子涵");
  EXPECT_EQ(client_->Get(RoundPath(id) + "/changes?kind=everything", county).status, 400);
}

TEST_F(RoundsApiTest, TheSecondRoundCountsAndListsEveryChangeSinceTheFirst) {
  const std::string county = Login("county"), county_b = Login("county_b");
  const std::string director_a = Login("director_a"), director_b = Login("director_b");
  const std::string supervisor = Login("supervisor");

  // Round 1, 200 days ago: both villages confirm.
  clock_ = AddDays(real_today_, -200);
  const int64_t first = OpenRound(county, AddDays(clock_, 60));
  ASSERT_EQ(client_->Post(RoundPath(first) + "/confirm", json::object(), director_a).status, 200);
  ASSERT_EQ(client_->Post(RoundPath(first) + "/confirm", {{"village_code", kVillageB}, {"note", "代为确认"}}, county).status,
            200);
  const auto closed_first = client_->Post(RoundPath(first) + "/close", json::object(), county);
  ASSERT_EQ(closed_first.status, 200) << closed_first.body;
  EXPECT_EQ(closed_first.Json()["summary"]["children"], 5);
  EXPECT_EQ(closed_first.Json()["summary"]["unconfirmed_villages"], 0);
  EXPECT_EQ(closed_first.Json()["summary"]["closed_on"], FormatIsoDate(clock_));

  // Half a year later, and the county has not opened another round: overdue.
  clock_ = real_today_;
  json list = client_->Get("/api/rounds", county).Json();
  EXPECT_TRUE(list["overdue"].get<bool>());
  EXPECT_EQ(list["days_since_last"], 200);
  EXPECT_TRUE(list["counties"][0]["overdue"].get<bool>());

  // Between the rounds: a newborn registration, a move within the county, a move to another
  // county, a move in from it, parents coming home.
  Child newcomer = MakeChild("孙小雨", kVillageB, 7);
  const auto registered = client_->Post("/api/children", ChildToJson(newcomer), director_b);
  ASSERT_EQ(registered.status, 201) << registered.body;
  Edit(moves_, county, [](json& c) { c["region_code"] = kVillageB; });
  Transfer(leaves_, "410403", kOtherCountyVillage, county, county_b);
  Transfer(arrives_, "410402", kVillageA, county_b, county);
  Edit(left_behind_, county, [](json& c) {
    c["living_with"] = "both_parents";
    c["father"]["status"] = "at_home";
    c["mother"]["status"] = "at_home";
  });

  // Round 2: only village A confirms.
  const int64_t second = OpenRound(county, AddDays(clock_, 30));
  list = client_->Get("/api/rounds", county).Json();
  EXPECT_FALSE(list["overdue"].get<bool>());
  ASSERT_EQ(list["rounds"].size(), 2u);
  EXPECT_EQ(list["rounds"][0]["id"], second);  // newest first
  EXPECT_EQ(list["rounds"][0]["previous_round_id"], first);
  ASSERT_EQ(client_->Post(RoundPath(second) + "/confirm", json::object(), director_a).status, 200);
  const auto closed = client_->Post(RoundPath(second) + "/close", json::object(), county);
  ASSERT_EQ(closed.status, 200) << closed.body;
  const json s = closed.Json()["summary"];
  EXPECT_FALSE(s["baseline"].get<bool>());
  EXPECT_EQ(s["previous_round_id"], first);
  EXPECT_EQ(s["children"], 6);  // A: 王小明 刘梓萱 赵一鸣 陈思远; B: 李小红 孙小雨
  EXPECT_EQ(s["new"], 1);
  EXPECT_EQ(s["moved_in"], 2);
  EXPECT_EQ(s["moved_within"], 1);
  EXPECT_EQ(s["moved_away"], 1);
  EXPECT_EQ(s["aged_out"], 1);
  EXPECT_EQ(s["class_changed"], 1);  // turning 16 ends 赵一鸣's migrant class: counted as aged out only
  EXPECT_EQ(s["villages"], 2);
  EXPECT_EQ(s["confirmed_villages"], 1);
  EXPECT_EQ(s["unconfirmed_villages"], 1);
  EXPECT_EQ(s["unconfirmed_children"], 2);

  // The lists name exactly those children.
  using Names = std::multiset<std::string>;
  json items = json::array();
  EXPECT_EQ(ChangeNames(second, "new", county), Names({"孙小雨"}));
  EXPECT_EQ(ChangeNames(second, "moved_in", county, &items), Names({"李小红", "陈思远"}));
  for (const auto& item : items) {
    if (item["name"] == "李小红") {
      EXPECT_EQ(item["from_village_code"], kVillageA);
      EXPECT_EQ(item["village_code"], kVillageB);
    } else {
      EXPECT_EQ(item["from_village_code"], "");
      EXPECT_EQ(item["change"], "由县外迁入");
    }
  }
  items = json::array();
  EXPECT_EQ(ChangeNames(second, "moved_away", county, &items), Names({"张子涵"}));
  EXPECT_EQ(items[0]["village_code"], kVillageB);
  EXPECT_EQ(items[0]["now_region_code"], "410403");
  EXPECT_NE(items[0]["change"].get<std::string>().find("已迁出本县"), std::string::npos);
  items = json::array();
  EXPECT_EQ(ChangeNames(second, "aged_out", county, &items), Names({"赵一鸣"}));
  EXPECT_EQ(items[0]["age"], 16);
  EXPECT_EQ(items[0]["turned_16_on"], FormatIsoDate(AddDays(real_today_, -5)));
  items = json::array();
  EXPECT_EQ(ChangeNames(second, "class_changed", county, &items), Names({"刘梓萱"}));
  EXPECT_EQ(items[0]["change"], "留守儿童 → 无");
  EXPECT_EQ(items[0]["classes_before"][0]["code"], "left_behind");
  EXPECT_EQ(items[0]["classes_after"].size(), 0u);
  EXPECT_EQ(ChangeNames(second, "unconfirmed", county), Names({"李小红", "孙小雨"}));
  const json page = client_->Get(RoundPath(second) + "/changes?kind=unconfirmed&page=2&page_size=1", county).Json();
  EXPECT_EQ(page["total"], 2);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["kind_name"], "未确认");

  // Each village's director sees their own village's rows; the township sees both.
  EXPECT_EQ(ChangeNames(second, "moved_in", director_a), Names({"陈思远"}));
  EXPECT_EQ(ChangeNames(second, "moved_in", director_b), Names({"李小红"}));
  EXPECT_EQ(ChangeNames(second, "moved_away", director_a), Names());
  EXPECT_EQ(ChangeNames(second, "moved_away", director_b), Names({"张子涵"}));
  EXPECT_EQ(ChangeNames(second, "unconfirmed", director_a), Names());
  EXPECT_EQ(ChangeNames(second, "new", director_b), Names({"孙小雨"}));
  EXPECT_EQ(ChangeNames(second, "aged_out", director_b), Names());
  EXPECT_EQ(ChangeNames(second, "unconfirmed", supervisor), Names({"李小红", "孙小雨"}));
  const json seen_by_a = client_->Get(RoundPath(second), director_a).Json();
  ASSERT_EQ(seen_by_a["villages"].size(), 1u);
  EXPECT_EQ(seen_by_a["summary"]["children"], 4);
  EXPECT_EQ(seen_by_a["summary"]["moved_in"], 1);
  EXPECT_EQ(seen_by_a["summary"]["moved_away"], 0);
  EXPECT_EQ(seen_by_a["summary"]["unconfirmed_villages"], 0);
  const json village_b = client_->Get(RoundPath(second), county).Json()["villages"][1];
  EXPECT_EQ(village_b["code"], kVillageB);
  EXPECT_EQ(village_b["changes"]["children"], 2);
  EXPECT_EQ(village_b["changes"]["new"], 1);
  EXPECT_EQ(village_b["changes"]["moved_in"], 1);
  EXPECT_EQ(village_b["changes"]["moved_away"], 1);
  EXPECT_EQ(village_b["changes"]["unconfirmed_children"], 2);

  // The other county sees none of it, even the child it received; the reads are audited.
  EXPECT_EQ(client_->Get(RoundPath(second) + "/changes?kind=moved_away", county_b).status, 404);
  EXPECT_EQ(client_->Get(RoundPath(second), county_b).status, 404);
  bool audited = false;
  for (const AuditEvent& e : env_.d.store->RecentAudit(200, "round:" + std::to_string(second)))
    audited |= e.action == "round.changes" && e.username == "director_b";
  EXPECT_TRUE(audited);
}

TEST_F(RoundsApiTest, TheApiStackServesTheRounds) {
  // The deployment's own stack (today's date) has the routes too.
  ServerOptions options;
  options.port = 0;
  HttpServer server(options, api_->router, api_->auth);
  HttpClient client("127.0.0.1", server.Start());
  const std::string token =
      client.Post("/api/login", {{"username", "county"}, {"password", kPassword}}).Json()["token"];
  const auto opened =
      client.Post("/api/rounds", {{"due_on", FormatIsoDate(AddDays(TodayInChina(), 30))}}, token);
  ASSERT_EQ(opened.status, 201) << opened.body;
  EXPECT_NE(opened.Json()["title"].get<std::string>().find("监测摸排"), std::string::npos);
  EXPECT_EQ(client.Get("/api/rounds", token).Json()["rounds"].size(), 1u);
  EXPECT_EQ(api_->rounds.DaysSinceLastRound("410402"), 0);
  EXPECT_EQ(api_->rounds.DaysSinceLastRound("410403"), std::nullopt);
  server.Stop();
}

}  // namespace
}  // namespace tongan::testing
