#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "store/service_store.h"
#include "store/store.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

// Two townships of one county: villages A and B in the first, C in the second.
constexpr const char* kCounty = "410402";
constexpr const char* kTownship = "410402100";
constexpr const char* kSiblingTownship = "410402101";
constexpr const char* kVillageC = "410402101001";

class SqliteServiceStore : public ::testing::Test {
 protected:
  SqliteServiceStore() : store(OpenStore(database.location())) {}

  ServiceStore& services() { return store->services(); }

  int64_t AddChild(const std::string& name, const std::string& village, int sequence) {
    Child child = MakeChild(name, village, sequence);
    store->InsertChild(child, 0, {0, "test"});
    birth_dates[child.id] = FormatIsoDate(child.birth_date);
    return child.id;
  }

  int64_t AddProvider(const std::string& region, const std::string& name,
                      std::vector<std::string> offered = {"homework"}) {
    Provider p;
    p.region_code = region;
    p.kind = "children_home";
    p.name = name;
    p.services = std::move(offered);
    return services().CreateProvider(p);
  }

  int64_t AddActivity(int64_t provider_id, const std::string& region, const std::string& title,
                      const std::string& ends_on = "2099-12-31") {
    Activity a;
    a.provider_id = provider_id;
    a.region_code = region;
    a.title = title;
    a.services = {"homework"};
    a.starts_on = "2026-01-01";
    a.ends_on = ends_on;
    a.created_by_name = "社工";
    return services().CreateActivity(a);
  }

  int64_t AddPairing(int64_t provider_id, int64_t child_id, const std::string& region) {
    Pairing r;
    r.provider_id = provider_id;
    r.child_id = child_id;
    r.region_code = region;
    r.need_code = "homework";
    r.started_on = "2026-02-01";
    r.created_by_name = "社工";
    return services().CreatePairing(r);
  }

  int64_t AddDelivery(int64_t child_id, const std::string& region, const std::string& on) {
    Delivery d;
    d.child_id = child_id;
    d.region_code = region;
    d.item_id = "PDS-01";
    d.department = "卫健";
    d.delivered_on = on;
    d.provider_name = "乡卫生院";
    d.content = "体检";
    d.source = "manual";
    d.recorded_by = 1;
    d.recorded_by_name = "录入员";
    return services().AddDelivery(d);
  }

  static EntitlementRow Ent(const std::string& region, const std::string& item, const std::string& department,
                            bool received) {
    EntitlementRow e;
    e.item_id = item;
    e.region_code = region;
    e.department = department;
    e.received = received;
    e.received_via = received ? "fact" : "";
    return e;
  }

  static NeedRow Need(const std::string& region, const std::string& code, const std::string& met_by) {
    NeedRow n;
    n.need_code = code;
    n.region_code = region;
    n.source = "file";
    n.met_by = met_by;
    return n;
  }

  TempDir dir;
  TestDatabase database{dir.path()};
  std::unique_ptr<Store> store;
  std::map<int64_t, std::string> birth_dates;
};

template <typename T>
std::set<int64_t> Ids(const std::vector<T>& rows) {
  std::set<int64_t> out;
  for (const T& r : rows) out.insert(r.id);
  return out;
}

TEST_F(SqliteServiceStore, VillageScopeSeesOwnChildrenAndSupplyServingIt) {
  const int64_t a = AddChild("王小明", kVillageA, 1);
  const int64_t b = AddChild("李小红", kVillageB, 2);
  services().PutChildServices(a, {Ent(kVillageA, "PDS-01", "卫健", false)}, {Need(kVillageA, "homework", "")});
  services().PutChildServices(b, {Ent(kVillageB, "PDS-01", "卫健", false)}, {Need(kVillageB, "homework", "")});
  const RegionScope scope_a{kVillageA};

  EXPECT_EQ(services().ChildEntitlements(scope_a, a).size(), 1u);
  EXPECT_TRUE(services().ChildEntitlements(scope_a, b).empty());
  EXPECT_TRUE(services().ChildNeeds(scope_a, b).empty());
  EXPECT_EQ(services().ChildEntitlements(RegionScope{kTownship}, b).size(), 1u);

  const int64_t delivery_a = AddDelivery(a, kVillageA, "2026-03-01");
  const int64_t delivery_b = AddDelivery(b, kVillageB, "2026-03-01");
  EXPECT_TRUE(services().GetDelivery(scope_a, delivery_a));
  EXPECT_FALSE(services().GetDelivery(scope_a, delivery_b));
  EXPECT_TRUE(services().ChildDeliveries(scope_a, b).empty());
  EXPECT_FALSE(services().VoidDelivery(scope_a, delivery_b, "录错"));
  int64_t total = -1;
  EXPECT_EQ(Ids(services().ListDeliveries(scope_a, "", "", 0, 50, &total)), std::set<int64_t>{delivery_a});
  EXPECT_EQ(total, 1);

  const int64_t province = AddProvider("41", "省级项目");
  const int64_t county = AddProvider(kCounty, "县关工委");
  const int64_t township = AddProvider(kTownship, "镇儿童之家");
  const int64_t sibling = AddProvider(kSiblingTownship, "邻镇儿童之家");
  const int64_t village_a = AddProvider(kVillageA, "甲村爱心妈妈");
  const int64_t village_b = AddProvider(kVillageB, "乙村爱心妈妈");
  const int64_t other_county = AddProvider("410403", "邻县社工站");
  EXPECT_TRUE(services().GetProvider(scope_a, county));
  EXPECT_TRUE(services().GetProvider(scope_a, township));
  EXPECT_TRUE(services().GetProvider(scope_a, village_a));
  EXPECT_FALSE(services().GetProvider(scope_a, sibling));
  EXPECT_FALSE(services().GetProvider(scope_a, village_b));
  EXPECT_FALSE(services().GetProvider(scope_a, other_county));
  EXPECT_EQ(Ids(services().ListProviders(scope_a, {})),
            (std::set<int64_t>{province, county, township, village_a}));
  EXPECT_EQ(Ids(services().ListProviders(RegionScope{kCounty}, {})),
            (std::set<int64_t>{province, county, township, sibling, village_a, village_b}));
  ProviderQuery in_township;
  in_township.region_code = kTownship;
  EXPECT_EQ(Ids(services().ListProviders(RegionScope{kCounty}, in_township)),
            (std::set<int64_t>{township, village_a, village_b}));

  const int64_t pairing_a = AddPairing(township, a, kVillageA);
  const int64_t pairing_b = AddPairing(township, b, kVillageB);
  EXPECT_TRUE(services().GetPairing(scope_a, pairing_a));
  EXPECT_FALSE(services().GetPairing(scope_a, pairing_b));
  EXPECT_TRUE(services().ChildPairings(scope_a, b).empty());
  EXPECT_EQ(Ids(services().ListPairings(scope_a, 0, false)), std::set<int64_t>{pairing_a});
  EXPECT_EQ(Ids(services().ListPairings(RegionScope{kTownship}, township, true)),
            (std::set<int64_t>{pairing_a, pairing_b}));
  EXPECT_FALSE(services().EndPairing(scope_a, pairing_b, "2026-04-01", "结束"));
  // The provider's load counts all its pairings, whoever looks.
  EXPECT_EQ(services().GetProvider(scope_a, township)->active_pairings, 2);

  const int64_t here = AddActivity(township, kTownship, "周末课堂");
  const int64_t there = AddActivity(sibling, kSiblingTownship, "邻镇课堂");
  EXPECT_TRUE(services().GetActivity(scope_a, here));
  EXPECT_FALSE(services().GetActivity(scope_a, there));
  EXPECT_FALSE(services().SetActivityStatus(scope_a, there, "closed"));
  EXPECT_EQ(Ids(services().ListActivities(scope_a, "", "", false, "2026-05-01")), std::set<int64_t>{here});
  ASSERT_TRUE(services().SignUp(here, a, kVillageA, "社工"));
  ASSERT_TRUE(services().SignUp(here, b, kVillageB, "社工"));
  const auto seen = services().Participants(scope_a, here);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].child_id, a);
  EXPECT_EQ(seen[0].child_name, "王小明");
  EXPECT_EQ(services().Participants(RegionScope{kTownship}, here).size(), 2u);
  EXPECT_TRUE(services().ChildActivities(scope_a, b).empty());
}

TEST_F(SqliteServiceStore, PutChildServicesReplacesTheChildsRows) {
  const int64_t a = AddChild("王小明", kVillageA, 1);
  const int64_t b = AddChild("李小红", kVillageA, 2);
  services().PutChildServices(a,
                              {Ent(kVillageA, "PDS-01", "卫健", true), Ent(kVillageA, "PDS-02", "教育", false),
                               Ent(kVillageA, "PDS-03", "民政", false)},
                              {Need(kVillageA, "homework", ""), Need(kVillageA, "psych", "pairing:1")});
  services().PutChildServices(b, {Ent(kVillageA, "PDS-01", "卫健", false)}, {Need(kVillageA, "homework", "")});
  const RegionScope scope{kVillageA};
  ASSERT_EQ(services().ChildEntitlements(scope, a).size(), 3u);
  ASSERT_EQ(services().ChildNeeds(scope, a).size(), 2u);

  services().PutChildServices(a, {Ent(kVillageA, "PDS-02", "教育", true)}, {});
  const auto ents = services().ChildEntitlements(scope, a);
  ASSERT_EQ(ents.size(), 1u);
  EXPECT_EQ(ents[0].child_id, a);
  EXPECT_EQ(ents[0].item_id, "PDS-02");
  EXPECT_EQ(ents[0].department, "教育");
  EXPECT_TRUE(ents[0].received);
  EXPECT_EQ(ents[0].received_via, "fact");
  EXPECT_TRUE(services().ChildNeeds(scope, a).empty());
  // The other child's rows are untouched.
  EXPECT_EQ(services().ChildEntitlements(scope, b).size(), 1u);
  EXPECT_EQ(services().ChildNeeds(scope, b).size(), 1u);
}

TEST_F(SqliteServiceStore, CoverageAndNeedCountsMatchTheRowsPut) {
  struct Cell {
    int64_t total = 0, done = 0;
  };
  const std::vector<std::pair<std::string, std::string>> items = {
      {"PDS-01", "卫健"}, {"PDS-02", "教育"}, {"PDS-03", "教育"}, {"PDS-04", "民政"}};
  const std::vector<std::string> need_codes = {"homework", "psych", "company"};
  const std::vector<std::string> villages = {kVillageA, kVillageB, kVillageC};
  std::map<std::pair<std::string, std::string>, Cell> by_township, by_village, needs_by_township;
  std::map<std::string, std::map<int64_t, bool>> department_children;  // dept -> child -> all received
  std::mt19937 rng(7);
  for (int i = 0; i < 60; ++i) {
    const std::string& village = villages[i % villages.size()];
    const int64_t id = AddChild("儿童" + std::to_string(i), village, i);
    std::vector<EntitlementRow> ents;
    for (const auto& [item, department] : items) {
      if (rng() % 3 == 0) continue;
      const bool received = rng() % 2 == 0;
      ents.push_back(Ent(village, item, department, received));
      for (auto* cells : {&by_township, &by_village}) {
        const size_t length = cells == &by_township ? 9 : 12;
        Cell& c = (*cells)[{village.substr(0, length), item}];
        ++c.total;
        c.done += received;
      }
      auto [it, inserted] = department_children[department].emplace(id, received);
      if (!inserted) it->second = it->second && received;
    }
    std::vector<NeedRow> needs;
    for (const std::string& code : need_codes) {
      if (rng() % 2 == 0) continue;
      const bool met = rng() % 2 == 0;
      needs.push_back(Need(village, code, met ? "activity:1" : ""));
      Cell& c = needs_by_township[{village.substr(0, 9), code}];
      ++c.total;
      c.done += met;
    }
    services().PutChildServices(id, ents, needs);
  }
  const auto as_map = [](const std::vector<CountCell>& cells) {
    std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> out;
    for (const CountCell& c : cells) out[{c.region_code, c.key}] = {c.total, c.done};
    return out;
  };
  const auto expected_map = [](const std::map<std::pair<std::string, std::string>, Cell>& cells,
                               const std::string& under) {
    std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> out;
    for (const auto& [key, c] : cells)
      if (key.first.starts_with(under)) out[key] = {c.total, c.done};
    return out;
  };
  const RegionScope county{kCounty};
  ASSERT_EQ(by_township.size(), 8u);  // both townships have every item: the comparison is not vacuous
  ASSERT_EQ(needs_by_township.size(), 6u);
  EXPECT_EQ(as_map(services().EntitlementCoverage(county, "", 9)), expected_map(by_township, kCounty));
  EXPECT_EQ(as_map(services().EntitlementCoverage(county, kTownship, 12)), expected_map(by_village, kTownship));
  EXPECT_EQ(as_map(services().NeedCounts(county, "", 9)), expected_map(needs_by_township, kCounty));
  // A township asking for the county gets its own subtree only; outside the scope, nothing.
  EXPECT_EQ(as_map(services().EntitlementCoverage(RegionScope{kTownship}, kCounty, 9)),
            expected_map(by_township, kTownship));
  EXPECT_TRUE(services().NeedCounts(RegionScope{kTownship}, kVillageC, 12).empty());

  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> departments;
  for (const auto& [department, children] : department_children) {
    auto& cell = departments[{kCounty, department}];
    cell.first = static_cast<int64_t>(children.size());
    cell.second = std::count_if(children.begin(), children.end(), [](const auto& c) { return c.second; });
  }
  EXPECT_EQ(as_map(services().DepartmentCoverage(county, "")), departments);
}

TEST_F(SqliteServiceStore, OpenItemsAndUnmetNeedsFilterAndCount) {
  const int64_t a1 = AddChild("王小明", kVillageA, 1);
  const int64_t a2 = AddChild("王小华", kVillageA, 2);
  const int64_t b1 = AddChild("李小红", kVillageB, 3);
  const int64_t c1 = AddChild("赵小刚", kVillageC, 4);
  services().PutChildServices(
      a1, {Ent(kVillageA, "PDS-01", "卫健", false), Ent(kVillageA, "PDS-02", "教育", false)},
      {Need(kVillageA, "homework", ""), Need(kVillageA, "psych", "pairing:3")});
  services().PutChildServices(a2, {Ent(kVillageA, "PDS-01", "卫健", true), Ent(kVillageA, "PDS-02", "教育", false)},
                              {Need(kVillageA, "homework", "activity:2")});
  services().PutChildServices(b1, {Ent(kVillageB, "PDS-01", "卫健", false)}, {Need(kVillageB, "psych", "")});
  services().PutChildServices(c1, {Ent(kVillageC, "PDS-01", "卫健", false)}, {Need(kVillageC, "homework", "")});

  const RegionScope township{kTownship};
  int64_t total = -1;
  auto open = services().OpenItems(township, "", "", "", 0, 50, &total);
  EXPECT_EQ(total, 4);  // a1 ×2, a2 PDS-02, b1; not c1 (other township), not a2's received item
  ASSERT_EQ(open.size(), 4u);
  // Ordered by region, then child.
  EXPECT_EQ(open[0].row.child_id, a1);
  EXPECT_EQ(open[0].row.item_id, "PDS-01");
  EXPECT_EQ(open[1].row.child_id, a1);
  EXPECT_EQ(open[2].row.child_id, a2);
  EXPECT_EQ(open[3].row.child_id, b1);
  EXPECT_EQ(open[0].child_name, "王小明");
  EXPECT_EQ(open[0].birth_date, birth_dates[a1]);
  EXPECT_EQ(open[3].child_name, "李小红");

  open = services().OpenItems(township, "", "教育", "", 0, 50, &total);
  EXPECT_EQ(total, 2);
  open = services().OpenItems(township, "", "卫健", "PDS-01", 0, 50, &total);
  EXPECT_EQ(total, 2);
  open = services().OpenItems(township, kVillageB, "", "", 0, 50, &total);
  EXPECT_EQ(total, 1);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].row.child_id, b1);
  // A page: the total counts every row.
  open = services().OpenItems(township, "", "", "", 1, 2, &total);
  EXPECT_EQ(total, 4);
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].row.child_id, a1);
  EXPECT_EQ(open[0].row.item_id, "PDS-02");
  EXPECT_EQ(open[1].row.child_id, a2);
  open = services().OpenItems(township, kVillageC, "", "", 0, 50, &total);
  EXPECT_EQ(total, 0);
  EXPECT_TRUE(open.empty());

  auto unmet = services().UnmetNeeds(township, "", "", 0, 50, &total);
  EXPECT_EQ(total, 2);
  ASSERT_EQ(unmet.size(), 2u);
  EXPECT_EQ(unmet[0].row.child_id, a1);
  EXPECT_EQ(unmet[0].row.need_code, "homework");
  EXPECT_EQ(unmet[0].child_name, "王小明");
  EXPECT_EQ(unmet[0].birth_date, birth_dates[a1]);
  EXPECT_EQ(unmet[1].row.child_id, b1);
  unmet = services().UnmetNeeds(township, "", "homework", 0, 50, &total);
  EXPECT_EQ(total, 1);
  ASSERT_EQ(unmet.size(), 1u);
  EXPECT_EQ(unmet[0].row.child_id, a1);
  unmet = services().UnmetNeeds(RegionScope{kCounty}, "", "homework", 0, 50, &total);
  EXPECT_EQ(total, 2);  // with c1
  unmet = services().UnmetNeeds(township, kVillageC, "", 0, 50, &total);
  EXPECT_EQ(total, 0);
}

TEST_F(SqliteServiceStore, DeliveryIsVoidedOnceAndKept) {
  const int64_t a = AddChild("王小明", kVillageA, 1);
  const int64_t older = AddDelivery(a, kVillageA, "2026-01-05");
  const int64_t newer = AddDelivery(a, kVillageA, "2026-03-01");
  const RegionScope scope{kVillageA};
  const auto stored = services().GetDelivery(scope, older);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->content, "体检");
  EXPECT_EQ(stored->recorded_by_name, "录入员");
  EXPECT_FALSE(stored->provider_id);
  EXPECT_FALSE(stored->created_at.empty());
  EXPECT_TRUE(stored->voided_at.empty());

  EXPECT_TRUE(services().VoidDelivery(scope, older, "重复录入"));
  EXPECT_FALSE(services().VoidDelivery(scope, older, "再次作废"));
  const auto voided = services().GetDelivery(scope, older);
  ASSERT_TRUE(voided);
  EXPECT_FALSE(voided->voided_at.empty());
  EXPECT_EQ(voided->void_reason, "重复录入");

  const auto all = services().ChildDeliveries(scope, a);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, newer);  // newest first, voided kept
  EXPECT_EQ(all[1].id, older);
  int64_t total = 0;
  EXPECT_EQ(services().ListDeliveries(scope, "", "卫健", 0, 10, &total).size(), 2u);
  EXPECT_EQ(total, 2);
  EXPECT_TRUE(services().ListDeliveries(scope, "", "教育", 0, 10, &total).empty());
  EXPECT_EQ(total, 0);
}

TEST_F(SqliteServiceStore, SignUpWithdrawAndSignUpAgain) {
  const int64_t a = AddChild("王小明", kVillageA, 1);
  const int64_t provider = AddProvider(kTownship, "镇儿童之家");
  const int64_t activity = AddActivity(provider, kTownship, "周末课堂");
  const RegionScope scope{kTownship};

  EXPECT_TRUE(services().SignUp(activity, a, kVillageA, "社工甲"));
  EXPECT_FALSE(services().SignUp(activity, a, kVillageA, "社工甲"));
  EXPECT_EQ(services().GetActivity(scope, activity)->participants, 1);
  EXPECT_TRUE(services().Withdraw(activity, a));
  EXPECT_FALSE(services().Withdraw(activity, a));
  EXPECT_EQ(services().GetActivity(scope, activity)->participants, 0);
  auto rows = services().Participants(scope, activity);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].withdrawn_at.empty());

  EXPECT_TRUE(services().SignUp(activity, a, kVillageA, "社工乙"));
  rows = services().Participants(scope, activity);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].withdrawn_at.empty());
  EXPECT_EQ(rows[0].signed_up_by_name, "社工乙");
  EXPECT_EQ(services().GetActivity(scope, activity)->participants, 1);
}

TEST_F(SqliteServiceStore, AttendanceNeedsAnActiveSignUpAndANewSession) {
  const int64_t a = AddChild("王小明", kVillageA, 1);
  const int64_t b = AddChild("李小红", kVillageA, 2);
  const int64_t provider = AddProvider(kTownship, "镇儿童之家");
  const int64_t activity = AddActivity(provider, kTownship, "周末课堂");
  const RegionScope scope{kVillageA};

  EXPECT_FALSE(services().RecordAttendance(activity, a, "2026-03-07", "社工"));  // not signed up
  ASSERT_TRUE(services().SignUp(activity, a, kVillageA, "社工"));
  EXPECT_TRUE(services().RecordAttendance(activity, a, "2026-03-14", "社工"));
  EXPECT_TRUE(services().RecordAttendance(activity, a, "2026-03-07", "社工"));
  EXPECT_FALSE(services().RecordAttendance(activity, a, "2026-03-07", "社工"));  // already recorded
  ASSERT_TRUE(services().SignUp(activity, b, kVillageA, "社工"));
  EXPECT_TRUE(services().RecordAttendance(activity, b, "2026-03-07", "社工"));
  ASSERT_TRUE(services().Withdraw(activity, b));
  EXPECT_FALSE(services().RecordAttendance(activity, b, "2026-03-14", "社工"));  // withdrawn

  const auto participants = services().Participants(scope, activity);
  ASSERT_EQ(participants.size(), 2u);
  const Participant& pa = participants[0].child_id == a ? participants[0] : participants[1];
  const Participant& pb = participants[0].child_id == a ? participants[1] : participants[0];
  EXPECT_EQ(pa.attended, (std::vector<std::string>{"2026-03-07", "2026-03-14"}));
  EXPECT_EQ(pb.attended, (std::vector<std::string>{"2026-03-07"}));

  const auto got = services().GetActivity(scope, activity);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->attendances, 3);
  EXPECT_EQ(got->participants, 1);
  EXPECT_EQ(got->provider_name, "镇儿童之家");

  const auto mine = services().ChildActivities(scope, a);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].first.id, activity);
  EXPECT_EQ(mine[0].first.title, "周末课堂");
  EXPECT_EQ(mine[0].second.attended, (std::vector<std::string>{"2026-03-07", "2026-03-14"}));
  const auto withdrawn = services().ChildActivities(scope, b);
  ASSERT_EQ(withdrawn.size(), 1u);
  EXPECT_FALSE(withdrawn[0].second.withdrawn_at.empty());
}

TEST_F(SqliteServiceStore, OpenActivitiesAndStatus) {
  const int64_t provider = AddProvider(kTownship, "镇儿童之家");
  const int64_t current = AddActivity(provider, kTownship, "周末课堂", "2026-06-30");
  const int64_t past = AddActivity(provider, kTownship, "寒假课堂", "2026-02-28");
  const int64_t closed = AddActivity(provider, kTownship, "暑期课堂", "2026-08-31");
  const RegionScope scope{kVillageA};
  ASSERT_TRUE(services().SetActivityStatus(scope, closed, "closed"));
  EXPECT_EQ(services().GetActivity(scope, closed)->status, "closed");
  EXPECT_EQ(Ids(services().ListActivities(scope, "", "", true, "2026-05-01")), std::set<int64_t>{current});
  EXPECT_EQ(Ids(services().ListActivities(scope, "", "", false, "2026-05-01")),
            (std::set<int64_t>{current, past, closed}));
  EXPECT_TRUE(services().ListActivities(scope, "", "psych", false, "2026-05-01").empty());
  EXPECT_EQ(services().ListActivities(scope, "", "homework", false, "2026-05-01").size(), 3u);
}

TEST_F(SqliteServiceStore, PairingEndsOnlyOnce) {
  const int64_t a = AddChild("王小明", kVillageA, 1);
  const int64_t provider = AddProvider(kVillageA, "甲村爱心妈妈");
  const int64_t pairing = AddPairing(provider, a, kVillageA);
  const RegionScope scope{kVillageA};
  auto got = services().GetPairing(scope, pairing);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->provider_name, "甲村爱心妈妈");
  EXPECT_EQ(got->provider_kind, "children_home");
  EXPECT_EQ(got->child_name, "王小明");
  EXPECT_TRUE(got->ended_on.empty());
  EXPECT_EQ(services().GetProvider(scope, provider)->active_pairings, 1);

  EXPECT_FALSE(services().EndPairing(scope, pairing, "", "无日期"));
  EXPECT_TRUE(services().EndPairing(scope, pairing, "2026-04-01", "儿童随父母外出"));
  EXPECT_FALSE(services().EndPairing(scope, pairing, "2026-04-02", "再次结束"));
  got = services().GetPairing(scope, pairing);
  EXPECT_EQ(got->ended_on, "2026-04-01");
  EXPECT_EQ(got->end_reason, "儿童随父母外出");
  EXPECT_EQ(services().GetProvider(scope, provider)->active_pairings, 0);
  EXPECT_TRUE(services().ListPairings(scope, provider, true).empty());
  EXPECT_EQ(services().ListPairings(scope, provider, false).size(), 1u);
  EXPECT_EQ(services().ChildPairings(scope, a).size(), 1u);
}

TEST_F(SqliteServiceStore, ProviderUpdateIsCompareAndSet) {
  const int64_t id = AddProvider(kTownship, "镇儿童之家", {"homework", "psych"});
  const RegionScope scope{kTownship};
  Provider p = *services().GetProvider(scope, id);
  EXPECT_EQ(p.version, 1);
  EXPECT_EQ(p.project, "{}");
  EXPECT_EQ(p.services, (std::vector<std::string>{"homework", "psych"}));

  p.name = "镇儿童之家（新址）";
  p.services = {"homework", "company"};
  p.capacity = 30;
  EXPECT_TRUE(services().UpdateProvider(scope, p, 1));
  EXPECT_FALSE(services().UpdateProvider(scope, p, 1));  // stale version
  EXPECT_FALSE(services().UpdateProvider(RegionScope{kSiblingTownship}, p, 2));  // not in scope
  const Provider stored = *services().GetProvider(scope, id);
  EXPECT_EQ(stored.version, 2);
  EXPECT_EQ(stored.name, "镇儿童之家（新址）");
  EXPECT_EQ(stored.capacity, 30);
  EXPECT_EQ(stored.services, (std::vector<std::string>{"homework", "company"}));

  // The service filter matches whole codes, not parts of them.
  AddProvider(kTownship, "课后托管", {"homework_club"});
  ProviderQuery query;
  query.service = "homework";
  EXPECT_EQ(Ids(services().ListProviders(scope, query)), std::set<int64_t>{id});
  p = stored;
  p.active = false;
  ASSERT_TRUE(services().UpdateProvider(scope, p, 2));
  EXPECT_TRUE(services().ListProviders(scope, query).empty());
  query.active_only = false;
  EXPECT_EQ(services().ListProviders(scope, query).size(), 1u);
}

}  // namespace
}  // namespace tongan::testing
