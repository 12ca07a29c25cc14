// The authorisation matrix (security item 2): every API route × every role, in scope and out of
// scope, generated from the route table. A route fails here until it declares who may call it
// (Route::access) and has fixtures for its path parameters, so a new route cannot ship without a
// permission and scope check being exercised.
//
// For every signed-in route and every role:
//   in scope      — a role the declaration does not allow gets 403 forbidden; nothing answers 5xx;
//   out of scope  — ids, region codes and body references of another province are refused with
//                   400/403/404, never 2xx;
//   both          — no answer names the other province's child (name, ID number) or its village;
//   no token      — 401.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <set>

#include "core/child_json.h"
#include "http/api_stack.h"
#include "http/client.h"
#include "http/server.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

using nlohmann::json;

// Out of scope is another province, so that even the city and province users are outside it.
constexpr const char* kOtherCounty = "420102";          // 湖北省武汉市江岸区
constexpr const char* kOtherTownship = "420102002";     // 大智街道
constexpr const char* kOtherVillage = "420102002001";   // added by the fixture
constexpr const char* kOtherHukouCounty = "420103";     // 江汉区: pushes and transfers stay in 湖北
constexpr const char* kSentinelName = "鄂省哨兵童";
constexpr const char* kOwnCounty = "410402";

std::string DaysFromToday(int days) {
  return FormatIsoDate(Date{std::chrono::sys_days{TodayInChina()} + std::chrono::days{days}});
}

std::string RouteName(const Route& route) { return route.method + " " + route.pattern; }

std::string RegionOf(Role role) {
  switch (role) {
    case Role::kChildDirector:
    case Role::kGridWorker: return kVillageA;
    case Role::kSupervisor: return "410402100";
    case Role::kCityCivilAffairs: return "4104";
    case Role::kProvinceCivilAffairs: return "41";
    default: return kOwnCounty;
  }
}

std::string UserOf(Role role) { return "matrix_" + std::string(RoleCode(role)); }

// One instance of every resource a path parameter can name, all in one region.
struct Place {
  std::string county, village, region_query;
  Child child;  // every other resource is about this child
  int64_t case_id = 0, referral = 0, batch = 0, link = 0, transfer = 0, push = 0, delivery = 0,
          pairing = 0, provider = 0, activity = 0, round = 0, user = 0;
};

// A path parameter's value, looked up by the route's pattern up to and including the parameter
// ("/api/cases/{id}"), then by the parameter alone ("{code}"). Unscoped values name nothing
// regional (a findings rule), so out of scope they are the same value and prove nothing.
struct ParamFixture {
  std::function<std::string(const Place&)> value;
  bool scoped = true;
};

std::map<std::string, ParamFixture> ParamFixtures() {
  const auto id = [](int64_t Place::*field) {
    return ParamFixture{[field](const Place& p) { return std::to_string(p.*field); }};
  };
  const ParamFixture child{[](const Place& p) { return std::to_string(p.child.id); }};
  return {
      {"/api/children/{id}", child},
      {"/api/cases/{id}", id(&Place::case_id)},
      {"/api/referrals/{id}", id(&Place::referral)},
      {"/api/imports/{id}", id(&Place::batch)},
      {"/api/links/{id}", id(&Place::link)},
      {"/api/transfers/{id}", id(&Place::transfer)},
      {"/api/pushes/{id}", id(&Place::push)},
      {"/api/deliveries/{id}", id(&Place::delivery)},
      {"/api/pairings/{id}", id(&Place::pairing)},
      {"/api/providers/{id}", id(&Place::provider)},
      {"/api/activities/{id}", id(&Place::activity)},
      {"/api/rounds/{id}", id(&Place::round)},
      {"/api/users/{id}", id(&Place::user)},
      {"{child_id}", child},
      {"{code}", {[](const Place& p) { return p.county; }}},
      {"{rule}", {[](const Place&) { return std::string("school_age_no_enrolment"); }, false}},
  };
}

// Routes that narrow by a `region` query: in scope region=410402, out of scope region=420102.
const std::set<std::string> kRegionQueryRoutes = {
    "GET /api/children",         "GET /api/children/export",  "GET /api/stats/summary",
    "GET /api/stats/trend",      "GET /api/care",             "GET /api/care/summary",
    "GET /api/deliveries",       "GET /api/services/coverage", "GET /api/services/open-items",
    "GET /api/services/needs",   "GET /api/services/unmet",   "GET /api/providers",
    "GET /api/activities",       "GET /api/stats/dashboard",  "GET /api/stats/history",
    "GET /api/stats/supervision", "GET /api/stats/dispatch",  "GET /api/stats/children",
    "GET /api/stats/export.xlsx",
};

// Query parameters: what a route needs to get past validation to its scope check, and list
// filters naming the place's records (a filter narrows within the scope, so out of scope these
// lists answer 200 and only the leak check applies).
const std::map<std::string, std::function<std::string(const Place&)>> kQueryFixtures = {
    {"GET /api/rounds/{id}/changes", [](const Place&) { return std::string("kind=new"); }},
    {"GET /api/links", [](const Place& p) { return "batch=" + std::to_string(p.batch); }},
    {"GET /api/pairings", [](const Place& p) { return "provider=" + std::to_string(p.provider); }},
};

// The one public answer about any region: the place picker's region tree (provinces down to
// townships, never villages), so another province's code is not refused there. Its answers are
// still checked for the sentinels.
const std::set<std::string> kPublicRegionRoutes = {"GET /api/places/{code}"};

// A request body that is valid in scope where one could be written; `scoped` bodies name the
// place's records or regions, so out of scope they must be refused. Other writes get {} and only
// the status rules apply.
struct BodyFixture {
  std::function<json(const Place&)> body;
  bool scoped = false;
};

std::map<std::string, BodyFixture> BodyFixtures() {
  const auto fixed = [](json body) { return BodyFixture{[body](const Place&) { return body; }}; };
  const auto scoped = [](std::function<json(const Place&)> f) { return BodyFixture{std::move(f), true}; };
  return {
      {"POST /api/children", scoped([](const Place& p) {
         Child c = MakeChild("矩阵新登记", p.village, 61);
         c.hukou_region_code = p.county;
         return ChildToJson(c);
       })},
      {"POST /api/id-check", {[](const Place& p) { return json{{"id_number", p.child.id_number}}; }}},
      {"POST /api/children/{id}/ledger/enter", fixed({{"reason", "监护缺失"}})},
      {"POST /api/children/{id}/ledger/leave", fixed({{"reason", "监护恢复"}})},
      {"POST /api/children/{id}/visits",
       fixed({{"visit_date", DaysFromToday(0)}, {"seen", {"儿童本人"}}, {"guardianship", "good"}, {"notes", "走访"}})},
      {"POST /api/cases", scoped([](const Place& p) {
         return json{{"child_id", p.child.id}, {"source", "assessment"}, {"title", "矩阵个案"}};
       })},
      {"POST /api/referrals", scoped([](const Place& p) {
         return json{{"child_id", p.child.id}, {"to_department", "教育"}, {"request", "安排课后托管"},
                     {"due_date", DaysFromToday(7)}, {"shared_fields", {"name"}}};
       })},
      {"POST /api/referrals/{id}/actions", fixed({{"action", "accept"}})},
      {"POST /api/children/{id}/transfers", fixed({{"to_county", "410403"}, {"reason", "随父母迁居"}})},
      {"POST /api/transfers/{id}/accept", fixed({{"region_code", kVillageB}, {"address", "测试路1号"}})},
      {"POST /api/transfers/{id}/reject", fixed({{"reply", "查无此人"}})},
      {"POST /api/children/{id}/pushes", fixed({{"kind", "dibao"}, {"note", "父母无劳动能力"}})},
      {"POST /api/pushes/{id}/reply", fixed({{"status", "received"}})},
      {"POST /api/rounds", fixed({{"due_on", DaysFromToday(30)}})},
      {"POST /api/rounds/{id}/confirm", scoped([](const Place& p) { return json{{"village_code", p.village}}; })},
      {"POST /api/children/{id}/deliveries",
       fixed({{"item_id", "PDS-06"}, {"delivered_on", DaysFromToday(-2)}, {"provider_name", "矩阵小学"}})},
      {"POST /api/deliveries/{id}/void", fixed({{"reason", "录入错误"}})},
      {"POST /api/providers", scoped([](const Place& p) {
         return json{{"region_code", p.village}, {"kind", "volunteer"}, {"volunteer_type", "五老"},
                     {"name", "矩阵志愿者"}, {"services", {"homework"}}};
       })},
      {"POST /api/activities", scoped([](const Place& p) {
         return json{{"provider_id", p.provider}, {"title", "矩阵活动"}, {"services", {"homework"}},
                     {"starts_on", DaysFromToday(-14)}, {"ends_on", DaysFromToday(30)}};
       })},
      {"POST /api/activities/{id}/status", fixed({{"status", "open"}})},
      {"POST /api/activities/{id}/participants", scoped([](const Place& p) { return json{{"child_id", p.child.id}}; })},
      {"POST /api/activities/{id}/attendance", scoped([](const Place& p) {
         return json{{"session_date", DaysFromToday(-7)}, {"child_ids", {p.child.id}}};
       })},
      {"POST /api/pairings", scoped([](const Place& p) {
         return json{{"provider_id", p.provider}, {"child_id", p.child.id}, {"need_code", "companionship"},
                     {"started_on", DaysFromToday(-1)}};
       })},
      {"POST /api/pairings/{id}/end", fixed({{"ended_on", DaysFromToday(0)}, {"reason", "志愿者搬离"}})},
      {"POST /api/users", scoped([](const Place& p) {
         return json{{"username", "matrix_created"}, {"role", "child_director"}, {"region_code", p.village},
                     {"password", "Matrix@2026pass"}};
       })},
      {"POST /api/users/{id}/reset-password", fixed({{"password", "Reset@2026matrix"}})},
      // The right password, so that no call counts as a failed attempt and locks the caller out.
      {"POST /api/me/password", fixed({{"old_password", kPassword}, {"new_password", "short"}})},
      {"POST /api/me/totp/disable", fixed({{"password", kPassword}})},
      {"POST /api/me/totp/enable", fixed({{"code", "000000"}})},
  };
}

// An enrolment file (导入模板 jiaoyu_suiqian) with the place's child.
std::string EnrolmentCsv(const Child& c) {
  return "学生姓名,身份证件号,性别,出生日期,监护人姓名,联系电话\n" + c.name + "," + c.id_number + ",男," +
         FormatIsoDate(c.birth_date) + "," + c.father.name + "," + c.father.phone + "\n";
}

// Raw (file) bodies and their query, by route: the same small file in and out of scope, since an
// upload always lands in the uploader's own scope.
struct RawFixture {
  std::string query;
  std::string body;
};

std::map<std::string, RawFixture> RawFixtures() {
  Child row = MakeChild("矩阵导入童", kVillageA, 71);
  return {{"POST /api/imports", {"profile=jiaoyu_suiqian&file_name=matrix.csv", EnrolmentCsv(row)}}};
}

// One request of the matrix, built from a route and a place.
struct MatrixRequest {
  std::string target, body;
  bool scoped = false;  // names the place's records or region: refused out of scope
  std::string missing;  // a fixture the route needs and the tables lack
};

MatrixRequest BuildRequest(const Route& route, const Place& place) {
  static const auto params = ParamFixtures();
  static const auto bodies = BodyFixtures();
  static const auto raws = RawFixtures();
  MatrixRequest out;
  const std::string name = RouteName(route);
  std::string path;
  size_t at = 0;
  while (at < route.pattern.size()) {
    const size_t open = route.pattern.find('{', at);
    if (open == std::string::npos) {
      path += route.pattern.substr(at);
      break;
    }
    const size_t close = route.pattern.find('}', open);
    path += route.pattern.substr(at, open - at);
    const std::string param = route.pattern.substr(open, close - open + 1);
    auto fixture = params.find(route.pattern.substr(0, close + 1));
    if (fixture == params.end()) fixture = params.find(param);
    if (fixture == params.end()) {
      out.missing = "add a fixture for " + param + " of " + name;
      return out;
    }
    path += fixture->second.value(place);
    out.scoped |= fixture->second.scoped;
    at = close + 1;
  }
  std::string query;
  if (kRegionQueryRoutes.count(name)) {
    query = "region=" + place.region_query;
    out.scoped = true;
  }
  if (const auto extra = kQueryFixtures.find(name); extra != kQueryFixtures.end())
    query += (query.empty() ? "" : "&") + extra->second(place);
  if (route.raw_body) {
    const auto raw = raws.find(name);
    if (raw == raws.end()) {
      out.missing = "add a fixture for the file body of " + name;
      return out;
    }
    query += (query.empty() ? "" : "&") + raw->second.query;
    out.body = raw->second.body;
  } else if (route.method != "GET") {
    const auto body = bodies.find(name);
    out.body = body == bodies.end() ? "{}" : body->second.body(place).dump();
    if (body != bodies.end()) out.scoped |= body->second.scoped;
  }
  out.target = path + (query.empty() ? "" : "?" + query);
  return out;
}

class AuthorizationMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Another province's village, below a real township (data/regions/streets.csv).
    env_.d.store->UpsertVillage(kOtherVillage, "测试鄂村");
    env_.d.regions.Add(kOtherVillage, "测试鄂村");
    for (Role role : AllRoles())
      env_.AddUser(UserOf(role), role, RegionOf(role), role == Role::kDepartmentLiaison ? "教育" : "");
    env_.AddUser("other_county", Role::kCountyCivilAffairs, kOtherCounty);
    other_.user = env_.AddUser("other_director", Role::kChildDirector, kOtherVillage);
    env_.AddUser("other_liaison", Role::kDepartmentLiaison, kOtherCounty, "教育");
    own_.user = env_.AddUser("own_target", Role::kChildDirector, kVillageB);

    own_.county = kOwnCounty;
    own_.village = kVillageA;
    own_.region_query = kOwnCounty;
    own_.child = MakeChild("王小明", kVillageA, 1);
    own_.child.id = env_.AddChild(own_.child);

    other_.county = kOtherCounty;
    other_.village = kOtherVillage;
    other_.region_query = kOtherCounty;
    other_.child = MakeChild(kSentinelName, kOtherVillage, 2);
    other_.child.id_number = MakeId(kOtherCounty, "20160305", 327);
    other_.child.hukou_region_code = kOtherHukouCounty;
    other_.child.id = env_.AddChild(other_.child);

    api_ = std::make_unique<ApiStack>(env_.d);
    api_->care.Recompute(own_.child.id);
    api_->care.Recompute(other_.child.id);
    ServerOptions options;
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, api_->router, api_->auth);
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->Start());
  }
  void TearDown() override { server_->Stop(); }

  ClientResponse Send(const std::string& method, const std::string& target, const std::string& body,
                      const std::string& token) {
    ++requests_;
    return client_->Request(method, target, body, token);
  }
  ClientResponse Post(const std::string& target, const json& body, const std::string& token) {
    return Send("POST", target, body.dump(), token);
  }
  std::string Login(const std::string& username) {
    const auto res = Post("/api/login", {{"username", username}, {"password", kPassword}}, "");
    EXPECT_EQ(res.status, 200) << username << ": " << res.body;
    return res.Json().value("token", "");
  }
  // The answer of a fixture-building request, which must succeed.
  json Expect(const ClientResponse& res, int status, const std::string& what) {
    EXPECT_EQ(res.status, status) << what << ": " << res.body;
    return res.Json();
  }

  // Creates one of every resource in `p` as that place's county civil-affairs user.
  void BuildPlace(Place& p, const std::string& token, const std::string& transfer_to) {
    const std::string child = "/api/children/" + std::to_string(p.child.id);
    p.case_id = Expect(Post("/api/cases", {{"child_id", p.child.id}, {"source", "assessment"}, {"title", "测试个案"}}, token),
                       201, "case")["id"];
    p.referral = Expect(Post("/api/referrals",
                             {{"child_id", p.child.id}, {"to_department", "教育"}, {"request", "安排课后托管"},
                              {"due_date", DaysFromToday(7)}, {"shared_fields", {"name", "age"}}},
                             token),
                        201, "referral")["id"];
    const json upload = Expect(Send("POST", "/api/imports?profile=jiaoyu_suiqian&file_name=fixture.csv",
                                    EnrolmentCsv(p.child), token),
                               201, "import");
    p.batch = upload["batch"]["id"];
    const json rows =
        Expect(Send("GET", "/api/imports/" + std::to_string(p.batch) + "/rows?status=loaded", "", token), 200, "rows");
    p.link = rows["items"].at(0)["id"];
    p.transfer = Expect(Post(child + "/transfers", {{"to_county", transfer_to}, {"reason", "随父母迁居"}}, token), 201,
                        "transfer")["id"];
    p.push = Expect(Post(child + "/pushes", {{"kind", "dibao"}, {"note", "父母无劳动能力"}}, token), 201, "push")["id"];
    const json services = Expect(Send("GET", child + "/services", "", token), 200, "services");
    const std::string item = services["entitlements"].at(0)["item_id"];
    p.delivery = Expect(Post(child + "/deliveries",
                             {{"item_id", item}, {"delivered_on", DaysFromToday(-3)}, {"provider_name", "测试小学"}},
                             token),
                        201, "delivery")["delivery"]["id"];
    p.provider = Expect(Post("/api/providers",
                             {{"region_code", p.village}, {"kind", "volunteer"}, {"volunteer_type", "爱心妈妈"},
                              {"name", "测试志愿者"}, {"services", {"homework", "companionship"}}},
                             token),
                        201, "provider")["id"];
    p.activity = Expect(Post("/api/activities",
                             {{"provider_id", p.provider}, {"title", "周末课业辅导"}, {"services", {"homework"}},
                              {"starts_on", DaysFromToday(-14)}, {"ends_on", DaysFromToday(30)}},
                             token),
                        201, "activity")["id"];
    Expect(Post("/api/activities/" + std::to_string(p.activity) + "/participants", {{"child_id", p.child.id}}, token),
           200, "participant");
    p.pairing = Expect(Post("/api/pairings",
                            {{"provider_id", p.provider}, {"child_id", p.child.id}, {"need_code", "homework"},
                             {"started_on", DaysFromToday(-1)}},
                            token),
                       201, "pairing")["id"];
    p.round = Expect(Post("/api/rounds", {{"due_on", DaysFromToday(30)}}, token), 201, "round")["id"];
  }

  // Another province's record in an answer, unless the caller sent that very text themselves.
  std::string Leak(const std::string& answer, const std::string& request) const {
    for (const std::string& sentinel : {other_.child.name, other_.child.id_number, std::string(kOtherVillage)})
      if (answer.find(sentinel) != std::string::npos && request.find(sentinel) == std::string::npos) return sentinel;
    return "";
  }

  TestDeployment env_;
  Place own_, other_;
  std::unique_ptr<ApiStack> api_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
  int64_t requests_ = 0;
};

TEST_F(AuthorizationMatrixTest, EverySignedInRouteDeclaresWhoMayCallIt) {
  size_t declared = 0;
  for (const Route& route : api_->router.routes()) {
    if (!route.needs_login) continue;
    EXPECT_TRUE(route.access.declared)
        << RouteName(route) << " declares no access: add .Permit({...}), .PermitRoles({...}) or .AnyUser()";
    declared += route.access.declared;
  }
  EXPECT_GT(declared, 100u);
}

TEST_F(AuthorizationMatrixTest, EverySignedInRouteRefusesARequestWithoutAToken) {
  for (const Route& route : api_->router.routes()) {
    if (!route.needs_login) continue;
    const MatrixRequest req = BuildRequest(route, own_);  // ids need not exist: 401 comes first
    ASSERT_TRUE(req.missing.empty()) << req.missing;
    const auto res = Send(route.method, req.target, req.body, "");
    EXPECT_EQ(res.status, 401) << RouteName(route) << ": " << res.body;
  }
}

TEST_F(AuthorizationMatrixTest, EveryRoleIsHeldToEachRoutesDeclarationInAndOutOfScope) {
  std::map<Role, std::string> tokens;
  for (Role role : AllRoles()) tokens[role] = Login(UserOf(role));
  BuildPlace(own_, tokens[Role::kCountyCivilAffairs], "410403");
  const std::string other_county = Login("other_county");
  BuildPlace(other_, other_county, kOtherHukouCounty);
  ASSERT_FALSE(HasFailure()) << "the fixtures could not be built";
  // The other province's own county sees its child: the leak check below can fire.
  const auto own_view = Send("GET", "/api/children/" + std::to_string(other_.child.id), "", other_county);
  ASSERT_EQ(Leak(own_view.body, ""), kSentinelName) << own_view.body;

  // Out-of-scope checks run first: every one must be refused, so the other province stays as built
  // and cannot change what the in-scope checks see. In-scope writes by allowed roles do change
  // state (a link undone, a round closed, a pairing ended); each route's later calls may then get
  // 409 instead of 200, which no rule here depends on, because the services check the permission
  // before the state. Logging out ends the caller's session: they log in again.
  std::vector<const Route*> routes;
  for (const Route& route : api_->router.routes())
    if (route.needs_login && route.access.declared) routes.push_back(&route);

  int64_t cells = 0;
  std::vector<std::string> unscoped;  // no scoped input: out of scope, only the leak check applies
  const int64_t requests_before = requests_;
  for (const bool in_scope : {false, true}) {
    const Place& place = in_scope ? own_ : other_;
    for (const Route* route : routes) {
      const std::string name = RouteName(*route);
      const MatrixRequest req = BuildRequest(*route, place);
      if (!req.missing.empty()) {
        if (in_scope) ADD_FAILURE() << req.missing;
        continue;
      }
      if (!in_scope && !req.scoped) unscoped.push_back(name);
      bool some_allowed_role_passed = false;
      for (Role role : AllRoles()) {
        ++cells;
        const auto res = Send(route->method, req.target, req.body, tokens[role]);
        const std::string cell = name + " as " + std::string(RoleCode(role)) + (in_scope ? " in scope" : " out of scope") +
                                 " → " + std::to_string(res.status) + " " + res.body.substr(0, 300);
        EXPECT_LT(res.status, 500) << cell;
        EXPECT_NE(res.status, 401) << cell;
        if (const std::string leak = Leak(res.body, req.target + req.body); !leak.empty())
          ADD_FAILURE() << "answer names " << leak << ": " << cell;
        if (route->pattern == "/api/logout" && res.status == 200) tokens[role] = Login(UserOf(role));
        const bool allowed = route->access.Allows(role);
        if (in_scope) {
          if (!allowed) {
            EXPECT_EQ(res.status, 403) << "not declared for this role: " << cell;
            if (res.status == 403) {
              EXPECT_EQ(res.Json()["error"].value("code", ""), "forbidden") << cell;
            }
          } else if (res.status != 403) {
            some_allowed_role_passed = true;
          }
        } else if (req.scoped && !kPublicRegionRoutes.count(name)) {
          EXPECT_TRUE(res.status == 400 || res.status == 403 || res.status == 404)
              << "another province's record or region was not refused: " << cell;
        }
      }
      // A declaration wider than the service: every role it names is still refused.
      if (in_scope && !route->access.any_user) {
        EXPECT_TRUE(some_allowed_role_passed) << name << ": every role its declaration allows got 403";
      }
    }
  }
  const int64_t matrix_size = static_cast<int64_t>(routes.size() * AllRoles().size() * 2);
  EXPECT_EQ(cells, matrix_size);
  RecordProperty("routes", static_cast<int>(routes.size()));
  RecordProperty("matrix_cells", static_cast<int>(matrix_size));
  RecordProperty("requests", static_cast<int>(requests_));
  std::cout << "[ matrix   ] " << routes.size() << " routes x " << AllRoles().size() << " roles x 2 scopes = "
            << matrix_size << " cells; " << requests_ - requests_before << " matrix requests, " << requests_
            << " requests in all\n[ matrix   ] " << unscoped.size() << " routes take no scoped input:";
  for (const std::string& name : unscoped) std::cout << " " << name << ";";
  std::cout << "\n";
}

}  // namespace
}  // namespace tongan::testing
