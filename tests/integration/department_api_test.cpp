// Department data through the API on a real loopback server: import, rejected rows, duplicates,
// bad files, link decisions and their refused transitions, scoping, findings.
#include <gtest/gtest.h>

#include <unicode/ucnv.h>

#include "http/api_stack.h"
#include "http/client.h"
#include "http/server.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

using nlohmann::json;

std::string Gb18030(const std::string& utf8) {
  std::string out(utf8.size() * 2 + 16, '\0');
  UErrorCode status = U_ZERO_ERROR;
  const int32_t n = ucnv_convert("GB18030", "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                                 utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  out.resize(U_SUCCESS(status) ? n : 0);
  return out;
}

class DepartmentApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.AddUser("county", Role::kCountyCivilAffairs, "410402");
    env_.AddUser("county_b", Role::kCountyCivilAffairs, "410403");
    env_.AddUser("liaison", Role::kDepartmentLiaison, "410402");
    env_.AddUser("supervisor", Role::kSupervisor, "410402100");
    env_.AddUser("director_a", Role::kChildDirector, kVillageA);
    const char* names[] = {"王小明", "李小红", "张子涵", "刘梓萱", "陈浩然", "杨欣怡"};
    for (int i = 0; i < 6; ++i) {
      children_.push_back(MakeChild(names[i], i % 2 ? kVillageB : kVillageA, i + 1));
      children_.back().id = env_.AddChild(children_.back());
    }
    env_.AddChild(MakeChild("赵小刚", kOtherCountyVillage, 40));

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

  ClientResponse Upload(const std::string& token, const std::string& profile, const std::string& bytes,
                        const std::string& file_name = "学籍.csv") {
    return client_->Request("POST", "/api/imports?profile=" + profile + "&file_name=" + UrlEncode(file_name),
                            bytes, token);
  }

  // An enrolment file: a title row, the header, then `rows`.
  static std::string EnrolmentCsv(const std::vector<std::string>& rows) {
    std::string csv = "新华区随迁子女学籍名单,,,,,\n学生姓名,身份证件号,性别,出生日期,监护人姓名,联系电话\n";
    for (const auto& r : rows) csv += r + "\n";
    return csv;
  }

  std::string RowOf(const Child& c, bool with_id) const {
    return c.name + "," + (with_id ? c.id_number : "") + ",男," + FormatIsoDate(c.birth_date) + "," +
           c.father.name + "," + c.father.phone;
  }

  // Imports an enrolment file with: child 0 by ID, child 1 without ID, a child the registry does
  // not have, a row without a name (line 6) and an adult (line 7).
  json ImportStandardFile(const std::string& token) {
    const std::string csv = EnrolmentCsv({RowOf(children_[0], true), RowOf(children_[1], false),
                                          "孙悦,,女,2017-06-01,孙大伟,13700001111",
                                          ",,男,2016-01-01,,", "周建国,,男,1990-05-04,,"});
    const auto res = Upload(token, "jiaoyu_suiqian", csv);
    EXPECT_EQ(res.status, 201) << res.body;
    return res.Json();
  }

  std::string ErrorCode(const ClientResponse& res) { return res.Json()["error"]["code"]; }

  // The record id of the row for `name` in the batch.
  int64_t RecordOf(const std::string& token, int64_t batch, const std::string& name) {
    const auto rows = client_->Get("/api/imports/" + std::to_string(batch) + "/rows?status=loaded", token).Json();
    for (const auto& r : rows["items"])
      if (r["name"] == name) return r["id"];
    ADD_FAILURE() << "no row for " << name;
    return 0;
  }

  TestDeployment env_;
  std::vector<Child> children_;
  std::unique_ptr<ApiStack> api_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(DepartmentApiTest, ImportLoadsGoodRowsRejectsBadOnesWithLinesAndLinks) {
  const std::string token = Login("county");
  const json result = ImportStandardFile(token);
  const json& batch = result["batch"];
  EXPECT_EQ(batch["rows_total"], 5);
  EXPECT_EQ(batch["rows_loaded"], 3);
  EXPECT_EQ(batch["rows_rejected"], 2);
  EXPECT_EQ(batch["header_line"], 2);  // the title row above the header was skipped
  EXPECT_EQ(batch["file_encoding"], "UTF-8");
  EXPECT_EQ(result["link"]["exact_id"], 1);
  EXPECT_GE(result["link"]["new"].get<int>(), 1);  // 孙悦 is not in the registry

  ASSERT_EQ(result["rejected"].size(), 2u);
  EXPECT_EQ(result["rejected"][0]["line"], 6);
  EXPECT_EQ(result["rejected"][0]["problems"][0]["code"], "name_missing");
  EXPECT_EQ(result["rejected"][1]["line"], 7);
  bool adult = false;
  for (const auto& p : result["rejected"][1]["problems"]) adult |= p["code"] == "not_a_minor";
  EXPECT_TRUE(adult);

  // Every row is stored: the rejected ones with their reasons, in the download too.
  const auto csv = client_->Get("/api/imports/" + std::to_string(batch["id"].get<int>()) + "/rejected.csv", token);
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("行号,原因"), std::string::npos);
  EXPECT_NE(csv.body.find("姓名为空"), std::string::npos);
  EXPECT_NE(csv.body.find("周建国"), std::string::npos);
  const auto xlsx = client_->Get("/api/imports/" + std::to_string(batch["id"].get<int>()) + "/rejected.xlsx", token);
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");

  // The exact-ID row is linked to its child; the child's file shows the row as sent.
  const auto sources = client_->Get("/api/children/" + std::to_string(children_[0].id) + "/sources", token).Json();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0]["link"]["method"], "exact_id");
  EXPECT_EQ(sources[0]["record"]["raw"]["学生姓名"], children_[0].name);
}

TEST_F(DepartmentApiTest, SameFileTwiceAddsNothingAndRepeatedRowsAreNotStoredAgain) {
  const std::string token = Login("county");
  const std::string csv = EnrolmentCsv({RowOf(children_[0], true), RowOf(children_[2], true)});
  ASSERT_EQ(Upload(token, "jiaoyu_suiqian", csv).status, 201);
  const auto again = Upload(token, "jiaoyu_suiqian", csv, "另一个名字.csv");
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(again.Json()["duplicate_file"].get<bool>());

  const auto overlapping = Upload(token, "jiaoyu_suiqian", EnrolmentCsv({RowOf(children_[0], true), RowOf(children_[3], true)}));
  ASSERT_EQ(overlapping.status, 201) << overlapping.body;
  EXPECT_EQ(overlapping.Json()["batch"]["rows_duplicate"], 1);
  EXPECT_EQ(overlapping.Json()["batch"]["rows_loaded"], 1);
  EXPECT_EQ(client_->Get("/api/imports", token).Json().size(), 2u);
}

TEST_F(DepartmentApiTest, BadFilesAreRefusedWithChineseReasonsAndTheServerGoesOn) {
  const std::string token = Login("county");
  const auto empty = Upload(token, "jiaoyu_suiqian", "");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(ErrorCode(empty), "file_empty");
  const auto broken = Upload(token, "jiaoyu_suiqian", std::string("PK\x03\x04", 4) + std::string(500, '\x7f'), "坏.xlsx");
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(ErrorCode(broken), "xlsx_malformed");
  const auto no_header = Upload(token, "jiaoyu_suiqian", "a,b,c\n1,2,3\n");
  EXPECT_EQ(no_header.status, 400);
  EXPECT_EQ(ErrorCode(no_header), "header_not_found");
  EXPECT_NE(no_header.Json()["error"]["message"].get<std::string>().find("未找到表头"), std::string::npos);
  const auto unknown = Upload(token, "no_such_profile", EnrolmentCsv({}));
  EXPECT_EQ(ErrorCode(unknown), "profile_unknown");
  // Nothing half-stored, and the server still answers.
  EXPECT_EQ(client_->Get("/api/imports", token).Json().size(), 0u);
  EXPECT_EQ(client_->Get("/api/me", token).status, 200);
}

TEST_F(DepartmentApiTest, Gb18030FileIsReadAsChinese) {
  const std::string token = Login("county");
  const auto res = Upload(token, "jiaoyu_suiqian", Gb18030(EnrolmentCsv({RowOf(children_[2], true)})));
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(res.Json()["batch"]["file_encoding"], "GB18030");
  EXPECT_EQ(res.Json()["link"]["exact_id"], 1);
}

TEST_F(DepartmentApiTest, DecisionsFollowTheStateMachineAndWrongOnesAreRefused) {
  const std::string token = Login("county");
  const json result = ImportStandardFile(token);
  const int64_t batch = result["batch"]["id"];
  const std::string linked = "/api/links/" + std::to_string(RecordOf(token, batch, children_[0].name));
  const std::string unmatched = "/api/links/" + std::to_string(RecordOf(token, batch, "孙悦"));

  EXPECT_EQ(client_->Get(linked, token).Json()["link"]["state"], "linked");
  // Refused: a linked pair cannot be rejected or accepted again; a new one cannot be undone.
  EXPECT_EQ(client_->Post(linked + "/reject", json::object(), token).status, 409);
  EXPECT_EQ(client_->Post(linked + "/accept", json::object(), token).status, 409);
  EXPECT_EQ(client_->Post(unmatched + "/undo", json::object(), token).status, 409);
  EXPECT_EQ(client_->Post(unmatched + "/accept", json::object(), token).status, 409);

  const auto undone = client_->Post(linked + "/undo", {{"note", "核实不是同一人"}}, token);
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(undone.Json()["state"], "review");
  EXPECT_EQ(undone.Json()["candidate_id"], children_[0].id);
  EXPECT_EQ(client_->Post(linked + "/undo", json::object(), token).status, 409);
  const auto accepted = client_->Post(linked + "/accept", {{"note", "复核为同一人"}}, token);
  ASSERT_EQ(accepted.status, 200);
  EXPECT_EQ(accepted.Json()["state"], "linked");
  EXPECT_EQ(accepted.Json()["method"], "manual");
  ASSERT_EQ(client_->Post(linked + "/undo", json::object(), token).status, 200);
  const auto rejected = client_->Post(linked + "/reject", json::object(), token);
  EXPECT_EQ(rejected.Json()["state"], "new");

  // A 未纳入 row linked by hand to a chosen child; a child out of scope is refused.
  EXPECT_EQ(client_->Post(unmatched + "/accept", {{"child_id", 999999}}, token).status, 404);
  const auto chosen = client_->Post(unmatched + "/accept", {{"child_id", children_[5].id}}, token);
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  EXPECT_EQ(chosen.Json()["child_id"], children_[5].id);
  EXPECT_EQ(client_->Post(unmatched + "/accept", {{"bogus", 1}}, token).status, 400);

  // Every step is kept, newest first; the linker's run is not repeated over a person's decision.
  const auto events = client_->Get(linked, token).Json()["events"];
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0]["event"], "reject");
  EXPECT_EQ(events[4]["event"], "auto_link");
  const auto relink = client_->Post("/api/imports/" + std::to_string(batch) + "/relink", json::object(), token);
  ASSERT_EQ(relink.status, 200);
  EXPECT_EQ(client_->Get(linked, token).Json()["link"]["state"], "new");
}

TEST_F(DepartmentApiTest, ScopeAndRolesAreEnforced) {
  const std::string county = Login("county");
  const int64_t batch = ImportStandardFile(county)["batch"]["id"];
  const std::string link = "/api/links/" + std::to_string(RecordOf(county, batch, children_[0].name));

  const std::string other = Login("county_b");  // another county
  EXPECT_EQ(client_->Get(link, other).status, 404);
  EXPECT_EQ(client_->Post(link + "/undo", json::object(), other).status, 404);
  EXPECT_EQ(client_->Get("/api/imports/" + std::to_string(batch), other).status, 404);
  EXPECT_EQ(client_->Get("/api/findings/unregistered", other).Json()["total"], 0);

  const std::string liaison = Login("liaison");  // may send files, may not review
  EXPECT_EQ(client_->Get("/api/links?state=review", liaison).status, 403);
  EXPECT_EQ(client_->Get(link, liaison).status, 403);
  EXPECT_EQ(client_->Get("/api/imports/" + std::to_string(batch), liaison).status, 404);  // not theirs
  EXPECT_EQ(Upload(liaison, "jiaoyu_suiqian", EnrolmentCsv({RowOf(children_[4], true)})).status, 201);

  const std::string director = Login("director_a");  // neither
  EXPECT_EQ(Upload(director, "jiaoyu_suiqian", EnrolmentCsv({})).status, 403);

  // A supervisor reads the child's department rows with identifiers masked.
  const std::string supervisor = Login("supervisor");
  const auto sources = client_->Get("/api/children/" + std::to_string(children_[0].id) + "/sources", supervisor).Json();
  ASSERT_EQ(sources.size(), 1u);
  const std::string shown_id = sources[0]["record"]["raw"]["身份证件号"];
  EXPECT_NE(shown_id, children_[0].id_number);
  EXPECT_NE(shown_id.find("****"), std::string::npos);
  EXPECT_EQ(sources[0]["record"]["fields"]["phone"].get<std::string>().find("****"), 3u);
}

TEST_F(DepartmentApiTest, FindingsCountWhatTheRowsShow) {
  const std::string token = Login("county");
  json summary = client_->Get("/api/findings", token).Json();
  for (const auto& need : summary["needs"]) EXPECT_FALSE(need["available"].get<bool>());

  ImportStandardFile(token);
  summary = client_->Get("/api/findings", token).Json();
  const auto unregistered = client_->Get("/api/findings/unregistered", token).Json();
  EXPECT_EQ(summary["unregistered"]["total"], unregistered["total"]);
  bool found = false;
  for (const auto& item : unregistered["items"]) found |= item["record"]["name"] == "孙悦";
  EXPECT_TRUE(found);

  // All six registry children are of compulsory-school age; those without a linked enrolment row
  // are the finding.
  int64_t linked = 0;
  for (const Child& c : children_)
    linked += client_->Get("/api/children/" + std::to_string(c.id) + "/sources", token).Json().size();
  json school;
  for (const auto& need : summary["needs"])
    if (need["id"] == "school_age_no_enrolment") school = need;
  ASSERT_TRUE(school["available"].get<bool>());
  EXPECT_EQ(school["total"], 6 - linked);
  const auto list = client_->Get("/api/findings/needs/school_age_no_enrolment?page_size=50", token).Json();
  EXPECT_EQ(list["subject"], "children");
  EXPECT_EQ(list["items"].size(), static_cast<size_t>(6 - linked));

  // The care status follows: a child without an enrolment row now carries that warning.
  api_->care.WaitForRecompute();
  const int64_t missing = list["items"][0]["id"];
  bool warned = false;
  const json care = client_->Get("/api/children/" + std::to_string(missing) + "/care", token).Json();
  for (const auto& w : care["warnings"]) warned |= w["rule_id"] == "school_age_no_enrolment";
  EXPECT_TRUE(warned);

  // 人户分离: the rows whose ID was issued in another county (410422) while reported here.
  const auto separated = client_->Get("/api/findings/separated", token).Json();
  EXPECT_EQ(separated["total"], 1);  // only the exact-ID row carries a registration county
  EXPECT_EQ(client_->Get("/api/findings/needs/no_such_rule", token).status, 404);
}

}  // namespace
}  // namespace tongan::testing
