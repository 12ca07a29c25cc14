// Accounts over the API: lockout, first-login password change, the TOTP second factor, the three
// administrators' separate powers and the audit administrator's search.
#include <gtest/gtest.h>

#include <ctime>
#include <set>

#include "app/totp.h"
#include "core/date.h"
#include "core/resident_id.h"
#include "http/api_stack.h"
#include "http/client.h"
#include "http/server.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

using nlohmann::json;

class AccountApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.AddUser("director", Role::kChildDirector, kVillageA);
    env_.AddUser("admin", Role::kAdmin, "410402");
    env_.AddUser("security", Role::kSecurityAdmin, "410402");
    env_.AddUser("auditor", Role::kAuditAdmin, "410402");
    env_.AddUser("county", Role::kCountyCivilAffairs, "410402");
    api_ = std::make_unique<ApiStack>(env_.d);
    ServerOptions options;
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, api_->router, api_->auth);
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->Start());
  }
  void TearDown() override { server_->Stop(); }

  ClientResponse TryLogin(const std::string& username, const std::string& password,
                          const std::string& otp = "") {
    json body = {{"username", username}, {"password", password}};
    if (!otp.empty()) body["otp"] = otp;
    return client_->Post("/api/login", body);
  }
  std::string Login(const std::string& username, const std::string& password = kPassword) {
    const auto res = TryLogin(username, password);
    EXPECT_EQ(res.status, 200) << res.body;
    return res.Json()["token"];
  }
  static std::string Code(const ClientResponse& res) { return res.Json()["error"]["code"]; }
  int64_t UserId(const std::string& username) { return env_.d.store->FindUserByName(username)->id; }
  std::string UserPath(const std::string& username, const std::string& action) {
    return "/api/users/" + std::to_string(UserId(username)) + "/" + action;
  }

  TestDeployment env_;
  std::unique_ptr<ApiStack> api_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(AccountApiTest, RepeatedFailuresLockTheAccountUntilTheSecurityAdminUnlocksIt) {
  const int64_t max = api_->auth.policy().max_failures;
  for (int64_t i = 1; i < max; ++i) EXPECT_EQ(Code(TryLogin("director", "Wrong@pass1")), "login_failed");
  const auto locking = TryLogin("director", "Wrong@pass1");
  EXPECT_EQ(locking.status, 403);
  EXPECT_EQ(Code(locking), "account_locked");
  EXPECT_EQ(Code(TryLogin("director", kPassword)), "account_locked") << "even the right password";
  const auto events = env_.d.store->RecentAudit(20, "user:director");
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const AuditEvent& e) { return e.action == "account.lock"; }));
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const AuditEvent& e) { return e.result == "locked"; }));
  // The system administrator may not unlock (三员): only the security administrator.
  EXPECT_EQ(client_->Post(UserPath("director", "unlock"), json::object(), Login("admin")).status, 403);
  const std::string security = Login("security");
  const json users = client_->Get("/api/users", security).Json();
  const auto listed = std::find_if(users.begin(), users.end(), [](const json& u) { return u["username"] == "director"; });
  ASSERT_NE(listed, users.end());
  EXPECT_TRUE((*listed)["locked"].get<bool>());
  EXPECT_EQ(client_->Post(UserPath("director", "unlock"), json::object(), security).status, 200);
  EXPECT_EQ(TryLogin("director", kPassword).status, 200);
  // A success clears the count: another max-1 failures do not lock.
  for (int64_t i = 1; i < max; ++i) TryLogin("director", "Wrong@pass1");
  EXPECT_EQ(TryLogin("director", kPassword).status, 200);
}

TEST_F(AccountApiTest, AnAccountMadeByTheAdministratorMustChooseItsOwnPassword) {
  const std::string admin = Login("admin");
  const auto created = client_->Post("/api/users", {{"username", "new_director"}, {"role", "child_director"},
                                                    {"region_code", kVillageA}, {"password", "Initial@2026"}}, admin);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto login = TryLogin("new_director", "Initial@2026");
  ASSERT_EQ(login.status, 200);
  EXPECT_TRUE(login.Json()["user"]["must_change_password"].get<bool>());
  const std::string token = login.Json()["token"];
  const auto blocked = client_->Get("/api/children", token);
  EXPECT_EQ(blocked.status, 403);
  EXPECT_EQ(Code(blocked), "password_change_required");
  EXPECT_EQ(client_->Get("/api/me", token).status, 200);
  const auto weak = client_->Post("/api/me/password", {{"old_password", "Initial@2026"}, {"new_password", "short1A"}}, token);
  EXPECT_EQ(Code(weak), "weak_password");
  const auto wrong_old = client_->Post("/api/me/password", {{"old_password", "Nope@20261"}, {"new_password", "Chosen@2026a"}}, token);
  EXPECT_EQ(Code(wrong_old), "wrong_password");
  EXPECT_EQ(client_->Post("/api/me/password", {{"old_password", "Initial@2026"}, {"new_password", "Chosen@2026a"}}, token).status, 200);
  EXPECT_EQ(client_->Get("/api/children", token).status, 200) << "the same session goes on";
  EXPECT_EQ(TryLogin("new_director", "Initial@2026").status, 401);
  EXPECT_FALSE(TryLogin("new_director", "Chosen@2026a").Json()["user"]["must_change_password"].get<bool>());
  // A reset by the security administrator ends the user's sessions and asks again.
  const std::string before_reset = Login("new_director", "Chosen@2026a");
  EXPECT_EQ(client_->Post(UserPath("new_director", "reset-password"), {{"password", "Reset@2026ab"}}, Login("security")).status, 200);
  EXPECT_EQ(client_->Get("/api/me", before_reset).status, 401);
  EXPECT_TRUE(TryLogin("new_director", "Reset@2026ab").Json()["user"]["must_change_password"].get<bool>());
}

TEST_F(AccountApiTest, SecondFactorIsAskedForOnceEnabledAndEachCodeWorksOnce) {
  const std::string token = Login("director");
  const json begun = client_->Post("/api/me/totp", json::object(), token).Json();
  const std::string secret = begun["secret"];
  EXPECT_NE(begun["uri"].get<std::string>().find(secret), std::string::npos);
  EXPECT_EQ(Code(client_->Post("/api/me/totp/enable", {{"code", "000000"}}, token)), "otp_failed");
  const int64_t now = std::time(nullptr);
  EXPECT_EQ(client_->Post("/api/me/totp/enable", {{"code", TotpCode(secret, now / 30)}}, token).status, 200);
  EXPECT_TRUE(client_->Get("/api/me", token).Json()["totp_enabled"].get<bool>());

  const auto without = TryLogin("director", kPassword);
  EXPECT_EQ(without.status, 401);
  EXPECT_EQ(Code(without), "otp_required");
  EXPECT_EQ(Code(TryLogin("director", "Wrong@pass1")), "login_failed") << "the password is checked first";
  // The code of the next step (within the drift allowed) logs in once; replaying it fails.
  const std::string code = TotpCode(secret, now / 30 + 1);
  EXPECT_EQ(TryLogin("director", kPassword, code).status, 200);
  EXPECT_EQ(Code(TryLogin("director", kPassword, code)), "otp_failed");
  // The security administrator resets a lost phone's factor.
  EXPECT_EQ(client_->Post(UserPath("director", "reset-totp"), json::object(), Login("security")).status, 200);
  EXPECT_EQ(TryLogin("director", kPassword).status, 200);
}

TEST_F(AccountApiTest, TheThreeAdministratorsHoldSeparatePowers) {
  const std::string admin = Login("admin"), security = Login("security"), auditor = Login("auditor");
  const json new_user = {{"username", "someone"}, {"role", "grid_worker"}, {"region_code", kVillageA},
                         {"password", "Initial@2026"}};
  EXPECT_EQ(client_->Post("/api/users", new_user, security).status, 403);
  EXPECT_EQ(client_->Post("/api/users", new_user, auditor).status, 403);
  EXPECT_EQ(client_->Get("/api/users", auditor).status, 403);
  EXPECT_EQ(client_->Get("/api/audit", admin).status, 403);
  EXPECT_EQ(client_->Get("/api/audit", security).status, 403);
  EXPECT_EQ(client_->Get("/api/audit", Login("county")).status, 403);
  for (const std::string& token : {admin, security, auditor})
    EXPECT_EQ(client_->Get("/api/children", token).status, 403) << "no administrator reads children";
  EXPECT_EQ(client_->Get("/api/audit", auditor).status, 200);
}

TEST_F(AccountApiTest, AuditAdministratorSearchesPagesAndVerifies) {
  TryLogin("director", "Wrong@pass1");
  Login("director");
  Login("county");
  const std::string auditor = Login("auditor");
  const json logins = client_->Get("/api/audit?action=login&user=director", auditor).Json();
  ASSERT_EQ(logins["items"].size(), 2u) << logins.dump();
  EXPECT_EQ(logins["items"][0]["result"], "ok") << "newest first";
  EXPECT_EQ(logins["items"][1]["result"], "denied");
  const json denied = client_->Get("/api/audit?result=denied", auditor).Json();
  for (const auto& e : denied["items"]) EXPECT_EQ(e["result"], "denied");
  // Pages of one follow each other without overlap.
  const json first = client_->Get("/api/audit?limit=1&action=login", auditor).Json();
  ASSERT_FALSE(first["next_before"].is_null());
  const json second = client_->Get("/api/audit?limit=1&action=login&before=" +
                                       std::to_string(first["next_before"].get<int64_t>()), auditor).Json();
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_LT(second["items"][0]["id"].get<int64_t>(), first["items"][0]["id"].get<int64_t>());
  // Dates are China's: today's China date holds every event just made, yesterday's none.
  const Date today = TodayInChina();
  const std::string yesterday = FormatIsoDate(Date(std::chrono::sys_days(today) - std::chrono::days(1)));
  const json today_rows = client_->Get("/api/audit?action=login&user=director&from=" + FormatIsoDate(today) +
                                           "&to=" + FormatIsoDate(today), auditor).Json();
  EXPECT_EQ(today_rows["items"].size(), 2u);
  EXPECT_TRUE(client_->Get("/api/audit?action=login&to=" + yesterday, auditor).Json()["items"].empty());
  EXPECT_EQ(client_->Get("/api/audit?from=2026-13-01", auditor).status, 400);
  EXPECT_EQ(client_->Get("/api/audit?limit=0", auditor).status, 400);
  const json verified = client_->Get("/api/audit/verify", auditor).Json();
  EXPECT_TRUE(verified["intact"].get<bool>());
  EXPECT_GT(verified["rows"].get<int64_t>(), 4);
  // The auditor's own searches are in the log.
  const json own = client_->Get("/api/audit?action=audit.&user=auditor", auditor).Json();
  EXPECT_GE(own["items"].size(), 3u);
}

TEST_F(AccountApiTest, AnIdNumberSearchedForIsAuditedMasked) {
  const Child child = MakeChild("查找", kVillageA, 7);
  env_.AddChild(child);
  const json found = client_->Get("/api/children?q=" + child.id_number, Login("county")).Json();
  ASSERT_EQ(found["total"], 1) << found.dump();
  const json rows = client_->Get("/api/audit?action=child.search&user=county", Login("auditor")).Json();
  ASSERT_EQ(rows["items"].size(), 1u) << rows.dump();
  const std::string detail = rows["items"][0]["detail"].get<std::string>();
  EXPECT_EQ(detail.find(child.id_number), std::string::npos) << detail;
  EXPECT_NE(detail.find(MaskIdNumber(child.id_number)), std::string::npos) << detail;
}

TEST_F(AccountApiTest, AnAuditorSeesTheActsOfUsersInItsRegionOnly) {
  env_.AddUser("elsewhere", Role::kCountyCivilAffairs, std::string(kOtherCountyVillage).substr(0, 6));
  env_.AddUser("far_auditor", Role::kAuditAdmin, std::string(kOtherCountyVillage).substr(0, 6));
  Login("elsewhere");
  Login("county");
  TryLogin("nobody_by_this_name", "Wrong@pass1");
  const auto users_in = [&](const std::string& auditor) {
    std::set<std::string> names;
    const json page = client_->Get("/api/audit?action=login&limit=200", Login(auditor)).Json();
    EXPECT_TRUE(page.contains("items")) << page.dump();
    for (const auto& e : page["items"])
      names.insert(e["username"].get<std::string>());
    return names;
  };
  const std::set<std::string> here = users_in("auditor");
  EXPECT_TRUE(here.count("county"));
  EXPECT_FALSE(here.count("elsewhere"));
  EXPECT_TRUE(here.count("nobody_by_this_name")) << "attempts on unknown names belong to no region";
  const std::set<std::string> there = users_in("far_auditor");
  EXPECT_TRUE(there.count("elsewhere"));
  EXPECT_FALSE(there.count("county"));
}

}  // namespace
}  // namespace tongan::testing
