// The JSON API against a real server on a loopback port chosen by the OS.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include "app/audit_log.h"
#include "app/auth.h"
#include "app/child_service.h"
#include "core/child_json.h"
#include "http/api_stack.h"
#include "http/client.h"
#include "http/server.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

using nlohmann::json;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.AddUser("director_a", Role::kChildDirector, kVillageA);
    env_.AddUser("director_b", Role::kChildDirector, kVillageB);
    env_.AddUser("supervisor", Role::kSupervisor, "410402100");
    env_.AddUser("county", Role::kCountyCivilAffairs, "410402");
    env_.AddUser("liaison", Role::kDepartmentLiaison, "410402");
    child_a_ = env_.AddChild(MakeChild("王小明", kVillageA, 1));
    child_b_ = env_.AddChild(MakeChild("李小红", kVillageB, 2));
    child_other_county_ = env_.AddChild(MakeChild("赵小刚", kOtherCountyVillage, 3));

    api_ = std::make_unique<ApiStack>(env_.d);
    ServerOptions options;
    options.port = 0;
    options.read_timeout_seconds = 1;
    options.max_body_bytes = 64 * 1024;
    server_ = std::make_unique<HttpServer>(options, api_->router, api_->auth);
    port_ = server_->Start();
    client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  }

  void TearDown() override { server_->Stop(); }

  std::string Login(const std::string& username) {
    const auto res = client_->Post("/api/login", {{"username", username}, {"password", kPassword}});
    EXPECT_EQ(res.status, 200) << res.body;
    return res.Json()["token"];
  }

  std::string ErrorCode(const ClientResponse& res) { return res.Json()["error"]["code"]; }

  TestDeployment env_;
  int64_t child_a_ = 0, child_b_ = 0, child_other_county_ = 0;
  std::unique_ptr<ApiStack> api_;
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ApiTest, WrongPasswordIsRefusedAndAudited) {
  const auto res = client_->Post("/api/login", {{"username", "director_a"}, {"password", "wrong"}});
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(ErrorCode(res), "login_failed");
  const auto audit = env_.d.store->RecentAudit(10, "user:director_a");
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.front().action, "login");
  EXPECT_EQ(audit.front().result, "denied");
}

TEST_F(ApiTest, RequestsWithoutTokenAreUnauthenticated) {
  const auto res = client_->Get("/api/children");
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(ErrorCode(res), "unauthenticated");
  EXPECT_EQ(client_->Get("/api/children", "not-a-token").status, 401);
}

TEST_F(ApiTest, VillageUserCannotReadChildOfAnotherVillage) {
  const std::string token = Login("director_a");
  const auto res = client_->Get("/api/children/" + std::to_string(child_b_), token);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(ErrorCode(res), "not_found");
  EXPECT_EQ(res.body.find("李小红"), std::string::npos) << "no data of the other child leaks";
  const auto history = client_->Get("/api/children/" + std::to_string(child_b_) + "/history", token);
  EXPECT_EQ(history.status, 404);
}

TEST_F(ApiTest, VillageUserListsOnlyOwnVillage) {
  const std::string token = Login("director_a");
  const auto res = client_->Get("/api/children", token);
  ASSERT_EQ(res.status, 200);
  const json page = res.Json();
  EXPECT_EQ(page["total"], 1);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["name"], "王小明");
  const auto other = client_->Get(std::string("/api/children?region=") + kVillageB, token);
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(ErrorCode(other), "forbidden");
}

TEST_F(ApiTest, CountyUserSeesItsSubtreeOnly) {
  const std::string token = Login("county");
  const json page = client_->Get("/api/children", token).Json();
  EXPECT_EQ(page["total"], 2) << "two villages of 410402, not the one in 410403";
  EXPECT_EQ(client_->Get("/api/children/" + std::to_string(child_b_), token).status, 200);
  EXPECT_EQ(client_->Get("/api/children/" + std::to_string(child_other_county_), token).status, 404);
  const json by_name = client_->Get("/api/children?q=" + UrlEncode("李"), token).Json();
  ASSERT_EQ(by_name["total"], 1);
  EXPECT_EQ(by_name["items"][0]["name"], "李小红");
}

TEST_F(ApiTest, IdentifiersAreMaskedUnlessTheRoleNeedsThem) {
  const std::string path = "/api/children/" + std::to_string(child_a_);
  const json masked = client_->Get(path, Login("supervisor")).Json();
  EXPECT_TRUE(masked["masked"].get<bool>());
  EXPECT_NE(masked["id_number"].get<std::string>().find("********"), std::string::npos);
  EXPECT_EQ(masked["father"]["phone"], "138****5678");
  const json clear = client_->Get(path, Login("director_a")).Json();
  EXPECT_FALSE(clear["masked"].get<bool>());
  EXPECT_EQ(clear["id_number"].get<std::string>().find('*'), std::string::npos);
  EXPECT_EQ(clear["father"]["phone"], "13812345678");
}

TEST_F(ApiTest, ReadsOfAChildsFileAreAudited) {
  const std::string token = Login("supervisor");
  ASSERT_EQ(client_->Get("/api/children/" + std::to_string(child_a_), token).status, 200);
  const auto audit = env_.d.store->RecentAudit(10, "child:" + std::to_string(child_a_));
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.front().action, "child.read");
  EXPECT_EQ(audit.front().username, "supervisor");
  EXPECT_EQ(audit.front().result, "ok");
  EXPECT_EQ(audit.front().remote, "127.0.0.1");
  // A refused read is audited too.
  client_->Get("/api/children/" + std::to_string(child_other_county_), token);
  const auto denied = env_.d.store->RecentAudit(1, "child:" + std::to_string(child_other_county_));
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied.front().result, "not_found");
}

TEST_F(ApiTest, UpdatesKeepHistoryAndRefuseStaleVersions) {
  const std::string token = Login("director_a");
  const std::string path = "/api/children/" + std::to_string(child_a_);
  json child = client_->Get(path, token).Json();
  json input = ChildToJson(MakeChild("王小明", kVillageA, 1));
  input["guardian"]["phone"] = "13700001111";
  input["version"] = child["version"];
  const auto saved = client_->Put(path, input, token);
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.Json()["version"], child["version"].get<int>() + 1);

  const auto stale = client_->Put(path, input, token);
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(ErrorCode(stale), "version_conflict");

  const json history = client_->Get(path + "/history", token).Json();
  ASSERT_GE(history.size(), 2u);
  EXPECT_EQ(history[0]["field"], "guardian.phone");
  EXPECT_EQ(history[0]["old_value"], "");
  EXPECT_EQ(history[0]["new_value"], "13700001111");
  EXPECT_EQ(history[0]["username"], "director_a");
  EXPECT_EQ(history.back()["field"], "*");
}

TEST_F(ApiTest, RegisteringAChildClassifiesIt) {
  const std::string token = Login("director_a");
  json input = ChildToJson(MakeChild("孙小雨", kVillageA, 40));
  const auto res = client_->Post("/api/children", input, token);
  ASSERT_EQ(res.status, 201) << res.body;
  const json child = res.Json();
  // Hukou in 叶县 (410422), living in 新华区 since 2022: a migrant child.
  EXPECT_EQ(child["classes"], json::array({"migrant"}));
  EXPECT_FALSE(child["class_reasons"].empty());
  const auto again = client_->Post("/api/children", input, token);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(ErrorCode(again), "duplicate_id_number");
}

TEST_F(ApiTest, ChildOutsideOwnVillageCannotBeRegistered) {
  const auto res = client_->Post("/api/children", ChildToJson(MakeChild("周小亮", kVillageB, 41)),
                                 Login("director_a"));
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(res.Json()["error"]["field"], "region_code");
}

TEST_F(ApiTest, BadInputGetsClearErrors) {
  const std::string token = Login("director_a");
  const auto bad_json = client_->Request("POST", "/api/children", "{\"name\": ", token);
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(ErrorCode(bad_json), "bad_json");

  json unknown = ChildToJson(MakeChild("钱小花", kVillageA, 42));
  unknown["favourite_colour"] = "red";
  const auto unknown_res = client_->Post("/api/children", unknown, token);
  EXPECT_EQ(unknown_res.status, 400);
  EXPECT_EQ(ErrorCode(unknown_res), "unknown_field");
  EXPECT_EQ(unknown_res.Json()["error"]["field"], "favourite_colour");

  json bad_id = ChildToJson(MakeChild("钱小花", kVillageA, 42));
  std::string id = bad_id["id_number"];
  id.back() = id.back() == '1' ? '2' : '1';
  bad_id["id_number"] = id;
  const auto bad_id_res = client_->Post("/api/children", bad_id, token);
  EXPECT_EQ(bad_id_res.status, 400);
  EXPECT_EQ(ErrorCode(bad_id_res), "invalid_id_number");
  EXPECT_NE(bad_id_res.Json()["error"]["message"].get<std::string>().find("校验码"), std::string::npos);

  json wrong_type = ChildToJson(MakeChild("钱小花", kVillageA, 42));
  wrong_type["vagrant"] = "yes";
  const auto wrong_type_res = client_->Post("/api/children", wrong_type, token);
  EXPECT_EQ(wrong_type_res.status, 400);
  EXPECT_EQ(wrong_type_res.Json()["error"]["field"], "vagrant");

  const std::string nested(100, '[');
  EXPECT_EQ(client_->Request("POST", "/api/children", nested, token).status, 400);
  EXPECT_EQ(client_->Request("DELETE", "/api/children", "", token).status, 405);
  EXPECT_EQ(client_->Get("/api/children?page=abc", token).status, 400);
  EXPECT_EQ(client_->Get("/api/children?class=nonsense", token).status, 400);

  // The server is still serving.
  EXPECT_EQ(client_->Get("/api/me", token).status, 200);
}

TEST_F(ApiTest, OversizeBodyIsRefused) {
  const std::string token = Login("director_a");
  const std::string huge = "{\"name\": \"" + std::string(200 * 1024, 'a') + "\"}";
  HttpClient fresh("127.0.0.1", port_);
  const auto res = fresh.Request("POST", "/api/children", huge, token);
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(res.Json()["error"]["code"], "body_too_large");
  EXPECT_EQ(client_->Get("/api/me", token).status, 200);
}

TEST_F(ApiTest, SlowClientIsDisconnectedAndOthersAreServed) {
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket slow(ioc);
  slow.connect({net::ip::make_address("127.0.0.1"), port_});
  net::write(slow, net::buffer(std::string("GET /api/me HTTP/1.1\r\nHost: x\r\n")));  // never finished
  // Another client is served while the slow one hangs.
  EXPECT_EQ(client_->Get("/api/me", Login("county")).status, 200);
  // The server drops the slow client after its read timeout: the read ends with EOF, not data.
  char buf[64];
  boost::system::error_code ec;
  const size_t n = slow.read_some(net::buffer(buf), ec);
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
}

TEST_F(ApiTest, LiaisonCannotListChildren) {
  const auto res = client_->Get("/api/children", Login("liaison"));
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(ErrorCode(res), "forbidden");
}

TEST_F(ApiTest, LogoutEndsTheSession) {
  const std::string token = Login("county");
  EXPECT_EQ(client_->Post("/api/logout", json::object(), token).status, 200);
  EXPECT_EQ(client_->Get("/api/me", token).status, 401);
}

TEST_F(ApiTest, IdCheckExplainsTheProblem) {
  const std::string token = Login("director_a");
  const json ok = client_->Post("/api/id-check", {{"id_number", MakeId("410402", "20150302", 123)}}, token).Json();
  EXPECT_TRUE(ok["valid"].get<bool>());
  EXPECT_EQ(ok["birth_date"], "2015-03-02");
  const json bad = client_->Post("/api/id-check", {{"id_number", "41040220151302123"}}, token).Json();
  EXPECT_FALSE(bad["valid"].get<bool>());
  EXPECT_FALSE(bad["errors"].empty());
}

TEST_F(ApiTest, SummaryCountsMatchTheList) {
  const std::string token = Login("county");
  const json summary = client_->Get("/api/stats/summary?region=410402100", token).Json();
  EXPECT_EQ(summary["total"], 2);
  ASSERT_EQ(summary["sub_regions"].size(), 2u);
  EXPECT_EQ(summary["by_class"]["migrant"],
            client_->Get("/api/children?region=410402100&class=migrant", token).Json()["total"]);
  EXPECT_EQ(client_->Get("/api/stats/summary?region=410403", token).status, 403);
}

TEST_F(ApiTest, ExportIsScopedMaskedAndAuditedAsExport) {
  const std::string token = Login("supervisor");
  const auto res = client_->Get("/api/children/export?region=410402100", token);
  ASSERT_EQ(res.status, 200) << res.body;
  const json page = res.Json();
  EXPECT_EQ(page["total"], 2);
  for (const auto& child : page["items"]) EXPECT_TRUE(child["masked"].get<bool>());
  const auto audit = env_.d.store->RecentAudit(1, "region:410402100");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit.front().action, "child.export");
  EXPECT_EQ(client_->Get("/api/children/export?region=410403", token).status, 403);
}

TEST_F(ApiTest, ALargeExportNeedsAReasonThatTheAuditKeeps) {
  std::vector<Child> many;
  std::vector<uint32_t> basis;
  for (int i = 0; i < ChildService::kExportReasonAbove; ++i) {
    many.push_back(MakeChild("导出" + std::to_string(i), kVillageB, 100 + i));
    basis.push_back(ClassBasisOf(many.back(), env_.d.config));
  }
  env_.d.store->InsertChildrenBulk(many, basis, {0, "test"});
  const std::string token = Login("supervisor");
  // The township now has kExportReasonAbove + 2 children: more than may leave unexplained.
  const auto refused = client_->Get("/api/children/export?region=410402100", token);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(ErrorCode(refused), "export_reason_required");
  EXPECT_EQ(refused.Json()["error"]["field"], "reason");
  EXPECT_EQ(ErrorCode(client_->Get("/api/children/export?region=410402100&reason=ab", token)),
            "export_reason_required") << "a reason says something";
  const auto denied = env_.d.store->RecentAudit(1, "region:410402100");
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied.front().result, "denied");
  const auto res = client_->Get("/api/children/export?region=410402100&reason=%E5%AD%A3%E5%BA%A6%E6%A0%B8%E5%AF%B9", token);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.Json()["items"].size(), static_cast<size_t>(ChildService::kExportReasonAbove + 2));
  const auto exported = env_.d.store->RecentAudit(1, "region:410402100");
  ASSERT_EQ(exported.size(), 1u);
  EXPECT_EQ(exported.front().action, "child.export");
  EXPECT_EQ(exported.front().result, "ok");
  EXPECT_EQ(json::parse(exported.front().detail)["reason"], "季度核对");
  // A small list still leaves without one.
  EXPECT_EQ(client_->Get("/api/children/export?region=410402100001", token).status, 200);
}

TEST_F(ApiTest, PlacesAreReadableEverywhereButStopAboveVillages) {
  const std::string token = Login("director_a");
  const json provinces = client_->Get("/api/places", token).Json();
  EXPECT_EQ(provinces["children"].size(), 31u);
  const json anhui = client_->Get("/api/places/340102", token).Json();  // 合肥市瑶海区, out of scope
  EXPECT_EQ(anhui["full_name"], "安徽省合肥市瑶海区");
  const json township = client_->Get("/api/places/410402100", token).Json();
  EXPECT_TRUE(township["children"].empty()) << "villages are deployment data";
  EXPECT_EQ(client_->Get(std::string("/api/places/") + kVillageB, token).status, 404);
}

TEST_F(ApiTest, AdminManagesUsersInItsSubtree) {
  env_.AddUser("admin", Role::kAdmin, "410402");
  const std::string token = Login("admin");
  const json created = client_->Post("/api/users", {{"username", "new_director"}, {"display_name", "新主任"},
                                                    {"role", "child_director"}, {"region_code", kVillageB},
                                                    {"password", "Abcdefg123"}}, token).Json();
  EXPECT_EQ(created["role_name"], "儿童主任");
  const auto weak = client_->Post("/api/users", {{"username", "weak"}, {"role", "child_director"},
                                                 {"region_code", kVillageB}, {"password", "123"}}, token);
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(ErrorCode(weak), "weak_password");
  const auto outside = client_->Post("/api/users", {{"username", "other"}, {"role", "child_director"},
                                                    {"region_code", kOtherCountyVillage}, {"password", "Abcdefg123"}}, token);
  EXPECT_EQ(outside.status, 403);
  // Disabling ends the user's sessions at once.
  const std::string director_token = Login("director_b");
  const json list = client_->Get("/api/users", token).Json();
  int64_t director_b = 0;
  for (const auto& u : list) if (u["username"] == "director_b") director_b = u["id"];
  ASSERT_NE(director_b, 0);
  EXPECT_EQ(client_->Post("/api/users/" + std::to_string(director_b) + "/disable", json::object(), token).status, 200);
  EXPECT_EQ(client_->Get("/api/me", director_token).status, 401);
  EXPECT_EQ(client_->Post("/api/login", {{"username", "director_b"}, {"password", kPassword}}).status, 401);
  // Other roles cannot manage users; admin cannot read children.
  EXPECT_EQ(client_->Get("/api/users", Login("county")).status, 403);
  EXPECT_EQ(client_->Get("/api/children", token).status, 403);
}

}  // namespace
}  // namespace tongan::testing
