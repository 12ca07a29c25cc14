// The province filter (the distribution key of a partitioned PostgreSQL deployment) in the care,
// service, statistics, department and round stores. A row whose province_code disagrees with its
// region code shows where it applies: on PostgreSQL a read scoped inside one province no longer
// finds it; on SQLite, which never adds the filter, the region range alone still does.
#include <gtest/gtest.h>

#include "store/care_store.h"
#include "store/department_store.h"
#include "store/round_store.h"
#include "store/service_store.h"
#include "store/stats_store.h"
#include "store/store.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

constexpr const char* kCounty = "410402";
const RegionScope kCityScope{"4104"};

class ProvinceFilter : public ::testing::Test {
 protected:
  ProvinceFilter() : store(OpenStore(database.location())) {
    Child c = MakeChild("王小明", kVillageA, 1);
    store->InsertChild(c, 0, {1, "test"});
    child = c.id;
  }

  // Gives the rows of `table` a province their region code does not lie in.
  void MisplaceProvince(const std::string& table) {
    database.Connect()->Exec("UPDATE " + table + " SET province_code = '00'");
  }

  // How many of `found` rows a city-scoped read returns once the province is misplaced: none on
  // PostgreSQL (the filter applies), all of them on SQLite (no filter).
  size_t Expected(size_t found) const { return database.postgres() ? 0 : found; }

  TempDir dir;
  TestDatabase database{dir.path()};
  std::unique_ptr<Store> store;
  int64_t child = 0;
};

TEST_F(ProvinceFilter, CareReadsSkipRowsOfAnotherProvince) {
  CareStatus status;
  status.child_id = child;
  status.region_code = kVillageA;
  status.colour = "red";
  status.warnings = "[]";
  store->care().PutStatus(status);
  CaseRecord record;
  record.child_id = child;
  record.region_code = kVillageA;
  record.source = "visit";
  record.stage = "reported";
  record.title = "未按时返校";
  store->care().CreateCase(record, CaseEvent{0, "", "", "created", "", "reported", ""}, {1, "test"});
  CaseQuery open_cases;

  int64_t total = -1;
  ASSERT_TRUE(store->care().GetStatus(kCityScope, child));
  ASSERT_EQ(store->care().ListStatus(kCityScope, CareListQuery{}, &total).size(), 1u);
  ASSERT_EQ(store->care().CountByColour(kCityScope).size(), 1u);
  ASSERT_TRUE(store->care().GetCase(kCityScope, record.id));
  ASSERT_EQ(store->care().ListCases(kCityScope, open_cases, &total).size(), 1u);

  MisplaceProvince("care_status");
  MisplaceProvince("cases");
  EXPECT_EQ(store->care().GetStatus(kCityScope, child).has_value(), Expected(1) == 1);
  EXPECT_EQ(store->care().ListStatus(kCityScope, CareListQuery{}, &total).size(), Expected(1));
  EXPECT_EQ(total, static_cast<int64_t>(Expected(1)));
  EXPECT_EQ(store->care().CountByColour(kCityScope).size(), Expected(1));
  EXPECT_EQ(store->care().GetCase(kCityScope, record.id).has_value(), Expected(1) == 1);
  EXPECT_EQ(store->care().ListCases(kCityScope, open_cases, &total).size(), Expected(1));
  EXPECT_EQ(store->care().ChildCases(kCityScope, child).size(), Expected(1));
}

TEST_F(ProvinceFilter, ServiceReadsSkipRowsOfAnotherProvince) {
  EntitlementRow entitlement;
  entitlement.item_id = "PDS-01";
  entitlement.region_code = kVillageA;
  entitlement.department = "卫健";
  store->services().PutChildServices(child, {entitlement}, {});
  Delivery delivery;
  delivery.child_id = child;
  delivery.region_code = kVillageA;
  delivery.item_id = "PDS-01";
  delivery.department = "卫健";
  delivery.delivered_on = "2026-03-01";
  delivery.source = "manual";
  delivery.recorded_by = 1;
  const int64_t delivery_id = store->services().AddDelivery(delivery);
  Provider provider;
  provider.region_code = kCounty;
  provider.kind = "children_home";
  provider.name = "县儿童之家";
  provider.services = {"homework"};
  store->services().CreateProvider(provider);

  int64_t total = -1;
  ASSERT_EQ(store->services().ChildEntitlements(kCityScope, child).size(), 1u);
  ASSERT_EQ(store->services().EntitlementCoverage(kCityScope, "", 6).size(), 1u);
  ASSERT_EQ(store->services().OpenItems(kCityScope, "", "", "", 0, 20, &total).size(), 1u);
  ASSERT_TRUE(store->services().GetDelivery(kCityScope, delivery_id));
  ASSERT_EQ(store->services().ListProviders(kCityScope, ProviderQuery{}).size(), 1u);

  MisplaceProvince("child_entitlements");
  MisplaceProvince("service_deliveries");
  MisplaceProvince("service_providers");
  EXPECT_EQ(store->services().ChildEntitlements(kCityScope, child).size(), Expected(1));
  EXPECT_EQ(store->services().EntitlementCoverage(kCityScope, "", 6).size(), Expected(1));
  EXPECT_EQ(store->services().OpenItems(kCityScope, "", "", "", 0, 20, &total).size(), Expected(1));
  EXPECT_EQ(store->services().GetDelivery(kCityScope, delivery_id).has_value(), Expected(1) == 1);
  EXPECT_EQ(store->services().ListDeliveries(kCityScope, "", "", 0, 20, &total).size(), Expected(1));
  EXPECT_EQ(store->services().ListProviders(kCityScope, ProviderQuery{}).size(), Expected(1));
}

TEST_F(ProvinceFilter, StatsReadsSkipRowsOfAnotherProvince) {
  store->stats().PutChildFigures(child, kVillageA, {{"class:migrant", 1}});
  int64_t total = -1;
  ASSERT_EQ(store->stats().ChildrenWith("4104", "class:migrant", 0, 20, &total).size(), 1u);

  MisplaceProvince("child_figures");
  EXPECT_EQ(store->stats().ChildrenWith("4104", "class:migrant", 0, 20, &total).size(), Expected(1));
  EXPECT_EQ(total, static_cast<int64_t>(Expected(1)));
  // A rebuild reads the children's figures through the same filter.
  store->stats().RebuildTotals("4104");
  EXPECT_EQ(store->stats().Totals("4104").size(), Expected(1));
}

TEST_F(ProvinceFilter, DepartmentReadsSkipRowsOfAnotherProvince) {
  ImportBatch batch;
  batch.region_code = kCounty;
  batch.profile_id = "civil_affairs";
  batch.department = "民政";
  batch.record_kind = "subsistence";
  batch.file_name = "低保.csv";
  batch.file_sha256 = "00";
  batch.file_format = "csv";
  batch.file_encoding = "utf-8";
  batch.header_line = 1;
  std::vector<SourceRecord> rows;
  std::vector<RecordLink> links;
  store->departments().InsertBatch(batch, rows, links, {1, "test"});
  ASSERT_TRUE(store->departments().GetBatch(kCityScope, batch.id));
  ASSERT_EQ(store->departments().ListBatches(kCityScope, 10).size(), 1u);
  ASSERT_EQ(store->departments().ImportedKinds(RegionScope{kVillageA}).size(), 1u);

  MisplaceProvince("import_batches");
  EXPECT_EQ(store->departments().GetBatch(kCityScope, batch.id).has_value(), Expected(1) == 1);
  EXPECT_EQ(store->departments().ListBatches(kCityScope, 10).size(), Expected(1));
  // The county's batch is an enclosing region's: found through the ancestor test, also filtered.
  EXPECT_EQ(store->departments().ImportedKinds(RegionScope{kVillageA}).size(), Expected(1));
}

TEST_F(ProvinceFilter, ReadsThroughTheChildFollowTheChildsProvince) {
  Visit visit;
  visit.child_id = child;
  visit.region_code = kVillageA;
  visit.visit_date = "2026-03-01";
  visit.doc = "{}";
  store->care().AddVisit(visit);
  ASSERT_EQ(store->care().ChildVisits(kCityScope, child).size(), 1u);
  ASSERT_EQ(store->rounds().ChildrenPerVillage(kCityScope).size(), 1u);

  MisplaceProvince("children");
  EXPECT_EQ(store->care().ChildVisits(kCityScope, child).size(), Expected(1));
  EXPECT_EQ(store->rounds().ChildrenPerVillage(kCityScope).size(), Expected(1));
}

TEST_F(ProvinceFilter, AScopeAboveTheProvincesIsNotNarrowed) {
  CareStatus status;
  status.child_id = child;
  status.region_code = kVillageA;
  status.warnings = "[]";
  store->care().PutStatus(status);
  MisplaceProvince("care_status");
  MisplaceProvince("children");
  const RegionScope everything{""};
  EXPECT_TRUE(store->care().GetStatus(everything, child));
  EXPECT_EQ(store->rounds().ChildrenPerVillage(everything).size(), 1u);
}

}  // namespace
}  // namespace tongan::testing
