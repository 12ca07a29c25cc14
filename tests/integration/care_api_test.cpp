// Care work through the API on a real loopback server: visits and the colour they lead to, the
// ledger, every refused move of the case loop, the confidential reporter, referrals seen only by
// the addressed department, and rule editing.
#include <gtest/gtest.h>

#include "http/api_stack.h"
#include "http/client.h"
#include "http/server.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

using nlohmann::json;

class CareApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.AddUser("county", Role::kCountyCivilAffairs, "410402");
    env_.AddUser("county_b", Role::kCountyCivilAffairs, "410403");
    env_.AddUser("director_a", Role::kChildDirector, kVillageA);
    env_.AddUser("director_b", Role::kChildDirector, kVillageB);
    env_.AddUser("supervisor", Role::kSupervisor, "410402100");
    env_.AddUser("edu", Role::kDepartmentLiaison, "410402", "教育");
    env_.AddUser("health", Role::kDepartmentLiaison, "410402", "卫健");
    env_.AddUser("admin", Role::kAdmin, "410402");
    env_.AddUser("hukou_county", Role::kCountyCivilAffairs, "410422");  // where the children are registered
    Child alone = MakeChild("王小明", kVillageA, 1);
    child_ = env_.AddChild(alone);
    other_ = env_.AddChild(MakeChild("李小红", kVillageB, 2));

    api_ = std::make_unique<ApiStack>(env_.d);
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

  json Visit(const std::string& guardianship) {
    return {{"visit_date", FormatIsoDate(TodayInChina())}, {"seen", {"儿童本人", "祖母"}},
            {"guardianship", guardianship}, {"needs", {"课业辅导"}}, {"notes", "入户走访"}};
  }

  // Creates a case and returns it.
  json NewCase(const std::string& token, const std::string& source, json extra = json::object()) {
    json body = {{"child_id", child_}, {"source", source}, {"title", "测试个案"}};
    body.update(extra);
    const auto res = client_->Post("/api/cases", body, token);
    EXPECT_EQ(res.status, 201) << res.body;
    return res.Json();
  }

  // Posts an action with the case's current version; returns the response.
  ClientResponse Act(const std::string& token, json& c, json body) {
    body["version"] = c["version"];
    const auto res = client_->Post("/api/cases/" + std::to_string(c["id"].get<int>()) + "/actions", body, token);
    if (res.status == 200) c = res.Json();
    return res;
  }

  TestDeployment env_;
  int64_t child_ = 0, other_ = 0;
  std::unique_ptr<ApiStack> api_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(CareApiTest, AVisitFindingNoGuardianTurnsTheChildRedWithTheReason) {
  const std::string token = Login("director_a");
  const std::string path = "/api/children/" + std::to_string(child_);
  const json before = client_->Get(path + "/care", token).Json();
  EXPECT_NE(before["colour"], "red");

  const auto res = client_->Post(path + "/visits", Visit("none"), token);
  ASSERT_EQ(res.status, 201) << res.body;
  const json after = res.Json();
  EXPECT_EQ(after["colour"], "red");
  bool reasoned = false;
  for (const auto& w : after["warnings"]) reasoned |= w["rule_id"] == "no_guardian" && !w["reason_zh"].get<std::string>().empty();
  EXPECT_TRUE(reasoned) << after["warnings"].dump();
  EXPECT_EQ(after["last_visit"], FormatIsoDate(TodayInChina()));
  ASSERT_EQ(after["visits"].size(), 1u);
  EXPECT_FALSE(after["visit_due"].get<std::string>().empty());  // red children are visited weekly

  // The supervisor of the township sees the red child in the list.
  const auto list = client_->Get("/api/care?view=all&colour=red", Login("supervisor")).Json();
  ASSERT_EQ(list["total"], 1);
  EXPECT_EQ(list["items"][0]["child_id"], child_);
}

TEST_F(CareApiTest, AnOldVisitMakesALedgerChildOverdueAtOnce) {
  const std::string token = Login("director_a");
  const std::string path = "/api/children/" + std::to_string(child_);
  ASSERT_EQ(client_->Post(path + "/ledger/enter", {{"reason", "监护缺失"}}, token).status, 200);
  json v = Visit("good");
  v["visit_date"] = FormatIsoDate(Date{std::chrono::sys_days{TodayInChina()} - std::chrono::days{60}});
  const json care = client_->Post(path + "/visits", v, token).Json();
  EXPECT_TRUE(care["visit_overdue"].get<bool>());
  bool overdue_warning = false;
  for (const auto& w : care["warnings"]) overdue_warning |= w["rule_id"] == "visit_overdue";
  EXPECT_TRUE(overdue_warning) << care["warnings"].dump();
  // A visit today clears it in the same step.
  const json fresh = client_->Post(path + "/visits", Visit("good"), token).Json();
  EXPECT_FALSE(fresh["visit_overdue"].get<bool>());
  for (const auto& w : fresh["warnings"]) EXPECT_NE(w["rule_id"], "visit_overdue");
}

TEST_F(CareApiTest, BadVisitsAreRefusedWithTheField) {
  const std::string token = Login("director_a");
  const std::string path = "/api/children/" + std::to_string(child_) + "/visits";
  json v = Visit("good");
  v["visit_date"] = "2999-01-01";
  EXPECT_EQ(client_->Post(path, v, token).Json()["error"]["field"], "visit_date");
  v = Visit("excellent");
  EXPECT_EQ(client_->Post(path, v, token).Json()["error"]["field"], "guardianship");
  v = Visit("good");
  v["seen"] = json::array();
  EXPECT_EQ(client_->Post(path, v, token).Json()["error"]["field"], "seen");
  v = Visit("good");
  v["mood"] = "好";
  EXPECT_EQ(Code(client_->Post(path, v, token)), "unknown_field");
  // Another village's child, and a role that may not record visits.
  EXPECT_EQ(client_->Post("/api/children/" + std::to_string(other_) + "/visits", Visit("good"), token).status, 404);
  EXPECT_EQ(client_->Post(path, Visit("good"), Login("supervisor")).status, 403);
}

TEST_F(CareApiTest, LedgerEntryAndExitNeedAReasonAndAreKept) {
  const std::string token = Login("director_a");
  const std::string path = "/api/children/" + std::to_string(child_);
  EXPECT_EQ(client_->Post(path + "/ledger/enter", json::object(), token).status, 400);
  const auto entered = client_->Post(path + "/ledger/enter", {{"reason", "父亲患病住院，母亲离家"}}, token);
  ASSERT_EQ(entered.status, 200) << entered.body;
  EXPECT_TRUE(entered.Json()["in_ledger"].get<bool>());
  EXPECT_EQ(entered.Json()["ledger_source"], "manual");
  EXPECT_EQ(client_->Post(path + "/ledger/enter", {{"reason", "再次"}}, token).status, 409);
  const auto left = client_->Post(path + "/ledger/leave", {{"reason", "父亲出院，监护恢复"}}, token);
  ASSERT_EQ(left.status, 200);
  EXPECT_FALSE(left.Json()["in_ledger"].get<bool>());
  const auto events = left.Json()["ledger_events"];
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0]["event"], "leave");
  EXPECT_EQ(events[0]["reason"], "父亲出院，监护恢复");
}

TEST_F(CareApiTest, TheCaseLoopRefusesEveryMoveItDoesNotAllow) {
  const std::string token = Login("county");
  json c = NewCase(token, "assessment");
  EXPECT_EQ(c["stage"], "screening");
  EXPECT_FALSE(c["deadline"].get<std::string>().empty());
  const auto refused = [&](const std::string& to, const std::string& code) {
    const auto res = Act(token, c, {{"action", "transition"}, {"to", to}});
    EXPECT_EQ(res.status, 409) << to;
    EXPECT_EQ(Code(res), code) << to << " " << res.body;
    EXPECT_FALSE(res.Json()["error"]["message"].get<std::string>().empty());
  };
  const auto ok = [&](json body) {
    const auto res = Act(token, c, std::move(body));
    ASSERT_EQ(res.status, 200) << res.body;
  };
  refused("consultation", "invalid_transition");  // skipping 预警
  refused("monitoring", "invalid_transition");
  EXPECT_EQ(Code(Act(token, c, {{"action", "measure"}, {"measure", "counselling"}})), "wrong_stage");
  ok({{"action", "transition"}, {"to", "warning"}});
  ok({{"action", "transition"}, {"to", "consultation"}});
  refused("intervention", "no_consultation");
  ok({{"action", "consultation"}, {"opinion", "民政、学校、村委会会商"}});
  refused("intervention", "no_assessment");
  json answers = json::object();
  for (const auto& item : env_.d.care.assessment.items) answers[item.id] = 1;
  ok({{"action", "assessment"}, {"answers", answers}});
  refused("intervention", "no_help_plan");
  ok({{"action", "help_plan"}, {"text", "课后托管，每周走访"}});
  ok({{"action", "transition"}, {"to", "intervention"}});
  refused("feedback", "no_measure");
  EXPECT_EQ(Code(Act(token, c, {{"action", "measure"}, {"measure", "no_such_measure"}})), "invalid_field");
  ok({{"action", "measure"}, {"measure", "schooling_support"}, {"detail", "课后托管"}});
  EXPECT_EQ(Code(Act(token, c, {{"action", "feedback"}, {"text", "太早"}})), "wrong_stage");
  ok({{"action", "transition"}, {"to", "feedback"}});
  refused("monitoring", "no_feedback");
  ok({{"action", "feedback"}, {"text", "儿童已按时参加托管"}});
  ok({{"action", "transition"}, {"to", "monitoring"}});
  refused("closed", "monitoring_too_short");
  refused("consultation", "invalid_transition");  // backwards

  // A stale version is refused; every step is in the history.
  json stale = c;
  stale["version"] = c["version"].get<int>() - 1;
  EXPECT_EQ(Code(client_->Post("/api/cases/" + std::to_string(c["id"].get<int>()) + "/actions",
                               {{"version", stale["version"]}, {"action", "note"}, {"text", "x"}}, token)),
            "version_conflict");
  const json full = client_->Get("/api/cases/" + std::to_string(c["id"].get<int>()), token).Json();
  std::vector<std::string> kinds;
  for (const auto& e : full["events"]) kinds.push_back(e["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"created", "transition", "transition", "consultation", "assessment",
                                             "help_plan", "transition", "measure", "transition", "feedback",
                                             "transition"}));
  EXPECT_EQ(full["stage"], "monitoring");
}

TEST_F(CareApiTest, GuardianshipInterventionNeedsAGuardianshipMeasureAndClosedCasesStayClosed) {
  const std::string token = Login("county");
  json c = NewCase(token, "guardianship_intervention");
  for (const char* to : {"warning", "consultation"}) Act(token, c, {{"action", "transition"}, {"to", to}});
  Act(token, c, {{"action", "consultation"}, {"opinion", "会商"}});
  ASSERT_EQ(Act(token, c, {{"action", "transition"}, {"to", "intervention"}}).status, 200);
  Act(token, c, {{"action", "measure"}, {"measure", "counselling"}});
  EXPECT_EQ(Code(Act(token, c, {{"action", "transition"}, {"to", "feedback"}})), "no_guardianship_measure");
  Act(token, c, {{"action", "measure"}, {"measure", "reprimand"}, {"detail", "对父亲予以训诫"}});
  EXPECT_EQ(Act(token, c, {{"action", "transition"}, {"to", "feedback"}}).status, 200);

  json screened = NewCase(token, "screening");
  EXPECT_EQ(Code(Act(token, screened, {{"action", "transition"}, {"to", "closed"}})), "invalid_transition");
  ASSERT_EQ(Act(token, screened, {{"action", "transition"}, {"to", "closed"}, {"close_without_risk", true}}).status, 200);
  EXPECT_EQ(Code(Act(token, screened, {{"action", "note"}, {"text", "x"}})), "case_closed");

  // Emergency cases start in 介入 with the institution's temporary guardianship recorded.
  EXPECT_EQ(Code(client_->Post("/api/cases", {{"child_id", child_}, {"source", "emergency"}, {"title", "t"}}, token)),
            "missing_field");
  const json emergency = NewCase(token, "emergency", {{"institution", "新华区未成年人救助保护中心"}});
  EXPECT_EQ(emergency["stage"], "intervention");
  EXPECT_EQ(emergency["events"].back()["detail"]["measure"], "temporary_guardianship");
}

TEST_F(CareApiTest, MandatoryReporterIsShownOnlyToTheCounty) {
  const std::string county = Login("county");
  EXPECT_EQ(Code(client_->Post("/api/cases", {{"child_id", child_}, {"source", "mandatory_report"}, {"title", "t"}}, county)),
            "missing_field");
  const json c = NewCase(county, "mandatory_report",
                         {{"reporter", {{"organisation", "某小学"}, {"name", "张老师"}, {"phone", "13900000000"}}}});
  EXPECT_EQ(c["reporter"]["name"], "张老师");
  for (const char* user : {"supervisor", "director_a"}) {
    const auto seen = client_->Get("/api/cases/" + std::to_string(c["id"].get<int>()), Login(user));
    ASSERT_EQ(seen.status, 200) << user;
    EXPECT_EQ(seen.body.find("张老师"), std::string::npos) << user;
    EXPECT_TRUE(seen.Json()["reporter"]["confidential"].get<bool>()) << user;
  }
  // Out of scope: another county and another village.
  EXPECT_EQ(client_->Get("/api/cases/" + std::to_string(c["id"].get<int>()), Login("county_b")).status, 404);
  EXPECT_EQ(client_->Get("/api/cases/" + std::to_string(c["id"].get<int>()), Login("director_b")).status, 404);
}

TEST_F(CareApiTest, ReferralsReachOnlyTheAddressedDepartmentWithOnlySharedFields) {
  const std::string county = Login("county");
  const auto sent = client_->Post("/api/referrals",
                                  {{"child_id", child_}, {"to_department", "教育"}, {"request", "安排课后托管"},
                                   {"due_date", FormatIsoDate(TodayInChina())}, {"shared_fields", {"name", "age"}}},
                                  county);
  ASSERT_EQ(sent.status, 201) << sent.body;
  const int64_t id = sent.Json()["id"];
  const std::string path = "/api/referrals/" + std::to_string(id);

  const std::string edu = Login("edu");
  const auto list = client_->Get("/api/referrals", edu).Json();
  ASSERT_EQ(list.size(), 1u);
  const json detail = client_->Get(path, edu).Json();
  EXPECT_EQ(detail["child"]["name"], "王小明");
  EXPECT_TRUE(detail["child"].contains("age"));
  EXPECT_FALSE(detail["child"].contains("id_number"));
  EXPECT_FALSE(detail["child"].contains("address"));
  EXPECT_EQ(detail.dump().find(env_.d.store->GetChild({"410402"}, child_)->id_number), std::string::npos);
  // The liaison reads no child's file outside the referral; another department sees nothing.
  EXPECT_EQ(client_->Get("/api/children/" + std::to_string(child_), edu).status, 403);
  const std::string health = Login("health");
  EXPECT_EQ(client_->Get("/api/referrals", health).Json().size(), 0u);
  EXPECT_EQ(client_->Get(path, health).status, 404);

  EXPECT_EQ(Code(client_->Post(path + "/actions", {{"action", "done"}, {"reply", "已办"}}, edu)),
            "invalid_referral_transition");
  EXPECT_EQ(client_->Post(path + "/actions", {{"action", "reject"}}, edu).status, 400);  // needs a reply
  EXPECT_EQ(client_->Post(path + "/actions", {{"action", "accept"}}, health).status, 404);
  ASSERT_EQ(client_->Post(path + "/actions", {{"action", "accept"}}, edu).status, 200);
  EXPECT_EQ(Code(client_->Post(path + "/actions", {{"action", "accept"}}, edu)), "invalid_referral_transition");
  const auto done = client_->Post(path + "/actions", {{"action", "done"}, {"reply", "已安排课后托管"}}, edu);
  ASSERT_EQ(done.status, 200);
  EXPECT_EQ(done.Json()["status"], "done");
  EXPECT_EQ(client_->Get("/api/children/" + std::to_string(child_) + "/referrals", county).Json()[0]["reply"],
            "已安排课后托管");
  // Sending needs the case role; shared fields must be known ones.
  EXPECT_EQ(client_->Post("/api/referrals", {{"child_id", child_}}, edu).status, 403);
  EXPECT_EQ(client_->Post("/api/referrals",
                          {{"child_id", child_}, {"to_department", "教育"}, {"request", "x"},
                           {"due_date", FormatIsoDate(TodayInChina())}, {"shared_fields", {"password"}}},
                          county).Json()["error"]["field"],
            "shared_fields");
}

TEST_F(CareApiTest, InvalidRulesAreRefusedWithTheReasonAndNothingChanges) {
  const std::string admin = Login("admin");
  const json before = client_->Get("/api/care/rules", admin).Json()["rules"];
  json bad = before;
  bad["rules"][0]["when"] = {{"fact", "no_such_fact"}, {"op", "eq"}, {"value", 1}};
  const auto res = client_->Put("/api/care/rules", bad, admin);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(Code(res), "rules_invalid");
  EXPECT_NE(res.Json()["error"]["message"].get<std::string>().find("no_such_fact"), std::string::npos);
  EXPECT_EQ(client_->Get("/api/care/rules", admin).Json()["rules"], before);
  EXPECT_EQ(client_->Put("/api/care/rules", before, Login("county")).status, 403);
  const auto saved = client_->Put("/api/care/rules", before, admin);
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.Json()["recomputed"], 2);
}

TEST_F(CareApiTest, AMovedChildsFileGoesToTheReceivingCountyOnlyOnceAccepted) {
  const std::string county = Login("county"), receiver = Login("county_b");
  const std::string child = "/api/children/" + std::to_string(child_);
  ASSERT_EQ(client_->Post(child + "/visits", Visit("good"), Login("director_a")).status, 201);
  EXPECT_EQ(client_->Post(child + "/transfers", {{"to_county", "410402"}, {"reason", "x"}}, county).status, 400);
  const auto sent = client_->Post(child + "/transfers", {{"to_county", "410403"}, {"reason", "随父母迁居卫东区"}}, county);
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(Code(client_->Post(child + "/transfers", {{"to_county", "410403"}, {"reason", "再次"}}, county)),
            "transfer_pending");
  const int64_t id = sent.Json()["id"];
  const std::string transfer = "/api/transfers/" + std::to_string(id);

  // Until accepted the file stays where it is; the receiver sees only what it needs to decide.
  EXPECT_EQ(client_->Get(child, receiver).status, 404);
  const auto incoming = client_->Get("/api/transfers?direction=incoming", receiver).Json();
  ASSERT_EQ(incoming.size(), 1u);
  EXPECT_EQ(incoming[0]["child"]["name"], "王小明");
  EXPECT_NE(incoming[0]["child"]["id_number"].get<std::string>().find("****"), std::string::npos);
  EXPECT_EQ(client_->Post(transfer + "/accept", {{"region_code", kOtherCountyVillage}, {"address", "x"}}, county).status, 404);
  EXPECT_EQ(client_->Post(transfer + "/accept", {{"region_code", kVillageA}, {"address", "x"}}, receiver).Json()["error"]["field"],
            "region_code");

  const auto accepted = client_->Post(transfer + "/accept", {{"region_code", kOtherCountyVillage}, {"address", "卫东区建设路1号"}}, receiver);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.Json()["status"], "accepted");
  EXPECT_EQ(client_->Post(transfer + "/reject", {{"reply", "晚了"}}, receiver).status, 409);
  EXPECT_EQ(client_->Get(child, county).status, 404);
  const auto moved = client_->Get(child, receiver);
  ASSERT_EQ(moved.status, 200);
  EXPECT_EQ(moved.Json()["region_code"], kOtherCountyVillage);
  EXPECT_EQ(client_->Get(child + "/care", receiver).Json()["visits"].size(), 1u);  // the file came along
  bool logged = false;
  for (const auto& h : client_->Get(child + "/history", receiver).Json()) logged |= h["field"] == "region_code";
  EXPECT_TRUE(logged);
}

TEST_F(CareApiTest, PushesReachTheRegistrationPlaceAndItsReplyIsTracked) {
  const std::string county = Login("county"), hukou = Login("hukou_county");
  const std::string child = "/api/children/" + std::to_string(child_);
  EXPECT_EQ(client_->Post(child + "/pushes", {{"kind", "mansion"}}, county).Json()["error"]["field"], "kind");
  const auto sent = client_->Post(child + "/pushes", {{"kind", "dibao"}, {"note", "父母均无劳动能力"}}, county);
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.Json()["to_county"], "410422");
  EXPECT_EQ(Code(client_->Post(child + "/pushes", {{"kind", "dibao"}}, county)), "push_pending");
  const int64_t id = sent.Json()["id"];
  const std::string push = "/api/pushes/" + std::to_string(id);

  EXPECT_EQ(client_->Get("/api/pushes?direction=incoming", Login("county_b")).Json().size(), 0u);
  const auto incoming = client_->Get("/api/pushes?direction=incoming", hukou).Json();
  ASSERT_EQ(incoming.size(), 1u);
  EXPECT_EQ(incoming[0]["kind_name"], "最低生活保障申请");
  EXPECT_EQ(client_->Post(push + "/reply", {{"status", "accepted"}}, hukou).status, 400);  // needs a reply
  EXPECT_EQ(client_->Post(push + "/reply", {{"status", "received"}}, county).status, 404);
  ASSERT_EQ(client_->Post(push + "/reply", {{"status", "received"}}, hukou).status, 200);
  ASSERT_EQ(client_->Post(push + "/reply", {{"status", "accepted"}, {"reply", "已受理，纳入低保审核"}}, hukou).status, 200);
  EXPECT_EQ(Code(client_->Post(push + "/reply", {{"status", "rejected"}, {"reply", "改"}}, hukou)), "push_answered");
  const auto moves = client_->Get(child + "/moves", county).Json();
  ASSERT_EQ(moves["pushes"].size(), 1u);
  EXPECT_EQ(moves["pushes"][0]["status"], "accepted");
  EXPECT_EQ(moves["pushes"][0]["reply"], "已受理，纳入低保审核");
}

}  // namespace
}  // namespace tongan::testing
